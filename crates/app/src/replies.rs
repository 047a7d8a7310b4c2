//! Replies: writing, editing, deleting, and finding a reply's page.

use hearth_core::content::check_body_size;
use hearth_core::ids::{ReplyId, TopicId};
use hearth_core::model::AuditAction;
use hearth_core::model::TopicState;
use hearth_core::permissions::Viewer;
use hearth_core::topic_rules::TopicAction;
use hearth_store::{Conflict, NewReply, Reply, ReplyEdit, Revision, StoreError};

use crate::auth::Authenticated;
use crate::topics::{REPLIES_PER_PAGE, VisibleTopic, find_topic};
use crate::{AppError, Contributed, Ctx, Result};

/// Replies to a topic, or to one of its replies; replying in an open space
/// makes the author a member of it. A repeat with the same idempotency key
/// returns the first reply instead of writing another.
pub async fn create(
    ctx: &Ctx,
    who: &Authenticated,
    topic: TopicId,
    parent: Option<ReplyId>,
    body: &str,
    key: Option<&str>,
) -> Result<Contributed<Reply>> {
    let idempotency_key = crate::idempotency::optional_key(key)?;
    let found = find_topic(ctx, who.viewer(), topic, TopicAction::Reply).await?;
    let joins_space = found.can.joins_by_replying;
    check_body_size("body", body, false)?;
    let rendered = crate::markup::render(ctx, body).await?;
    let created = ctx
        .store
        .create_reply(NewReply {
            topic_id: topic,
            author: who.user.id,
            parent,
            body_md: body.to_owned(),
            body_html: rendered.html,
            mentions: rendered.mentions,
            files: rendered.files,
            idempotency_key,
            joins_space,
            created_at: ctx.now(),
        })
        .await;
    match created {
        Ok(reply) => Ok(Contributed {
            item: reply,
            joined_space: joins_space,
        }),
        Err(StoreError::Conflict(Conflict::ReplyParent)) => {
            Err(AppError::invalid("parent", "is not a reply of this topic"))
        }
        Err(StoreError::Conflict(Conflict::TopicClosed)) => Err(AppError::Conflict(
            "this topic no longer takes replies".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A reply and its topic, if the viewer may read them.
pub async fn find_reply(ctx: &Ctx, viewer: Viewer, id: ReplyId) -> Result<(Reply, VisibleTopic)> {
    let reply = ctx
        .store
        .reply(id, viewer.user_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let topic = find_topic(ctx, viewer, reply.topic_id, TopicAction::Read).await?;
    Ok((reply, topic))
}

/// Its author edits a reply; the previous text is kept.
pub async fn edit(ctx: &Ctx, who: &Authenticated, id: ReplyId, body: &str) -> Result<Reply> {
    let (reply, topic) = find_reply(ctx, who.viewer(), id).await?;
    if reply.author.id != who.user.id {
        return Err(AppError::Forbidden(
            "only its author may edit a reply".into(),
        ));
    }
    let live = matches!(
        topic.view.topic.state,
        TopicState::Open | TopicState::Locked
    );
    if reply.deleted || !live {
        return Err(AppError::Conflict(
            "this reply can no longer be edited".into(),
        ));
    }
    check_body_size("body", body, false)?;
    let rendered = crate::markup::render(ctx, body).await?;
    Ok(ctx
        .store
        .edit_reply(
            id,
            ReplyEdit {
                body_md: body.to_owned(),
                body_html: rendered.html,
                mentions: rendered.mentions,
                files: rendered.files,
                editor: who.user.id,
                now: ctx.now(),
            },
        )
        .await?)
}

/// Its author or a moderator deletes a reply; a placeholder keeps its place.
/// Deleting a deleted reply changes nothing.
pub async fn delete(ctx: &Ctx, who: &Authenticated, id: ReplyId) -> Result<()> {
    let (reply, topic) = find_reply(ctx, who.viewer(), id).await?;
    let own = reply.author.id == who.user.id;
    if !own && !topic.can.moderate {
        return Err(AppError::Forbidden(
            "only its author or moderators may delete a reply".into(),
        ));
    }
    if reply.deleted {
        return Ok(());
    }
    // An author deleting their own reply is no moderation; anyone else's is.
    let audit = (!own)
        .then(|| {
            reply_event(
                ctx,
                who,
                &topic,
                id,
                AuditAction::ReplyDelete,
                "shown",
                "deleted",
            )
        })
        .flatten();
    ctx.store.set_reply_deleted(id, true, audit).await?;
    tracing::info!(by = %who.user.username, reply = %id, "reply deleted");
    Ok(())
}

fn reply_event(
    ctx: &Ctx,
    who: &Authenticated,
    topic: &VisibleTopic,
    id: ReplyId,
    action: AuditAction,
    before: &str,
    after: &str,
) -> Option<hearth_store::NewAuditEvent> {
    crate::audit::event(
        ctx,
        who,
        action,
        format!("reply:{id}"),
        Some(topic.view.topic.space_id),
        Some(before.to_owned()),
        Some(after.to_owned()),
    )
}

/// A moderator restores a deleted reply; returns it as restored. Restoring a
/// reply that is shown changes nothing.
pub async fn restore(ctx: &Ctx, who: &Authenticated, id: ReplyId) -> Result<Reply> {
    let (reply, topic) = find_reply(ctx, who.viewer(), id).await?;
    if !topic.can.moderate {
        return Err(AppError::Forbidden(
            "only moderators may restore a reply".into(),
        ));
    }
    if !reply.deleted {
        return Ok(reply);
    }
    let audit = reply_event(
        ctx,
        who,
        &topic,
        id,
        AuditAction::ReplyRestore,
        "deleted",
        "shown",
    );
    ctx.store.set_reply_deleted(id, false, audit).await?;
    tracing::info!(by = %who.user.username, reply = %id, "reply restored");
    ctx.store
        .reply(id, Some(who.user.id))
        .await?
        .ok_or(AppError::NotFound)
}

/// Where a reply is: its topic and the page that holds it.
pub async fn locate(ctx: &Ctx, viewer: Viewer, id: ReplyId) -> Result<(VisibleTopic, u32)> {
    let (topic_id, index) = ctx
        .store
        .reply_position(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let topic = find_topic(ctx, viewer, topic_id, TopicAction::Read).await?;
    let page = (index.max(0) as u32) / REPLIES_PER_PAGE + 1;
    Ok((topic, page))
}

/// A reply's edit history, for its author and moderators.
pub async fn revisions(ctx: &Ctx, viewer: Viewer, id: ReplyId) -> Result<(Reply, Vec<Revision>)> {
    let (reply, topic) = find_reply(ctx, viewer, id).await?;
    if viewer.user_id() != Some(reply.author.id) && !topic.can.moderate {
        return Err(AppError::Forbidden(
            "only the author and moderators see this history".into(),
        ));
    }
    let revisions = ctx.store.reply_revisions(id).await?;
    Ok((reply, revisions))
}
