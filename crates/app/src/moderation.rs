//! Moderation of topics: deleting, hiding, locking, pinning, moving, and
//! accepting an answer. Every action by someone other than the author is
//! written to the audit log in the same transaction.

use hearth_core::ids::{ReplyId, TopicId};
use hearth_core::model::AuditAction;
use hearth_core::model::TopicState;
use hearth_core::permissions::SpaceAction;
use hearth_core::topic_rules::TopicAction;
use hearth_store::{Conflict, Page, StoreError, TopicModeration};

use crate::access::find;
use crate::auth::Authenticated;
use crate::topics::{VisibleTopic, find_topic};
use crate::{AppError, Ctx, Result};

/// Deletes a topic (moderators can restore it).
pub async fn delete(ctx: &Ctx, who: &Authenticated, id: TopicId) -> Result<()> {
    let found = find_topic(ctx, who.viewer(), id, TopicAction::Delete).await?;
    let topic = &found.view.topic;
    // An author deleting their own topic is no moderation; anyone else's is.
    let audit = (topic.author.id != who.user.id)
        .then(|| {
            moderation_event(
                ctx,
                who,
                &found,
                AuditAction::TopicDelete,
                Some(topic.state.to_string()),
                Some("deleted".into()),
            )
        })
        .flatten();
    ctx.store
        .set_topic_state(id, TopicState::Deleted, audit)
        .await?;
    tracing::info!(by = %who.user.username, topic = %id, "topic deleted");
    Ok(())
}

/// A moderator's action on a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    /// Only the author and moderators see it.
    Hide,
    /// Back to open (from hidden, locked or deleted).
    Restore,
    /// Only moderators reply.
    Lock,
    /// Shown first in its space.
    Pin,
    /// No longer shown first.
    Unpin,
}

impl Moderation {
    /// Parses a form's or the API's action name.
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "hide" => Moderation::Hide,
            "restore" | "unlock" | "unhide" => Moderation::Restore,
            "lock" => Moderation::Lock,
            "pin" => Moderation::Pin,
            "unpin" => Moderation::Unpin,
            _ => {
                return Err(AppError::invalid(
                    "action",
                    "must be hide, restore, lock, unlock, pin or unpin",
                ));
            }
        })
    }
}

/// A moderator hides, restores, locks, pins or unpins a topic, with an
/// optional reason that its author is shown and the audit log keeps.
/// Reopening clears the reason; an action without one keeps the last.
pub async fn moderate(
    ctx: &Ctx,
    who: &Authenticated,
    id: TopicId,
    action: Moderation,
    reason: &str,
) -> Result<()> {
    let reason = hearth_core::names::moderation_reason(reason)?;
    let found = find_topic(ctx, who.viewer(), id, TopicAction::Moderate).await?;
    let state = found.view.topic.state.to_string();
    let pinned = found.view.topic.pinned.to_string();
    let (audit_action, before, after, change) = match action {
        Moderation::Hide => (
            AuditAction::TopicHide,
            state,
            "hidden",
            TopicModeration {
                state: Some(TopicState::Hidden),
                ..TopicModeration::default()
            },
        ),
        Moderation::Restore => (
            AuditAction::TopicRestore,
            state,
            "open",
            TopicModeration {
                state: Some(TopicState::Open),
                note: Some(None),
                ..TopicModeration::default()
            },
        ),
        Moderation::Lock => (
            AuditAction::TopicLock,
            state,
            "locked",
            TopicModeration {
                state: Some(TopicState::Locked),
                ..TopicModeration::default()
            },
        ),
        Moderation::Pin => (
            AuditAction::TopicPin,
            pinned,
            "true",
            TopicModeration {
                pinned: Some(true),
                ..TopicModeration::default()
            },
        ),
        Moderation::Unpin => (
            AuditAction::TopicUnpin,
            pinned,
            "false",
            TopicModeration {
                pinned: Some(false),
                ..TopicModeration::default()
            },
        ),
    };
    let change = match &reason {
        Some(r) => TopicModeration {
            note: Some(Some(r.clone())),
            ..change
        },
        None => change,
    };
    // The audit log keeps the reason beside the new value.
    let after = match &reason {
        Some(r) => format!("{after} (reason: {r})"),
        None => after.to_owned(),
    };
    let audit = moderation_event(ctx, who, &found, audit_action, Some(before), Some(after));
    ctx.store.moderate_topic(id, change, audit).await?;
    tracing::info!(by = %who.user.username, topic = %id, action = ?action, "topic moderated");
    Ok(())
}

