//! Moderation in the API: moderating a topic, and accepting a question's
//! answer.

use axum::extract::State;
use axum::http::StatusCode;
use hearth_app::AppError;
use hearth_app::moderation::{self, Moderation};
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiUser, Id};
use crate::state::AppState;

/// A moderation action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModerationBody {
    /// hide, restore, lock, unlock, pin, unpin or move.
    action: String,
    /// For `move`: the slug of the destination space.
    to: Option<String>,
    /// Why, for hide, lock and pin (up to 500 characters): its author is
    /// shown it and the audit log keeps it. Reopening clears it.
    reason: Option<String>,
}

/// Hides, restores, locks, unlocks, pins or unpins a topic (moderators).
#[utoipa::path(post, path = "/api/v1/topics/{id}/moderation", tag = "topics", request_body = ModerationBody,
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn moderate(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(tid): Id<TopicId>,
    ApiJson(body): ApiJson<ModerationBody>,
) -> Result<StatusCode, ApiError> {
    match (body.action.as_str(), body.to.as_deref()) {
        ("move", Some(to)) => moderation::move_to(&state.ctx, &who, tid, to).await?,
        ("move", None) => {
            return Err(ApiError(AppError::invalid(
                "to",
                "is required to move a topic",
            )));
        }
        (action, _) => {
            let reason = body.reason.as_deref().unwrap_or_default();
            moderation::moderate(&state.ctx, &who, tid, Moderation::parse(action)?, reason).await?
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The accepted answer of a question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptBody {
    /// A reply of this question, or null to clear.
    reply: Option<String>,
}

/// Accepts a reply as a question's answer (the asker or moderators).
#[utoipa::path(post, path = "/api/v1/topics/{id}/accepted", tag = "topics", request_body = AcceptBody,
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn accept(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<TopicId>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> Result<StatusCode, ApiError> {
    let reply = body
        .reply
        .as_deref()
        .map(|r| {
            r.parse::<ReplyId>()
                .map_err(|_| AppError::invalid("reply", "is not a reply of this question"))
        })
        .transpose()?;
    moderation::accept(&state.ctx, &who, id, reply).await?;
    Ok(StatusCode::NO_CONTENT)
}
