//! The versions of topics and replies: their history, the difference
//! between two versions of a topic, and restoring an old one, in pages and
//! the API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{id}/history", get(html::history))
        .route("/t/{id}/diff", get(html::diff))
        .route("/t/{id}/restore", post(html::restore))
        .route("/r/{id}/history", get(html::reply_history))
        .route("/api/v1/topics/{id}/revisions", get(api::revisions))
        .route("/api/v1/topics/{id}/diff", get(api::diff))
        .route(
            "/api/v1/topics/{id}/revisions/{version}/restore",
            post(api::restore),
        )
        .route("/api/v1/replies/{id}/revisions", get(api::reply_revisions))
}
