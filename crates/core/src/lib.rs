//! Hearth's domain: ids, domain types, validation and permission rules.
//!
//! Nothing here does I/O or reads the clock; times and ids are passed in.

pub mod error;
pub mod ids;
pub mod model;
pub mod names;
pub mod permissions;

pub use error::CoreError;
