//! Topics, their tags, mentions, revisions and moderation.

use async_trait::async_trait;
use hearth_core::content::Tag;
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::TopicState;
use hearth_store::{
    NewAuditEvent, NewTopic, Result, Revision, SpaceTopicsQuery, StoreError, Topic, TopicEdit,
    TopicStore, TopicView, VisibleTopicsQuery,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::attachments::claim_files;
use crate::audit::write_audit;
use crate::content_rows::{self, TOPIC_WIDTH, topic_columns};
use crate::error::SqlResult;
use crate::rows::{self, SPACE_COLUMNS};

pub(crate) fn load_topic(c: &Connection, id: i64) -> SqlResult<Topic> {
    let sql = format!(
        "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id = ?1",
        topic_columns()
    );
    let topic = c
        .prepare_cached(&sql)?
        .query_row([id], content_rows::topic)
        .optional()?;
    topic.ok_or_else(|| StoreError::NotFound.into())
}

fn write_tags(c: &Connection, topic: i64, tags: &[Tag]) -> SqlResult<()> {
    c.execute("DELETE FROM topic_tags WHERE topic_id = ?1", [topic])?;
    let mut stmt = c.prepare_cached("INSERT INTO topic_tags (topic_id, tag) VALUES (?1, ?2)")?;
    for tag in tags {
        stmt.execute(params![topic, tag.as_str()])?;
    }
    Ok(())
}

/// Records who is mentioned; names that match no account are ignored.
pub(crate) fn write_mentions(
    c: &Connection,
    topic: i64,
    reply: Option<i64>,
    names: &[String],
) -> SqlResult<()> {
    c.execute(
        "DELETE FROM mentions WHERE topic_id = ?1 AND reply_id IS ?2",
        params![topic, reply],
    )?;
    let mut stmt = c.prepare_cached(
        "INSERT INTO mentions (topic_id, reply_id, user_id)
         SELECT ?1, ?2, id FROM users WHERE username = ?3",
    )?;
    for name in names {
        stmt.execute(params![topic, reply, name])?;
    }
    Ok(())
}

#[expect(clippy::too_many_arguments, reason = "one column each")]
pub(crate) fn write_revision(
    c: &Connection,
    topic: i64,
    reply: Option<i64>,
    version: i64,
    author: i64,
    title: Option<&str>,
    body_md: &str,
    now: i64,
) -> SqlResult<()> {
    c.prepare_cached(
        "INSERT INTO revisions (topic_id, reply_id, version, author_id, title, body_md, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![topic, reply, version, author, title, body_md, now])?;
    Ok(())
}

/// Binds an optional cursor as three nullable values.
fn cursor(after: Option<hearth_store::TopicCursor>) -> (Option<bool>, Option<i64>, Option<i64>) {
    match after {
        Some(c) => (Some(c.pinned), Some(c.last_activity_at), Some(c.id.0)),
        None => (None, None, None),
    }
}

#[async_trait]
impl TopicStore for SqliteStore {
    async fn create_topic(&self, new: NewTopic) -> Result<Topic> {
        self.db
            .write(move |c| {
                if let Some(key) = &new.idempotency_key {
                    let existing: Option<i64> = c
                        .query_row(
                            "SELECT id FROM topics WHERE author_id = ?1 AND idempotency_key = ?2",
                            params![new.author.0, key],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if let Some(id) = existing {
                        return load_topic(c, id);
                    }
                }
                let id: i64 = c.query_row(
                    "INSERT INTO topics (space_id, author_id, kind, title, body_md, body_html, draft,
                                         publish_at, created_at, updated_at, last_activity_at, idempotency_key)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?9, ?10) RETURNING id",
                    params![
                        new.space_id.0,
                        new.author.0,
                        new.kind.as_str(),
                        new.title.as_str(),
                        new.body_md,
                        new.body_html,
                        new.draft,
                        new.publish_at,
                        new.created_at,
                        new.idempotency_key
                    ],
                    |r| r.get(0),
                )?;
                write_tags(c, id, &new.tags)?;
                write_mentions(c, id, None, &new.mentions)?;
                claim_files(c, id, None, new.author, &new.files)?;
                write_revision(c, id, None, 1, new.author.0, Some(new.title.as_str()), &new.body_md, new.created_at)?;
                load_topic(c, id)
            })
            .await
    }

    async fn topic(&self, id: TopicId, viewer: Option<UserId>) -> Result<Option<TopicView>> {
        let viewer = viewer.map_or(0, |u| u.0);
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {}, {SPACE_COLUMNS}, m.role,
                            s.member_count,
                            EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'topic'
                                    AND x.target_id = t.id AND x.user_id = ?1)
                     FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = ?1
                     WHERE t.id = ?2",
                    topic_columns()
                );
                let view = c
                    .prepare_cached(&sql)?
                    .query_row(params![viewer, id.0], |r| {
                        Ok(TopicView {
                            topic: content_rows::topic(r)?,
                            space: rows::space_view_at(r, TOPIC_WIDTH)?,
                            liked: r.get(TOPIC_WIDTH + 10)?,
                        })
                    })
                    .optional()?;
                Ok(view)
            })
            .await
    }

    async fn space_topics(&self, q: SpaceTopicsQuery) -> Result<Vec<Topic>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
                     WHERE t.space_id = ?1
                       AND (t.state IN ('open', 'locked') OR (t.state = 'hidden' AND (?3 OR t.author_id = ?2)))
                       AND ((t.draft = 0 AND (t.publish_at IS NULL OR t.publish_at <= ?4)) OR t.author_id = ?2)
                       AND (?5 IS NULL OR t.kind = ?5)
                       AND (?6 IS NULL OR EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = ?6))
                       AND (?7 = 0 OR (t.kind = 'question' AND t.accepted_reply_id IS NULL))
                       AND (?8 IS NULL OR (t.pinned, t.last_activity_at, t.id) < (?8, ?9, ?10))
                     ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT ?11",
                    topic_columns()
                );
                let (pinned, activity, after_id) = cursor(q.after);
                let mut stmt = c.prepare_cached(&sql)?;
                let topics = stmt
                    .query_map(
                        params![
                            q.space.0,
                            q.viewer.map_or(0, |u| u.0),
                            q.moderator,
                            q.now,
                            q.filter.kind.map(|k| k.as_str()),
                            q.filter.tag.as_ref().map(|t| t.as_str()),
                            q.filter.unanswered,
                            pinned,
                            activity,
                            after_id,
                            q.limit
                        ],
                        content_rows::topic,
                    )?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(topics)
            })
            .await
    }

    async fn visible_topics(&self, q: VisibleTopicsQuery) -> Result<Vec<Topic>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = ?1
                     WHERE (?2 OR m.user_id IS NOT NULL OR s.visibility = 'public')
                       AND t.state IN ('open', 'locked') AND t.draft = 0
                       AND (t.publish_at IS NULL OR t.publish_at <= ?3)
                       AND (?4 IS NULL OR EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = ?4))
                       AND (?5 IS NULL OR t.author_id = ?5)
                       AND (?6 IS NULL OR (t.last_activity_at, t.id) < (?6, ?7))
                     ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?8",
                    topic_columns()
                );
                let (_, activity, after_id) = cursor(q.after);
                let mut stmt = c.prepare_cached(&sql)?;
                let topics = stmt
                    .query_map(
                        params![
                            q.viewer.user_id().map_or(0, |u| u.0),
                            q.viewer.is_admin(),
                            q.now,
                            q.tag.as_ref().map(|t| t.as_str()),
                            q.author.map(|a| a.0),
                            activity,
                            after_id,
                            q.limit
                        ],
                        content_rows::topic,
                    )?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(topics)
            })
            .await
    }

    async fn edit_topic(
        &self,
        id: TopicId,
        edit: TopicEdit,
        audit: Option<NewAuditEvent>,
    ) -> Result<Topic> {
        self.db
            .write(move |c| {
                let current = load_topic(c, id.0)?;
                if edit.base_version.is_some_and(|v| v != current.version) {
                    return Err(StoreError::conflict("topic_version").into());
                }
                let version = current.version + 1;
                let title = edit.title.as_ref().map_or(current.title.as_str(), |t| t.as_str()).to_owned();
                let (body_md, body_html) = edit.body.clone().unwrap_or((current.body_md, current.body_html));
                let publishing = current.draft && edit.draft == Some(false);
                c.execute(
                    "UPDATE topics SET title = ?2, body_md = ?3, body_html = ?4, draft = ?5, version = ?6,
                         updated_at = ?7, last_activity_at = CASE WHEN ?8 THEN ?7 ELSE last_activity_at END,
                         publish_at = ?9
                     WHERE id = ?1",
                    params![
                        id.0,
                        title,
                        body_md,
                        body_html,
                        edit.draft.unwrap_or(current.draft),
                        version,
                        edit.now,
                        publishing,
                        edit.publish_at.unwrap_or(current.publish_at)
                    ],
                )?;
                if let Some(tags) = &edit.tags {
                    write_tags(c, id.0, tags)?;
                }
                if edit.body.is_some() {
                    write_mentions(c, id.0, None, &edit.mentions)?;
                    claim_files(c, id.0, None, edit.editor, &edit.files)?;
                }
                write_revision(c, id.0, None, version, edit.editor.0, Some(&title), &body_md, edit.now)?;
                write_audit(c, &audit)?;
                load_topic(c, id.0)
            })
            .await
    }

    async fn topic_revisions(&self, id: TopicId) -> Result<Vec<Revision>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {} FROM revisions v JOIN users u ON u.id = v.author_id
                     WHERE v.topic_id = ?1 AND v.reply_id IS NULL ORDER BY v.version DESC",
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

    async fn set_topic_state(
        &self,
        id: TopicId,
        state: TopicState,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE topics SET state = ?2 WHERE id = ?1",
                    params![id.0, state.as_str()],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn set_pinned(
        &self,
        id: TopicId,
        pinned: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE topics SET pinned = ?2 WHERE id = ?1",
                    params![id.0, pinned],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn move_topic(
        &self,
        id: TopicId,
        to: SpaceId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE topics SET space_id = ?2 WHERE id = ?1",
                    params![id.0, to.0],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn set_accepted(
        &self,
        id: TopicId,
        reply: Option<ReplyId>,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                if let Some(reply) = reply {
                    let belongs: Option<i64> = c
                        .query_row(
                            "SELECT 1 FROM replies WHERE id = ?1 AND topic_id = ?2 AND deleted = 0",
                            (reply.0, id.0),
                            |r| r.get(0),
                        )
                        .optional()?;
                    if belongs.is_none() {
                        return Err(StoreError::conflict("reply_topic").into());
                    }
                }
                let n = c.execute(
                    "UPDATE topics SET accepted_reply_id = ?2 WHERE id = ?1",
                    params![id.0, reply.map(|r| r.0)],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
            .await
    }
}
