//! Sign-in attempts, counted under hashed keys for every node.

use async_trait::async_trait;
use hearth_store::{Result, SigninAttempt, SigninStore, SigninSuccess};

use crate::args;
use crate::conn::{Engine, value_opt};
use crate::store::SqlStore;

#[async_trait]
impl<E: Engine> SigninStore for SqlStore<E> {
    async fn begin_signin(&self, a: SigninAttempt) -> Result<Option<i64>> {
        self.write(move |c| {
            Box::pin(async move {
                // Attempts under the same keys check and count one at a time.
                let keys: Vec<&str> = a.limits.iter().map(|l| l.key.as_str()).collect();
                c.lock_keys(&keys).await?;
                c.execute("DELETE FROM signin_attempts WHERE at < $1", args![a.since])
                    .await?;
                for limit in &a.limits {
                    if let Some(known) = &limit.unless_known {
                        let known: Option<i64> = value_opt(
                            c,
                            "SELECT at FROM signin_known WHERE key = $1 AND at >= $2",
                            args![known, a.known_since],
                        )
                        .await?;
                        if known.is_some() {
                            continue;
                        }
                    }
                    let mut row = c
                        .query_one(
                            "SELECT count(*), min(at) FROM signin_attempts WHERE key = $1",
                            args![&limit.key],
                        )
                        .await?;
                    let mut r = row.cursor();
                    let (count, oldest): (i64, Option<i64>) = (r.get()?, r.get()?);
                    if count >= limit.max {
                        return Ok(Some(oldest.unwrap_or(a.at)));
                    }
                }
                for limit in &a.limits {
                    c.execute(
                        "INSERT INTO signin_attempts (attempt, key, at) VALUES ($1, $2, $3)",
                        args![&a.id, &limit.key, a.at],
                    )
                    .await?;
                }
                Ok(None)
            })
        })
        .await
    }

    async fn signin_succeeded(&self, s: SigninSuccess) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                for key in &s.forget_attempt {
                    c.execute(
                        "DELETE FROM signin_attempts WHERE key = $1 AND attempt = $2",
                        args![key, &s.attempt],
                    )
                    .await?;
                }
                for key in &s.forget_all {
                    c.execute("DELETE FROM signin_attempts WHERE key = $1", args![key])
                        .await?;
                }
                c.execute(
                    "DELETE FROM signin_known WHERE at < $1",
                    args![s.known_since],
                )
                .await?;
                c.execute(
                    "INSERT INTO signin_known (key, at) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET at = excluded.at",
                    args![&s.known, s.at],
                )
                .await
                .map(|_| ())
            })
        })
        .await
    }
}
