//! The harness: a real server per test on a fresh database.

pub mod app;
pub mod auto_failover;
pub mod browser;
pub mod chromium;
pub mod markup;
pub mod postgres;
pub mod smtp;

pub use app::{Backend, TestApp, spawn_app};
pub use browser::Browser;

/// Runs a test body against both engines: `both!(name);` below `async fn name(backend: Backend)`.
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await
            }
        }
    };
}
pub(crate) use both;
