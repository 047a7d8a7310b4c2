//! Answers to writes sent with an `Idempotency-Key`.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{IdempotencyStore, KeptAnswer, Result};

use crate::error::map_err;
use crate::{PostgresStore, query};

#[async_trait]
impl IdempotencyStore for PostgresStore {
    async fn kept_answer(&self, user: UserId, key: String) -> Result<Option<KeptAnswer>> {
        let c = self.client().await?;
        let rows = query(
            &c,
            "SELECT fingerprint, status, content_type, location, body, created_at
             FROM idempotency_keys WHERE user_id = $1 AND key = $2",
            &[&user.0, &key],
        )
        .await?;
        Ok(rows.first().map(|r| KeptAnswer {
            user,
            key: key.clone(),
            fingerprint: r.get(0),
            status: u16::try_from(r.get::<_, i32>(1)).unwrap_or(500),
            content_type: r.get(2),
            location: r.get(3),
            body: r.get(4),
            created_at: r.get(5),
        }))
    }

    async fn keep_answer(&self, a: KeptAnswer, expired_before: i64) -> Result<()> {
        let c = self.client().await?;
        c.execute(
            "DELETE FROM idempotency_keys WHERE created_at < $1",
            &[&expired_before],
        )
        .await
        .map_err(map_err)?;
        c.execute(
            "INSERT INTO idempotency_keys
             (user_id, key, fingerprint, status, content_type, location, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (user_id, key) DO NOTHING",
            &[
                &a.user.0,
                &a.key,
                &a.fingerprint,
                &i32::from(a.status),
                &a.content_type,
                &a.location,
                &a.body,
                &a.created_at,
            ],
        )
        .await
        .map_err(map_err)?;
        Ok(())
    }
}
