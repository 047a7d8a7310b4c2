//! What members are mailed of: their choices on the account page and in
//! the API, and the one-click unsubscribe link of every notification mail.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/account/mail", get(html::show).post(html::save))
        .route(
            "/mail/unsubscribe",
            get(html::unsubscribe_page).post(html::unsubscribe),
        )
        .route(
            "/api/v1/me/mail-preferences",
            get(api::show).put(api::update),
        )
        .route(
            "/api/v1/me/mail-schedule",
            get(api::show_schedule).put(api::update_schedule),
        )
}
