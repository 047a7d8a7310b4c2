//! Tags: the published topics with a tag, as a page and in the API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tags/{tag}", get(html::tag))
        .route("/api/v1/tags/{tag}/topics", get(api::tag))
}
