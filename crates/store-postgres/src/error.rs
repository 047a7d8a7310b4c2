//! The one place where PostgreSQL's errors become [`StoreError`]s.

use hearth_store::{Conflict, StoreError};
use tokio_postgres::error::SqlState;

/// The rule each unique constraint stands for, by the name PostgreSQL
/// reports with the error (never by the error's text).
const CONSTRAINTS: &[(&str, Conflict)] = &[
    ("users_username_key", Conflict::UsernameTaken),
    ("users_email_key", Conflict::EmailTaken),
    ("spaces_slug_key", Conflict::SlugTaken),
    ("memberships_pkey", Conflict::AlreadyMember),
    ("join_requests_pkey", Conflict::RequestPending),
];

/// Maps a driver error: unique and foreign-key violations to the
/// `Conflict` their constraint stands for, a server that cannot write or be
/// reached to `Unavailable`.
pub(crate) fn map_err(e: tokio_postgres::Error) -> StoreError {
    let Some(db) = e.as_db_error() else {
        // No answer from a server: the connection is gone.
        return StoreError::Unavailable(e.to_string());
    };
    let code = db.code();
    if *code == SqlState::UNIQUE_VIOLATION || *code == SqlState::FOREIGN_KEY_VIOLATION {
        let named = CONSTRAINTS
            .iter()
            .find(|(name, _)| db.constraint() == Some(*name))
            .map(|(_, conflict)| conflict.clone());
        named.unwrap_or(Conflict::Duplicate).into()
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
