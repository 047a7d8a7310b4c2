//! Versioned migrations, applied in order at connect under an advisory lock,
//! so that several nodes starting together migrate once; the same versions
//! and names as the SQLite engine's.

use hearth_store::{Result, StoreError};
use tokio_postgres::Client;

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

/// An arbitrary constant that names Hearth's migration lock.
const LOCK_KEY: i64 = 0x4845_4152_5448;

pub(crate) async fn run(client: &mut Client) -> Result<()> {
    let tx = client.transaction().await.map_err(map_err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(map_err)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT   NOT NULL,
             applied_at BIGINT NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint
         )",
    )
    .await
    .map_err(map_err)?;
    let current: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .map_err(map_err)?
        .get(0);
    if current > LATEST_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: LATEST_VERSION,
        });
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.batch_execute(sql).await.map_err(map_err)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, &name],
        )
        .await
        .map_err(map_err)?;
        tracing::info!(version, name, "applied migration");
    }
    tx.commit().await.map_err(map_err)
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
