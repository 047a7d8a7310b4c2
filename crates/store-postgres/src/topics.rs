//! Topics, their tags, mentions, revisions and moderation.

use async_trait::async_trait;
use hearth_core::content::Tag;
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::TopicState;
use hearth_store::{
    NewAuditEvent, NewTopic, Result, Revision, SpaceTopicsQuery, StoreError, Topic, TopicEdit,
    TopicStore, TopicView, VisibleTopicsQuery,
};
use tokio_postgres::Transaction;

use crate::attachments::claim_files;
use crate::audit::{audited, write_audit};
use crate::content_rows::{self, TOPIC_WIDTH, topic_columns};
use crate::error::{SqlResult, map_err};
use crate::rows::{self, SPACE_COLUMNS};
use crate::{PostgresStore, query};

pub(crate) async fn load_topic(tx: &Transaction<'_>, id: i64) -> SqlResult<Topic> {
    let sql = format!(
        "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id = $1",
        topic_columns()
    );
    let row = tx.query_opt(&sql, &[&id]).await?;
    match row {
        Some(r) => content_rows::topic(&r),
        None => Err(StoreError::NotFound.into()),
    }
}

async fn write_tags(tx: &Transaction<'_>, topic: i64, tags: &[Tag]) -> SqlResult<()> {
    tx.execute("DELETE FROM topic_tags WHERE topic_id = $1", &[&topic])
        .await?;
    for tag in tags {
        tx.execute(
            "INSERT INTO topic_tags (topic_id, tag) VALUES ($1, $2)",
            &[&topic, &tag.as_str()],
        )
        .await?;
    }
    Ok(())
}

/// Records who is mentioned; names that match no account are ignored.
pub(crate) async fn write_mentions(
    tx: &Transaction<'_>,
    topic: i64,
    reply: Option<i64>,
    names: &[String],
) -> SqlResult<()> {
    tx.execute(
        "DELETE FROM mentions WHERE topic_id = $1 AND reply_id IS NOT DISTINCT FROM $2",
        &[&topic, &reply],
    )
    .await?;
    if !names.is_empty() {
        tx.execute(
            "INSERT INTO mentions (topic_id, reply_id, user_id)
             SELECT $1, $2, id FROM users WHERE username = ANY($3)",
            &[&topic, &reply, &names],
        )
        .await?;
    }
    Ok(())
}

#[expect(clippy::too_many_arguments, reason = "one column each")]
pub(crate) async fn write_revision(
    tx: &Transaction<'_>,
    topic: i64,
    reply: Option<i64>,
    version: i64,
    author: i64,
    title: Option<&str>,
    body_md: &str,
    now: i64,
) -> SqlResult<()> {
    tx.execute(
        "INSERT INTO revisions (topic_id, reply_id, version, author_id, title, body_md, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&topic, &reply, &version, &author, &title, &body_md, &now],
    )
    .await?;
    Ok(())
}

fn cursor(after: Option<hearth_store::TopicCursor>) -> (Option<bool>, Option<i64>, Option<i64>) {
    match after {
        Some(c) => (Some(c.pinned), Some(c.last_activity_at), Some(c.id.0)),
        None => (None, None, None),
    }
}

