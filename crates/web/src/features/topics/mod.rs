//! Topics and their replies: pages, forms and the API.

pub(crate) mod api;
pub(crate) mod edit_html;
pub(crate) mod forms;
pub(crate) mod html;
pub(crate) mod reply_api;
pub(crate) mod reply_html;
pub(crate) mod versions_api;
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
        .route(
            "/t/{id}/edit",
            get(edit_html::edit_form).post(edit_html::edit),
        )
        .route("/t/{id}/history", get(edit_html::history))
        .route("/t/{id}/diff", get(edit_html::diff))
        .route("/t/{id}/restore", post(edit_html::restore))
        .route("/t/{id}/moderate", post(html::moderate))
        .route("/t/{id}/delete", post(html::delete))
        .route("/t/{id}/accept", post(html::accept))
        .route("/t/{id}/like", post(html::like))
        .route("/t/{id}/replies", post(reply_html::create))
        .route("/r/{id}", get(reply_html::permalink))
        .route(
            "/r/{id}/edit",
            get(reply_html::edit_form).post(reply_html::edit),
        )
        .route("/r/{id}/delete", post(reply_html::delete))
        .route("/r/{id}/restore", post(reply_html::restore))
        .route("/r/{id}/history", get(reply_html::history))
        .route("/r/{id}/like", post(reply_html::like))
        .route("/r/{id}/likes", get(reply_html::likes))
        .route("/tags/{tag}", get(html::tag))
        .route(
            "/api/v1/spaces/{space}/topics",
            get(api::list).post(api::create),
        )
        .route(
            "/api/v1/topics/{id}",
            get(api::show).patch(api::update).delete(api::delete),
        )
        .route(
            "/api/v1/topics/{id}/revisions",
            get(versions_api::revisions),
        )
        .route("/api/v1/topics/{id}/diff", get(versions_api::diff))
        .route(
            "/api/v1/topics/{id}/revisions/{version}/restore",
            post(versions_api::restore),
        )
        .route("/api/v1/topics/{id}/replies", post(reply_api::reply))
        .route("/api/v1/topics/{id}/moderation", post(api::moderate))
        .route("/api/v1/topics/{id}/accepted", post(api::accept))
        .route(
            "/api/v1/topics/{id}/reactions",
            get(reply_api::topic_likers)
                .post(reply_api::like_topic)
                .delete(reply_api::unlike_topic),
        )
        .route(
            "/api/v1/replies/{id}",
            axum::routing::patch(reply_api::edit_reply).delete(reply_api::delete_reply),
        )
        .route(
            "/api/v1/replies/{id}/reactions",
            get(reply_api::reply_likers)
                .post(reply_api::like_reply)
                .delete(reply_api::unlike_reply),
        )
        .route(
            "/api/v1/replies/{id}/restore",
            post(reply_api::restore_reply),
        )
        .route("/api/v1/tags/{tag}/topics", get(api::tag))
        .route("/api/v1/preview", post(api::preview))
        .route(
            "/api/v1/replies/{id}/revisions",
            get(reply_api::reply_revisions),
        )
}
