//! `POST /api/v1/tokens`: credentials for a bearer token.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hearth_app::auth;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Credentials for a new token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenRequest {
    /// Username or e-mail address.
    username: String,
    /// Password.
    password: String,
    /// A name to recognise the token by.
    #[serde(default)]
    name: Option<String>,
}

/// A new token; `token` is shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedToken {
    /// The token's id, for revoking it.
    id: String,
    /// Its name.
    name: String,
    /// The secret to send as `Authorization: Bearer …`.
    token: String,
    /// When it was made.
    created_at: String,
}

/// Exchanges a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = CreatedToken), (status = 401, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let name = req.name.unwrap_or_default();
    let (secret, token) = auth::create_token(
        &state.ctx,
        &req.username,
        &req.password,
        &name,
        &caller.client,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: token.id.to_string(),
            name: token.name,
            token: secret,
            created_at: rfc3339(token.created_at),
        }),
    ))
}