#[async_trait]
impl TopicStore for PostgresStore {
    async fn create_topic(&self, new: NewTopic) -> Result<Topic> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        // A concurrent create with the same key waits on the unique index,
        // then inserts nothing; the first topic is returned.
        let inserted = tx
            .query_opt(
                "INSERT INTO topics (space_id, author_id, kind, title, body_md, body_html, draft,
                                     publish_at, created_at, updated_at, last_activity_at, idempotency_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, $10)
                 ON CONFLICT (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                 RETURNING id",
                &[
                    &new.space_id.0,
                    &new.author.0,
                    &new.kind.as_str(),
                    &new.title.as_str(),
                    &new.body_md,
                    &new.body_html,
                    &new.draft,
                    &new.publish_at,
                    &new.created_at,
                    &new.idempotency_key,
                ],
            )
            .await
            .map_err(map_err)?;
        let Some(row) = inserted else {
            let existing: i64 = tx
                .query_one(
                    "SELECT id FROM topics WHERE author_id = $1 AND idempotency_key = $2",
                    &[&new.author.0, &new.idempotency_key],
                )
                .await
                .map_err(map_err)?
                .get(0);
            return Ok(load_topic(&tx, existing).await?);
        };
        let id: i64 = row.get(0);
        write_tags(&tx, id, &new.tags).await?;
        write_mentions(&tx, id, None, &new.mentions).await?;
        claim_files(&tx, id, None, new.author, &new.files).await?;
        write_revision(
            &tx,
            id,
            None,
            1,
            new.author.0,
            Some(new.title.as_str()),
            &new.body_md,
            new.created_at,
        )
        .await?;
        let topic = load_topic(&tx, id).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(topic)
    }

    async fn topic(&self, id: TopicId, viewer: Option<UserId>) -> Result<Option<TopicView>> {
        let viewer = viewer.map_or(0, |u| u.0);
        let c = self.client().await?;
        let sql = format!(
            "SELECT {}, {SPACE_COLUMNS}, m.role,
                    s.member_count,
                    EXISTS (SELECT 1 FROM reactions x WHERE x.target_kind = 'topic'
                            AND x.target_id = t.id AND x.user_id = $1)
             FROM topics t JOIN users u ON u.id = t.author_id
             JOIN spaces s ON s.id = t.space_id
             LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
             WHERE t.id = $2",
            topic_columns()
        );
        let rows = query(&c, &sql, &[&viewer, &id.0]).await?;
        let view = match rows.first() {
            Some(r) => Some(TopicView {
                topic: content_rows::topic(r)?,
                space: rows::space_view_at(r, TOPIC_WIDTH)?,
                liked: r.try_get(TOPIC_WIDTH + 10).map_err(map_err)?,
            }),
            None => None,
        };
        Ok(view)
    }

    async fn space_topics(&self, q: SpaceTopicsQuery) -> Result<Vec<Topic>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
             WHERE t.space_id = $1
               AND (t.state IN ('open', 'locked') OR (t.state = 'hidden' AND ($3 OR t.author_id = $2)))
               AND ((NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= $4)) OR t.author_id = $2)
               AND ($5::text IS NULL OR t.kind = $5)
               AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = $6))
               AND (NOT $7 OR (t.kind = 'question' AND t.accepted_reply_id IS NULL))
               AND ($8::boolean IS NULL OR (t.pinned, t.last_activity_at, t.id) < ($8, $9, $10))
             ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT $11",
            topic_columns()
        );
        let (pinned, activity, after_id) = cursor(q.after);
        let rows = query(
            &c,
            &sql,
            &[
                &q.space.0,
                &q.viewer.map_or(0, |u| u.0),
                &q.moderator,
                &q.now,
                &q.filter.kind.map(|k| k.as_str()),
                &q.filter.tag.as_ref().map(|t| t.as_str()),
                &q.filter.unanswered,
                &pinned,
                &activity,
                &after_id,
                &i64::from(q.limit),
            ],
        )
        .await?;
        Ok(rows::all(&rows, content_rows::topic)?)
    }

    async fn visible_topics(&self, q: VisibleTopicsQuery) -> Result<Vec<Topic>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id
             JOIN spaces s ON s.id = t.space_id
             LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
             WHERE ($2 OR m.user_id IS NOT NULL OR s.visibility = 'public')
               AND t.state IN ('open', 'locked') AND NOT t.draft
               AND (t.publish_at IS NULL OR t.publish_at <= $3)
               AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = $4))
               AND ($5::bigint IS NULL OR t.author_id = $5)
               AND ($6::bigint IS NULL OR (t.last_activity_at, t.id) < ($6, $7))
             ORDER BY t.last_activity_at DESC, t.id DESC LIMIT $8",
            topic_columns()
        );
        let (_, activity, after_id) = cursor(q.after);
        let rows = query(
            &c,
            &sql,
            &[
                &q.viewer.user_id().map_or(0, |u| u.0),
                &q.viewer.is_admin(),
                &q.now,
                &q.tag.as_ref().map(|t| t.as_str()),
                &q.author.map(|a| a.0),
                &activity,
                &after_id,
                &i64::from(q.limit),
            ],
        )
        .await?;
        Ok(rows::all(&rows, content_rows::topic)?)
    }

    async fn edit_topic(
        &self,
        id: TopicId,
        edit: TopicEdit,
        audit: Option<NewAuditEvent>,
    ) -> Result<Topic> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        // Lock the row so that two concurrent edits of one version cannot both pass.
        tx.execute("SELECT 1 FROM topics WHERE id = $1 FOR UPDATE", &[&id.0])
            .await
            .map_err(map_err)?;
        let current = load_topic(&tx, id.0).await?;
        if edit.base_version.is_some_and(|v| v != current.version) {
            return Err(StoreError::conflict("topic_version"));
        }
        let version = current.version + 1;
        let title = edit
            .title
            .as_ref()
            .map_or(current.title.as_str(), |t| t.as_str())
            .to_owned();
        let (body_md, body_html) = edit
            .body
            .clone()
            .unwrap_or((current.body_md, current.body_html));
        let publishing = current.draft && edit.draft == Some(false);
        tx.execute(
            "UPDATE topics SET title = $2, body_md = $3, body_html = $4, draft = $5, version = $6,
                 updated_at = $7, last_activity_at = CASE WHEN $8 THEN $7 ELSE last_activity_at END,
                 publish_at = $9
             WHERE id = $1",
            &[
                &id.0,
                &title,
                &body_md,
                &body_html,
                &edit.draft.unwrap_or(current.draft),
                &version,
                &edit.now,
                &publishing,
                &edit.publish_at.unwrap_or(current.publish_at),
            ],
        )
        .await
        .map_err(map_err)?;
        if let Some(tags) = &edit.tags {
            write_tags(&tx, id.0, tags).await?;
        }
        if edit.body.is_some() {
            write_mentions(&tx, id.0, None, &edit.mentions).await?;
            claim_files(&tx, id.0, None, edit.editor, &edit.files).await?;
        }
        write_revision(
            &tx,
            id.0,
            None,
            version,
            edit.editor.0,
            Some(&title),
            &body_md,
            edit.now,
        )
        .await?;
        write_audit(&tx, &audit).await?;
        let topic = load_topic(&tx, id.0).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(topic)
    }

    async fn topic_revisions(&self, id: TopicId) -> Result<Vec<Revision>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM revisions v JOIN users u ON u.id = v.author_id
             WHERE v.topic_id = $1 AND v.reply_id IS NULL ORDER BY v.version DESC",
            content_rows::revision_columns()
        );
        let rows = query(&c, &sql, &[&id.0]).await?;
        Ok(rows::all(&rows, content_rows::revision)?)
    }

    async fn set_topic_state(
        &self,
        id: TopicId,
        state: TopicState,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        audited(
            self,
            "UPDATE topics SET state = $2 WHERE id = $1",
            &[&id.0, &state.as_str()],
            &audit,
        )
        .await
    }

    async fn set_pinned(
        &self,
        id: TopicId,
        pinned: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        audited(
            self,
            "UPDATE topics SET pinned = $2 WHERE id = $1",
            &[&id.0, &pinned],
            &audit,
        )
        .await
    }

    async fn move_topic(
        &self,
        id: TopicId,
        to: SpaceId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        audited(
            self,
            "UPDATE topics SET space_id = $2 WHERE id = $1",
            &[&id.0, &to.0],
            &audit,
        )
        .await
    }

    async fn set_accepted(
        &self,
        id: TopicId,
        reply: Option<ReplyId>,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let reply = reply.map(|r| r.0);
        let n = tx
            .execute(
                "UPDATE topics SET accepted_reply_id = $2 WHERE id = $1
                   AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM replies r
                        WHERE r.id = $2 AND r.topic_id = $1 AND NOT r.deleted))",
                &[&id.0, &reply],
            )
            .await
            .map_err(map_err)?;
        if n == 0 {
            let exists = tx
                .query_opt("SELECT 1 FROM topics WHERE id = $1", &[&id.0])
                .await
                .map_err(map_err)?;
            return Err(if exists.is_some() {
                StoreError::conflict("reply_topic")
            } else {
                StoreError::NotFound
            });
        }
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }
}
