//! `hearth verify` on SQLite: its integrity and foreign-key checks, every
//! blob against its hash, and the shared consistency checks.

use async_trait::async_trait;
use hearth_store::verify::{
    CHAIN_COLUMNS, CONSISTENCY_CHECKS, ChainedEvent, STATS, STATS_WITHOUT_SECRET, blob_problem,
    check_audit_chain,
};
use hearth_store::{Result, SiteStats, VerifyStore};

use crate::SqliteStore;

#[async_trait]
impl VerifyStore for SqliteStore {
    async fn verify(&self) -> Result<Vec<String>> {
        self.db
            .read(|c| {
                let mut problems = Vec::new();
                let integrity: Vec<String> = c
                    .prepare("PRAGMA integrity_check")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                if integrity != ["ok"] {
                    problems.extend(integrity.into_iter().map(|p| format!("integrity: {p}")));
                }
                let fk: Vec<String> = c
                    .prepare("PRAGMA foreign_key_check")?
                    .query_map([], |r| {
                        Ok(format!(
                            "foreign key: {} row {:?} -> {}",
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<i64>>(1)?,
                            r.get::<_, String>(2)?
                        ))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                problems.extend(fk);
                for (what, sql) in CONSISTENCY_CHECKS {
                    let found: Vec<String> = c
                        .prepare(sql)?
                        .query_map([], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    problems.extend(found.into_iter().map(|p| format!("{what}: {p}")));
                }
                let sql = format!("SELECT {CHAIN_COLUMNS} FROM audit_events ORDER BY id");
                let events = c
                    .prepare(&sql)?
                    .query_map([], |r| {
                        Ok(ChainedEvent {
                            id: r.get(0)?,
                            at: r.get(1)?,
                            actor: r.get(2)?,
                            action: r.get(3)?,
                            target: r.get(4)?,
                            space: r.get(5)?,
                            before: r.get(6)?,
                            after: r.get(7)?,
                            prev_hash: r.get(8)?,
                            hash: r.get(9)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                problems.extend(check_audit_chain(events));
                let mut blobs = c.prepare("SELECT hash, size, data FROM blobs")?;
                let mut rows = blobs.query([])?;
                while let Some(row) = rows.next()? {
                    let hash: String = row.get(0)?;
                    let size: i64 = row.get(1)?;
                    let data: Vec<u8> = row.get(2)?;
                    problems.extend(blob_problem(&hash, size, &data));
                }
                Ok(problems)
            })
            .await
    }
    async fn stats(&self, secret_spaces: bool) -> Result<SiteStats> {
        let sql = if secret_spaces {
            STATS
        } else {
            STATS_WITHOUT_SECRET
        };
        self.db
            .read(|c| {
                Ok(c.query_row(sql, [], |r| {
                    Ok(SiteStats {
                        users: r.get(0)?,
                        spaces: r.get(1)?,
                        topics: r.get(2)?,
                        replies: r.get(3)?,
                        attachments: r.get(4)?,
                        schema_version: r.get(5)?,
                        migrated_at: r.get(6)?,
                    })
                })?)
            })
            .await
    }
}
