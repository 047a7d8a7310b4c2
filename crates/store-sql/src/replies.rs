//! Replies: threaded by a sortable path of zero-padded ids
//! ([`hearth_core::topic_rules::ThreadPlace`]), so that one ORDER BY gives
//! depth-first thread order and offsets give stable pages.

use async_trait::async_trait;
use hearth_core::content::Title;
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::TopicState;
use hearth_core::topic_rules::ThreadPlace;
use hearth_store::{
    Conflict, FollowTarget, NewAuditEvent, NewReply, Reply, ReplyEdit, ReplyInTopic, ReplyStore,
    Result, Revision, StoreError, Telling, VisibleRepliesQuery,
};

use crate::args;
use crate::attachments::claim_files;
use crate::audit::audited;
use crate::conn::{Conn, Engine, value, value_opt};
use crate::following::follow_unless_stopped;
use crate::memberships::join_if_new;
use crate::notifying::{ReplyNews, notify_reply};
use crate::rows::{reply, reply_columns, revision, revision_columns};
use crate::search::{self, Doc};
use crate::store::SqlStore;
use crate::topics::{NewRevision, write_mentions, write_revision};
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

async fn load_reply(c: &mut dyn Conn, id: i64, viewer: i64) -> Result<Reply> {
    let sql = format!(
        "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = $2",
        reply_columns()
    );
    c.query_opt(&sql, args![viewer, id])
        .await?
        .ok_or(StoreError::NotFound)?
        .read(reply)
}

/// Writes one reply inside a transaction: the open/locked rule, the
/// parent check, the place in the thread, the counters, the index, the
/// mentions, the files and the first revision.
/// Writes a reply; answers its id.
async fn insert_reply(c: &mut dyn Conn, new: NewReply, telling: Telling) -> Result<ReplyId> {
    // Lock the topic: a reply and a moderator's hide cannot
    // cross, and replies to one topic (retries with the same
    // key among them) are written one at a time.
    let sql = format!(
        "SELECT state, space_id, author_id FROM topics WHERE id = $1{}",
        c.dialect().for_update()
    );
    let mut found = c
        .query_opt(&sql, args![new.topic_id])
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut r = found.cursor();
    let (state, space, topic_author): (String, i64, UserId) = (r.get()?, r.get()?, r.get()?);
    if let Some(key) = &new.idempotency_key {
        let existing: Option<i64> = value_opt(
            c,
            "SELECT id FROM replies WHERE author_id = $1 AND idempotency_key = $2",
            args![new.author, key],
        )
        .await?;
        if let Some(id) = existing {
            return Ok(ReplyId(id));
        }
    }
    let live = [TopicState::Open, TopicState::Locked].map(TopicState::as_str);
    if !live.contains(&state.as_str()) {
        return Err(Conflict::TopicClosed.into());
    }
    let (place, parent_author) = match new.parent {
        Some(parent) => {
            let mut found = c
                .query_opt(
                    "SELECT thread_path, depth, author_id FROM replies
                     WHERE id = $1 AND topic_id = $2",
                    args![parent, new.topic_id],
                )
                .await?
                .ok_or(Conflict::ReplyParent)?;
            let mut r = found.cursor();
            let (path, depth, author): (String, i64, UserId) = (r.get()?, r.get()?, r.get()?);
            (ThreadPlace::under(Some((&path, depth))), Some(author))
        }
        None => (ThreadPlace::under(None), None),
    };
    // The thread path ends with the reply's own id: taken first, so that
    // the row is written once.
    let next = c.dialect().next_id("replies");
    let id: i64 = value(c, &next, &[]).await?;
    c.execute(
        "INSERT INTO replies (id, topic_id, author_id, parent_id, thread_path, depth, body_md,
                              body_html, created_at, updated_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
        args![
            id,
            new.topic_id,
            new.author,
            new.parent,
            &place.path(id),
            place.depth,
            &new.body_md,
            &new.body_html,
            new.created_at,
            new.idempotency_key.as_ref()
        ],
    )
    .await?;
    c.execute(
        "UPDATE topics SET reply_count = reply_count + 1, last_activity_at = $2 WHERE id = $1",
        args![new.topic_id, new.created_at],
    )
    .await?;
    if new.joins_space {
        join_if_new(c, SpaceId(space), new.author, new.created_at).await?;
    }
    search::index(c, Doc::Reply(id), "", &new.body_md).await?;
    write_mentions(c, new.topic_id.0, Some(id), &new.mentions).await?;
    let topic = FollowTarget::Topic(new.topic_id);
    follow_unless_stopped(c, new.author, &topic, new.created_at).await?;
    if telling == Telling::Everyone {
        let news = ReplyNews {
            topic: new.topic_id.0,
            reply: id,
            parent: new.parent.map(|p| p.0).zip(parent_author),
            topic_author,
            mentions: !new.mentions.is_empty(),
            actor: new.author,
            now: new.created_at,
        };
        notify_reply(c, news).await?;
        crate::live::reply_posted(c, new.topic_id.0, id, new.created_at).await?;
    }
    claim_files(c, new.topic_id.0, Some(id), new.author, &new.files).await?;
    write_revision(
        c,
        NewRevision {
            topic: new.topic_id.0,
            reply: Some(id),
            version: 1,
            author: new.author,
            title: None,
            body_md: &new.body_md,
            at: new.created_at,
        },
    )
    .await?;
    Ok(ReplyId(id))
}

