//! Hearth's scale-out storage engine on PostgreSQL: a connection pool over
//! tokio-postgres. Multi-host URLs with `target_session_attrs=read-write`
//! follow a failover without a restart: a broken connection is dropped from
//! the pool and the next one finds the new primary. With a read replica,
//! requests that cannot reach the primary are served from the replica: pages
//! render, writes are refused as read-only (503) until the primary is back.

mod attachments;
mod audit;
mod content_rows;
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

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use hearth_store::{PoolStatus, Result, Store, StoreError};
use tokio_postgres::NoTls;

pub use migrate::LATEST_VERSION;

/// How long requests go to the replica after the primary failed, before the
/// primary is tried again (so an outage does not cost every request a
/// failed connection attempt).
const PRIMARY_RETRY: Duration = Duration::from_secs(2);

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: Pool,
    replica: Option<Pool>,
    /// When the primary was last found unreachable.
    primary_failed_at: Mutex<Option<Instant>>,
}

fn pool(url: &str, size: usize) -> Result<Pool> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|_| StoreError::Other("the database URL is not valid".into()))?;
    if config.get_connect_timeout().is_none() {
        // An unreachable host must fail fast enough to fall back to the replica.
        config.connect_timeout(Duration::from_secs(5));
    }
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            // Checking each connection before use (one round trip) means a database
            // restart or failover costs no request an error on a stale connection.
            recycling_method: RecyclingMethod::Verified,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))
}

impl PostgresStore {
    /// Connects to `url`, applies migrations under an advisory lock, and
    /// refuses a schema newer than this build knows. `replica`, if given,
    /// serves reads while the primary is unreachable.
    pub async fn connect(url: &str, pool_size: usize, replica: Option<&str>) -> Result<Self> {
        let store = Self {
            pool: pool(url, pool_size)?,
            replica: replica.map(|r| pool(r, pool_size)).transpose()?,
            primary_failed_at: Mutex::new(None),
        };
        let mut client = store
            .pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        migrate::run(&mut client).await?;
        Ok(store)
    }

    /// A connection to the primary; to the replica while the primary is
    /// unreachable (writes there fail as read-only).
    pub(crate) async fn client(&self) -> Result<Object> {
        let Some(replica) = &self.replica else {
            return self
                .pool
                .get()
                .await
                .map_err(|e| StoreError::Unavailable(e.to_string()));
        };
        let resting = self
            .primary_failed_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < PRIMARY_RETRY);
        if !resting {
            match self.pool.get().await {
                Ok(c) => {
                    *self
                        .primary_failed_at
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = None;
                    return Ok(c);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the PostgreSQL primary is unreachable; reading from the replica");
                    *self
                        .primary_failed_at
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                }
            }
        }
        replica
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<()> {
        let client = self.client().await?;
        client
            .simple_query("SELECT 1")
            .await
            .map_err(error::map_err)?;
        Ok(())
    }

    fn pool_status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            size: status.size,
            idle: status.available,
        }
    }

    fn engine(&self) -> &'static str {
        "postgres"
    }

    fn serving_from_replica(&self) -> bool {
        self.replica.is_some()
            && self
                .primary_failed_at
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_some()
    }
}

/// Runs a read with a statement from the connection's cache.
pub(crate) async fn query(
    c: &Object,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> error::SqlResult<Vec<tokio_postgres::Row>> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query(&stmt, params).await?)
}
