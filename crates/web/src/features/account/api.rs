//! The caller's own account in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::{AppError, auth, feeds};
use hearth_core::ids::TokenId;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiQuery, ApiUser};
use crate::features::people::views::PersonJson;
use crate::features::{PageQuery, page_of};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The signed-in user, with their profile and e-mail address.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = PersonJson), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn me(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<PersonJson>, ApiError> {
    let person =
        hearth_app::people::visible_person(&state.ctx, who.viewer(), who.user.username.as_str())
            .await?;
    Ok(Json(PersonJson::new(&person, who.viewer())))
}

/// An API token (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenJson {
    /// Opaque id.
    id: String,
    /// Its name.
    name: String,
    /// When it was made.
    created_at: String,
    /// When it was last used (to the minute).
    last_used_at: Option<String>,
    /// The account page, where it is listed and revoked.
    url: String,
}

/// A page of the caller's tokens, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenList {
    /// The tokens.
    items: Vec<TokenJson>,
    /// Cursor for the next (older) page, absent on the last.
    next: Option<String>,
}

/// The caller's API tokens, newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", params(PageQuery),
    responses((status = 200, body = TokenList), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn tokens(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<TokenList>, ApiError> {
    let page = q.page()?;
    let all = auth::tokens(&state.ctx, &who).await?;
    let (tokens, next) = page_of(all, page, true, |t| t.id.0);
    Ok(Json(TokenList {
        items: tokens
            .into_iter()
            .map(|t| TokenJson {
                id: t.id.to_string(),
                name: t.name,
                created_at: rfc3339(t.created_at),
                last_used_at: t.last_used_at.map(rfc3339),
                url: "/account".into(),
            })
            .collect(),
        next,
    }))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account",
    params(("id" = String, Path, description = "the token's id")),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: TokenId = id.parse().map_err(|_| AppError::NotFound)?;
    auth::revoke_token(&state.ctx, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new feed token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FeedTokenJson {
    /// The secret: add `?token=` and it to any feed address. It is not shown again.
    token: String,
    /// The caller's blog feed with the token, for example.
    example: String,
}

/// Makes a new feed token for feed readers that cannot sign in; the previous
/// one stops working. It reads what the caller may read, in feeds only.
#[utoipa::path(post, path = "/api/v1/me/feed-token", tag = "account",
    responses((status = 201, body = FeedTokenJson), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn create_feed_token(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<(StatusCode, Json<FeedTokenJson>), ApiError> {
    let token = feeds::new_token(&state.ctx, &who).await?;
    let example = format!("/feeds/u/{}?token={token}", who.user.username);
    Ok((StatusCode::CREATED, Json(FeedTokenJson { token, example })))
}

/// Revokes the caller's feed token, if they have one; feeds then need a session.
#[utoipa::path(delete, path = "/api/v1/me/feed-token", tag = "account",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke_feed_token(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<StatusCode, ApiError> {
    feeds::revoke_token(&state.ctx, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}
