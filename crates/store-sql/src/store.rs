//! The store over any engine: every trait of `hearth_store` implemented
//! once, in the modules beside this one, on [`SqlStore`].

use async_trait::async_trait;
use hearth_store::{PoolStatus, Result, Store};

use crate::conn::{BoxFuture, Conn, Engine, Mode};

/// Hearth's store on an engine.
pub struct SqlStore<E> {
    engine: E,
}

impl<E: Engine> SqlStore<E> {
    /// The store over `engine`.
    pub fn new(engine: E) -> Self {
        Self { engine }
    }

    /// The engine beneath.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// Runs `job` on a connection for reading.
    pub(crate) async fn read<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut dyn Conn) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.engine.run(Mode::Read, Box::new(job)).await
    }

    /// Runs `job` in one consistent snapshot.
    pub(crate) async fn snapshot<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut dyn Conn) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.engine.run(Mode::Snapshot, Box::new(job)).await
    }

    /// Runs `job` in a write transaction.
    pub(crate) async fn write<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut dyn Conn) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.engine.run(Mode::Write, Box::new(job)).await
    }
}

#[async_trait]
impl<E: Engine> Store for SqlStore<E> {
    async fn ping(&self) -> Result<()> {
        self.read(|c| Box::pin(async move { c.query("SELECT 1", &[]).await.map(|_| ()) }))
            .await
    }

    fn pool_status(&self) -> PoolStatus {
        self.engine.pool_status()
    }

    fn engine(&self) -> &'static str {
        self.engine.name()
    }

    fn serving_from_replica(&self) -> bool {
        self.engine.serving_from_replica()
    }
}
