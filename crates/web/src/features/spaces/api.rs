//! Spaces in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::records::SpaceView;
use hearth_app::spaces::{self, SpaceInput};
use hearth_core::permissions::SpaceAction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiQuery, ApiUser};
use crate::features::{PageQuery, next_cursor};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// A space as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SpaceJson {
    /// Opaque id.
    id: String,
    /// Short name in URLs.
    slug: String,
    /// Title.
    name: String,
    /// What it is for.
    description: String,
    /// community or personal.
    kind: String,
    /// public, private or secret.
    visibility: String,
    /// open, request or invite.
    join_policy: String,
    /// How many members.
    member_count: i64,
    /// The caller's role, if a member.
    role: Option<String>,
    /// When it was created.
    created_at: String,
    /// Its page.
    url: String,
}

impl From<&SpaceView> for SpaceJson {
    fn from(v: &SpaceView) -> Self {
        let s = &v.space;
        Self {
            id: s.id.to_string(),
            slug: s.slug.clone(),
            name: s.name.to_string(),
            description: s.description.to_string(),
            kind: s.kind.to_string(),
            visibility: s.visibility.to_string(),
            join_policy: s.join_policy.to_string(),
            member_count: v.member_count,
            role: v.role.map(|r| r.to_string()),
            created_at: rfc3339(s.created_at),
            url: format!("/s/{}", s.slug),
        }
    }
}

/// A page of spaces.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SpaceList {
    /// The spaces.
    items: Vec<SpaceJson>,
    /// Cursor for the next page (`?after=`), absent on the last page.
    next: Option<String>,
}

/// The community spaces the caller may know of.
#[utoipa::path(get, path = "/api/v1/spaces", tag = "spaces", params(PageQuery),
    responses((status = 200, body = SpaceList), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<SpaceList>, ApiError> {
    let page = q.page()?;
    let spaces = spaces::list(&state.ctx, caller.viewer(), page).await?;
    Ok(Json(SpaceList {
        next: next_cursor(&spaces, page, |s| s.space.id.0),
        items: spaces.iter().map(SpaceJson::from).collect(),
    }))
}

/// A new space, or changes to one (absent fields stay as they are).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpaceBody {
    /// Short name in the URL (only when creating).
    slug: Option<String>,
    /// Title.
    name: Option<String>,
    /// Description.
    description: Option<String>,
    /// public, private or secret (default public).
    visibility: Option<String>,
    /// open, request or invite (default open).
    join_policy: Option<String>,
}

impl From<SpaceBody> for SpaceInput {
    fn from(b: SpaceBody) -> Self {
        SpaceInput {
            slug: b.slug,
            name: b.name,
            description: b.description,
            visibility: b.visibility,
            join_policy: b.join_policy,
        }
    }
}

/// Creates a community space; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/spaces", tag = "spaces", request_body = SpaceBody,
    responses((status = 201, body = SpaceJson), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<SpaceBody>,
) -> Result<(StatusCode, Json<SpaceJson>), ApiError> {
    let view = spaces::create(&state.ctx, &who, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(SpaceJson::from(&view))))
}

/// One space.
#[utoipa::path(get, path = "/api/v1/spaces/{space}", tag = "spaces",
    params(("space" = String, Path, description = "the space's slug")),
    responses((status = 200, body = SpaceJson), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
) -> Result<Json<SpaceJson>, ApiError> {
    let found = spaces::find(&state.ctx, caller.viewer(), &slug, SpaceAction::See).await?;
    Ok(Json(SpaceJson::from(&found.view)))
}

/// Changes a space's settings (owners and administrators).
#[utoipa::path(patch, path = "/api/v1/spaces/{space}", tag = "spaces", request_body = SpaceBody,
    params(("space" = String, Path, description = "the space's slug")),
    responses((status = 200, body = SpaceJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<SpaceBody>,
) -> Result<Json<SpaceJson>, ApiError> {
    let view = spaces::update(&state.ctx, &who, &slug, &body.into()).await?;
    Ok(Json(SpaceJson::from(&view)))
}
