//! People in the API: the directory, changing a profile, and pictures.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::AppError;
use hearth_app::auth::Authenticated;
use hearth_app::people::{self, DirectoryInput, ProfileInput};
use hearth_app::records::{Page, Person};
use hearth_core::ids::UserId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::PersonJson;
use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiQuery, ApiUser};
use crate::features::{PageQuery, next_cursor};
use crate::state::AppState;

/// What the directory is asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectoryQuery {
    /// Words that begin words of a name, username, title, department or location.
    q: Option<String>,
    /// Only members of this space (its slug).
    space: Option<String>,
    /// Cursor: the `next` value of the previous page.
    after: Option<String>,
    /// How many people, 1 to 100 (default 50).
    limit: Option<u32>,
}

impl DirectoryQuery {
    fn input(self) -> Result<(DirectoryInput, Page), AppError> {
        let page = PageQuery {
            after: self.after,
            limit: self.limit,
        }
        .page()?;
        let input = DirectoryInput {
            q: self.q.unwrap_or_default(),
            space: self.space,
            any_status: true,
            after: (page.after > 0).then_some(UserId(page.after)),
            limit: page.limit,
        };
        Ok((input, page))
    }
}

/// A page of people, in the order of their names.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PeopleList {
    /// The people.
    items: Vec<PersonJson>,
    /// Cursor for the next page, absent on the last.
    next: Option<String>,
}

/// The directory of people, in the order of their names, for signed-in
/// members: active accounts, or every account for administrators (who also
/// see every e-mail address).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(DirectoryQuery),
    responses((status = 200, body = PeopleList), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Result<Json<PeopleList>, ApiError> {
    let viewer = caller.viewer();
    let (input, page) = q.input()?;
    let found = people::directory(&state.ctx, viewer, input).await?;
    Ok(Json(PeopleList {
        next: next_cursor(&found, page, |p| p.user.id.0),
        items: found.iter().map(|p| PersonJson::new(p, viewer)).collect(),
    }))
}

/// Changes to a profile; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfilePatch {
    /// Shown name, 1 to 64 characters.
    display_name: Option<String>,
    /// E-mail address (administrators only, for now).
    email: Option<String>,
    /// What they do, up to 100 characters.
    title: Option<String>,
    /// Where in the organisation they work, up to 100 characters.
    department: Option<String>,
    /// Where they are, up to 100 characters.
    location: Option<String>,
    /// A few words about them, in Markdown, up to 5,000 characters.
    about: Option<String>,
    /// Whether others see their e-mail address.
    show_email: Option<bool>,
}

impl From<ProfilePatch> for ProfileInput {
    fn from(p: ProfilePatch) -> Self {
        Self {
            display_name: p.display_name,
            email: p.email,
            title: p.title,
            department: p.department,
            location: p.location,
            about: p.about,
            show_email: p.show_email,
        }
    }
}

/// Changes the caller's profile. The e-mail address is changed by an
/// administrator until addresses can be confirmed by e-mail (403).
#[utoipa::path(patch, path = "/api/v1/me", tag = "account", request_body = ProfilePatch,
    responses((status = 200, body = PersonJson), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn update_me(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<ProfilePatch>,
) -> Result<Json<PersonJson>, ApiError> {
    let person = update(&state, &who, who.user.username.as_str(), body).await?;
    Ok(Json(PersonJson::new(&person, who.viewer())))
}

/// Applies a profile patch to `username` as `who`.
pub(crate) async fn update(
    state: &AppState,
    who: &Authenticated,
    username: &str,
    patch: ProfilePatch,
) -> Result<Person, AppError> {
    people::update_profile(&state.ctx, who, username, &patch.into()).await
}

fn picture(body: Result<Bytes, BytesRejection>) -> Result<Vec<u8>, AppError> {
    body.map(|b| b.to_vec()).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge("the picture must be at most 5 MB".into())
        } else {
            AppError::invalid("body", e.body_text())
        }
    })
}

/// Sets the caller's picture; the body is a PNG, JPEG or WebP file of at
/// most 5 MB and 6000 pixels a side, cut to a square and scaled.
#[utoipa::path(put, path = "/api/v1/me/avatar", tag = "account",
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 200, body = PersonJson), (status = 400, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody)))]
pub(crate) async fn set_my_avatar(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PersonJson>, ApiError> {
    let file = picture(body)?;
    let person = people::set_avatar(&state.ctx, &who, who.user.username.as_str(), file).await?;
    Ok(Json(PersonJson::new(&person, who.viewer())))
}

/// Removes the caller's picture; their initials show instead.
#[utoipa::path(delete, path = "/api/v1/me/avatar", tag = "account",
    responses((status = 200, body = PersonJson), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn remove_my_avatar(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<PersonJson>, ApiError> {
    let person = people::remove_avatar(&state.ctx, &who, who.user.username.as_str()).await?;
    Ok(Json(PersonJson::new(&person, who.viewer())))
}

/// Sets someone's picture (administrators only; audited).
#[utoipa::path(put, path = "/api/v1/users/{username}/avatar", tag = "admin",
    params(("username" = String, Path, description = "login name")),
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 200, body = PersonJson), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody)))]
pub(crate) async fn set_avatar(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PersonJson>, ApiError> {
    let file = picture(body)?;
    let person = people::set_avatar(&state.ctx, &who, &username, file).await?;
    Ok(Json(PersonJson::new(&person, who.viewer())))
}

/// Removes someone's picture (administrators only; audited).
#[utoipa::path(delete, path = "/api/v1/users/{username}/avatar", tag = "admin",
    params(("username" = String, Path, description = "login name")),
    responses((status = 200, body = PersonJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn remove_avatar(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
) -> Result<Json<PersonJson>, ApiError> {
    let person = people::remove_avatar(&state.ctx, &who, &username).await?;
    Ok(Json(PersonJson::new(&person, who.viewer())))
}
