//! Attachments and their content-addressed blobs.

use async_trait::async_trait;
use hearth_core::ids::{AttachmentId, SpaceId, UserId};
use hearth_store::{Attachment, AttachmentStore, NewAttachment, Result, SpaceView};
use rusqlite::{OptionalExtension, Row, params};

use crate::SqliteStore;
use crate::rows::{self, SPACE_COLUMNS};

const ATTACHMENT_COLUMNS: &str = "a.id, a.space_id, a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at";

fn attachment(row: &Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: AttachmentId(row.get(0)?),
        space_id: SpaceId(row.get(1)?),
        uploader: UserId(row.get(2)?),
        hash: row.get(3)?,
        filename: row.get(4)?,
        content_type: row.get(5)?,
        size: row.get(6)?,
        created_at: row.get(7)?,
    })
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
                    "INSERT INTO attachments (space_id, uploader_id, blob_hash, filename, content_type, size, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                    params![new.space_id.0, new.uploader.0, new.hash, new.filename, new.content_type, size, new.created_at],
                    |r| r.get(0),
                )?;
                Ok(Attachment {
                    id: AttachmentId(id),
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

    async fn attachment(
        &self,
        id: AttachmentId,
        viewer: Option<UserId>,
    ) -> Result<Option<(Attachment, SpaceView)>> {
        let viewer = viewer.map_or(0, |u| u.0);
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {ATTACHMENT_COLUMNS}, {SPACE_COLUMNS}, m.role,
                            s.member_count
                     FROM attachments a JOIN spaces s ON s.id = a.space_id
                     LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = ?1
                     WHERE a.id = ?2"
                );
                let found = c
                    .prepare_cached(&sql)?
                    .query_row(params![viewer, id.0], |r| {
                        Ok((attachment(r)?, rows::space_view_at(r, 8)?))
                    })
                    .optional()?;
                Ok(found)
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
