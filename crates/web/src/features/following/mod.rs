//! Following people, spaces, topics and tags, and the notifications that
//! come of it: the follow buttons, the notifications page, and the API.

pub(crate) mod api;
pub(crate) mod html;
pub(crate) mod live;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/follows", post(html::set_follow))
        .route("/notifications", get(html::notifications))
        .route("/notifications/read", post(html::mark_read))
        .route("/api/v1/follows", get(api::followed))
        .route(
            "/api/v1/follows/{kind}/{key}",
            get(api::follows).put(api::follow).delete(api::unfollow),
        )
        .route(
            "/api/v1/follows/{kind}/{key}/mute",
            axum::routing::put(api::mute).delete(api::unmute),
        )
        .route("/api/v1/activity", get(api::activity))
        .route("/api/v1/events", get(live::events))
        .route("/api/v1/notifications", get(api::notifications))
        .route("/api/v1/notifications/read", post(api::mark_read))
}

/// The address of what a follow names.
pub(crate) fn followed_url(kind: &str, key: &str) -> String {
    let key = crate::extract::encode(key);
    match kind {
        "person" | "people" => format!("/u/{key}"),
        "space" | "spaces" => format!("/s/{key}"),
        "topic" | "topics" => format!("/t/{key}"),
        _ => format!("/tags/{key}"),
    }
}
