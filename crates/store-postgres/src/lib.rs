//! Hearth's scale-out storage engine on PostgreSQL: a connection pool over
//! tokio-postgres. Multi-host URLs with `target_session_attrs=read-write`
//! follow a failover without a restart: a broken connection is dropped from
//! the pool and the next one finds the new primary. With a read replica,
//! requests that cannot reach the primary are served from the replica: pages
//! render, writes are refused as read-only (503) until the primary is back.

mod conn;
mod error;

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use hearth_store::{PoolStatus, Result, StoreError};
pub use hearth_store_sql::LATEST_VERSION;
use hearth_store_sql::{BoxFuture, Engine, Job, LIVE_CHANNEL, LiveSignal, Mode, SqlStore};
use tokio::sync::Semaphore;
use tokio_postgres::{AsyncMessage, IsolationLevel, NoTls};

use crate::conn::PgConn;
use crate::error::map_err;

/// How long requests go to the replica after the primary failed, before the
/// primary is tried again (so an outage does not cost every request a
/// failed connection attempt).
const PRIMARY_RETRY: Duration = Duration::from_secs(2);

/// How long the listener for other nodes' events waits before reconnecting.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

/// The PostgreSQL store.
pub type PostgresStore = SqlStore<Postgres>;

/// The PostgreSQL engine: a pool of connections to the primary, and one to
/// a replica for when the primary is unreachable.
pub struct Postgres {
    pool: Pool,
    replica: Option<Pool>,
    /// When the primary was last found unreachable.
    primary_failed_at: Mutex<Option<Instant>>,
    /// Raised by this node's writes and by every node's `NOTIFY`.
    live: Arc<LiveSignal>,
    /// Turns for write transactions: fewer than the pool's connections, so
    /// that writers queued behind each other's locks (a flood of sign-ins
    /// under one address, say) never hold every connection and reads always
    /// find one.
    writers: Semaphore,
}

/// The share of the pool's connections write transactions may hold at once:
/// three quarters, so that a quarter stays for reads.
fn writer_share(pool_size: usize) -> usize {
    (pool_size - pool_size / 4).max(1)
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

/// Connects to `url`, applies migrations under an advisory lock, and
/// refuses a schema newer than this build knows. `replica`, if given,
/// serves reads while the primary is unreachable.
pub async fn connect(url: &str, pool_size: usize, replica: Option<&str>) -> Result<PostgresStore> {
    let live = Arc::new(LiveSignal::default());
    let store = SqlStore::new(Postgres {
        pool: pool(url, pool_size)?,
        replica: replica.map(|r| pool(r, pool_size)).transpose()?,
        primary_failed_at: Mutex::new(None),
        live: Arc::clone(&live),
        writers: Semaphore::new(writer_share(pool_size)),
    });
    store.migrate().await?;
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|_| StoreError::Other("the database URL is not valid".into()))?;
    tokio::spawn(listen(config, Arc::downgrade(&live)));
    Ok(store)
}

/// Listens for other nodes' live events and raises `live` for each, on a
/// connection of its own, reconnecting after a failure, for as long as the
/// store lives.
async fn listen(config: tokio_postgres::Config, live: Weak<LiveSignal>) {
    loop {
        if let Ok((client, mut connection)) = config.connect(NoTls).await {
            let signal = live.clone();
            let messages = tokio::spawn(async move {
                while let Some(Ok(message)) =
                    std::future::poll_fn(|cx| connection.poll_message(cx)).await
                {
                    if let AsyncMessage::Notification(_) = message {
                        match signal.upgrade() {
                            Some(live) => live.raise(),
                            None => return,
                        }
                    }
                }
            });
            let listening = client
                .batch_execute(&format!("LISTEN {LIVE_CHANNEL}"))
                .await;
            if listening.is_ok() {
                // Events written while no one listened are found by the
                // readers' next query.
                if let Some(live) = live.upgrade() {
                    live.raise();
                }
                let _ = messages.await;
            } else {
                messages.abort();
            }
        }
        if live.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(LISTEN_RETRY).await;
    }
}

impl Postgres {
    /// A connection to the primary; to the replica while the primary is
    /// unreachable (writes there fail as read-only).
    async fn client(&self) -> Result<Object> {
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

impl Engine for Postgres {
    fn run<T: Send + 'static>(&self, mode: Mode, job: Job<T>) -> BoxFuture<'_, Result<T>> {
        Box::pin(async move {
            let _turn = match mode {
                Mode::Write => Some(
                    self.writers
                        .acquire()
                        .await
                        .map_err(|e| StoreError::Unavailable(e.to_string()))?,
                ),
                Mode::Read | Mode::Snapshot => None,
            };
            let mut client = self.client().await?;
            let tx = match mode {
                Mode::Read => return job(&mut PgConn(&client)).await,
                // Repeatable read: one snapshot for every table, while writers go on.
                Mode::Snapshot => client
                    .build_transaction()
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await
                    .map_err(map_err)?,
                Mode::Write => client.transaction().await.map_err(map_err)?,
            };
            // A failed job's transaction rolls back as it is dropped.
            let result = job(&mut PgConn(&tx)).await?;
            tx.commit().await.map_err(map_err)?;
            Ok(result)
        })
    }

    fn name(&self) -> &'static str {
        "postgres"
    }

    fn pool_status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            size: status.size,
            idle: status.available,
        }
    }

    fn live_signal(&self) -> &LiveSignal {
        &self.live
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

#[cfg(test)]
mod tests {
    use super::writer_share;

    #[test]
    fn writers_leave_a_quarter_of_the_pool_to_reads() {
        assert_eq!(writer_share(16), 12);
        assert_eq!(writer_share(8), 6);
        assert_eq!(writer_share(3), 3);
        assert_eq!(writer_share(1), 1);
    }
}
