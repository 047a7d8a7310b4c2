//! Replies: writing, editing, deleting and restoring them, the reply
//! permalink, in pages and the API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{id}/replies", post(html::create))
        .route("/r/{id}", get(html::permalink))
        .route("/r/{id}/edit", get(html::edit_form).post(html::edit))
        .route("/r/{id}/delete", post(html::delete))
        .route("/r/{id}/restore", post(html::restore))
        .route("/api/v1/topics/{id}/replies", post(api::reply))
        .route(
            "/api/v1/replies/{id}",
            get(api::show_reply)
                .patch(api::edit_reply)
                .delete(api::delete_reply),
        )
        .route("/api/v1/replies/{id}/restore", post(api::restore_reply))
}
