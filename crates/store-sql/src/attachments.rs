//! Attachments and their content-addressed blobs.

use async_trait::async_trait;
use hearth_core::files::FileRef;
use hearth_core::ids::{AttachmentId, TopicId, UserId};
use hearth_store::{Attachment, AttachmentStore, NewAttachment, NewAuditEvent, Result};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Conn, Engine, value_opt};
use crate::rows::{ATTACHMENT_COLUMNS, attachment};
use crate::store::SqlStore;
use crate::value::ReadRows;

/// Gives the files of `files` that `uploader` uploaded and that belong to
/// nothing yet to a topic or a reply, in the write that saves it.
pub(crate) async fn claim_files(
    c: &mut dyn Conn,
    topic: i64,
    reply: Option<i64>,
    uploader: UserId,
    files: &[String],
) -> Result<()> {
    let topic = reply.is_none().then_some(topic);
    for name in files {
        c.execute(
            "UPDATE attachments SET topic_id = $1, reply_id = $2
             WHERE public_id = $3 AND uploader_id = $4 AND topic_id IS NULL AND reply_id IS NULL",
            args![topic, reply, name, uploader],
        )
        .await?;
    }
    Ok(())
}

/// Gives the files of `files` that `user` uploaded and that belong to
/// nothing yet to their profile, in the write that saves it.
pub(crate) async fn claim_profile_files(
    c: &mut dyn Conn,
    user: UserId,
    files: &[String],
) -> Result<()> {
    for name in files {
        c.execute(
            "UPDATE attachments SET on_profile = TRUE
             WHERE public_id = $1 AND uploader_id = $2 AND topic_id IS NULL AND reply_id IS NULL",
            args![name, user],
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl<E: Engine> AttachmentStore for SqlStore<E> {
    async fn create_attachment(&self, new: NewAttachment) -> Result<Attachment> {
        self.write(move |c| {
            Box::pin(async move {
                let size = new.data.len() as i64;
                c.execute(
                    "INSERT INTO blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (hash) DO NOTHING",
                    args![&new.hash, size, &new.data, new.created_at],
                )
                .await?;
                let sql = format!(
                    "INSERT INTO attachments (public_id, space_id, uploader_id, blob_hash, filename,
                                              content_type, size, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {}",
                    ATTACHMENT_COLUMNS.replace("a.", "")
                );
                c.query_one(
                    &sql,
                    args![
                        &new.public_id,
                        new.space_id,
                        new.uploader,
                        &new.hash,
                        &new.filename,
                        &new.content_type,
                        size,
                        new.created_at
                    ],
                )
                .await?
                .read(attachment)
            })
        })
        .await
    }

    async fn attachment(&self, file: &FileRef) -> Result<Option<Attachment>> {
        let file = file.clone();
        self.read(move |c| {
            Box::pin(async move {
                // A numbered address reaches only files that have no public
                // name: new files cannot be found by counting.
                match file {
                    FileRef::Public(name) => {
                        let sql = format!(
                            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.public_id = $1"
                        );
                        c.query_opt(&sql, args![&name]).await?.read(attachment)
                    }
                    FileRef::Numbered(id) => {
                        let sql = format!(
                            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a
                             WHERE a.id = $1 AND a.public_id IS NULL"
                        );
                        c.query_opt(&sql, args![id]).await?.read(attachment)
                    }
                }
            })
        })
        .await
    }

    async fn topic_attachments(&self, topic: TopicId) -> Result<Vec<Attachment>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {ATTACHMENT_COLUMNS} FROM attachments a
                     LEFT JOIN replies r ON r.id = a.reply_id
                     WHERE a.topic_id = $1 OR r.topic_id = $1 ORDER BY a.id"
                );
                c.query(&sql, args![topic]).await?.read(attachment)
            })
        })
        .await
    }

    async fn delete_attachment(
        &self,
        id: AttachmentId,
        audit: Option<NewAuditEvent>,
    ) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let hash: Option<String> = value_opt(
                    c,
                    "DELETE FROM attachments WHERE id = $1 RETURNING blob_hash",
                    args![id],
                )
                .await?;
                let Some(hash) = hash else {
                    return Ok(false);
                };
                crate::people::delete_blob_if_unused(c, &hash).await?;
                write_audit(c, &audit).await?;
                Ok(true)
            })
        })
        .await
    }

    async fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        let hash = hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                value_opt(c, "SELECT data FROM blobs WHERE hash = $1", args![&hash]).await
            })
        })
        .await
    }
}
