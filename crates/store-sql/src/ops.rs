//! Operational records and job claims, shared by every node.

use async_trait::async_trait;
use hearth_store::{OpsKind, OpsRecord, OpsStore, Result, StoreError};

use crate::args;
use crate::conn::Engine;
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> OpsStore for SqlStore<E> {
    async fn record_ops(&self, record: OpsRecord) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO ops_records (name, at, ok, detail, last_ok_at)
                     VALUES ($1, CAST($2 AS BIGINT), $3, $4, CASE WHEN $3 THEN CAST($2 AS BIGINT) END)
                     ON CONFLICT (name) DO UPDATE SET at = $2, ok = $3, detail = $4,
                         last_ok_at = CASE WHEN $3 THEN CAST($2 AS BIGINT)
                                      ELSE ops_records.last_ok_at END",
                    args![record.kind.as_str(), record.at, record.ok, &record.detail],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn ops_records(&self) -> Result<Vec<OpsRecord>> {
        self.read(|c| {
            Box::pin(async move {
                c.query(
                    "SELECT name, at, ok, detail, last_ok_at FROM ops_records ORDER BY name",
                    &[],
                )
                .await?
                .read(|r| {
                    let name: String = r.get()?;
                    Ok(OpsRecord {
                        kind: OpsKind::parse(&name).ok_or_else(|| {
                            StoreError::Other(format!("unknown operational record {name}"))
                        })?,
                        at: r.get()?,
                        ok: r.get()?,
                        detail: r.get()?,
                        last_ok_at: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn copy_database(&self, to: &std::path::Path) -> Result<bool> {
        match self.engine().copy_into(to.to_owned()) {
            Some(copying) => copying.await.map(|()| true),
            None => Ok(false),
        }
    }

    async fn claim_job(&self, name: &str, holder: &str, now: i64, until: i64) -> Result<bool> {
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.write(move |c| {
            Box::pin(async move {
                // One statement: two nodes claiming at once cannot both win.
                let n = c
                    .execute(
                        "INSERT INTO job_claims (name, holder, until) VALUES ($1, $2, $4)
                         ON CONFLICT (name) DO UPDATE SET holder = $2, until = $4
                         WHERE job_claims.holder = $2 OR job_claims.until <= $3",
                        args![&name, &holder, now, until],
                    )
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }
}
