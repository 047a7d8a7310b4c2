//! The connections: one writer thread with group commit, a pool of readers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hearth_store::{PoolStatus, Result, StoreError};
use rusqlite::Connection;
use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::error::map_err;
use crate::{OpenOptions, Synchronous};

/// Called with the outcome of the transaction that ran a job.
type Finish = Box<dyn FnOnce(Result<()>) + Send>;
/// A write: runs inside the group's transaction, says why it failed, if it did.
type Job = Box<dyn FnOnce(&mut Connection) -> (Option<StoreError>, Finish) + Send>;

/// How many queued writes one transaction may take.
pub(crate) const MAX_GROUP: usize = 512;

pub(crate) struct Db {
    jobs: Option<mpsc::UnboundedSender<Job>>,
    writer: Option<std::thread::JoinHandle<()>>,
    readers: Arc<Readers>,
}

struct Readers {
    path: PathBuf,
    /// Whether the file is opened read-only (a copy being checked).
    read_only: bool,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
    size: usize,
}

/// How many prepared statements a connection keeps: more than one page
/// runs, so that a page's statements are parsed once, not on every request.
const STATEMENT_CACHE: usize = 128;

/// What every connection needs before its first statement.
///
/// A cached statement is kept only if SQLite does not plan it again for the
/// values bound to it. Without the query planner stability guarantee,
/// SQLite (3.47 and later) marks a statement with `LIMIT $n` as expired
/// whenever `$n` is bound, and parses it again on its next run: every paged
/// list would pay for its parse on each request.
///
/// Searches rank with `hearth_rank` (the `hearth-sqlite-rank` crate).
fn prepare_connection(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    hearth_sqlite_rank::register(conn)
}

fn configure(conn: &Connection, synchronous: Synchronous) -> rusqlite::Result<()> {
    prepare_connection(conn)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    conn.execute_batch(match synchronous {
        Synchronous::Full => "PRAGMA synchronous = FULL;",
        Synchronous::Off => "PRAGMA synchronous = OFF;",
    })
}

fn open_writer(path: &Path, options: OpenOptions) -> Result<Connection> {
    let writer = Connection::open(path).map_err(map_err)?;
    configure(&writer, options.synchronous).map_err(map_err)?;
    if let Some(mib) = options.writer_cache_mib {
        // A negative size is in KiB.
        writer
            .execute_batch(&format!("PRAGMA cache_size = -{};", u64::from(mib) * 1024))
            .map_err(map_err)?;
    }
    Ok(writer)
}

/// How much of the database file readers map into memory (SQLite caps it
/// near 2 GiB). A mapped page is read where the kernel already holds it,
/// not copied into each reader's own cache, and all readers share it; the
/// mapping is read-only, and writes still go through the writer.
const READER_MMAP_BYTES: u64 = 1 << 31;

fn open_reader(path: &Path, read_only: bool) -> Result<Connection> {
    let conn = if read_only {
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(map_err)?;
        prepare_connection(&conn).map_err(map_err)?;
        conn
    } else {
        let conn = Connection::open(path).map_err(map_err)?;
        configure(&conn, Synchronous::Full).map_err(map_err)?;
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(map_err)?;
        conn
    };
    conn.execute_batch(&format!("PRAGMA mmap_size = {READER_MMAP_BYTES};"))
        .map_err(map_err)?;
    Ok(conn)
}

impl Db {
    pub(crate) fn open(path: &Path, readers: usize, options: OpenOptions) -> Result<Self> {
        let writer = open_writer(path, options)?;
        let idle = (0..readers)
            .map(|_| open_reader(path, false))
            .collect::<Result<Vec<_>>>()?;
        let (jobs, queue) = mpsc::unbounded_channel();
        let writer_path = path.to_owned();
        let writer = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(writer, &writer_path, queue, options))
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(Self {
            jobs: Some(jobs),
            writer: Some(writer),
            readers: Arc::new(Readers {
                path: path.to_owned(),
                read_only: false,
                idle: Mutex::new(idle),
                permits: Semaphore::new(readers),
                size: readers,
            }),
        })
    }

    /// Opens the file read-only and without a writer: every write is
    /// refused, and nothing about the file changes.
    pub(crate) fn open_read_only(path: &Path, readers: usize) -> Result<Self> {
        let idle = (0..readers)
            .map(|_| open_reader(path, true))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            jobs: None,
            writer: None,
            readers: Arc::new(Readers {
                path: path.to_owned(),
                read_only: true,
                idle: Mutex::new(idle),
                permits: Semaphore::new(readers),
                size: readers,
            }),
        })
    }

    /// Runs `f` in a write transaction, committed (and fsync'd) before this returns.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let outcome = f(conn);
            let failed = outcome.as_ref().err().cloned();
            let finish: Finish = Box::new(move |commit| {
                let _ = done.send(commit.and(outcome));
            });
            (failed, finish)
        });
        self.jobs
            .as_ref()
            .ok_or_else(|| StoreError::Unavailable("the store is closed".into()))?
            .send(job)
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        result
            .await
            .map_err(|_| StoreError::Unavailable("the database is not writable now".into()))?
    }

    /// Runs `f` on a read connection of the pool.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let _permit = readers
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("the store is closed".into()))?;
        let pooled = readers.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => open_reader(&readers.path, readers.read_only)?,
        };
        let back = Arc::clone(&readers);
        tokio::task::spawn_blocking(move || {
            let result = f(&mut conn);
            back.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
            result
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
    }

    pub(crate) fn pool_status(&self) -> PoolStatus {
        let idle = self
            .readers
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        PoolStatus {
            size: self.readers.size + 1,
            idle,
        }
    }
}

