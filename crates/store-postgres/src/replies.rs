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
use tokio_postgres::Transaction;

use crate::attachments::claim_files;
use crate::audit::audited;
use crate::content_rows::{self, REPLY_WIDTH, reply_columns};
use crate::error::{SqlResult, map_err};
use crate::rows;
use crate::topics::{write_mentions, write_revision};
use crate::{PostgresStore, query};

async fn load_reply(tx: &Transaction<'_>, id: i64, viewer: i64) -> SqlResult<Reply> {
    let sql = format!(
        "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = $2",
        reply_columns()
    );
    match tx.query_opt(&sql, &[&viewer, &id]).await? {
        Some(r) => content_rows::reply(&r),
        None => Err(StoreError::NotFound.into()),
    }
}

#[async_trait]
impl ReplyStore for PostgresStore {
    async fn create_reply(&self, new: NewReply) -> Result<Reply> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        // Lock the topic: a reply and a moderator's hide cannot cross.
        let state = tx
            .query_opt(
                "SELECT state FROM topics WHERE id = $1 FOR UPDATE",
                &[&new.topic_id.0],
            )
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        // Replies to one topic are serialized by the lock above, so a second
        // create with the same key finds the first.
        if let Some(key) = &new.idempotency_key {
            let existing = tx
                .query_opt(
                    "SELECT id FROM replies WHERE author_id = $1 AND idempotency_key = $2",
                    &[&new.author.0, key],
                )
                .await
                .map_err(map_err)?;
            if let Some(row) = existing {
                return Ok(load_reply(&tx, row.get(0), new.author.0).await?);
            }
        }
        let state: &str = state.get(0);
        if !matches!(state, "open" | "locked") {
            return Err(StoreError::conflict("topic_closed"));
        }
        let place = match new.parent {
            Some(parent) => {
                let row = tx
                    .query_opt(
                        "SELECT thread_path, depth FROM replies WHERE id = $1 AND topic_id = $2",
                        &[&parent.0, &new.topic_id.0],
                    )
                    .await
                    .map_err(map_err)?
                    .ok_or_else(|| StoreError::conflict("reply_parent"))?;
                ThreadPlace::under(Some((row.get::<_, &str>(0), row.get::<_, i64>(1))))
            }
            None => ThreadPlace::under(None),
        };
        let depth = place.depth;
        let id: i64 = tx
            .query_one(
                "INSERT INTO replies (topic_id, author_id, parent_id, thread_path, depth, body_md, body_html,
                                      created_at, updated_at, idempotency_key)
                 VALUES ($1, $2, $3, '', $4, $5, $6, $7, $7, $8) RETURNING id",
                &[
                    &new.topic_id.0,
                    &new.author.0,
                    &new.parent.map(|p| p.0),
                    &depth,
                    &new.body_md,
                    &new.body_html,
                    &new.created_at,
                    &new.idempotency_key,
                ],
            )
            .await
            .map_err(map_err)?
            .get(0);
        let path = place.path(id);
        tx.execute(
            "UPDATE replies SET thread_path = $2 WHERE id = $1",
            &[&id, &path],
        )
        .await
        .map_err(map_err)?;
        tx.execute(
            "UPDATE topics SET reply_count = reply_count + 1, last_activity_at = $2 WHERE id = $1",
            &[&new.topic_id.0, &new.created_at],
        )
        .await
        .map_err(map_err)?;
        write_mentions(&tx, new.topic_id.0, Some(id), &new.mentions).await?;
        claim_files(&tx, new.topic_id.0, Some(id), new.author, &new.files).await?;
        write_revision(
            &tx,
            new.topic_id.0,
            Some(id),
            1,
            new.author.0,
            None,
            &new.body_md,
            new.created_at,
        )
        .await?;
        let reply = load_reply(&tx, id, new.author.0).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(reply)
    }

    async fn reply(&self, id: ReplyId, viewer: Option<UserId>) -> Result<Option<Reply>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = $2",
            reply_columns()
        );
        let rows = query(&c, &sql, &[&viewer.map_or(0, |u| u.0), &id.0]).await?;
        Ok(rows.first().map(content_rows::reply).transpose()?)
    }

    async fn replies(
        &self,
        topic: TopicId,
        offset: i64,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
             WHERE r.topic_id = $2 ORDER BY r.thread_path LIMIT $3 OFFSET $4",
            reply_columns()
        );
        let rows = query(
            &c,
            &sql,
            &[
                &viewer.map_or(0, |u| u.0),
                &topic.0,
                &i64::from(limit),
                &offset,
            ],
        )
        .await?;
        Ok(rows::all(&rows, content_rows::reply)?)
    }

    async fn newest_replies(
        &self,
        topic: TopicId,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
             WHERE r.topic_id = $2 AND NOT r.deleted
             ORDER BY r.created_at DESC, r.id DESC LIMIT $3",
            reply_columns()
        );
        let rows = query(
            &c,
            &sql,
            &[&viewer.map_or(0, |u| u.0), &topic.0, &i64::from(limit)],
        )
        .await?;
        Ok(rows::all(&rows, content_rows::reply)?)
    }

    async fn visible_replies(&self, q: VisibleRepliesQuery) -> Result<Vec<ReplyInTopic>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {}, t.title FROM replies r JOIN users u ON u.id = r.author_id
             JOIN topics t ON t.id = r.topic_id
             JOIN spaces s ON s.id = t.space_id
             LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
             WHERE r.author_id = $2 AND NOT r.deleted
               AND ($3 OR m.user_id IS NOT NULL OR s.visibility = 'public')
               AND t.state IN ('open', 'locked') AND NOT t.draft
               AND (t.publish_at IS NULL OR t.publish_at <= $4)
             ORDER BY r.created_at DESC, r.id DESC LIMIT $5",
            reply_columns()
        );
        let rows = query(
            &c,
            &sql,
            &[
                &q.viewer.user_id().map_or(0, |u| u.0),
                &q.author.0,
                &q.viewer.is_admin(),
                &q.now,
                &i64::from(q.limit),
            ],
        )
        .await?;
        Ok(rows::all(&rows, |r| {
            Ok(ReplyInTopic {
                reply: content_rows::reply(r)?,
                topic_title: Title::from_trusted(r.try_get(REPLY_WIDTH)?),
            })
        })?)
    }

    async fn reply_position(&self, id: ReplyId) -> Result<Option<(TopicId, i64)>> {
        let c = self.client().await?;
        let rows = query(
            &c,
            "SELECT r.topic_id, (SELECT count(*) FROM replies x
                                 WHERE x.topic_id = r.topic_id AND x.thread_path < r.thread_path)
             FROM replies r WHERE r.id = $1",
            &[&id.0],
        )
        .await?;
        Ok(rows.first().map(|r| (TopicId(r.get(0)), r.get(1))))
    }

    async fn edit_reply(&self, id: ReplyId, edit: ReplyEdit) -> Result<Reply> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let row = tx
            .query_opt(
                "SELECT topic_id, version FROM replies WHERE id = $1 FOR UPDATE",
                &[&id.0],
            )
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        let (topic, version): (i64, i64) = (row.get(0), row.get(1));
        tx.execute(
            "UPDATE replies SET body_md = $2, body_html = $3, edited = TRUE, version = $4, updated_at = $5
             WHERE id = $1",
            &[&id.0, &edit.body_md, &edit.body_html, &(version + 1), &edit.now],
        )
        .await
        .map_err(map_err)?;
        write_mentions(&tx, topic, Some(id.0), &edit.mentions).await?;
        claim_files(&tx, topic, Some(id.0), edit.editor, &edit.files).await?;
        write_revision(
            &tx,
            topic,
            Some(id.0),
            version + 1,
            edit.editor.0,
            None,
            &edit.body_md,
            edit.now,
        )
        .await?;
        let reply = load_reply(&tx, id.0, edit.editor.0).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(reply)
    }

    async fn set_reply_deleted(
        &self,
        id: ReplyId,
        deleted: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        audited(
            self,
            "UPDATE replies SET deleted = $2 WHERE id = $1",
            &[&id.0, &deleted],
            &audit,
        )
        .await
    }

    async fn reply_revisions(&self, id: ReplyId) -> Result<Vec<Revision>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {} FROM revisions v JOIN users u ON u.id = v.author_id
             WHERE v.topic_id = (SELECT topic_id FROM replies WHERE id = $1) AND v.reply_id = $1
             ORDER BY v.version DESC",
            content_rows::revision_columns()
        );
        let rows = query(&c, &sql, &[&id.0]).await?;
        Ok(rows::all(&rows, content_rows::revision)?)
    }
}