fn moderation_event(
    ctx: &Ctx,
    who: &Authenticated,
    found: &VisibleTopic,
    action: AuditAction,
    before: Option<String>,
    after: Option<String>,
) -> Option<hearth_store::NewAuditEvent> {
    crate::audit::event(
        ctx,
        who,
        action,
        format!("topic:{}", found.view.topic.id),
        Some(found.view.topic.space_id),
        before,
        after,
    )
}

/// The moderator's note on a topic, for its author and moderators only.
pub fn note_for(viewer: hearth_core::permissions::Viewer, topic: &VisibleTopic) -> Option<String> {
    let author = viewer.user_id() == Some(topic.view.topic.author.id);
    (author || topic.can.moderate)
        .then(|| topic.view.topic.moderation_note.clone())
        .flatten()
}

/// The most spaces a moderator is offered to move a topic into.
pub const MOVE_TARGETS: u32 = 1_000;

/// A topic a moderator is about to move, and the spaces they may move it
/// into: the community spaces they belong to (and so may write in), by
/// name, the topic's own left out.
pub async fn move_targets(
    ctx: &Ctx,
    who: &Authenticated,
    id: TopicId,
) -> Result<(VisibleTopic, Vec<hearth_store::SpaceView>)> {
    let topic = find_topic(ctx, who.viewer(), id, TopicAction::Moderate).await?;
    let mut spaces = ctx
        .store
        .spaces_of_member(who.user.id, who.viewer(), Page::first(MOVE_TARGETS))
        .await?;
    spaces.retain(|s| s.space.id != topic.view.topic.space_id);
    spaces.sort_by_cached_key(|s| s.space.name.as_str().to_lowercase());
    Ok((topic, spaces))
}

/// A moderator moves a topic to another space they may write in.
pub async fn move_to(ctx: &Ctx, who: &Authenticated, id: TopicId, to_slug: &str) -> Result<()> {
    let found = find_topic(ctx, who.viewer(), id, TopicAction::Moderate).await?;
    let to = find(ctx, who.viewer(), to_slug, SpaceAction::Write).await?;
    if to.view.space.id == found.view.topic.space_id {
        return Ok(());
    }
    let audit = moderation_event(
        ctx,
        who,
        &found,
        AuditAction::TopicMove,
        Some(found.view.space.space.slug.clone()),
        Some(to.view.space.slug.clone()),
    );
    ctx.store.move_topic(id, to.view.space.id, audit).await?;
    tracing::info!(by = %who.user.username, topic = %id, to = %to_slug, "topic moved");
    Ok(())
}

/// The asker or a moderator accepts a reply as the answer (or clears it); a
/// moderator's choice on someone else's question is audited.
pub async fn accept(
    ctx: &Ctx,
    who: &Authenticated,
    id: TopicId,
    reply: Option<ReplyId>,
) -> Result<()> {
    let found = find_topic(ctx, who.viewer(), id, TopicAction::Accept).await?;
    let topic = &found.view.topic;
    if topic.accepted_reply == reply {
        return Ok(());
    }
    let name = |r: Option<ReplyId>| r.map_or_else(|| "none".to_owned(), |r| format!("reply:{r}"));
    let audit = (topic.author.id != who.user.id)
        .then(|| {
            moderation_event(
                ctx,
                who,
                &found,
                AuditAction::TopicAccept,
                Some(name(topic.accepted_reply)),
                Some(name(reply)),
            )
        })
        .flatten();
    let accepted = ctx
        .store
        .set_accepted(id, reply, who.user.id, ctx.now(), audit)
        .await;
    match accepted {
        Err(StoreError::Conflict(Conflict::ReplyOfAnotherTopic)) => Err(AppError::invalid(
            "reply",
            "is not a reply of this question",
        )),
        other => Ok(other?),
    }
}
