//! The audit log, written inside the transaction of the action it records.

use async_trait::async_trait;
use hearth_core::model::AuditAction;
use hearth_store::verify::ChainedEvent;
use hearth_store::{AuditEvent, AuditStore, NewAuditEvent, Result, StoreError};

use crate::conn::{Conn, Engine, value_opt};
use crate::rows::{USER_COLUMNS, user};
use crate::store::SqlStore;
use crate::value::ReadRows;
use crate::{Arg, args};

/// Appends `event`, if any, in the action's transaction, chained to the
/// previous event; a lock held to the end of the transaction keeps
/// concurrent writers from forking the chain.
pub(crate) async fn write_audit(c: &mut dyn Conn, event: &Option<NewAuditEvent>) -> Result<()> {
    let Some(e) = event else {
        return Ok(());
    };
    c.lock_keys(&["audit chain"]).await?;
    let prev: String = value_opt(
        c,
        "SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
        &[],
    )
    .await?
    .unwrap_or_default();
    let id: i64 = crate::conn::value(
        c,
        "INSERT INTO audit_events (at, actor_id, action, target, space_id, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        args![
            e.at,
            e.actor,
            e.action.as_str(),
            &e.target,
            e.space_id,
            e.before.as_ref(),
            e.after.as_ref()
        ],
    )
    .await?;
    let hash = ChainedEvent::from_new(id, e).expected_hash(&prev);
    c.execute(
        "UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE id = $1",
        args![id, &prev, &hash],
    )
    .await?;
    Ok(())
}

/// Runs one statement and the audit event; NotFound when the statement
/// touched no row.
pub(crate) async fn audited(
    c: &mut dyn Conn,
    sql: &str,
    args: &[Arg<'_>],
    audit: &Option<NewAuditEvent>,
) -> Result<()> {
    if c.execute(sql, args).await? == 0 {
        return Err(StoreError::NotFound);
    }
    write_audit(c, audit).await
}

#[async_trait]
impl<E: Engine> AuditStore for SqlStore<E> {
    async fn audit_events(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT a.id, a.at, a.action, a.target, a.space_id, a.before, a.after, {USER_COLUMNS}
                     FROM audit_events a JOIN users u ON u.id = a.actor_id
                     WHERE CAST($1 AS BIGINT) IS NULL OR a.id < $1 ORDER BY a.id DESC LIMIT $2"
                );
                c.query(&sql, args![before, i64::from(limit)])
                    .await?
                    .read(|r| {
                        Ok(AuditEvent {
                            id: r.get()?,
                            at: r.get()?,
                            action: r.parse(AuditAction::parse)?,
                            target: r.get()?,
                            space_id: r.get()?,
                            before: r.get()?,
                            after: r.get()?,
                            actor: user(r)?,
                        })
                    })
            })
        })
        .await
    }
}
