//! Accounts in the API, for administrators: creating one, and locking, deleting, reactivating or making one an administrator.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::people::ProfileInput;
use hearth_app::records::User;
use hearth_app::users::{self, AccountChange, UserInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiUser};
use crate::json::UserJson;
use crate::state::AppState;

/// An account as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AccountJson {
    /// The user as others see them (with `status` and `is_admin`).
    #[serde(flatten)]
    user: UserJson,
    /// Their e-mail address.
    email: String,
}

impl From<&User> for AccountJson {
    fn from(u: &User) -> Self {
        Self {
            user: UserJson::from(u),
            email: u.email.to_string(),
        }
    }
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewAccount {
    /// Login name.
    username: String,
    /// Shown name; the username when absent.
    #[serde(default)]
    display_name: Option<String>,
    /// E-mail address.
    email: String,
    /// Password, at least 10 characters.
    password: String,
    /// Whether they administer the site (default false).
    #[serde(default)]
    is_admin: bool,
}

/// Creates an account, as the administration page does (administrators only).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewAccount,
    responses((status = 201, body = AccountJson), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<AccountJson>), ApiError> {
    let input = UserInput {
        username: body.username,
        display_name: body.display_name.unwrap_or_default(),
        email: body.email,
        password: body.password,
    };
    let user = users::create_by_admin(&state.ctx, &who, &input, body.is_admin).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::from(&user))))
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountPatch {
    /// active, locked or deleted. Locking or deleting ends the account's
    /// sessions and tokens at once.
    status: Option<String>,
    /// Whether they administer the site.
    is_admin: Option<bool>,
    /// Shown name, 1 to 64 characters.
    display_name: Option<String>,
    /// E-mail address.
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

/// Locks, deletes or reactivates an account, grants or withdraws
/// administration, or changes its profile and e-mail address
/// (administrators only, audited; not their own lock or withdrawal).
#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "admin", request_body = AccountPatch,
    params(("username" = String, Path, description = "login name")),
    responses((status = 200, body = AccountJson), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<AccountPatch>,
) -> Result<Json<AccountJson>, ApiError> {
    let profile = ProfileInput {
        display_name: body.display_name,
        email: body.email,
        title: body.title,
        department: body.department,
        location: body.location,
        about: body.about,
        show_email: body.show_email,
    };
    let changes_profile = profile != ProfileInput::default();
    let change = AccountChange {
        status: body.status,
        is_admin: body.is_admin,
        profile: changes_profile.then_some(profile),
    };
    let user = users::change(&state.ctx, &who, &username, &change).await?;
    Ok(Json(AccountJson::from(&user)))
}
