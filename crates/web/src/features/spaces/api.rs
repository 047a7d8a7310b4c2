//! Spaces in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::spaces::{self, SpaceInput};
use hearth_core::permissions::SpaceAction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiQuery, ApiUser};
use crate::features::{PageQuery, next_cursor};
use crate::json::SpaceJson;
use crate::state::AppState;

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
