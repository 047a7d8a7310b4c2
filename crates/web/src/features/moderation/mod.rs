//! Moderating topics (hiding, locking, pinning, moving) and accepting a
//! question's answer, in pages and the API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{id}/moderate", post(html::moderate))
        .route("/t/{id}/move", get(html::move_form))
        .route("/t/{id}/accept", post(html::accept))
        .route("/api/v1/topics/{id}/moderation", post(api::moderate))
        .route("/api/v1/topics/{id}/accepted", post(api::accept))
}
