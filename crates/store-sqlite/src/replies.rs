//! Replies: threaded by a sortable path of zero-padded ids, so that one
//! ORDER BY gives depth-first thread order and offsets give stable pages.

use async_trait::async_trait;
use hearth_core::content::Title;
use hearth_core::ids::{ReplyId, TopicId, UserId};
use hearth_core::topic_rules::ThreadPlace;
use hearth_store::{
    NewAuditEvent, NewReply, Reply, ReplyEdit, ReplyInTopic, ReplyStore, Result, Revision,
    StoreError, VisibleRepliesQuery,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::attachments::claim_files;
use crate::audit::write_audit;
use crate::content_rows::{self, REPLY_WIDTH, reply_columns};
use crate::error::SqlResult;
use crate::topics::{write_mentions, write_revision};

fn load_reply(c: &Connection, id: i64, viewer: i64) -> SqlResult<Option<Reply>> {
    let sql = format!(
        "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = ?2",
        reply_columns()
    );
    Ok(c.prepare_cached(&sql)?
        .query_row(params![viewer, id], content_rows::reply)
        .optional()?)
}

#[async_trait]
impl ReplyStore for SqliteStore {
    async fn create_reply(&self, new: NewReply) -> Result<Reply> {
        self.db
            .write(move |c| {
                if let Some(key) = &new.idempotency_key {
                    let existing: Option<i64> = c
                        .query_row(
                            "SELECT id FROM replies WHERE author_id = ?1 AND idempotency_key = ?2",
                            params![new.author.0, key],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if let Some(id) = existing {
                        return load_reply(c, id, new.author.0)?.ok_or_else(|| StoreError::NotFound.into());
                    }
                }
                let state: Option<String> = c
                    .query_row("SELECT state FROM topics WHERE id = ?1", [new.topic_id.0], |r| r.get(0))
                    .optional()?;
                match state.as_deref() {
                    None => return Err(StoreError::NotFound.into()),
                    Some("open" | "locked") => {}
                    Some(_) => return Err(StoreError::conflict("topic_closed").into()),
                }
                let place = match new.parent {
                    Some(parent) => {
                        let found: Option<(String, i64)> = c
                            .query_row(
                                "SELECT thread_path, depth FROM replies WHERE id = ?1 AND topic_id = ?2",
                                (parent.0, new.topic_id.0),
                                |r| Ok((r.get(0)?, r.get(1)?)),
                            )
                            .optional()?;
                        let (path, depth) = found.ok_or_else(|| StoreError::conflict("reply_parent"))?;
                        ThreadPlace::under(Some((&path, depth)))
                    }
                    None => ThreadPlace::under(None),
                };
                let depth = place.depth;
                let id: i64 = c.query_row(
                    "INSERT INTO replies (topic_id, author_id, parent_id, thread_path, depth, body_md, body_html,
                                          created_at, updated_at, idempotency_key)
                     VALUES (?1, ?2, ?3, '', ?4, ?5, ?6, ?7, ?7, ?8) RETURNING id",
                    params![
                        new.topic_id.0,
                        new.author.0,
                        new.parent.map(|p| p.0),
                        depth,
                        new.body_md,
                        new.body_html,
                        new.created_at,
                        new.idempotency_key
                    ],
                    |r| r.get(0),
                )?;
                let path = place.path(id);
                c.execute("UPDATE replies SET thread_path = ?2 WHERE id = ?1", params![id, path])?;
                c.execute(
                    "UPDATE topics SET reply_count = reply_count + 1, last_activity_at = ?2 WHERE id = ?1",
                    params![new.topic_id.0, new.created_at],
                )?;
                write_mentions(c, new.topic_id.0, Some(id), &new.mentions)?;
                claim_files(c, new.topic_id.0, Some(id), new.author, &new.files)?;
                write_revision(c, new.topic_id.0, Some(id), 1, new.author.0, None, &new.body_md, new.created_at)?;
                load_reply(c, id, new.author.0)?.ok_or_else(|| StoreError::NotFound.into())
            })
            .await
    }

    async fn reply(&self, id: ReplyId, viewer: Option<UserId>) -> Result<Option<Reply>> {
        let viewer = viewer.map_or(0, |u| u.0);
        self.db.read(move |c| load_reply(c, id.0, viewer)).await
    }

    async fn replies(
        &self,
        topic: TopicId,
        offset: i64,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>> {
        let viewer = viewer.map_or(0, |u| u.0);
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
                     WHERE r.topic_id = ?2 ORDER BY r.thread_path LIMIT ?3 OFFSET ?4",
                    reply_columns()
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let replies = stmt
                    .query_map(params![viewer, topic.0, limit, offset], content_rows::reply)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(replies)
            })
            .await
    }

    async fn newest_replies(
        &self,
        topic: TopicId,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>> {
        let viewer = viewer.map_or(0, |u| u.0);
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
                     WHERE r.topic_id = ?2 AND NOT r.deleted
                     ORDER BY r.created_at DESC, r.id DESC LIMIT ?3",
                    reply_columns()
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let replies = stmt
                    .query_map(params![viewer, topic.0, limit], content_rows::reply)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(replies)
            })
            .await
    }

    async fn visible_replies(&self, q: VisibleRepliesQuery) -> Result<Vec<ReplyInTopic>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {}, t.title FROM replies r JOIN users u ON u.id = r.author_id
                     JOIN topics t ON t.id = r.topic_id
                     JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = ?1
                     WHERE r.author_id = ?2 AND NOT r.deleted
                       AND (?3 OR m.user_id IS NOT NULL OR s.visibility = 'public')
                       AND t.state IN ('open', 'locked') AND t.draft = 0
                       AND (t.publish_at IS NULL OR t.publish_at <= ?4)
                     ORDER BY r.created_at DESC, r.id DESC LIMIT ?5",
                    reply_columns()
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let replies = stmt
                    .query_map(
                        params![
                            q.viewer.user_id().map_or(0, |u| u.0),
                            q.author.0,
                            q.viewer.is_admin(),
                            q.now,
                            q.limit
                        ],
                        |r| {
                            Ok(ReplyInTopic {
                                reply: content_rows::reply(r)?,
                                topic_title: Title::from_trusted(r.get(REPLY_WIDTH)?),
                            })
                        },
                    )?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(replies)
            })
            .await
    }

    async fn reply_position(&self, id: ReplyId) -> Result<Option<(TopicId, i64)>> {
        self.db
            .read(move |c| {
                let found = c
                    .query_row(
                        "SELECT r.topic_id, (SELECT count(*) FROM replies x
                                             WHERE x.topic_id = r.topic_id AND x.thread_path < r.thread_path)
                         FROM replies r WHERE r.id = ?1",
                        [id.0],
                        |r| Ok((TopicId(r.get(0)?), r.get(1)?)),
                    )
                    .optional()?;
                Ok(found)
            })
            .await
    }

    async fn edit_reply(&self, id: ReplyId, edit: ReplyEdit) -> Result<Reply> {
        self.db
            .write(move |c| {
                let ReplyEdit {
                    body_md,
                    body_html,
                    mentions,
                    files,
                    editor,
                    now,
                } = edit;
                let found: Option<(i64, i64)> = c
                    .query_row("SELECT topic_id, version FROM replies WHERE id = ?1", [id.0], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?;
                let (topic, version) = found.ok_or(StoreError::NotFound)?;
                c.execute(
                    "UPDATE replies SET body_md = ?2, body_html = ?3, edited = 1, version = ?4, updated_at = ?5
                     WHERE id = ?1",
                    params![id.0, body_md, body_html, version + 1, now],
                )?;
                write_mentions(c, topic, Some(id.0), &mentions)?;
                claim_files(c, topic, Some(id.0), editor, &files)?;
                write_revision(c, topic, Some(id.0), version + 1, editor.0, None, &body_md, now)?;
                load_reply(c, id.0, editor.0)?.ok_or_else(|| StoreError::NotFound.into())
            })
            .await
    }

    async fn set_reply_deleted(
        &self,
        id: ReplyId,
        deleted: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE replies SET deleted = ?2 WHERE id = ?1",
                    params![id.0, deleted],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn reply_revisions(&self, id: ReplyId) -> Result<Vec<Revision>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {} FROM revisions v JOIN users u ON u.id = v.author_id
                     WHERE v.topic_id = (SELECT topic_id FROM replies WHERE id = ?1) AND v.reply_id = ?1
                     ORDER BY v.version DESC",
                    content_rows::revision_columns()
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let revisions = stmt
                    .query_map([id.0], content_rows::revision)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(revisions)
            })
            .await
    }
}
