//! The audit log, written inside the transaction of the action it records.

use async_trait::async_trait;
use hearth_core::ids::SpaceId;
use hearth_store::verify::ChainedEvent;
use hearth_store::{AuditEvent, AuditStore, NewAuditEvent, Result};
use tokio_postgres::Transaction;

use crate::error::{SqlResult, map_err};
use crate::rows::{self, USER_COLUMNS};
use crate::{PostgresStore, query};

/// Appends `event`, if any, in the action's transaction, chained to the
/// previous event; a lock held to the end of the transaction keeps
/// concurrent writers from forking the chain.
pub(crate) async fn write_audit(
    tx: &Transaction<'_>,
    event: &Option<NewAuditEvent>,
) -> SqlResult<()> {
    let Some(e) = event else {
        return Ok(());
    };
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
        .await?;
    let prev: String = tx
        .query_opt(
            "SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await?
        .map(|r| r.get(0))
        .unwrap_or_default();
    let id: i64 = tx
        .query_one(
            "INSERT INTO audit_events (at, actor_id, action, target, space_id, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[
                &e.at,
                &e.actor.0,
                &e.action,
                &e.target,
                &e.space_id.map(|s| s.0),
                &e.before,
                &e.after,
            ],
        )
        .await?
        .get(0);
    let hash = ChainedEvent::from_new(id, e).expected_hash(&prev);
    tx.execute(
        "UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE id = $1",
        &[&id, &prev, &hash],
    )
    .await?;
    Ok(())
}

/// An arbitrary constant that names the audit chain's lock.
const AUDIT_LOCK: i64 = 0x0041_5544_4954;

#[async_trait]
impl AuditStore for PostgresStore {
    async fn audit_events(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT a.id, a.at, a.action, a.target, a.space_id, a.before, a.after, {USER_COLUMNS}
             FROM audit_events a JOIN users u ON u.id = a.actor_id
             WHERE $1::bigint IS NULL OR a.id < $1 ORDER BY a.id DESC LIMIT $2"
        );
        let rows = query(&c, &sql, &[&before, &i64::from(limit)]).await?;
        Ok(rows::all(&rows, |r| {
            Ok(AuditEvent {
                id: r.try_get(0)?,
                at: r.try_get(1)?,
                action: r.try_get(2)?,
                target: r.try_get(3)?,
                space_id: r.try_get::<_, Option<i64>>(4)?.map(SpaceId),
                before: r.try_get(5)?,
                after: r.try_get(6)?,
                actor: rows::user(r, 7)?,
            })
        })?)
    }
}

/// Runs one statement and the audit event in a transaction; NotFound when
/// the statement touched no row.
pub(crate) async fn audited(
    store: &PostgresStore,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    audit: &Option<NewAuditEvent>,
) -> Result<()> {
    let mut c = store.client().await?;
    let tx = c.transaction().await.map_err(map_err)?;
    let n = tx.execute(sql, params).await.map_err(map_err)?;
    if n == 0 {
        return Err(hearth_store::StoreError::NotFound);
    }
    write_audit(&tx, audit).await?;
    tx.commit().await.map_err(map_err)
}
