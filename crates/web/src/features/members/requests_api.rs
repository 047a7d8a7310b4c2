//! Requests to join a space in the API, for its moderators and owners.
//! Approving one is adding its author as a member:
//! `POST /api/v1/spaces/{space}/members` with their username.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::members;
use hearth_app::records::JoinRequest;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiQuery, ApiUser};
use crate::features::{PageQuery, page_of};
use crate::json::UserJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Someone asking to join.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct JoinRequestJson {
    /// Who asks.
    user: UserJson,
    /// When they asked.
    requested_at: String,
    /// The space's page, where moderators approve or decline it.
    url: String,
}

/// A page of pending requests, in the order the accounts were made.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct JoinRequestList {
    /// The requests.
    items: Vec<JoinRequestJson>,
    /// Cursor for the next page, absent on the last.
    next: Option<String>,
}

/// Pending requests to join a space (its moderators and owners).
#[utoipa::path(get, path = "/api/v1/spaces/{space}/join-requests", tag = "members",
    params(("space" = String, Path, description = "the space's slug"), PageQuery),
    responses((status = 200, body = JoinRequestList), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<JoinRequestList>, ApiError> {
    let page = q.page()?;
    let mut pending: Vec<JoinRequest> = members::requests(&state.ctx, &who, &slug).await?;
    pending.sort_by_key(|r| r.user.id.0);
    let (shown, next) = page_of(pending, page, false, |r| r.user.id.0);
    let url = format!("/s/{slug}");
    Ok(Json(JoinRequestList {
        items: shown
            .iter()
            .map(|r| JoinRequestJson {
                user: UserJson::from(&r.user),
                requested_at: rfc3339(r.requested_at),
                url: url.clone(),
            })
            .collect(),
        next,
    }))
}

/// Declines a request to join (moderators and owners).
#[utoipa::path(delete, path = "/api/v1/spaces/{space}/join-requests/{username}", tag = "members",
    params(("space" = String, Path, description = "the space's slug"),
           ("username" = String, Path, description = "who asked")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn decline(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((slug, username)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    members::decide_request(&state.ctx, &who, &slug, &username, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
