//! The audit log, written inside the transaction of the action it records.

use async_trait::async_trait;
use hearth_core::ids::SpaceId;
use hearth_store::verify::ChainedEvent;
use hearth_store::{AuditEvent, AuditStore, NewAuditEvent, Result};
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::error::SqlResult;
use crate::rows::{self, USER_COLUMNS};

/// Appends `event`, if any, on the action's own connection, chained to the
/// previous event (the single writer makes the order total).
pub(crate) fn write_audit(c: &Connection, event: &Option<NewAuditEvent>) -> SqlResult<()> {
    let Some(e) = event else {
        return Ok(());
    };
    let prev: String = c
        .query_row(
            "SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let id: i64 = c
        .prepare_cached(
            "INSERT INTO audit_events (at, actor_id, action, target, space_id, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )?
        .query_row(
            params![
                e.at,
                e.actor.0,
                e.action,
                e.target,
                e.space_id.map(|s| s.0),
                e.before,
                e.after
            ],
            |r| r.get(0),
        )?;
    let hash = ChainedEvent::from_new(id, e).expected_hash(&prev);
    c.execute(
        "UPDATE audit_events SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
        params![id, prev, hash],
    )?;
    Ok(())
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn audit_events(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT a.id, a.at, a.action, a.target, a.space_id, a.before, a.after, {USER_COLUMNS}
                     FROM audit_events a JOIN users u ON u.id = a.actor_id
                     WHERE ?1 IS NULL OR a.id < ?1 ORDER BY a.id DESC LIMIT ?2"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let events = stmt
                    .query_map(params![before, limit], |r| {
                        Ok(AuditEvent {
                            id: r.get(0)?,
                            at: r.get(1)?,
                            action: r.get(2)?,
                            target: r.get(3)?,
                            space_id: r.get::<_, Option<i64>>(4)?.map(SpaceId),
                            before: r.get(5)?,
                            after: r.get(6)?,
                            actor: rows::user(r, 7)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(events)
            })
            .await
    }
}
