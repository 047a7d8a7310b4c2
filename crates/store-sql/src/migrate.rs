//! Versioned migrations, listed once with each engine's SQL side by side
//! (`migrations/sqlite/` and `migrations/postgres/`, the same file names):
//! no engine can gain a migration the other lacks. They are applied in
//! order at open, in one transaction under a lock, so that several nodes
//! starting together migrate once.

use hearth_store::{Result, StoreError};

use crate::args;
use crate::conn::{Conn, Dialect, Engine, value};
use crate::store::SqlStore;
use crate::value::ReadRows;

/// What a migration does to what the release before relies on. Nodes of
/// two releases share one database while they upgrade one at a time, so
/// the release before must keep working on the new schema: only a
/// contract, a release after the last code using what it removes, may
/// break it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationKind {
    /// Adds tables, columns (nullable or with a default) and indexes,
    /// drops indexes or relaxes constraints: the release before runs on.
    Expand,
    /// Expands, and fills what it added from existing rows (or asks for a
    /// derived index to be rebuilt): the release before runs on.
    Migrate,
    /// Removes or renames what a release before used; every node must run
    /// a release that no longer uses it first.
    Contract,
}

impl MigrationKind {
    /// How a report names it.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationKind::Expand => "expand",
            MigrationKind::Migrate => "migrate",
            MigrationKind::Contract => "contract",
        }
    }
}

/// One migration: its version, its file name, its kind, and its SQL for
/// each engine.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its version; versions go up by one.
    pub version: i64,
    /// What it does to what the release before relies on.
    pub kind: MigrationKind,
    /// Its file name without `.sql`: the version, zero-padded, and its name.
    file: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

impl Migration {
    /// Its SQL for `dialect`'s engine.
    pub fn sql(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::Postgres => self.postgres,
        }
    }

    /// Its name: the file name without the version.
    pub fn name(&self) -> &'static str {
        self.file
            .split_once('_')
            .map_or(self.file, |(_, name)| name)
    }
}

macro_rules! migration {
    ($version:literal, $file:literal, $kind:ident) => {
        Migration {
            version: $version,
            kind: MigrationKind::$kind,
            file: $file,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $file, ".sql")),
        }
    };
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation", Expand),
    migration!(2, "0002_conversations", Expand),
    migration!(3, "0003_attachments", Expand),
    migration!(4, "0004_feed_tokens", Expand),
    migration!(5, "0005_audit", Expand),
    migration!(6, "0006_idempotency", Expand),
    migration!(7, "0007_audit_chain", Expand),
    migration!(8, "0008_member_count", Migrate),
    migration!(9, "0009_idempotency_keys", Expand),
    migration!(10, "0010_member_spaces_index", Expand),
    migration!(11, "0011_topic_newest_replies", Expand),
    migration!(12, "0012_author_replies", Expand),
    migration!(13, "0013_signin_attempts", Expand),
    migration!(14, "0014_attachment_owners", Migrate),
    migration!(15, "0015_kept_answers", Expand),
    migration!(16, "0016_search", Migrate),
    migration!(17, "0017_profiles", Migrate),
    migration!(18, "0018_moderation_notes_and_visits", Expand),
    migration!(19, "0019_follows_and_notifications", Expand),
    migration!(20, "0020_batched_likes_and_space_events", Migrate),
    migration!(21, "0021_ops_records", Expand),
    migration!(22, "0022_assets", Expand),
    migration!(23, "0023_mail", Expand),
    migration!(24, "0024_cheap_unread_count", Expand),
    migration!(25, "0025_migration_kinds", Expand),
    migration!(26, "0026_data_migrations", Migrate),
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
                    return runs_on_newer(c, current).await;
                }
                for m in MIGRATIONS.iter().filter(|m| m.version > current) {
                    c.batch(m.sql(dialect)).await?;
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
                if current < LATEST_VERSION {
                    for m in MIGRATIONS {
                        c.execute(
                            "UPDATE schema_migrations SET kind = $1 WHERE version = $2 AND kind IS NULL",
                            args![m.kind.as_str(), m.version],
                        )
                        .await?;
                    }
                }
                if current == 0 {
                    // A new store holds nothing for a data migration to do.
                    c.execute("DELETE FROM data_migrations", &[]).await?;
                    tracing::info!(version = LATEST_VERSION, "created a new store");
                }
                Ok(())
            })
        })
        .await
    }
}

