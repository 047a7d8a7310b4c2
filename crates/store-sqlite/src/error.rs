//! The one place where SQLite's errors become [`StoreError`]s.

use hearth_store::{Conflict, StoreError};
use rusqlite::ErrorCode;

/// Maps a driver error: a constraint the shared SQL did not check first to
/// `Conflict::Duplicate` (SQLite names the constraint in its message only),
/// a database that cannot write (full, read-only, I/O error, busy) to
/// `Unavailable`.
pub(crate) fn map_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            ErrorCode::ConstraintViolation => Conflict::Duplicate.into(),
            ErrorCode::DiskFull
            | ErrorCode::ReadOnly
            | ErrorCode::SystemIoFailure
            | ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::CannotOpen => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        },
        _ => StoreError::Other(e.to_string()),
    }
}
