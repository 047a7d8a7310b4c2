//! Hearth's storage in SQL, written once: every query, transaction and
//! business rule of the store, and the one visibility predicate, over a
//! connection that each engine supplies. The engines keep only what truly
//! differs: their driver, their transactions and locks, their migrations.

mod conn;
mod migrate;
mod rows;
mod store;
mod value;
mod visibility;

mod account_mail;
mod assets;
mod attachments;
mod audit;
mod data_migrations;
mod digests;
mod export;
mod following;
mod idempotency;
mod invites;
mod live;
mod mail;
mod memberships;
mod notifying;
mod ops;
mod people;
mod reactions;
mod replies;
mod search;
mod sessions;
mod settings;
mod signin;
mod spaces;
mod tokens;
mod topic_lists;
mod topics;
mod users;
mod verify;

pub use conn::{BoxFuture, Conn, Dialect, Engine, Job, Mode};
pub use live::{CHANNEL as LIVE_CHANNEL, LiveSignal};
pub use migrate::{LATEST_VERSION, MIGRATIONS, Migration, MigrationKind};
pub use store::SqlStore;
pub use value::{Arg, Args, Cursor, FromValue, ReadRows, Row};
pub use visibility::Reader;
