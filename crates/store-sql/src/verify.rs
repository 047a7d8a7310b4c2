//! `hearth verify`: the engine's own integrity checks, then the shared
//! consistency checks, the audit chain and every blob against its hash.

use async_trait::async_trait;
use hearth_store::verify::{
    CHAIN_COLUMNS, CONSISTENCY_CHECKS, ChainedEvent, STATS, STATS_WITHOUT_SECRET, blob_problem,
    check_audit_chain,
};
use hearth_store::{Result, SiteStats, VerifyStore};

use crate::conn::Engine;
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> VerifyStore for SqlStore<E> {
    async fn verify(&self) -> Result<Vec<String>> {
        // The engine's checks and the shared ones read on connections of
        // their own, at once: on a large store each is a full scan.
        let engine = self.engine().integrity();
        let shared = self.read(|c| {
            Box::pin(async move {
                let mut problems = Vec::new();
                for (what, sql) in CONSISTENCY_CHECKS {
                    let found: Vec<String> = c.query(sql, &[]).await?.read(|r| r.get())?;
                    problems.extend(found.into_iter().map(|p| format!("{what}: {p}")));
                }
                let sql = format!("SELECT {CHAIN_COLUMNS} FROM audit_events ORDER BY id");
                let events = c.query(&sql, &[]).await?.read(|r| {
                    Ok(ChainedEvent {
                        id: r.get()?,
                        at: r.get()?,
                        actor: r.get()?,
                        action: r.get()?,
                        target: r.get()?,
                        space: r.get()?,
                        before: r.get()?,
                        after: r.get()?,
                        prev_hash: r.get()?,
                        hash: r.get()?,
                    })
                })?;
                problems.extend(check_audit_chain(events));
                let mut blobs = Vec::new();
                c.for_each("SELECT hash, size, data FROM blobs", &[], &mut |mut row| {
                    let mut r = row.cursor();
                    let (hash, size, data): (String, i64, Vec<u8>) = (r.get()?, r.get()?, r.get()?);
                    blobs.extend(blob_problem(&hash, size, &data));
                    Ok(())
                })
                .await?;
                problems.extend(blobs);
                Ok(problems)
            })
        });
        let (engine, shared) = tokio::join!(engine, shared);
        let mut problems = engine?;
        problems.extend(shared?);
        Ok(problems)
    }

    async fn stats(&self, secret_spaces: bool) -> Result<SiteStats> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = if secret_spaces {
                    STATS
                } else {
                    STATS_WITHOUT_SECRET
                };
                c.query_one(sql, &[]).await?.read(|r| {
                    Ok(SiteStats {
                        users: r.get()?,
                        spaces: r.get()?,
                        topics: r.get()?,
                        replies: r.get()?,
                        attachments: r.get()?,
                        schema_version: r.get()?,
                        migrated_at: r.get()?,
                    })
                })
            })
        })
        .await
    }
}
