//! People: the directory, profiles people keep, and their pictures.

pub(crate) mod api;
pub(crate) mod html;
pub(crate) mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use hearth_core::avatar::MAX_AVATAR_BYTES;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    // Pictures are larger than the general body limit.
    let picture_limit = || DefaultBodyLimit::max(MAX_AVATAR_BYTES + 64 * 1024);
    Router::new()
        .route("/people", get(html::directory))
        .route("/u/{username}/edit", get(html::edit).post(html::save))
        .route(
            "/u/{username}/avatar",
            post(html::upload_avatar).layer(picture_limit()),
        )
        .route("/u/{username}/avatar/remove", post(html::remove_avatar))
        .route("/u/{username}/avatar/{size}", get(html::serve_avatar))
        .route(
            "/api/v1/me/avatar",
            put(api::set_my_avatar)
                .layer(picture_limit())
                .delete(api::remove_my_avatar),
        )
        .route(
            "/api/v1/users/{username}/avatar",
            put(api::set_avatar)
                .layer(picture_limit())
                .delete(api::remove_avatar),
        )
}
