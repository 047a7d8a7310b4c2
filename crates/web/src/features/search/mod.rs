//! Search: the results page, the API, and the topics suggested while a
//! title is written.

pub(crate) mod api;
pub(crate) mod html;
mod params;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/search", get(html::search))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/search/similar", get(api::similar))
}
