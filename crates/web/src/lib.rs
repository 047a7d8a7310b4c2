//! Hearth's HTTP layer: server-rendered pages, the JSON API, feeds and
//! operations endpoints, with sessions, CSRF protection and security headers.
//! Every handler calls a use case of `hearth_app`; none holds business rules.

pub mod assets;
mod auth_layer;
mod cookies;
mod error;
mod extract;
mod features;
mod idempotency;
mod json;
mod metrics;
mod openapi;
mod overload;
mod page;
mod router;
mod state;
mod time_fmt;

pub use metrics::Metrics;
pub use overload::OverloadLimits;
pub use router::{metrics_router, router, router_with};
pub use state::{AppState, WebConfig};
