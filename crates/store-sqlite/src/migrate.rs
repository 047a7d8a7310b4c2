//! Versioned migrations, applied in order at open; the same versions and names
//! as the PostgreSQL engine's.

use hearth_store::{Result, StoreError};
use rusqlite::Connection;

use crate::error::map_err;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "conversations",
        include_str!("../migrations/0002_conversations.sql"),
    ),
    (
        3,
        "attachments",
        include_str!("../migrations/0003_attachments.sql"),
    ),
    (
        4,
        "feed_tokens",
        include_str!("../migrations/0004_feed_tokens.sql"),
    ),
    (5, "audit", include_str!("../migrations/0005_audit.sql")),
    (
        6,
        "idempotency",
        include_str!("../migrations/0006_idempotency.sql"),
    ),
    (
        7,
        "audit_chain",
        include_str!("../migrations/0007_audit_chain.sql"),
    ),
    (
        8,
        "member_count",
        include_str!("../migrations/0008_member_count.sql"),
    ),
    (
        9,
        "idempotency_keys",
        include_str!("../migrations/0009_idempotency_keys.sql"),
    ),
    (
        10,
        "member_spaces_index",
        include_str!("../migrations/0010_member_spaces_index.sql"),
    ),
    (
        11,
        "topic_newest_replies",
        include_str!("../migrations/0011_topic_newest_replies.sql"),
    ),
    (
        12,
        "author_replies",
        include_str!("../migrations/0012_author_replies.sql"),
    ),
    (
        13,
        "signin_attempts",
        include_str!("../migrations/0013_signin_attempts.sql"),
    ),
    (
        14,
        "attachment_owners",
        include_str!("../migrations/0014_attachment_owners.sql"),
    ),
];

/// The newest schema version this build knows.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) fn run(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT    NOT NULL,
             applied_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
         )",
    )
    .map_err(map_err)?;
    let current: i64 = conn
        .query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(map_err)?;
    if current > LATEST_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: LATEST_VERSION,
        });
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction().map_err(map_err)?;
        tx.execute_batch(sql).map_err(map_err)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            (version, name),
        )
        .map_err(map_err)?;
        tx.commit().map_err(map_err)?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_file_is_applied_in_order() -> std::io::Result<()> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            files.push(entry?.file_name().to_string_lossy().into_owned());
        }
        files.sort();
        let listed: Vec<String> = super::MIGRATIONS
            .iter()
            .map(|(version, name, _)| format!("{version:04}_{name}.sql"))
            .collect();
        assert_eq!(files, listed);
        Ok(())
    }
}
