//! Signing in and out, registering, and API tokens for credentials.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(html::signin_form).post(html::signin))
        .route("/signout", post(html::signout))
        .route("/register", get(html::register_form).post(html::register))
        .route(
            "/api/v1/tokens",
            get(super::account::api::tokens).post(api::create_token),
        )
}
