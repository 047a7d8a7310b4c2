//! What an engine gives the shared SQL: a connection that runs statements,
//! and transactions and snapshots to run them in.

use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;
use hearth_store::{PoolStatus, Result, StoreError};

use crate::value::{Arg, FromValue, Row};

/// A boxed future that may move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The few things SQLite and PostgreSQL write differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: one writer at a time, so rows need no locks.
    Sqlite,
    /// PostgreSQL: concurrent transactions lock what they read to change.
    Postgres,
}

impl Dialect {
    /// What a `SELECT` ends with to lock the rows it reads until the
    /// transaction ends.
    pub fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    /// A query answering the id the next row of `table` takes, for a row
    /// that must know its id as it is written. On SQLite it holds only in
    /// the write transaction (one writer at a time).
    pub fn next_id(self, table: &str) -> String {
        match self {
            Dialect::Sqlite => format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
            Dialect::Postgres => format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"),
        }
    }

    /// Names the index a table is read by, after the table's name, where
    /// the engine's planner would not pick it (SQLite always looks a row up
    /// by its primary key when it can, even where a small partial index
    /// answers without reading the row); PostgreSQL picks by statistics.
    pub fn indexed_by(self, index: &str) -> String {
        match self {
            Dialect::Sqlite => format!(" INDEXED BY {index}"),
            Dialect::Postgres => String::new(),
        }
    }

    /// A topic's tags, comma-separated in byte order, as one column.
    pub fn tag_list(self, topic: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "(SELECT group_concat(tag, ',') FROM (SELECT tag FROM topic_tags \
                 WHERE topic_id = {topic} ORDER BY tag))"
            ),
            Dialect::Postgres => format!(
                "(SELECT string_agg(tag, ',' ORDER BY tag COLLATE \"C\") FROM topic_tags \
                 WHERE topic_id = {topic})"
            ),
        }
    }

    /// What a `SELECT` ends with to lock the rows it reads, passing over
    /// rows another transaction holds: for claiming work from a queue.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The collation that orders text byte by byte.
    pub fn byte_order(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BINARY",
            Dialect::Postgres => "\"C\"",
        }
    }
}

/// A connection inside a transaction or a read snapshot. Statements use
/// PostgreSQL's placeholders, `$1`, `$2`, …, on every engine.
#[async_trait]
pub trait Conn: Send {
    /// Runs one statement, handing its rows (if it returns any) to `each`
    /// one at a time, never holding them all; returns how many rows it
    /// changed.
    async fn run(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut (dyn FnMut(Row) -> Result<()> + Send),
    ) -> Result<u64>;
    /// Runs statements that take no arguments and return no rows, such as
    /// a migration.
    async fn batch(&mut self, sql: &str) -> Result<()>;
    /// Which engine it is.
    fn dialect(&self) -> Dialect;

    /// Takes locks, held to the end of the transaction, that serialize
    /// transactions working on the same `keys` (in a stable order, so that
    /// two cannot wait on each other). An engine that runs one write
    /// transaction at a time needs none.
    async fn lock_keys(&mut self, _keys: &[&str]) -> Result<()> {
        Ok(())
    }

    /// Runs a statement and returns how many rows it changed.
    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        self.run(sql, args, &mut |_| Ok(())).await
    }

    /// Runs a statement and hands its rows to `each`: for exports and
    /// checks over whole tables.
    async fn for_each(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut (dyn FnMut(Row) -> Result<()> + Send),
    ) -> Result<()> {
        self.run(sql, args, each).await.map(|_| ())
    }

    /// Runs a statement and returns its rows.
    async fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.run(sql, args, &mut |row| {
            rows.push(row);
            Ok(())
        })
        .await?;
        Ok(rows)
    }

    /// The first row, if any.
    async fn query_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, args).await?.into_iter().next())
    }

    /// The only row.
    async fn query_one(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Row> {
        self.query_opt(sql, args)
            .await?
            .ok_or_else(|| StoreError::Other("a statement that returns a row returned none".into()))
    }
}

/// The value of the first column of the only row, through a `dyn Conn`.
pub async fn value<T: FromValue>(c: &mut dyn Conn, sql: &str, args: &[Arg<'_>]) -> Result<T> {
    c.query_one(sql, args).await?.first()
}

/// The first column of the first row, if there is one.
pub async fn value_opt<T: FromValue>(
    c: &mut dyn Conn,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<Option<T>> {
    c.query_opt(sql, args).await?.map(Row::first).transpose()
}

/// Work to run on a connection: a closure that borrows it for the life of
/// the future it returns.
pub type Job<T> = Box<dyn for<'c> FnOnce(&'c mut dyn Conn) -> BoxFuture<'c, Result<T>> + Send>;

/// How a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// On a connection for reading.
    Read,
    /// In one consistent snapshot of the whole database, while writers go
    /// on: for exports.
    Snapshot,
    /// In a transaction, committed (durably) before the job's answer when
    /// it succeeds, rolled back when it fails.
    Write,
}

/// An engine: how it runs work, and what only it knows.
pub trait Engine: Send + Sync + 'static {
    /// Runs `job` as `mode` says.
    fn run<T: Send + 'static>(&self, mode: Mode, job: Job<T>) -> BoxFuture<'_, Result<T>>;
    /// The engine's name, for logs and the status page.
    fn name(&self) -> &'static str;
    /// How busy its connections are.
    fn pool_status(&self) -> PoolStatus;
    /// Whether reads come from a replica because the primary is unreachable.
    fn serving_from_replica(&self) -> bool {
        false
    }
    /// The signal that wakes this node's live readers.
    fn live_signal(&self) -> &crate::live::LiveSignal;
    /// Starts writing a consistent copy of the whole database into the file
    /// `to`, page by page, while writes go on; `None` where the engine has
    /// no such copy (a database server's are made by its own tools).
    fn copy_into(&self, to: std::path::PathBuf) -> Option<BoxFuture<'_, Result<()>>> {
        let _ = to;
        None
    }
    /// The engine's own integrity checks, beyond the shared ones: what is
    /// wrong, if anything. None by default: a server that checks its pages
    /// and constraints as it runs has nothing to add.
    fn integrity(&self) -> BoxFuture<'_, Result<Vec<String>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}
