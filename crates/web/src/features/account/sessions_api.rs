//! The caller's signed-in browser sessions in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::auth;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{ApiQuery, ApiUser};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// A browser session (never its cookie).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionJson {
    /// Opaque id, for ending it; it cannot be used to sign in.
    id: String,
    /// The browser that opened it.
    user_agent: String,
    /// When it began.
    created_at: String,
    /// When it was last used (to the minute).
    last_seen_at: String,
    /// When it ends, however much it is used.
    expires_at: String,
    /// Whether it is the session this request was sent with (a request
    /// with a bearer token has none).
    current: bool,
    /// The account page, where it is listed and ended.
    url: String,
}

/// The caller's sessions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionList {
    /// Every session that still signs in: they are few, since each ends
    /// after its lifetime, so the list comes whole.
    items: Vec<SessionJson>,
    /// Always absent: there is no further page.
    next: Option<String>,
}

/// The sessions list takes no parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoQuery {}

/// The caller's signed-in browser sessions, newest first.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "account",
    responses((status = 200, body = SessionList), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<SessionList>, ApiError> {
    let current = who.session.as_ref().map(|s| s.id_hash.as_str());
    let items = auth::sessions(&state.ctx, &who)
        .await?
        .into_iter()
        .map(|s| SessionJson {
            id: auth::session_id(&s),
            current: Some(s.id_hash.as_str()) == current,
            user_agent: s.user_agent,
            created_at: rfc3339(s.created_at),
            last_seen_at: rfc3339(s.last_seen_at),
            expires_at: rfc3339(s.expires_at),
            url: "/account".into(),
        })
        .collect();
    Ok(Json(SessionList { items, next: None }))
}

/// Ends one of the caller's sessions: that browser is signed out at once.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "account",
    params(("id" = String, Path, description = "the session's id")),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth::revoke_session(&state.ctx, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
