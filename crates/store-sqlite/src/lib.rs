//! Hearth's embedded storage engine: one SQLite file in WAL mode with
//! `synchronous=FULL`, one writer thread that commits concurrent writes
//! together (group commit), and a pool of readers that never wait for it.

mod attachments;
mod audit;
mod content_rows;
mod db;
mod error;
mod export;
mod idempotency;
mod invites;
mod memberships;
mod migrate;
mod reactions;
mod replies;
mod rows;
mod sessions;
mod settings;
mod signin;
mod spaces;
mod tokens;
mod topics;
mod users;
mod verify;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use hearth_store::{PoolStatus, Result, Store};

pub use migrate::LATEST_VERSION;

/// The SQLite store: a writer thread and a pool of read connections.
pub struct SqliteStore {
    db: db::Db,
}

/// How a store commits.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// How many queued writes one transaction may take; 1 turns group commit
    /// off (for measurements).
    pub max_group: usize,
    /// Whether a commit waits until the disk has it.
    pub synchronous: Synchronous,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            max_group: db::MAX_GROUP,
            synchronous: Synchronous::Full,
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

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, applies migrations,
    /// and refuses a schema newer than this build knows.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, OpenOptions::default()).await
    }

    /// Like [`SqliteStore::open`], with `options`.
    pub async fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Self> {
        let path: PathBuf = path.as_ref().to_owned();
        let db = tokio::task::spawn_blocking(move || db::Db::open(&path, 8, options))
            .await
            .map_err(|e| hearth_store::StoreError::Other(e.to_string()))??;
        Ok(Self { db })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<()> {
        self.db
            .read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await
            .map(|_| ())
    }

    fn pool_status(&self) -> PoolStatus {
        self.db.pool_status()
    }

    fn engine(&self) -> &'static str {
        "sqlite"
    }
}
