//! Membership: joining, leaving, requests, and owners running members.

pub(crate) mod api;
pub(crate) mod html;
pub(crate) mod requests_api;

use axum::Router;
use axum::routing::{delete, get, patch, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{space}/join", post(html::join))
        .route("/s/{space}/leave", post(html::leave))
        .route("/s/{space}/members", post(html::add))
        .route("/s/{space}/members/{username}", post(html::change))
        .route("/s/{space}/requests/{username}", post(html::decide))
        .route(
            "/api/v1/spaces/{space}/members",
            get(api::list).post(api::add),
        )
        .route(
            "/api/v1/spaces/{space}/members/{username}",
            patch(api::update).delete(api::remove),
        )
        .route(
            "/api/v1/spaces/{space}/join-requests",
            get(requests_api::list),
        )
        .route(
            "/api/v1/spaces/{space}/join-requests/{username}",
            delete(requests_api::decline),
        )
}
