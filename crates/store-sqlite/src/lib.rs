//! Hearth's embedded storage engine: one SQLite file in WAL mode with
//! `synchronous=FULL`, one writer thread that commits concurrent writes
//! together (group commit), and a pool of readers that never wait for it.

mod attachments;
mod audit;
mod content_rows;
mod db;
mod error;
mod export;
mod invites;
mod memberships;
mod migrate;
mod reactions;
mod replies;
mod rows;
mod sessions;
mod settings;
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

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, applies migrations,
    /// and refuses a schema newer than this build knows.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with_group(path, db::MAX_GROUP).await
    }

    /// Like [`SqliteStore::open`], committing at most `max_group` concurrent
    /// writes together; 1 turns group commit off (for measurements).
    pub async fn open_with_group(path: impl AsRef<Path>, max_group: usize) -> Result<Self> {
        let path: PathBuf = path.as_ref().to_owned();
        let db = tokio::task::spawn_blocking(move || db::Db::open(&path, 8, max_group.max(1)))
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
