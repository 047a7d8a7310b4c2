//! The home page and the status page.

pub(crate) mod html;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(html::home))
        .route("/status", get(html::status))
}
