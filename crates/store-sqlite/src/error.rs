//! The one place where SQLite's errors become [`StoreError`]s.

use hearth_store::StoreError;
use rusqlite::ErrorCode;

/// Maps a driver error: constraint violations to `Conflict`, a database that
/// cannot write (full, read-only, I/O error, busy) to `Unavailable`.
pub(crate) fn map_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            ErrorCode::ConstraintViolation => {
                StoreError::conflict(constraint_name(msg.as_deref().unwrap_or_default()))
            }
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

/// An error inside engine code: a driver error or a store error decided there.
pub(crate) enum Error {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
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

/// Names a violated constraint as PostgreSQL would: `users.email` becomes
/// `users_email_key`, a composite key `memberships_pkey`.
fn constraint_name(message: &str) -> String {
    let Some(cols) = message.strip_prefix("UNIQUE constraint failed: ") else {
        return message.to_owned();
    };
    let cols: Vec<&str> = cols.split(", ").collect();
    match cols.as_slice() {
        [one] => format!("{}_key", one.replace('.', "_")),
        [first, ..] => format!("{}_pkey", first.split('.').next().unwrap_or_default()),
        [] => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::constraint_name;

    #[test]
    fn unique_failures_are_named_like_postgres_constraints() {
        assert_eq!(
            constraint_name("UNIQUE constraint failed: users.email"),
            "users_email_key"
        );
        assert_eq!(
            constraint_name("UNIQUE constraint failed: memberships.space_id, memberships.user_id"),
            "memberships_pkey"
        );
    }
}
