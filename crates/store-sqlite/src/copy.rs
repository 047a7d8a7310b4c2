//! Page-level copies of a live database, and reading them back.

use std::path::Path;

use hearth_store::{Result, StoreError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::error::map_err;

/// Copies the database `from` reads into the file `to`, page by page.
///
/// One step copies every page under one read transaction: a consistent
/// snapshot, which writers (in WAL mode) go on past rather than restart.
/// The copy is left in rollback-journal mode, one file with nothing beside
/// it, and synced when its transaction commits.
pub(crate) fn pages(from: &Connection, to: &Path) -> Result<()> {
    let mut copy = Connection::open(to).map_err(copy_err)?;
    let step = Backup::new(from, &mut copy)
        .and_then(|backup| backup.step(-1))
        .map_err(copy_err)?;
    if !matches!(step, StepResult::Done) {
        return Err(StoreError::Unavailable(
            "the database was locked throughout the copy".into(),
        ));
    }
    copy.execute_batch("PRAGMA journal_mode = DELETE")
        .map_err(copy_err)?;
    copy.close().map_err(|(_, e)| copy_err(e))
}

/// Copies the SQLite database at `from` into the file `to`, page by page,
/// through a read-only connection: nothing about `from` changes (no
/// migration runs), and a server may go on writing to it meanwhile.
pub fn copy_file(from: &Path, to: &Path) -> Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let live = Connection::open_with_flags(from, flags).map_err(map_err)?;
    pages(&live, to)
}

/// A copy's errors: a full disk in words an operator acts on.
fn copy_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
            StoreError::Unavailable("the disk is full; free some space and try again".into())
        }
        _ => map_err(e),
    }
}

/// The schema version of the Hearth database in the file at `path`, read
/// without changing the file.
pub fn schema_version(path: &Path) -> Result<i64> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(map_err)?;
    conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(..) => {
            StoreError::Other(format!("{} is not a Hearth database: {e}", path.display()))
        }
        e => map_err(e),
    })
}
