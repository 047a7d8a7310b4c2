//! Hearth's storage boundary: one trait per aggregate, combined by [`Store`].
//!
//! One business write is one trait method is one transaction. Engines map
//! their driver's errors to [`StoreError`] in one place; no driver type
//! crosses this boundary.

mod content;
mod data_migrations;
mod error;
pub mod export;
pub mod export_file;
mod following;
mod mail;
mod mail_traits;
mod people;
mod records;
mod search;
mod traits;
pub mod verify;

pub use content::*;
pub use data_migrations::*;
pub use error::{Conflict, Result, StoreError};
pub use following::*;
pub use mail::*;
pub use mail_traits::*;
pub use people::*;
pub use records::*;
pub use search::*;
pub use traits::*;
