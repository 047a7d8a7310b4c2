//! `GET`/`PUT /api/v1/me/mail-preferences` and `/api/v1/me/mail-schedule`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use hearth_app::mail_preferences::{self, SIGN_IN_ALERTS};
use hearth_app::records::{MailMode, MailSchedule, NotificationKind};
use hearth_app::{auth::Authenticated, digests};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiUser};
use crate::state::AppState;

/// How the caller is mailed of one kind of notification.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailPreferenceJson {
    /// The kind: `reply_to_topic`, `reply_to_reply`, `mention`, `accepted`,
    /// `new_topic`, `liked`, `join_request`, `join_approved`,
    /// `join_declined`; and `new_sign_in`, a sign-in to the account from a
    /// device it was not used on before.
    kind: String,
    /// What it tells of.
    description: String,
    /// `immediately` (a mail for each), `daily` or `weekly` (gathered in a
    /// digest), or `never`; `new_sign_in` is `immediately` or `never`.
    mode: String,
}

/// Every kind, with its mode.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailPreferences {
    items: Vec<MailPreferenceJson>,
}

async fn list(state: &AppState, who: &Authenticated) -> Result<MailPreferences, ApiError> {
    let modes: Vec<(NotificationKind, MailMode)> = mail_preferences::of(&state.ctx, who).await?;
    let alerts = mail_preferences::sign_in_alerts(&state.ctx, who).await?;
    let mut items: Vec<MailPreferenceJson> = modes
        .into_iter()
        .map(|(kind, mode)| MailPreferenceJson {
            kind: kind.as_str().to_owned(),
            description: kind.describe().to_owned(),
            mode: mode.as_str().to_owned(),
        })
        .collect();
    items.push(MailPreferenceJson {
        kind: SIGN_IN_ALERTS.to_owned(),
        description: "A sign-in to your account from a new device".to_owned(),
        mode: if alerts {
            MailMode::Immediately
        } else {
            MailMode::Never
        }
        .as_str()
        .to_owned(),
    });
    Ok(MailPreferences { items })
}

/// How the caller is mailed of each kind of notification: their choice,
/// or the default (a mail at once for what is addressed to them, new
/// topics where they follow in a daily digest, nothing for likes); and
/// whether a sign-in from a new device is mailed (by default it is).
#[utoipa::path(get, path = "/api/v1/me/mail-preferences", tag = "account",
    responses((status = 200, body = MailPreferences), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<MailPreferences>, ApiError> {
    Ok(Json(list(&state, &who).await?))
}

/// Sets the mode of the kinds named, e.g. `{"mention": "never"}`; the
/// others keep theirs. An unknown kind or mode is refused (400, naming
/// it) and nothing changes.
#[utoipa::path(put, path = "/api/v1/me/mail-preferences", tag = "account",
    request_body = BTreeMap<String, String>,
    responses((status = 200, body = MailPreferences), (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<BTreeMap<String, String>>,
) -> Result<Json<MailPreferences>, ApiError> {
    let modes: Vec<_> = body.into_iter().collect();
    mail_preferences::set(&state.ctx, &who, &modes).await?;
    Ok(Json(list(&state, &who).await?))
}

/// When the caller's digests go.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MailScheduleJson {
    /// An IANA time zone name (`Europe/Berlin`, `UTC`).
    time_zone: String,
    /// The local hour, 0–23.
    hour: u8,
    /// The weekly digest's day, 1 (Monday) to 7 (Sunday).
    weekday: u8,
}

impl From<MailSchedule> for MailScheduleJson {
    fn from(s: MailSchedule) -> Self {
        Self {
            time_zone: s.time_zone,
            hour: s.hour,
            weekday: s.weekday,
        }
    }
}

/// When the caller's digests go: their choice, or eight in the morning,
/// UTC, the weekly one on Mondays.
#[utoipa::path(get, path = "/api/v1/me/mail-schedule", tag = "account",
    responses((status = 200, body = MailScheduleJson), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn show_schedule(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<MailScheduleJson>, ApiError> {
    Ok(Json(
        digests::schedule(&state.ctx, who.user.id).await?.into(),
    ))
}

/// Sets when the caller's digests go. An unknown time zone, or an hour
/// or weekday out of range, is refused (400, naming it) and nothing
/// changes.
#[utoipa::path(put, path = "/api/v1/me/mail-schedule", tag = "account",
    request_body = MailScheduleJson,
    responses((status = 200, body = MailScheduleJson), (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn update_schedule(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<MailScheduleJson>,
) -> Result<Json<MailScheduleJson>, ApiError> {
    let schedule = MailSchedule {
        time_zone: body.time_zone,
        hour: body.hour,
        weekday: body.weekday,
    };
    digests::set_schedule(&state.ctx, who.user.id, schedule).await?;
    Ok(Json(
        digests::schedule(&state.ctx, who.user.id).await?.into(),
    ))
}
