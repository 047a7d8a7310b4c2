//! User profiles.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/u/{username}", get(html::show)).route(
        "/api/v1/users/{username}",
        get(api::show).patch(super::admin::users_api::update),
    )
}
