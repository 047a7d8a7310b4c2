//! Hearth's scale-out storage engine on PostgreSQL: a connection pool over
//! tokio-postgres. Multi-host URLs with `target_session_attrs=read-write`
//! follow a failover without a restart: a broken connection is dropped from
//! the pool and the next one finds the new primary.

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
mod spaces;
mod tokens;
mod topics;
mod users;
mod verify;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use hearth_store::{PoolStatus, Result, Store, StoreError};
use tokio_postgres::NoTls;

pub use migrate::LATEST_VERSION;

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to `url`, applies migrations under an advisory lock, and
    /// refuses a schema newer than this build knows.
    pub async fn connect(url: &str, pool_size: usize) -> Result<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|_| StoreError::Other("the database URL is not valid".into()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // Checking each connection before use (one round trip) means a database
                // restart or failover costs no request an error on a stale connection.
                recycling_method: RecyclingMethod::Verified,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size)
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        let store = Self { pool };
        let mut client = store.client().await?;
        migrate::run(&mut client).await?;
        Ok(store)
    }

    pub(crate) async fn client(&self) -> Result<Object> {
        self.pool
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
