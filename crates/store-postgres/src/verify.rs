//! `hearth verify` on PostgreSQL: every blob against its hash and the shared
//! consistency checks (the server guards its own pages and foreign keys).

use async_trait::async_trait;
use hearth_store::verify::{
    CHAIN_COLUMNS, CONSISTENCY_CHECKS, ChainedEvent, STATS, STATS_WITHOUT_SECRET, blob_problem,
    check_audit_chain,
};
use hearth_store::{Result, SiteStats, VerifyStore};

use crate::PostgresStore;
use crate::error::map_err;

#[async_trait]
impl VerifyStore for PostgresStore {
    async fn verify(&self) -> Result<Vec<String>> {
        let c = self.client().await?;
        let mut problems = Vec::new();
        for (what, sql) in CONSISTENCY_CHECKS {
            for row in c.query(*sql, &[]).await.map_err(map_err)? {
                problems.push(format!("{what}: {}", row.get::<_, String>(0)));
            }
        }
        let sql = format!("SELECT {CHAIN_COLUMNS} FROM audit_events ORDER BY id");
        let events = c
            .query(&sql, &[])
            .await
            .map_err(map_err)?
            .iter()
            .map(|r| ChainedEvent {
                id: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                action: r.get(3),
                target: r.get(4),
                space: r.get(5),
                before: r.get(6),
                after: r.get(7),
                prev_hash: r.get(8),
                hash: r.get(9),
            })
            .collect::<Vec<_>>();
        problems.extend(check_audit_chain(events));
        for row in c
            .query("SELECT hash, size, data FROM blobs", &[])
            .await
            .map_err(map_err)?
        {
            let hash: String = row.get(0);
            let size: i64 = row.get(1);
            let data: Vec<u8> = row.get(2);
            problems.extend(blob_problem(&hash, size, &data));
        }
        Ok(problems)
    }
    async fn stats(&self, secret_spaces: bool) -> Result<SiteStats> {
        let sql = if secret_spaces {
            STATS
        } else {
            STATS_WITHOUT_SECRET
        };
        let c = self.client().await?;
        let r = c.query_one(sql, &[]).await.map_err(map_err)?;
        Ok(SiteStats {
            users: r.get(0),
            spaces: r.get(1),
            topics: r.get(2),
            replies: r.get(3),
            attachments: r.get(4),
            schema_version: r.get(5),
            migrated_at: r.get(6),
        })
    }
}