/// A schema newer than this build knows, written by a later release: this
/// release runs on it while every newer migration is recorded as an
/// expansion or a migration (its compatibility window, within which a
/// rollback to it needs no restore); a contract, or a migration of unknown
/// kind, and it refuses.
async fn runs_on_newer(c: &mut dyn Conn, current: i64) -> Result<()> {
    let newer: Vec<(i64, String, Option<String>)> = c
        .query(
            "SELECT version, name, kind FROM schema_migrations WHERE version > $1 ORDER BY version",
            args![LATEST_VERSION],
        )
        .await?
        .read(|r| Ok((r.get()?, r.get()?, r.get()?)))?;
    let compatible = |kind: &Option<String>| {
        [MigrationKind::Expand, MigrationKind::Migrate]
            .iter()
            .any(|k| kind.as_deref() == Some(k.as_str()))
    };
    if let Some((version, name, _)) = newer.iter().find(|(_, _, kind)| !compatible(kind)) {
        tracing::error!(
            version,
            name,
            "a newer migration this release cannot run after"
        );
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: LATEST_VERSION,
        });
    }
    tracing::info!(
        found = current,
        known = LATEST_VERSION,
        "the schema is newer than this release, by expansions only: running on it"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::MigrationKind;

    /// The statements of `sql`, comments gone, upper case, one space apart.
    fn statements(sql: &str) -> Vec<String> {
        let code: String = sql
            .lines()
            .map(|l| l.split("--").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ");
        code.split(';')
            .map(|st| {
                st.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_uppercase()
            })
            .filter(|st| !st.is_empty())
            .collect()
    }

    /// What in `sql` would break the release before: only a contract may.
    /// A SQLite table rebuilt under its own name (drop it, rename its new
    /// copy to it) keeps its name and columns, and is not counted.
    fn breaking(sql: &str) -> Vec<String> {
        let statements = statements(sql);
        let renamed_to: Vec<String> = statements
            .iter()
            .filter_map(|st| {
                st.split_once(" RENAME TO ")
                    .map(|(_, to)| to.trim().to_owned())
            })
            .collect();
        let dropped: Vec<String> = statements
            .iter()
            .filter_map(|st| st.strip_prefix("DROP TABLE ").map(|t| t.trim().to_owned()))
            .collect();
        statements
            .iter()
            .filter(|st| {
                let rebuilt = |table: &str| renamed_to.iter().any(|t| t == table);
                match st.strip_prefix("DROP TABLE ") {
                    Some(table) => !rebuilt(table.trim()),
                    None => {
                        st.contains(" DROP COLUMN ")
                            || st.contains(" RENAME COLUMN ")
                            || st
                                .split_once(" RENAME TO ")
                                .is_some_and(|(_, to)| !dropped.iter().any(|t| t == to.trim()))
                            || st.contains(" SET NOT NULL")
                            || (st.contains(" ALTER COLUMN ") && st.contains(" TYPE "))
                            || (st.contains(" ADD COLUMN ")
                                && st.contains(" NOT NULL")
                                && !st.contains(" DEFAULT "))
                    }
                }
            })
            .cloned()
            .collect()
    }

    /// Whether `sql` writes rows (fills or asks for a rebuild).
    fn writes_rows(sql: &str) -> bool {
        statements(sql).iter().any(|st| {
            st.starts_with("UPDATE ") || st.starts_with("INSERT ") || st.starts_with("DELETE ")
        })
    }

    #[test]
    fn the_check_knows_what_breaks_the_release_before() {
        for bad in [
            "ALTER TABLE t DROP COLUMN c;",
            "ALTER TABLE t RENAME COLUMN a TO b;",
            "ALTER TABLE t RENAME TO u;",
            "DROP TABLE t;",
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
            "ALTER TABLE t ALTER COLUMN c TYPE BIGINT;",
            "ALTER TABLE t ADD COLUMN c TEXT NOT NULL;",
        ] {
            assert!(!breaking(bad).is_empty(), "{bad}");
        }
        for fine in [
            "-- DROP TABLE t in a comment\nCREATE TABLE u (a TEXT NOT NULL);",
            "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT '';",
            "ALTER TABLE t ALTER COLUMN c DROP NOT NULL; DROP INDEX i;",
            "CREATE TABLE t_new (a TEXT); DROP TABLE t; ALTER TABLE t_new RENAME TO t;",
        ] {
            assert_eq!(breaking(fine), Vec::<String>::new(), "{fine}");
        }
        assert!(writes_rows(
            "ALTER TABLE t ADD COLUMN n INTEGER;\nUPDATE t SET n = 1;"
        ));
        assert!(!writes_rows("CREATE INDEX i ON t (a); -- UPDATE later"));
    }

    /// Release N's code runs on release N+1's schema: a migration breaks
    /// nothing the release before uses unless it is declared a contract,
    /// and one declared an expansion writes no rows.
    #[test]
    fn every_migration_does_what_its_kind_allows() {
        for m in super::MIGRATIONS {
            for (engine, sql) in [("sqlite", m.sqlite), ("postgres", m.postgres)] {
                if m.kind != MigrationKind::Contract {
                    assert_eq!(
                        breaking(sql),
                        Vec::<String>::new(),
                        "{} on {engine} breaks the release before: declare it a contract",
                        m.file
                    );
                }
                if m.kind == MigrationKind::Expand {
                    assert!(
                        !writes_rows(sql),
                        "{} on {engine} writes rows: declare it a migration",
                        m.file
                    );
                }
            }
        }
    }

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
