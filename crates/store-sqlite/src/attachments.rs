//! Attachments and their content-addressed blobs.

use async_trait::async_trait;
use hearth_core::files::FileRef;
use hearth_core::ids::{AttachmentId, ReplyId, SpaceId, TopicId, UserId};
use hearth_store::{Attachment, AttachmentStore, NewAttachment, NewAuditEvent, Result};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::SqliteStore;
use crate::audit::write_audit;
use crate::error::SqlResult;

const ATTACHMENT_COLUMNS: &str = "a.id, a.public_id, a.topic_id, a.reply_id, a.space_id, \
    a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at";

fn attachment(row: &Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: AttachmentId(row.get("id")?),
        public_id: row.get("public_id")?,
        topic_id: row.get::<_, Option<i64>>("topic_id")?.map(TopicId),
        reply_id: row.get::<_, Option<i64>>("reply_id")?.map(ReplyId),
        space_id: SpaceId(row.get("space_id")?),
        uploader: UserId(row.get("uploader_id")?),
        hash: row.get("blob_hash")?,
        filename: row.get("filename")?,
        content_type: row.get("content_type")?,
        size: row.get("size")?,
        created_at: row.get("created_at")?,
    })
}

/// Gives the files of `files` that `uploader` uploaded and that belong to
/// nothing yet to a topic or a reply, in the write that saves it.
pub(crate) fn claim_files(
    c: &Connection,
    topic: i64,
    reply: Option<i64>,
    uploader: UserId,
    files: &[String],
) -> SqlResult<()> {
    let mut stmt = c.prepare_cached(
        "UPDATE attachments SET topic_id = CASE WHEN ?2 IS NULL THEN ?1 END, reply_id = ?2
         WHERE public_id = ?3 AND uploader_id = ?4 AND topic_id IS NULL AND reply_id IS NULL",
    )?;
    for name in files {
        stmt.execute(params![topic, reply, name, uploader.0])?;
    }
    Ok(())
}

#[async_trait]
impl AttachmentStore for SqliteStore {
    async fn create_attachment(&self, new: NewAttachment) -> Result<Attachment> {
        self.db
            .write(move |c| {
                let size = new.data.len() as i64;
                c.execute(
                    "INSERT INTO blobs (hash, size, data, created_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (hash) DO NOTHING",
                    params![new.hash, size, new.data, new.created_at],
                )?;
                let id: i64 = c.query_row(
                    "INSERT INTO attachments (public_id, space_id, uploader_id, blob_hash, filename, content_type, size, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                    params![new.public_id, new.space_id.0, new.uploader.0, new.hash, new.filename, new.content_type, size, new.created_at],
                    |r| r.get(0),
                )?;
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
            })
            .await
    }

    async fn attachment(&self, file: &FileRef) -> Result<Option<Attachment>> {
        let file = file.clone();
        self.db
            .read(move |c| {
                // A numbered address reaches only files that have no public
                // name: new files cannot be found by counting.
                let found = match file {
                    FileRef::Public(name) => c
                        .prepare_cached(&format!(
                            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.public_id = ?1"
                        ))?
                        .query_row([name], attachment)
                        .optional()?,
                    FileRef::Numbered(id) => c
                        .prepare_cached(&format!(
                            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a
                             WHERE a.id = ?1 AND a.public_id IS NULL"
                        ))?
                        .query_row([id], attachment)
                        .optional()?,
                };
                Ok(found)
            })
            .await
    }

    async fn topic_attachments(&self, topic: TopicId) -> Result<Vec<Attachment>> {
        self.db
            .read(move |c| {
                let files = c
                    .prepare_cached(&format!(
                        "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.topic_id = ?1
                         UNION ALL
                         SELECT {ATTACHMENT_COLUMNS} FROM attachments a
                         JOIN replies r ON r.id = a.reply_id WHERE r.topic_id = ?1
                         ORDER BY 1"
                    ))?
                    .query_map([topic.0], attachment)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(files)
            })
            .await
    }

    async fn delete_attachment(
        &self,
        id: AttachmentId,
        audit: Option<NewAuditEvent>,
    ) -> Result<bool> {
        self.db
            .write(move |c| {
                let hash: Option<String> = c
                    .query_row(
                        "DELETE FROM attachments WHERE id = ?1 RETURNING blob_hash",
                        [id.0],
                        |r| r.get(0),
                    )
                    .optional()?;
                let Some(hash) = hash else {
                    return Ok(false);
                };
                c.execute(
                    "DELETE FROM blobs WHERE hash = ?1
                     AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob_hash = ?1)",
                    [hash],
                )?;
                write_audit(c, &audit)?;
                Ok(true)
            })
            .await
    }

    async fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        let hash = hash.to_owned();
        self.db
            .read(move |c| {
                Ok(
                    c.query_row("SELECT data FROM blobs WHERE hash = ?1", [hash], |r| {
                        r.get(0)
                    })
                    .optional()?,
                )
            })
            .await
    }
}
