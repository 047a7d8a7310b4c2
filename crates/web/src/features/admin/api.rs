//! The audit log in the API, for administrators.

use axum::Json;
use axum::extract::State;
use hearth_app::records::AuditEvent;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{ApiQuery, ApiUser};
use crate::json::UserJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// One recorded action.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditJson {
    id: String,
    at: String,
    actor: UserJson,
    /// What was done, e.g. `topic.hide`.
    action: String,
    /// What it was done to, e.g. `topic:12`.
    target: String,
    before: Option<String>,
    after: Option<String>,
}

impl From<&AuditEvent> for AuditJson {
    fn from(e: &AuditEvent) -> Self {
        Self {
            id: e.id.to_string(),
            at: rfc3339(e.at),
            actor: UserJson::from(&e.actor),
            action: e.action.as_str().to_owned(),
            target: e.target.clone(),
            before: e.before.clone(),
            after: e.after.clone(),
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditList {
    items: Vec<AuditJson>,
    /// Cursor for older events, absent at the start of the log.
    next: Option<String>,
}

/// Where to continue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    /// The `next` value of the previous page.
    after: Option<i64>,
}

/// What owners, moderators and administrators did, newest first (administrators only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = AuditList), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    let events = hearth_app::audit::list(&state.ctx, &who, q.after, 100).await?;
    Ok(Json(AuditList {
        next: (events.len() == 100)
            .then(|| events.last().map(|e| e.id.to_string()))
            .flatten(),
        items: events.iter().map(AuditJson::from).collect(),
    }))
}
