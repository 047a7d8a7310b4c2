//! The site's settings in the API, for administrators.

use axum::Json;
use axum::extract::State;
use hearth_app::records::SiteSettings;
use hearth_app::settings::{self, SettingsInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiUser};
use crate::state::AppState;

/// What the administration page's settings form edits.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SettingsJson {
    /// The site's name, in every page's header and title.
    site_name: String,
    /// open (anyone may register) or invite_only.
    registration: String,
    /// Whether guests read public spaces without signing in.
    guest_access: bool,
    /// Maintenance: everything stays readable and writes are refused with
    /// 503, except this switch, signing in and out, and making tokens.
    read_only: bool,
    /// The time zone (an IANA name) digests go in for members who chose
    /// none.
    time_zone: String,
    /// The administration page.
    url: String,
}

impl From<&SiteSettings> for SettingsJson {
    fn from(s: &SiteSettings) -> Self {
        Self {
            site_name: s.site_name.clone(),
            registration: s.registration.to_string(),
            guest_access: s.guest_access,
            read_only: s.read_only,
            time_zone: s.time_zone.clone(),
            url: "/admin".into(),
        }
    }
}

/// The site's settings (administrators only).
#[utoipa::path(get, path = "/api/v1/settings", tag = "admin",
    responses((status = 200, body = SettingsJson), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<SettingsJson>, ApiError> {
    let s = settings::for_admin(&state.ctx, &who).await?;
    Ok(Json(SettingsJson::from(&s)))
}

/// Changes to the settings; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsPatch {
    /// 1 to 60 characters.
    site_name: Option<String>,
    /// open or invite_only.
    registration: Option<String>,
    /// Whether guests read public spaces without signing in.
    guest_access: Option<bool>,
    /// Maintenance: pause writing.
    read_only: Option<bool>,
    /// The time zone of digests for members who chose none (`Europe/Berlin`).
    time_zone: Option<String>,
}

/// Changes the site's settings, as the administration page does
/// (administrators only; allowed during maintenance, to end it).
#[utoipa::path(patch, path = "/api/v1/settings", tag = "admin", request_body = SettingsPatch,
    responses((status = 200, body = SettingsJson), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> Result<Json<SettingsJson>, ApiError> {
    let input = SettingsInput {
        site_name: body.site_name,
        registration: body.registration,
        guest_access: body.guest_access,
        read_only: body.read_only,
        time_zone: body.time_zone,
    };
    let s = settings::update(&state.ctx, &who, &input).await?;
    Ok(Json(SettingsJson::from(&s)))
}
