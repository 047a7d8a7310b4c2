//! The one place where PostgreSQL's errors become [`StoreError`]s.

use hearth_store::StoreError;
use tokio_postgres::error::SqlState;

/// Maps a driver error: unique and foreign-key violations to `Conflict`, a
/// server that cannot write or be reached to `Unavailable`.
pub(crate) fn map_err(e: tokio_postgres::Error) -> StoreError {
    let Some(db) = e.as_db_error() else {
        // No answer from a server: the connection is gone.
        return StoreError::Unavailable(e.to_string());
    };
    let code = db.code();
    if *code == SqlState::UNIQUE_VIOLATION || *code == SqlState::FOREIGN_KEY_VIOLATION {
        StoreError::conflict(db.constraint().unwrap_or("unknown"))
    } else if [
        SqlState::READ_ONLY_SQL_TRANSACTION,
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
        SqlState::DISK_FULL,
        SqlState::TOO_MANY_CONNECTIONS,
        SqlState::T_R_SERIALIZATION_FAILURE,
    ]
    .contains(code)
    {
        StoreError::Unavailable(db.message().to_owned())
    } else {
        StoreError::Other(db.message().to_owned())
    }
}

/// An error inside engine code: a driver error or a store error decided there.
pub(crate) enum Error {
    Sql(tokio_postgres::Error),
    Store(StoreError),
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Error::Sql(e)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::Sql(e) => map_err(e),
            Error::Store(e) => e,
        }
    }
}

/// The result type of engine code that runs on a connection.
pub(crate) type SqlResult<T> = std::result::Result<T, Error>;
