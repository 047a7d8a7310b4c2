//! The storage error every engine maps its driver's errors to.

/// What went wrong in the store, in terms the application can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or consistency rule refused the write.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
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

/// Which rule a write broke. The shared SQL names it where it checks it;
/// an engine names the ones its database caught from the constraint its
/// error reports, never from the error's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Another account has that username.
    UsernameTaken,
    /// Another account has that e-mail address.
    EmailTaken,
    /// Another space has that address.
    SlugTaken,
    /// The person is a member already.
    AlreadyMember,
    /// A request to join is pending already.
    RequestPending,
    /// The change would leave a space without an owner.
    LastOwner,
    /// The invitation was used already.
    InviteUsed,
    /// An account exists already, so this one cannot be the first.
    NotFirstAccount,
    /// The topic is hidden or deleted and takes no replies.
    TopicClosed,
    /// The reply answered is not in this topic.
    ReplyParent,
    /// The reply is not in this topic.
    ReplyOfAnotherTopic,
    /// The edit started from an older version than the current one.
    StaleVersion,
    /// A row like it exists already (a rule the engine caught and could
    /// not name more closely).
    Duplicate,
}

impl From<Conflict> for StoreError {
    fn from(c: Conflict) -> Self {
        StoreError::Conflict(c)
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
