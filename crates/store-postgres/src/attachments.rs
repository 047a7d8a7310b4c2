//! Attachments and their content-addressed blobs.

use async_trait::async_trait;
use hearth_core::ids::{AttachmentId, SpaceId, UserId};
use hearth_store::{Attachment, AttachmentStore, NewAttachment, Result, SpaceView};
use tokio_postgres::Row;

use crate::error::{SqlResult, map_err};
use crate::rows::{self, SPACE_COLUMNS};
use crate::{PostgresStore, query};

const ATTACHMENT_COLUMNS: &str = "a.id, a.space_id, a.uploader_id, a.blob_hash, a.filename, a.content_type, a.size, a.created_at";

fn attachment(row: &Row) -> SqlResult<Attachment> {
    Ok(Attachment {
        id: AttachmentId(row.try_get(0)?),
        space_id: SpaceId(row.try_get(1)?),
        uploader: UserId(row.try_get(2)?),
        hash: row.try_get(3)?,
        filename: row.try_get(4)?,
        content_type: row.try_get(5)?,
        size: row.try_get(6)?,
        created_at: row.try_get(7)?,
    })
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
                "INSERT INTO attachments (space_id, uploader_id, blob_hash, filename, content_type, size, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[&new.space_id.0, &new.uploader.0, &new.hash, &new.filename, &new.content_type, &size, &new.created_at],
            )
            .await
            .map_err(map_err)?
            .get(0);
        tx.commit().await.map_err(map_err)?;
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
    }

    async fn attachment(
        &self,
        id: AttachmentId,
        viewer: Option<UserId>,
    ) -> Result<Option<(Attachment, SpaceView)>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS}, {SPACE_COLUMNS}, m.role,
                    s.member_count
             FROM attachments a JOIN spaces s ON s.id = a.space_id
             LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
             WHERE a.id = $2"
        );
        let rows = query(&c, &sql, &[&viewer.map_or(0, |u| u.0), &id.0]).await?;
        let found = match rows.first() {
            Some(r) => Some((attachment(r)?, rows::space_view_at(r, 8)?)),
            None => None,
        };
        Ok(found)
    }

    async fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        let c = self.client().await?;
        let rows = query(&c, "SELECT data FROM blobs WHERE hash = $1", &[&hash]).await?;
        Ok(rows.first().map(|r| r.get(0)))
    }
}
