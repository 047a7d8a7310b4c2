//! Likes in the API: liking a topic or a reply, taking it back, and who
//! likes them.

use axum::Json;
use axum::extract::State;
use hearth_app::reactions;
use hearth_app::records::ReactionTarget;
use hearth_core::ids::{ReplyId, TopicId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{ApiUser, Id};
use crate::json::UserJson;
use crate::state::AppState;

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
    Id(id): Id<TopicId>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Topic(id), true).await
}

/// Takes back a like of a topic.
#[utoipa::path(delete, path = "/api/v1/topics/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the topic's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn unlike_topic(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<TopicId>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Topic(id), false).await
}

/// Likes a reply.
#[utoipa::path(post, path = "/api/v1/replies/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the reply's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn like_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<ReplyId>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Reply(id), true).await
}

/// Takes back a like of a reply.
#[utoipa::path(delete, path = "/api/v1/replies/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the reply's id")), responses((status = 200, body = LikeCount)))]
pub(crate) async fn unlike_reply(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<ReplyId>,
) -> Result<Json<LikeCount>, ApiError> {
    set_like(&state, &who, ReactionTarget::Reply(id), false).await
}

/// Who likes a topic, earliest first (at most 100).
#[utoipa::path(get, path = "/api/v1/topics/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 200, body = Vec<UserJson>), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn topic_likers(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<TopicId>,
) -> Result<Json<Vec<UserJson>>, ApiError> {
    let users = reactions::likers(&state.ctx, &who, ReactionTarget::Topic(id)).await?;
    Ok(Json(users.iter().map(UserJson::from).collect()))
}

/// Who likes a reply, earliest first (at most 100).
#[utoipa::path(get, path = "/api/v1/replies/{id}/reactions", tag = "reactions",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = Vec<UserJson>), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn reply_likers(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<ReplyId>,
) -> Result<Json<Vec<UserJson>>, ApiError> {
    let users = reactions::likers(&state.ctx, &who, ReactionTarget::Reply(id)).await?;
    Ok(Json(users.iter().map(UserJson::from).collect()))
}