#[async_trait]
impl<E: Engine> ReplyStore for SqlStore<E> {
    async fn create_reply(&self, new: NewReply) -> Result<Reply> {
        let reply = self
            .write(move |c| {
                Box::pin(async move {
                    let author = new.author.0;
                    let id = insert_reply(c, new, Telling::Everyone).await?;
                    load_reply(c, id.0, author).await
                })
            })
            .await?;
        self.engine().live_signal().raise();
        Ok(reply)
    }

    async fn create_replies(&self, news: Vec<NewReply>, telling: Telling) -> Result<Vec<ReplyId>> {
        self.write(move |c| {
            Box::pin(async move {
                let mut written = Vec::with_capacity(news.len());
                for new in news {
                    written.push(insert_reply(c, new, telling).await?);
                }
                Ok(written)
            })
        })
        .await
        .inspect(|_| self.engine().live_signal().raise())
    }

    async fn reply(&self, id: ReplyId, viewer: Option<UserId>) -> Result<Option<Reply>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = $2",
                    reply_columns()
                );
                c.query_opt(&sql, args![viewer.map_or(0, |u| u.0), id])
                    .await?
                    .read(reply)
            })
        })
        .await
    }

    async fn replies(
        &self,
        topic: TopicId,
        offset: i64,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
                     WHERE r.topic_id = $2 ORDER BY r.thread_path LIMIT $3 OFFSET $4",
                    reply_columns()
                );
                c.query(
                    &sql,
                    args![viewer.map_or(0, |u| u.0), topic, i64::from(limit), offset],
                )
                .await?
                .read(reply)
            })
        })
        .await
    }

    async fn newest_replies(
        &self,
        topic: TopicId,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
                     WHERE r.topic_id = $2 AND NOT r.deleted
                     ORDER BY r.created_at DESC, r.id DESC LIMIT $3",
                    reply_columns()
                );
                c.query(
                    &sql,
                    args![viewer.map_or(0, |u| u.0), topic, i64::from(limit)],
                )
                .await?
                .read(reply)
            })
        })
        .await
    }

    async fn visible_replies(&self, query: VisibleRepliesQuery) -> Result<Vec<ReplyInTopic>> {
        self.read(move |c| {
            Box::pin(async move {
                let seer = Seer::new(query.viewer, query.now, Reader::VisibleReplies);
                let mut q = Args::new();
                // `$1` is the viewer, for whether they like each reply.
                let sql = format!(
                    "SELECT {}, t.title FROM replies r JOIN users u ON u.id = r.author_id
                     JOIN topics t ON t.id = r.topic_id
                     JOIN spaces s ON s.id = t.space_id {}
                     WHERE r.author_id = {} AND NOT r.deleted AND {}
                     ORDER BY r.created_at DESC, r.id DESC LIMIT {}",
                    reply_columns(),
                    seer.membership(&mut q, "s"),
                    q.arg(query.author),
                    seer.reads_topic(&mut q, Scope::Live),
                    q.arg(i64::from(query.limit)),
                );
                c.query(&sql, q.list()).await?.read(|r| {
                    Ok(ReplyInTopic {
                        reply: reply(r)?,
                        topic_title: Title::from_trusted(r.get()?),
                    })
                })
            })
        })
        .await
    }

    async fn reply_position(&self, id: ReplyId) -> Result<Option<(TopicId, i64)>> {
        self.read(move |c| {
            Box::pin(async move {
                c.query_opt(
                    "SELECT r.topic_id, (SELECT count(*) FROM replies x
                                         WHERE x.topic_id = r.topic_id AND x.thread_path < r.thread_path)
                     FROM replies r WHERE r.id = $1",
                    args![id],
                )
                .await?
                .read(|r| Ok((r.get()?, r.get()?)))
            })
        })
        .await
    }

    async fn edit_reply(&self, id: ReplyId, edit: ReplyEdit) -> Result<Reply> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT topic_id, version FROM replies WHERE id = $1{}",
                    c.dialect().for_update()
                );
                let mut found = c
                    .query_opt(&sql, args![id])
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let mut r = found.cursor();
                let (topic, version): (i64, i64) = (r.get()?, r.get()?);
                c.execute(
                    "UPDATE replies SET body_md = $2, body_html = $3, edited = TRUE, version = $4, updated_at = $5
                     WHERE id = $1",
                    args![id, &edit.body_md, &edit.body_html, version + 1, edit.now],
                )
                .await?;
                search::index(c, Doc::Reply(id.0), "", &edit.body_md).await?;
                write_mentions(c, topic, Some(id.0), &edit.mentions).await?;
                claim_files(c, topic, Some(id.0), edit.editor, &edit.files).await?;
                write_revision(
                    c,
                    NewRevision {
                        topic,
                        reply: Some(id.0),
                        version: version + 1,
                        author: edit.editor,
                        title: None,
                        body_md: &edit.body_md,
                        at: edit.now,
                    },
                )
                .await?;
                load_reply(c, id.0, edit.editor.0).await
            })
        })
        .await
    }

    async fn set_reply_deleted(
        &self,
        id: ReplyId,
        deleted: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = "UPDATE replies SET deleted = $2 WHERE id = $1";
                audited(c, sql, args![id, deleted], &audit).await
            })
        })
        .await
    }

    async fn reply_revisions(&self, id: ReplyId) -> Result<Vec<Revision>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM revisions v JOIN users u ON u.id = v.author_id
                     WHERE v.topic_id = (SELECT topic_id FROM replies WHERE id = $1) AND v.reply_id = $1
                     ORDER BY v.version DESC",
                    revision_columns()
                );
                c.query(&sql, args![id]).await?.read(revision)
            })
        })
        .await
    }
}
