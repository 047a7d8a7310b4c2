//! The one error type of the use cases.

use hearth_core::CoreError;
use hearth_core::model::JoinPolicy;
use hearth_store::{Conflict, StoreError};

/// A field that was refused and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input's name.
    pub field: String,
    /// What is wrong, for people.
    pub message: String,
}

/// The version of a topic an edit should have started from: sent back when
/// someone else saved a newer one meanwhile, so that nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentVersion {
    /// The current version number; send it as `base_version` after merging.
    pub version: i64,
    /// The current title.
    pub title: String,
    /// The current Markdown body.
    pub body: String,
}

/// Why a use case did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or the viewer may not know it exists.
    #[error("not found")]
    NotFound,
    /// The viewer must sign in (or the credentials were wrong).
    #[error("{0}")]
    Unauthorized(String),
    /// The viewer may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Only members may do this, and the viewer is not one: says which space
    /// and how it takes members, so that the refusal can show the way in.
    #[error("only members of {name} can write here")]
    MembershipRequired {
        /// The space's address.
        slug: String,
        /// Its name.
        name: String,
        /// How it takes new members.
        policy: JoinPolicy,
    },
    /// The input was refused.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The write clashes with existing data.
    #[error("{0}")]
    Conflict(String),
    /// The edit started from an older version than the current one; nothing
    /// was saved.
    #[error("the edit started from an older version than {}", .0.version)]
    StaleVersion(Box<CurrentVersion>),
    /// The input is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts; retry after the given seconds.
    #[error("too many attempts")]
    TooManyRequests {
        /// Seconds until a retry may succeed.
        retry_after: u64,
    },
    /// The node has no room for this work now (its queue is full or the
    /// turn did not come in time); nothing was done. Retry after the given seconds.
    #[error("busy")]
    Busy {
        /// Seconds until a retry may succeed.
        retry_after: u64,
    },
    /// The database cannot take this request now; retry later.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// One refused field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}

impl From<CoreError> for AppError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Invalid { field, message } => AppError::invalid(field, message),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(conflict) => AppError::Conflict(conflict_message(&conflict)),
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            e @ (StoreError::SchemaTooNew { .. } | StoreError::Other(_)) => {
                AppError::Internal(e.to_string())
            }
        }
    }
}

/// What people are told about a conflict.
fn conflict_message(conflict: &Conflict) -> String {
    match conflict {
        Conflict::UsernameTaken => "that username is taken",
        Conflict::EmailTaken => "that e-mail address is already in use",
        Conflict::SlugTaken => "a space with that address already exists",
        Conflict::AlreadyMember => "already a member",
        Conflict::RequestPending => "a request to join is already pending",
        Conflict::LastOwner => "a space must keep at least one owner",
        Conflict::InviteUsed => "this invitation has already been used",
        Conflict::NotFirstAccount => {
            "someone else has just set up this site; sign in, or ask them for an invitation"
        }
        Conflict::TopicClosed => "this topic no longer takes replies",
        Conflict::ReplyParent => "that reply is not in this topic",
        Conflict::ReplyOfAnotherTopic => "that reply is not in this topic",
        Conflict::StaleVersion => "someone else changed this meanwhile",
        Conflict::Duplicate => "this conflicts with existing data",
    }
    .into()
}

/// The use cases' result type.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
