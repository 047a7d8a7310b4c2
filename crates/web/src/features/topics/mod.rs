//! Topics: writing, reading, listing, editing and deleting them, in pages
//! and the API, and the Markdown preview.

pub(crate) mod api;
pub(crate) mod forms;
pub(crate) mod html;
pub(crate) mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{space}/new", get(html::new))
        .route("/s/{space}/topics", post(html::create))
        .route("/t/{id}", get(html::canonical))
        .route("/t/{id}/{slug}", get(html::show))
        .route("/t/{id}/edit", get(html::edit_form).post(html::edit))
        .route("/t/{id}/delete", post(html::delete))
        .route(
            "/api/v1/spaces/{space}/topics",
            get(api::list).post(api::create),
        )
        .route(
            "/api/v1/topics/{id}",
            get(api::show).patch(api::update).delete(api::delete),
        )
        .route("/api/v1/preview", post(api::preview))
}
