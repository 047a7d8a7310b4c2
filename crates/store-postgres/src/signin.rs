//! Sign-in attempts, counted under hashed keys.

use async_trait::async_trait;
use hearth_store::{Result, SigninAttempt, SigninStore, SigninSuccess};

use crate::PostgresStore;
use crate::error::map_err;

#[async_trait]
impl SigninStore for PostgresStore {
    async fn begin_signin(&self, a: SigninAttempt) -> Result<Option<i64>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        // Attempts under the same keys check and count one at a time, on
        // every node: each key's lock is held to the end of the transaction,
        // taken in one order so that two attempts cannot wait on each other.
        let mut keys: Vec<&str> = a.limits.iter().map(|l| l.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                &[&key],
            )
            .await
            .map_err(map_err)?;
        }
        tx.execute("DELETE FROM signin_attempts WHERE at < $1", &[&a.since])
            .await
            .map_err(map_err)?;
        for limit in &a.limits {
            if let Some(known) = &limit.unless_known {
                let known = tx
                    .query_opt(
                        "SELECT at FROM signin_known WHERE key = $1 AND at >= $2",
                        &[known, &a.known_since],
                    )
                    .await
                    .map_err(map_err)?;
                if known.is_some() {
                    continue;
                }
            }
            let row = tx
                .query_one(
                    "SELECT count(*), min(at) FROM signin_attempts WHERE key = $1",
                    &[&limit.key],
                )
                .await
                .map_err(map_err)?;
            let (count, oldest): (i64, Option<i64>) = (row.get(0), row.get(1));
            if count >= limit.max {
                return Ok(Some(oldest.unwrap_or(a.at)));
            }
        }
        for limit in &a.limits {
            tx.execute(
                "INSERT INTO signin_attempts (attempt, key, at) VALUES ($1, $2, $3)",
                &[&a.id, &limit.key, &a.at],
            )
            .await
            .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(None)
    }

    async fn signin_succeeded(&self, s: SigninSuccess) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        for key in &s.forget_attempt {
            tx.execute(
                "DELETE FROM signin_attempts WHERE key = $1 AND attempt = $2",
                &[key, &s.attempt],
            )
            .await
            .map_err(map_err)?;
        }
        for key in &s.forget_all {
            tx.execute("DELETE FROM signin_attempts WHERE key = $1", &[key])
                .await
                .map_err(map_err)?;
        }
        tx.execute("DELETE FROM signin_known WHERE at < $1", &[&s.known_since])
            .await
            .map_err(map_err)?;
        tx.execute(
            "INSERT INTO signin_known (key, at) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET at = excluded.at",
            &[&s.known, &s.at],
        )
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }
}
