//! Hearth's embedded storage engine: one SQLite file in WAL mode with
//! `synchronous=FULL`, one writer thread that commits concurrent writes
//! together (group commit), and a pool of readers that never wait for it.
//! What the store does is written once, in `hearth-store-sql`; this crate
//! runs it on SQLite.

mod conn;
mod copy;
mod db;
mod error;
mod recorded;

use std::path::{Path, PathBuf};

use hearth_store::{PoolStatus, Result, StoreError};
use hearth_store_sql::{BoxFuture, Engine, Job, Mode, SqlStore};
use rusqlite::Connection;

pub use hearth_store_sql::LATEST_VERSION;

pub use crate::copy::{copy_file, schema_version};

use crate::conn::{SqliteConn, finish};
use crate::error::map_err;

/// The SQLite store.
pub type SqliteStore = SqlStore<Sqlite>;

/// The SQLite engine: a writer thread and a pool of read connections.
pub struct Sqlite {
    db: db::Db,
    live: hearth_store_sql::LiveSignal,
    /// How `verify` checks SQLite's own structures.
    check: PageCheck,
}

/// SQLite's own check of a database's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageCheck {
    /// `integrity_check`: every page, and every index against its table.
    Full,
    /// `quick_check`: every page of every b-tree, in a sixth of the time;
    /// for a copy of a database whose indexes are checked live.
    Quick,
}

/// How a store commits.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// How many queued writes one transaction may take; 1 turns group commit
    /// off (for measurements).
    pub max_group: usize,
    /// Whether a commit waits until the disk has it.
    pub synchronous: Synchronous,
    /// The writer's page cache in MiB; none keeps SQLite's 2 MiB.
    pub writer_cache_mib: Option<u32>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            max_group: db::MAX_GROUP,
            synchronous: Synchronous::Full,
            writer_cache_mib: None,
        }
    }
}

impl OpenOptions {
    /// For loading a store nobody serves yet (`hearth seed`): nothing is
    /// acknowledged to anyone, so commits need not wait for the disk (a
    /// crash means loading again), and the writer keeps a large cache.
    pub fn bulk_load() -> Self {
        Self {
            synchronous: Synchronous::Off,
            writer_cache_mib: Some(256),
            ..Self::default()
        }
    }
}

/// SQLite's `synchronous` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit is fsync'd before it is acknowledged. Always, in Hearth.
    Full,
    /// Commits are left to the OS: a power loss may lose acknowledged writes.
    /// Only for the power-loss test's negative control, which must catch that.
    Off,
}

/// Opens (creating if needed) the database at `path`, applies migrations,
/// and refuses a schema newer than this build knows.
pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
    open_with(path, OpenOptions::default()).await
}

/// Like [`open`], with `options`.
pub async fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<SqliteStore> {
    let path: PathBuf = path.as_ref().to_owned();
    let db = tokio::task::spawn_blocking(move || db::Db::open(&path, 8, options))
        .await
        .map_err(|e| StoreError::Other(e.to_string()))??;
    let store = SqlStore::new(Sqlite {
        db,
        live: hearth_store_sql::LiveSignal::default(),
        check: PageCheck::Full,
    });
    store.migrate().await?;
    Ok(store)
}

/// Opens a copy of a database (a backup) to read and check it, changing
/// nothing: no migration, no writer, every write refused. Its schema
/// should be this build's ([`schema_version`] tells). `verify` checks its
/// pages with `quick_check`: a page-level copy's pages are what can be
/// wrong in it, and the live database's indexes are checked in full where
/// it serves.
pub async fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore> {
    let path: PathBuf = path.as_ref().to_owned();
    let db = tokio::task::spawn_blocking(move || db::Db::open_read_only(&path, 3))
        .await
        .map_err(|e| StoreError::Other(e.to_string()))??;
    Ok(SqlStore::new(Sqlite {
        db,
        live: hearth_store_sql::LiveSignal::default(),
        check: PageCheck::Quick,
    }))
}

impl Engine for Sqlite {
    fn run<T: Send + 'static>(&self, mode: Mode, job: Job<T>) -> BoxFuture<'_, Result<T>> {
        let run = move |c: &mut Connection| finish(job(&mut SqliteConn(c)));
        match mode {
            Mode::Read => Box::pin(self.db.read(run)),
            // One read transaction: a snapshot that writers do not disturb.
            Mode::Snapshot => Box::pin(self.db.read(move |c| {
                c.execute_batch("BEGIN").map_err(map_err)?;
                let result = run(c);
                let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
                c.execute_batch(end).map_err(map_err)?;
                result
            })),
            Mode::Write => Box::pin(self.db.write(run)),
        }
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn pool_status(&self) -> PoolStatus {
        self.db.pool_status()
    }

    fn live_signal(&self) -> &hearth_store_sql::LiveSignal {
        &self.live
    }

    fn copy_into(&self, to: PathBuf) -> Option<BoxFuture<'_, Result<()>>> {
        Some(Box::pin(self.db.read(move |c| copy::pages(c, &to))))
    }

    fn integrity(&self) -> BoxFuture<'_, Result<Vec<String>>> {
        let pages = match self.check {
            PageCheck::Full => "PRAGMA integrity_check",
            PageCheck::Quick => "PRAGMA quick_check",
        };
        // Two scans, on two connections at once.
        let pages = self.db.read(move |c| {
            let mut check = c.prepare(pages).map_err(map_err)?;
            let found = check
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(map_err)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(map_err)?;
            Ok(if found == ["ok"] {
                Vec::new()
            } else {
                found
                    .into_iter()
                    .map(|p| format!("integrity: {p}"))
                    .collect()
            })
        });
        let keys = self.db.read(|c| {
            let mut fk = c.prepare("PRAGMA foreign_key_check").map_err(map_err)?;
            let broken = fk
                .query_map([], |r| {
                    Ok(format!(
                        "foreign key: {} row {:?} -> {}",
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, String>(2)?
                    ))
                })
                .map_err(map_err)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(map_err)?;
            Ok(broken)
        });
        Box::pin(async move {
            let (pages, keys) = tokio::join!(pages, keys);
            let mut problems = pages?;
            problems.extend(keys?);
            Ok(problems)
        })
    }
}
