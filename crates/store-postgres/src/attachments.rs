//! Attachments and their content-addressed blobs.

use async_trait::async_trait;
use hearth_core::files::FileRef;
use hearth_core::ids::{AttachmentId, ReplyId, SpaceId, TopicId, UserId};
use hearth_store::{Attachment, AttachmentStore, NewAttachment, NewAuditEvent, Result};
use tokio_postgres::{Row, Transaction};

use crate::audit::write_audit;
use crate::error::{SqlResult, map_err};
use crate::{PostgresStore, query};

const ATTACHMENT_COLUMNS: &str = "a.id, a.public_id, a.topic_id, a.reply_id, a.space_id, \
    a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at";

fn attachment(row: &Row) -> SqlResult<Attachment> {
    Ok(Attachment {
        id: AttachmentId(row.try_get("id")?),
        public_id: row.try_get("public_id")?,
        topic_id: row.try_get::<_, Option<i64>>("topic_id")?.map(TopicId),
        reply_id: row.try_get::<_, Option<i64>>("reply_id")?.map(ReplyId),
        space_id: SpaceId(row.try_get("space_id")?),
        uploader: UserId(row.try_get("uploader_id")?),
        hash: row.try_get("blob_hash")?,
        filename: row.try_get("filename")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Gives the files of `files` that `uploader` uploaded and that belong to
/// nothing yet to a topic or a reply, in the write that saves it.
pub(crate) async fn claim_files(
    tx: &Transaction<'_>,
    topic: i64,
    reply: Option<i64>,
    uploader: UserId,
    files: &[String],
) -> SqlResult<()> {
    if files.is_empty() {
        return Ok(());
    }
    let topic = reply.is_none().then_some(topic);
    tx.execute(
        "UPDATE attachments SET topic_id = $1, reply_id = $2
         WHERE public_id = ANY($3) AND uploader_id = $4 AND topic_id IS NULL AND reply_id IS NULL",
        &[&topic, &reply, &files, &uploader.0],
    )
    .await?;
    Ok(())
}

#[async_trait]
impl AttachmentStore for PostgresStore {
    async fn create_attachment(&self, new: NewAttachment) -> Result<Attachment> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let size = new.data.len() as i64;
        tx.execute(
            "INSERT INTO blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (hash) DO NOTHING",
            &[&new.hash, &size, &new.data, &new.created_at],
        )
        .await
        .map_err(map_err)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO attachments (public_id, space_id, uploader_id, blob_hash, filename, content_type, size, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[&new.public_id, &new.space_id.0, &new.uploader.0, &new.hash, &new.filename, &new.content_type, &size, &new.created_at],
            )
            .await
            .map_err(map_err)?
            .get(0);
        tx.commit().await.map_err(map_err)?;
        Ok(Attachment {
            id: AttachmentId(id),
            public_id: Some(new.public_id),
            topic_id: None,
            reply_id: None,
            space_id: new.space_id,
            uploader: new.uploader,
            hash: new.hash,
            filename: new.filename,
            content_type: new.content_type,
            size,
            created_at: new.created_at,
        })
    }

    async fn attachment(&self, file: &FileRef) -> Result<Option<Attachment>> {
        let c = self.client().await?;
        // A numbered address reaches only files that have no public name:
        // new files cannot be found by counting.
        let rows = match file {
            FileRef::Public(name) => {
                let sql = format!(
                    "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.public_id = $1"
                );
                query(&c, &sql, &[name]).await?
            }
            FileRef::Numbered(id) => {
                let sql = format!(
                    "SELECT {ATTACHMENT_COLUMNS} FROM attachments a
                     WHERE a.id = $1 AND a.public_id IS NULL"
                );
                query(&c, &sql, &[id]).await?
            }
        };
        Ok(rows.first().map(attachment).transpose()?)
    }

    async fn topic_attachments(&self, topic: TopicId) -> Result<Vec<Attachment>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.topic_id = $1
             UNION ALL
             SELECT {ATTACHMENT_COLUMNS} FROM attachments a
             JOIN replies r ON r.id = a.reply_id WHERE r.topic_id = $1
             ORDER BY 1"
        );
        let rows = query(&c, &sql, &[&topic.0]).await?;
        Ok(rows.iter().map(attachment).collect::<SqlResult<Vec<_>>>()?)
    }

    async fn delete_attachment(
        &self,
        id: AttachmentId,
        audit: Option<NewAuditEvent>,
    ) -> Result<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let deleted = tx
            .query_opt(
                "DELETE FROM attachments WHERE id = $1 RETURNING blob_hash",
                &[&id.0],
            )
            .await
            .map_err(map_err)?;
        let Some(row) = deleted else {
            return Ok(false);
        };
        let hash: String = row.get(0);
        tx.execute(
            "DELETE FROM blobs WHERE hash = $1
             AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob_hash = $1)",
            &[&hash],
        )
        .await
        .map_err(map_err)?;
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        let c = self.client().await?;
        let rows = query(&c, "SELECT data FROM blobs WHERE hash = $1", &[&hash]).await?;
        Ok(rows.first().map(|r| r.get(0)))
    }
}
