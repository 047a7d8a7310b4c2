//! Sign-in attempts, counted under hashed keys.

use async_trait::async_trait;
use hearth_store::{Result, SigninAttempt, SigninStore, SigninSuccess};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;

#[async_trait]
impl SigninStore for SqliteStore {
    async fn begin_signin(&self, a: SigninAttempt) -> Result<Option<i64>> {
        // The single writer runs one check-and-count at a time: a burst is
        // counted one by one, never all against the same old count.
        self.db
            .write(move |c| {
                c.execute("DELETE FROM signin_attempts WHERE at < ?1", [a.since])?;
                for limit in &a.limits {
                    if let Some(known) = &limit.unless_known {
                        let known: Option<i64> = c
                            .query_row(
                                "SELECT at FROM signin_known WHERE key = ?1 AND at >= ?2",
                                params![known, a.known_since],
                                |r| r.get(0),
                            )
                            .optional()?;
                        if known.is_some() {
                            continue;
                        }
                    }
                    let (count, oldest): (i64, Option<i64>) = c
                        .prepare_cached(
                            "SELECT count(*), min(at) FROM signin_attempts WHERE key = ?1",
                        )?
                        .query_row([&limit.key], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    if count >= limit.max {
                        return Ok(Some(oldest.unwrap_or(a.at)));
                    }
                }
                let mut insert = c.prepare_cached(
                    "INSERT INTO signin_attempts (attempt, key, at) VALUES (?1, ?2, ?3)",
                )?;
                for limit in &a.limits {
                    insert.execute(params![a.id, limit.key, a.at])?;
                }
                Ok(None)
            })
            .await
    }

    async fn signin_succeeded(&self, s: SigninSuccess) -> Result<()> {
        self.db
            .write(move |c| {
                for key in &s.forget_attempt {
                    c.execute(
                        "DELETE FROM signin_attempts WHERE key = ?1 AND attempt = ?2",
                        params![key, s.attempt],
                    )?;
                }
                for key in &s.forget_all {
                    c.execute("DELETE FROM signin_attempts WHERE key = ?1", [key])?;
                }
                c.execute("DELETE FROM signin_known WHERE at < ?1", [s.known_since])?;
                c.execute(
                    "INSERT INTO signin_known (key, at) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET at = excluded.at",
                    params![s.known, s.at],
                )?;
                Ok(())
            })
            .await
    }
}
