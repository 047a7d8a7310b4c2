//! Invitations in the API, for administrators. A new invitation's link is
//! answered once: the idempotency layer never keeps it for a replay.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use hearth_app::records::Invite;
use hearth_app::{AppError, invites};
use hearth_core::ids::InviteId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, ApiUser};
use crate::features::{PageQuery, page_of};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// An invitation that has not been used yet (never its link).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InviteJson {
    /// Opaque id, for withdrawing it.
    id: String,
    /// Who is invited; the account they make gets this address.
    email: String,
    /// The id of the administrator who invited them.
    invited_by: String,
    /// When it was made.
    created_at: String,
    /// Until when its link works.
    expires_at: String,
    /// The administration page, where it is listed and withdrawn.
    url: String,
}

impl From<&Invite> for InviteJson {
    fn from(i: &Invite) -> Self {
        Self {
            id: i.id.to_string(),
            email: i.email.to_string(),
            invited_by: i.invited_by.to_string(),
            created_at: rfc3339(i.created_at),
            expires_at: rfc3339(i.expires_at),
            url: "/admin".into(),
        }
    }
}

/// A page of pending invitations, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InviteList {
    /// The invitations.
    items: Vec<InviteJson>,
    /// Cursor for the next (older) page, absent on the last.
    next: Option<String>,
}

/// Invitations not used yet and not expired, newest first (administrators only).
#[utoipa::path(get, path = "/api/v1/invites", tag = "admin", params(PageQuery),
    responses((status = 200, body = InviteList), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<InviteList>, ApiError> {
    let page = q.page()?;
    let pending = invites::pending(&state.ctx, &who).await?;
    let (shown, next) = page_of(pending, page, true, |i| i.id.0);
    Ok(Json(InviteList {
        items: shown.iter().map(InviteJson::from).collect(),
        next,
    }))
}

/// Whom to invite.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewInvite {
    /// Their e-mail address.
    email: String,
}

/// A new invitation with its link, shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedInvite {
    /// The invitation.
    #[serde(flatten)]
    invite: InviteJson,
    /// The path to send the invited person: it registers one account, once.
    /// It is not shown again, and a retry with the same `Idempotency-Key`
    /// makes another invitation rather than repeating it.
    link: String,
}

/// Invites someone by e-mail address and mails them the link (administrators only).
#[utoipa::path(post, path = "/api/v1/invites", tag = "admin", request_body = NewInvite,
    responses((status = 201, body = CreatedInvite), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewInvite>,
) -> Result<(StatusCode, Json<CreatedInvite>), ApiError> {
    let origin = state.origin(&headers);
    let (invite, secret) = invites::create(&state.ctx, &who, &body.email, &origin).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvite {
            invite: InviteJson::from(&invite),
            link: format!("/register?invite={secret}"),
        }),
    ))
}

/// Withdraws an unused invitation; its link stops working (administrators only).
#[utoipa::path(delete, path = "/api/v1/invites/{id}", tag = "admin",
    params(("id" = String, Path, description = "the invitation's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: InviteId = id.parse().map_err(|_| AppError::NotFound)?;
    invites::revoke(&state.ctx, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
