//! Replies in the API: writing, editing, deleting and restoring one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hearth_app::{AppError, replies};
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiUser, Id, IdempotencyKey};
use crate::json::ReplyJson;
use crate::state::AppState;

/// A reply's text, and the reply it answers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplyBody {
    /// Markdown.
    body: String,
    /// The reply this one answers (same topic).
    parent: Option<String>,
}

/// Replies to a topic or to one of its replies.
#[utoipa::path(post, path = "/api/v1/topics/{id}/replies", tag = "replies", request_body = ReplyBody,
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 201, body = ReplyJson), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<TopicId>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<ReplyBody>,
) -> Result<(StatusCode, Json<ReplyJson>), ApiError> {
    let parent = body
        .parent
        .as_deref()
        .map(|p| {
            p.parse::<ReplyId>()
                .map_err(|_| AppError::invalid("parent", "is not a reply of this topic"))
        })
        .transpose()?;
    let reply = replies::create(&state.ctx, &who, id, parent, &body.body, key.0.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(ReplyJson::from(&reply.item))))
}

/// A reply's new text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplyEditBody {
    /// Markdown.
    body: String,
}

/// A reply, for those who may read its topic.
#[utoipa::path(get, path = "/api/v1/replies/{id}", tag = "replies",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = ReplyJson), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn show_reply(
    State(state): State<AppState>,
    caller: ApiCaller,
    Id(id): Id<ReplyId>,
) -> Result<Json<ReplyJson>, ApiError> {
    let (reply, _) = replies::find_reply(&state.ctx, caller.viewer(), id).await?;
    Ok(Json(ReplyJson::from(&reply)))
}

/// Edits your reply; the previous text is kept.
#[utoipa::path(patch, path = "/api/v1/replies/{id}", tag = "replies", request_body = ReplyEditBody,
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = ReplyJson), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn edit_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<ReplyId>,
    ApiJson(body): ApiJson<ReplyEditBody>,
) -> Result<Json<ReplyJson>, ApiError> {
    let reply = replies::edit(&state.ctx, &who, id, &body.body).await?;
    Ok(Json(ReplyJson::from(&reply)))
}

/// Deletes a reply (its author or a moderator); a placeholder keeps its place.
#[utoipa::path(delete, path = "/api/v1/replies/{id}", tag = "replies",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<ReplyId>,
) -> Result<StatusCode, ApiError> {
    replies::delete(&state.ctx, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores a deleted reply (moderators); its text is shown again.
#[utoipa::path(post, path = "/api/v1/replies/{id}/restore", tag = "replies",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, description = "The reply, restored", body = ReplyJson),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn restore_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<ReplyId>,
) -> Result<Json<ReplyJson>, ApiError> {
    let reply = replies::restore(&state.ctx, &who, id).await?;
    Ok(Json(ReplyJson::from(&reply)))
}
