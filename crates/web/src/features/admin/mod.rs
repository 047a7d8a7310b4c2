//! Site administration: accounts, invitations, settings, outgoing mail.

pub(crate) mod api;
pub(crate) mod html;
pub(crate) mod invites_api;
pub(crate) mod mail_api;
pub(crate) mod mail_html;
pub(crate) mod settings_api;
pub(crate) mod users_api;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(html::show))
        .route("/admin/users", post(html::create_user))
        .route("/admin/users/{id}", post(html::change_user))
        .route("/admin/invites", post(html::invite))
        .route("/admin/invites/{id}/revoke", post(html::revoke_invite))
        .route("/admin/settings", post(html::save_settings))
        .route("/admin/mail", get(mail_html::show))
        .route("/api/v1/mail", get(mail_api::list))
        .route("/api/v1/audit", get(api::list))
        .route(
            "/api/v1/settings",
            get(settings_api::show).patch(settings_api::update),
        )
        .route(
            "/api/v1/invites",
            get(invites_api::list).post(invites_api::create),
        )
        .route("/api/v1/invites/{id}", delete(invites_api::revoke))
        .route(
            "/api/v1/users",
            get(super::people::api::list).post(users_api::create),
        )
}
