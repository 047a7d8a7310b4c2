//! `POST /api/v1/password-resets`: "forgot password" for API clients.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hearth_app::password_reset;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

/// Whose password to reset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetRequest {
    /// The account's e-mail address.
    email: String,
}

/// Mails a single-use link to set a new password, valid for an hour, to
/// the account with this address. The answer is the same whether there is
/// such an account or not; an account gets at most three such mails an
/// hour.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "auth", request_body = ResetRequest,
    security(()),
    responses((status = 202, description = "Accepted: a link is mailed if the address has an account"),
              (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn ask(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    let origin = state.origin(&headers);
    let _pending = password_reset::request(&state.ctx, &body.email, &origin).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A new password, with the secret of a link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetWithToken {
    /// The `token` of the link.
    token: String,
    /// The new password.
    password: String,
}

/// Sets a new password with a link's secret: the link stops working, and
/// the account is signed out everywhere. 400 names `token` when the link
/// expired or was used.
#[utoipa::path(post, path = "/api/v1/password-resets/use", tag = "auth", request_body = ResetWithToken,
    security(()),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn reset(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetWithToken>,
) -> Result<StatusCode, ApiError> {
    password_reset::reset(&state.ctx, &body.token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
