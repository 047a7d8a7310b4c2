//! The signed-in user's own account: sessions, tokens, the feed token,
//! password and e-mail address.

pub(crate) mod api;
pub(crate) mod email;
pub(crate) mod html;
pub(crate) mod sessions_api;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(html::show))
        .route("/account/password", post(html::change_password))
        .route("/account/email", post(html::change_email))
        .route(
            "/account/email/confirm",
            get(email::confirm_page).post(email::confirm),
        )
        .route("/api/v1/me/email", post(email::request))
        .route("/account/sessions/{id}/revoke", post(html::revoke_session))
        .route("/account/tokens", post(html::create_token))
        .route("/account/tokens/{id}/revoke", post(html::revoke_token))
        .route("/account/feed-token", post(html::create_feed_token))
        .route("/account/feed-token/revoke", post(html::revoke_feed_token))
        .route(
            "/api/v1/me",
            get(api::me).patch(super::people::api::update_me),
        )
        .route("/api/v1/tokens/{id}", delete(api::revoke))
        .route("/api/v1/sessions", get(sessions_api::list))
        .route("/api/v1/sessions/{id}", delete(sessions_api::revoke))
        .route(
            "/api/v1/me/feed-token",
            post(api::create_feed_token).delete(api::revoke_feed_token),
        )
}
