//! Replies and likes in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::records::ReactionTarget;
use hearth_app::{AppError, reactions, replies};
use hearth_core::ids::ReplyId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{ReplyJson, reply_id, topic_id};
use super::versions_api::RevisionJson;
use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiUser, IdempotencyKey};
use crate::features::users::api::UserJson;
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
    Path(id): Path<String>,
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
    let reply = replies::create(
        &state.ctx,
        &who,
        topic_id(&id)?,
        parent,
        &body.body,
        key.0.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ReplyJson::from(&reply))))
}

/// A reply's new text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplyEditBody {
    /// Markdown.
    body: String,
}

/// Edits your reply; the previous text is kept.
#[utoipa::path(patch, path = "/api/v1/replies/{id}", tag = "replies", request_body = ReplyEditBody,
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = ReplyJson), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn edit_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplyEditBody>,
) -> Result<Json<ReplyJson>, ApiError> {
    let reply = replies::edit(&state.ctx, &who, reply_id(&id)?, &body.body).await?;
    Ok(Json(ReplyJson::from(&reply)))
}

/// Deletes a reply (its author or a moderator); a placeholder keeps its place.
#[utoipa::path(delete, path = "/api/v1/replies/{id}", tag = "replies",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    replies::delete(&state.ctx, &who, reply_id(&id)?).await?;
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
    Path(id): Path<String>,
) -> Result<Json<ReplyJson>, ApiError> {
    let reply = replies::restore(&state.ctx, &who, reply_id(&id)?).await?;
    Ok(Json(ReplyJson::from(&reply)))
}

/// A like count.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LikeCount {
    like_count: i64,
    liked: bool,
}

async fn set_like(
    state: &AppState,
    who: &hearth_app::auth::Authenticated,
    target: ReactionTarget,
    on: bool,
) -> Result<Json<LikeCount>, ApiError> {
    let like_count = reactions::set(&state.ctx, who, target, on).await?;
    Ok(Json(LikeCount {
        like_count,
        liked: on,
    }))
}

/// Likes a topic.
#[utoipa::path(post, path = "/api/v1/topics/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the topic's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn like_topic(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Topic(topic_id(&id)?), true).await
}

/// Takes back a like of a topic.
#[utoipa::path(delete, path = "/api/v1/topics/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the topic's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn unlike_topic(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Topic(topic_id(&id)?), false).await
}

/// Likes a reply.
#[utoipa::path(post, path = "/api/v1/replies/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the reply's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn like_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Reply(reply_id(&id)?), true).await
}

/// Takes back a like of a reply.
#[utoipa::path(delete, path = "/api/v1/replies/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the reply's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn unlike_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Reply(reply_id(&id)?), false).await
}

/// The versions of a reply, newest first (its author and moderators).
#[utoipa::path(get, path = "/api/v1/replies/{id}/revisions", tag = "replies",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = Vec<RevisionJson>), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn reply_revisions(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionJson>>, ApiError> {
    let (_, revisions) = replies::revisions(&state.ctx, caller.viewer(), reply_id(&id)?).await?;
    Ok(Json(revisions.iter().map(RevisionJson::from).collect()))
}

/// Who likes a topic, earliest first (at most 100).
#[utoipa::path(get, path = "/api/v1/topics/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 200, body = Vec<UserJson>), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn topic_likers(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<UserJson>>, ApiError> {
    let users = reactions::likers(&state.ctx, &who, ReactionTarget::Topic(topic_id(&id)?)).await?;
    Ok(Json(users.iter().map(UserJson::from).collect()))
}

/// Who likes a reply, earliest first (at most 100).
#[utoipa::path(get, path = "/api/v1/replies/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = Vec<UserJson>), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn reply_likers(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<UserJson>>, ApiError> {
    let users = reactions::likers(&state.ctx, &who, ReactionTarget::Reply(reply_id(&id)?)).await?;
    Ok(Json(users.iter().map(UserJson::from).collect()))
}
