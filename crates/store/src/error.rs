//! The storage error every engine maps its driver's errors to.

/// What went wrong in the store, in terms the application can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or consistency rule refused the write; `constraint` names it.
    #[error("conflict on {constraint}")]
    Conflict {
        /// The name of the violated rule, e.g. `users_username_key`.
        constraint: String,
    },
    /// The database cannot take this request now (read-only, unreachable, disk full).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The database's schema is newer than this build knows.
    #[error(
        "the database schema is at version {found}, newer than this release knows ({known}); run a newer Hearth"
    )]
    SchemaTooNew {
        /// The version found in the database.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// Anything else; the message is for the log, not for users.
    #[error("storage error: {0}")]
    Other(String),
}

impl StoreError {
    /// A conflict on the named constraint.
    pub fn conflict(constraint: impl Into<String>) -> Self {
        Self::Conflict {
            constraint: constraint.into(),
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
