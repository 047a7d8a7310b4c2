//! Hearth's domain: ids, domain types, validation and permission rules.
//!
//! Nothing here does I/O or reads the clock; times and ids are passed in.

pub mod avatar;
pub mod content;
pub mod diff;
pub mod error;
pub mod escape;
pub mod files;
pub mod ids;
pub mod inbound_mail;
pub mod markdown;
pub mod model;
pub mod names;
pub mod permissions;
pub mod search;
pub mod topic_rules;

pub use error::CoreError;
