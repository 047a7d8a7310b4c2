//! Spaces: the directory, a space's page, creating and changing spaces.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/spaces", get(html::index).post(html::create))
        .route("/spaces/new", get(html::new))
        .route("/s/{space}", get(html::show))
        .route(
            "/s/{space}/settings",
            get(html::settings).post(html::update),
        )
        .route("/api/v1/spaces", get(api::list).post(api::create))
        .route("/api/v1/spaces/{space}", get(api::show).patch(api::update))
}
