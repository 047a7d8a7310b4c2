//! Members in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::AppError;
use hearth_app::members::{self, JoinOutcome};
use hearth_app::records::Member;
use hearth_core::model::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiQuery, ApiUser};
use crate::features::{PageQuery, next_cursor};
use crate::json::UserJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// A member of a space.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MemberJson {
    /// The user.
    user: UserJson,
    /// owner, moderator or member.
    role: String,
    /// When they joined.
    joined_at: String,
}

impl From<&Member> for MemberJson {
    fn from(m: &Member) -> Self {
        Self {
            user: UserJson::from(&m.user),
            role: m.role.to_string(),
            joined_at: rfc3339(m.joined_at),
        }
    }
}

/// A page of members.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MemberList {
    /// The members.
    items: Vec<MemberJson>,
    /// Cursor for the next page, absent on the last.
    next: Option<String>,
}

/// The members of a space the caller may read.
#[utoipa::path(get, path = "/api/v1/spaces/{space}/members", tag = "members",
    params(("space" = String, Path, description = "the space's slug"), PageQuery),
    responses((status = 200, body = MemberList), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<MemberList>, ApiError> {
    let page = q.page()?;
    let items = members::list(&state.ctx, caller.viewer(), &slug, page).await?;
    Ok(Json(MemberList {
        next: next_cursor(&items, page, |m| m.user.id.0),
        items: items.iter().map(MemberJson::from).collect(),
    }))
}

/// Without `username`: the caller joins (or asks to join). With it: an owner
/// adds that user; adding, as a member, someone who asked to join approves
/// their request, which moderators may do too.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddMember {
    /// Whom to add; absent to join yourself.
    username: Option<String>,
    /// owner, moderator or member (default member).
    role: Option<String>,
}

/// What happened.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MembershipResult {
    /// `member` when the user is now a member, `requested` when waiting for approval.
    status: String,
}

/// Joins a space, asks to join it, (owners) adds someone, or (moderators
/// and owners) approves a request to join.
#[utoipa::path(post, path = "/api/v1/spaces/{space}/members", tag = "members", request_body = AddMember,
    params(("space" = String, Path, description = "the space's slug")),
    responses((status = 201, body = MembershipResult), (status = 202, body = MembershipResult),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<AddMember>,
) -> Result<(StatusCode, Json<MembershipResult>), ApiError> {
    let role = body
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(AppError::from)?;
    let status = match body
        .username
        .filter(|u| u.trim() != who.user.username.as_str())
    {
        Some(username) => {
            members::add(
                &state.ctx,
                &who,
                &slug,
                &username,
                role.unwrap_or(Role::Member),
            )
            .await?;
            (StatusCode::CREATED, "member")
        }
        None => match members::join(&state.ctx, &who, &slug).await? {
            JoinOutcome::Joined => (StatusCode::CREATED, "member"),
            JoinOutcome::Requested => (StatusCode::ACCEPTED, "requested"),
        },
    };
    Ok((
        status.0,
        Json(MembershipResult {
            status: status.1.into(),
        }),
    ))
}

/// A change of role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleChange {
    /// owner, moderator or member.
    role: String,
}

/// Changes a member's role (owners).
#[utoipa::path(patch, path = "/api/v1/spaces/{space}/members/{username}", tag = "members", request_body = RoleChange,
    params(("space" = String, Path, description = "the space's slug"), ("username" = String, Path, description = "the member")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((slug, username)): Path<(String, String)>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<StatusCode, ApiError> {
    let role = Role::parse(&body.role).map_err(AppError::from)?;
    members::set_role(&state.ctx, &who, &slug, &username, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (owners), or leaves (your own username).
#[utoipa::path(delete, path = "/api/v1/spaces/{space}/members/{username}", tag = "members",
    params(("space" = String, Path, description = "the space's slug"), ("username" = String, Path, description = "the member")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((slug, username)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if username == who.user.username.as_str() {
        members::leave(&state.ctx, &who, &slug).await?;
    } else {
        members::remove(&state.ctx, &who, &slug, &username).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
