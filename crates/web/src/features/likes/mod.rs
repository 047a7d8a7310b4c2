//! Likes of topics and replies, and who gave them, in pages and the API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{id}/like", post(html::like_topic))
        .route("/r/{id}/like", post(html::like_reply))
        .route("/r/{id}/likes", get(html::likers))
        .route(
            "/api/v1/topics/{id}/reactions",
            get(api::topic_likers)
                .post(api::like_topic)
                .delete(api::unlike_topic),
        )
        .route(
            "/api/v1/replies/{id}/reactions",
            get(api::reply_likers)
                .post(api::like_reply)
                .delete(api::unlike_reply),
        )
}
