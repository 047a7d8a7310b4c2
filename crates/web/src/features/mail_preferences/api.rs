//! `GET`/`PUT /api/v1/me/mail-preferences`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use hearth_app::mail_preferences;
use hearth_app::records::{MailMode, NotificationKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiUser};
use crate::state::AppState;

/// How the caller is mailed of one kind of notification.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailPreferenceJson {
    /// The kind: `reply_to_topic`, `reply_to_reply`, `mention`, `accepted`,
    /// `new_topic`, `liked`, `join_request`, `join_approved`, `join_declined`.
    kind: String,
    /// What it tells of.
    description: String,
    /// `immediately` (a mail for each) or `never`.
    mode: String,
}

/// Every kind, with its mode.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailPreferences {
    items: Vec<MailPreferenceJson>,
}

fn list(modes: Vec<(NotificationKind, MailMode)>) -> MailPreferences {
    MailPreferences {
        items: modes
            .into_iter()
            .map(|(kind, mode)| MailPreferenceJson {
                kind: kind.as_str().to_owned(),
                description: kind.describe().to_owned(),
                mode: mode.as_str().to_owned(),
            })
            .collect(),
    }
}

/// How the caller is mailed of each kind of notification: their choice,
/// or the default (a mail at once for what is addressed to them; none for
/// new topics where they follow, or likes).
#[utoipa::path(get, path = "/api/v1/me/mail-preferences", tag = "account",
    responses((status = 200, body = MailPreferences), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<MailPreferences>, ApiError> {
    Ok(Json(list(mail_preferences::of(&state.ctx, &who).await?)))
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
    Ok(Json(list(mail_preferences::of(&state.ctx, &who).await?)))
}
