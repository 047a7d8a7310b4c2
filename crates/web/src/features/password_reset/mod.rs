//! "Forgot password": asking for a link by e-mail, and setting a new
//! password with it.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/forgot-password", get(html::ask_form).post(html::ask))
        .route("/reset-password", get(html::reset_form).post(html::reset))
        .route("/api/v1/password-resets", post(api::ask))
        .route("/api/v1/password-resets/use", post(api::reset))
}
