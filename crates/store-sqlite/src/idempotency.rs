//! Answers to writes sent with an `Idempotency-Key`.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{IdempotencyStore, KeptAnswer, Result};
use rusqlite::OptionalExtension;

use crate::SqliteStore;

#[async_trait]
impl IdempotencyStore for SqliteStore {
    async fn kept_answer(&self, user: UserId, key: String) -> Result<Option<KeptAnswer>> {
        self.db
            .read(move |c| {
                Ok(c.prepare_cached(
                    "SELECT fingerprint, status, content_type, location, body, created_at
                     FROM idempotency_keys WHERE user_id = ?1 AND key = ?2",
                )?
                .query_row((user.0, &key), |r| {
                    Ok(KeptAnswer {
                        user,
                        key: key.clone(),
                        fingerprint: r.get(0)?,
                        status: r.get(1)?,
                        content_type: r.get(2)?,
                        location: r.get(3)?,
                        body: r.get(4)?,
                        created_at: r.get(5)?,
                    })
                })
                .optional()?)
            })
            .await
    }

    async fn keep_answer(&self, a: KeptAnswer, expired_before: i64) -> Result<()> {
        self.db
            .write(move |c| {
                c.prepare_cached("DELETE FROM idempotency_keys WHERE created_at < ?1")?
                    .execute([expired_before])?;
                c.prepare_cached(
                    "INSERT INTO idempotency_keys
                     (user_id, key, fingerprint, status, content_type, location, body, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (user_id, key) DO NOTHING",
                )?
                .execute((
                    a.user.0,
                    &a.key,
                    &a.fingerprint,
                    a.status,
                    &a.content_type,
                    &a.location,
                    &a.body,
                    a.created_at,
                ))?;
                Ok(())
            })
            .await
    }
}
