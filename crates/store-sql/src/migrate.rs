//! Versioned migrations, listed once with each engine's SQL side by side
//! (`migrations/sqlite/` and `migrations/postgres/`, the same file names):
//! no engine can gain a migration the other lacks. They are applied in
//! order at open, in one transaction under a lock, so that several nodes
//! starting together migrate once.

use hearth_store::{Result, StoreError};

use crate::args;
use crate::conn::{Dialect, Engine, value};
use crate::store::SqlStore;

/// One migration: its version, its file name, and its SQL for each engine.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its version; versions go up by one.
    pub version: i64,
    /// Its file name without `.sql`: the version, zero-padded, and its name.
    file: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

impl Migration {
    /// Its name: the file name without the version.
    pub fn name(&self) -> &'static str {
        self.file
            .split_once('_')
            .map_or(self.file, |(_, name)| name)
    }
}

macro_rules! migration {
    ($version:literal, $file:literal) => {
        Migration {
            version: $version,
            file: $file,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $file, ".sql")),
        }
    };
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_conversations"),
    migration!(3, "0003_attachments"),
    migration!(4, "0004_feed_tokens"),
    migration!(5, "0005_audit"),
    migration!(6, "0006_idempotency"),
    migration!(7, "0007_audit_chain"),
    migration!(8, "0008_member_count"),
    migration!(9, "0009_idempotency_keys"),
    migration!(10, "0010_member_spaces_index"),
    migration!(11, "0011_topic_newest_replies"),
    migration!(12, "0012_author_replies"),
    migration!(13, "0013_signin_attempts"),
    migration!(14, "0014_attachment_owners"),
    migration!(15, "0015_kept_answers"),
    migration!(16, "0016_search"),
    migration!(17, "0017_profiles"),
    migration!(18, "0018_moderation_notes_and_visits"),
    migration!(19, "0019_follows_and_notifications"),
    migration!(20, "0020_batched_likes_and_space_events"),
    migration!(21, "0021_ops_records"),
    migration!(22, "0022_assets"),
    migration!(23, "0023_mail"),
    migration!(24, "0024_cheap_unread_count"),
];

/// The newest schema version this build knows.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

impl<E: Engine> SqlStore<E> {
    /// Applies the migrations the database lacks; refuses a schema newer
    /// than this build knows.
    pub async fn migrate(&self) -> Result<()> {
        self.write(|c| {
            Box::pin(async move {
                c.lock_keys(&["migrations"]).await?;
                let dialect = c.dialect();
                c.batch(match dialect {
                    Dialect::Sqlite => {
                        "CREATE TABLE IF NOT EXISTS schema_migrations (
                             version    INTEGER PRIMARY KEY,
                             name       TEXT    NOT NULL,
                             applied_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
                         )"
                    }
                    Dialect::Postgres => {
                        "CREATE TABLE IF NOT EXISTS schema_migrations (
                             version    BIGINT PRIMARY KEY,
                             name       TEXT   NOT NULL,
                             applied_at BIGINT NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint
                         )"
                    }
                })
                .await?;
                let current: i64 =
                    value(c, "SELECT coalesce(max(version), 0) FROM schema_migrations", &[]).await?;
                if current > LATEST_VERSION {
                    return Err(StoreError::SchemaTooNew {
                        found: current,
                        known: LATEST_VERSION,
                    });
                }
                for m in MIGRATIONS.iter().filter(|m| m.version > current) {
                    c.batch(match dialect {
                        Dialect::Sqlite => m.sqlite,
                        Dialect::Postgres => m.postgres,
                    })
                    .await?;
                    c.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                        args![m.version, m.name()],
                    )
                    .await?;
                    // A new store says so once; an upgrade names each step.
                    if current == 0 {
                        tracing::debug!(version = m.version, name = m.name(), "applied migration");
                    } else {
                        tracing::info!(version = m.version, name = m.name(), "applied migration");
                    }
                }
                if current == 0 {
                    tracing::info!(version = LATEST_VERSION, "created a new store");
                }
                Ok(())
            })
        })
        .await?;
        self.rebuild_search_index_if_asked().await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_file_is_listed_in_order_for_both_engines() -> std::io::Result<()> {
        let listed: Vec<String> = super::MIGRATIONS
            .iter()
            .map(|m| {
                assert_eq!(m.file, format!("{:04}_{}", m.version, m.name()));
                format!("{}.sql", m.file)
            })
            .collect();
        for engine in ["sqlite", "postgres"] {
            let dir = format!("{}/migrations/{engine}", env!("CARGO_MANIFEST_DIR"));
            let mut files = Vec::new();
            for entry in std::fs::read_dir(dir)? {
                files.push(entry?.file_name().to_string_lossy().into_owned());
            }
            files.sort();
            assert_eq!(files, listed, "{engine}");
        }
        Ok(())
    }
}