impl Drop for Db {
    /// Closes the readers, then lets the writer finish its queue and close
    /// last, so that SQLite checkpoints and removes the WAL.
    fn drop(&mut self) {
        self.readers
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        drop(self.jobs.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Takes every queued write (up to `max_group`) into one transaction, each in
/// its own savepoint so a failing write is undone alone, and answers them all
/// once the commit is durable.
///
/// After an I/O error (a failed fsync among them) the connection is not
/// trusted again: the kernel may have dropped the pages it could not write,
/// so retrying on the same file could acknowledge what is not on disk. The
/// writer closes it and reopens the database for the next write; until that
/// succeeds, writes are refused and the site reads on.
fn write_loop(
    conn: Connection,
    path: &Path,
    mut queue: mpsc::UnboundedReceiver<Job>,
    options: OpenOptions,
) {
    let mut conn = Some(conn);
    while let Some(first) = queue.blocking_recv() {
        let mut group = vec![first];
        while group.len() < options.max_group.max(1) {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if conn.is_none() {
            match open_writer(path, options) {
                Ok(fresh) => {
                    tracing::warn!("sqlite writer reopened the database after an I/O error");
                    conn = Some(fresh);
                }
                Err(e) => {
                    tracing::error!(error = %e, "sqlite writer cannot reopen the database");
                    // Dropped jobs answer their callers "not writable now".
                    continue;
                }
            }
        }
        let Some(writer) = conn.as_mut() else {
            continue;
        };
        let mut finishers = Vec::with_capacity(group.len());
        let commit = run_group(writer, group, &mut finishers);
        let reopen = match &commit {
            Err(GroupFailure::Sql(e)) => is_io_failure(e),
            // SQLite itself rolled the transaction back (a full disk, an I/O
            // error): start again from a fresh connection too.
            Err(GroupFailure::Job(_)) => true,
            Ok(()) => false,
        };
        let commit = commit.map_err(|f| match f {
            GroupFailure::Sql(e) => map_err(e),
            GroupFailure::Job(e) => e,
        });
        if reopen && let Err(e) = &commit {
            tracing::error!(error = %e, "sqlite write failed; reopening the database before the next write");
            conn = None;
        }
        for finish in finishers {
            finish(commit.clone());
        }
    }
    tracing::debug!("sqlite writer stopped");
}

fn is_io_failure(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::SystemIoFailure)
}

/// Why a group's transaction failed.
enum GroupFailure {
    /// The database refused the transaction.
    Sql(rusqlite::Error),
    /// A write failed so badly (a full disk) that SQLite rolled the whole
    /// transaction back; its error says why.
    Job(StoreError),
}

impl From<rusqlite::Error> for GroupFailure {
    fn from(e: rusqlite::Error) -> Self {
        GroupFailure::Sql(e)
    }
}

fn run_group(
    conn: &mut Connection,
    group: Vec<Job>,
    finishers: &mut Vec<Finish>,
) -> std::result::Result<(), GroupFailure> {
    // A job dropped without running drops its answer channel, which its caller
    // reads as "unavailable".
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = run_jobs(conn, group, finishers).and_then(|()| Ok(conn.execute_batch("COMMIT")?));
    if done.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    done
}

/// Runs each job in a savepoint of its own inside the open transaction.
fn run_jobs(
    conn: &mut Connection,
    group: Vec<Job>,
    finishers: &mut Vec<Finish>,
) -> std::result::Result<(), GroupFailure> {
    for job in group {
        conn.execute_batch("SAVEPOINT job")?;
        let (failed, finish) = job(conn);
        finishers.push(finish);
        match failed {
            None => conn.execute_batch("RELEASE job")?,
            Some(cause) => {
                if let Err(e) = conn.execute_batch("ROLLBACK TO job; RELEASE job") {
                    return Err(if conn.is_autocommit() {
                        GroupFailure::Job(cause)
                    } else {
                        GroupFailure::Sql(e)
                    });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;

    /// A paged list's statement, run again with another page size, is run
    /// as prepared, not parsed and planned again.
    #[test]
    fn a_cached_statement_is_not_prepared_again_for_new_values() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        configure(&conn, Synchronous::Full).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
             INSERT INTO t (v) VALUES ('a'), ('b'), ('c');",
        )
        .unwrap();
        let sql = "SELECT id FROM t WHERE id > ?1 ORDER BY id LIMIT ?2";
        for (after, limit) in [(0, 1), (1, 2), (0, 3)] {
            let mut stmt = conn.prepare_cached(sql).unwrap();
            let ids: Vec<i64> = stmt
                .query_map([after, limit], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(ids.len() as i64, limit.min(3 - after));
            assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
        }
    }
}
