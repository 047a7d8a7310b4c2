//! Answers to writes sent with an `Idempotency-Key`.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{IdempotencyStore, KeptAnswer, Result};

use crate::args;
use crate::conn::Engine;
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> IdempotencyStore for SqlStore<E> {
    async fn kept_answer(&self, user: UserId, key: String) -> Result<Option<KeptAnswer>> {
        self.read(move |c| {
            Box::pin(async move {
                c.query_opt(
                    "SELECT fingerprint, answer, created_at
                     FROM kept_answers WHERE user_id = $1 AND key = $2",
                    args![user, &key],
                )
                .await?
                .read(|r| {
                    Ok(KeptAnswer {
                        user,
                        key: key.clone(),
                        fingerprint: r.get()?,
                        answer: r.get()?,
                        created_at: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn keep_answer(&self, a: KeptAnswer, expired_before: i64) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "DELETE FROM kept_answers WHERE created_at < $1",
                    args![expired_before],
                )
                .await?;
                c.execute(
                    "INSERT INTO kept_answers (user_id, key, fingerprint, answer, created_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (user_id, key) DO NOTHING",
                    args![a.user, &a.key, &a.fingerprint, &a.answer, a.created_at],
                )
                .await
                .map(|_| ())
            })
        })
        .await
    }
}
