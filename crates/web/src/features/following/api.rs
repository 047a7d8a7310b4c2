//! Follows and notifications in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::following::{self, Followable, NOTIFICATIONS_PER_PAGE};
use hearth_app::{AppError, activity};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::followed_url;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, ApiUser};
use crate::json::{TopicJson, UserJson};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Whether the caller follows something.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FollowingJson {
    following: bool,
    /// It sends the caller no notifications (topics and spaces).
    muted: bool,
}

/// Something the caller follows.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FollowedJson {
    /// person, space, topic or tag.
    kind: &'static str,
    /// A username, a space's address, a topic's id or a tag.
    key: String,
    name: String,
    url: String,
}

/// What the caller follows.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FollowedList {
    items: Vec<FollowedJson>,
}

/// What the caller follows, of what they may still see.
#[utoipa::path(get, path = "/api/v1/follows", tag = "following",
    responses((status = 200, body = FollowedList)))]
pub(crate) async fn followed(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<FollowedList>, ApiError> {
    let items = following::followed(&state.ctx, &who)
        .await?
        .into_iter()
        .map(|f| FollowedJson {
            kind: f.target.kind(),
            url: followed_url(f.target.kind(), &f.key),
            key: f.key,
            name: f.name,
        })
        .collect();
    Ok(Json(FollowedList { items }))
}

fn thing(kind: &str, key: &str) -> Result<Followable, ApiError> {
    Ok(Followable::parse(kind, key)?)
}

/// Whether the caller follows a person, space, topic or tag.
#[utoipa::path(get, path = "/api/v1/follows/{kind}/{key}", tag = "following",
    params(("kind" = String, Path, description = "people, spaces, topics or tags"),
           ("key" = String, Path, description = "a username, a space's address, a topic's id or a tag")),
    responses((status = 200, body = FollowingJson)))]
pub(crate) async fn follows(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Json<FollowingJson>, ApiError> {
    let stands = following::follows(&state.ctx, &who, &thing(&kind, &key)?).await?;
    Ok(Json(FollowingJson {
        following: stands.following,
        muted: stands.muted,
    }))
}

/// Follows a person (their new topics), a space (its new topics), a topic
/// (replies to it) or a tag (new topics with it).
#[utoipa::path(put, path = "/api/v1/follows/{kind}/{key}", tag = "following",
    params(("kind" = String, Path, description = "people, spaces, topics or tags"),
           ("key" = String, Path, description = "a username, a space's address, a topic's id or a tag")),
    responses((status = 204)))]
pub(crate) async fn follow(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    following::set(&state.ctx, &who, &thing(&kind, &key)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following; a topic one wrote in is not followed again by writing.
#[utoipa::path(delete, path = "/api/v1/follows/{kind}/{key}", tag = "following",
    params(("kind" = String, Path, description = "people, spaces, topics or tags"),
           ("key" = String, Path, description = "a username, a space's address, a topic's id or a tag")),
    responses((status = 204)))]
pub(crate) async fn unfollow(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    following::set(&state.ctx, &who, &thing(&kind, &key)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whose activity.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActivityParams {
    /// `following` (the default) or `everything` the caller may read.
    scope: Option<String>,
    /// The `next` of the page before.
    after: Option<String>,
}

/// A topic with what is new in it for the caller.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActivityJson {
    topic: TopicJson,
    /// Whether the caller has read it before.
    visited: bool,
    /// Replies by others since the caller last read it.
    new_replies: i64,
}

/// A page of activity, latest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActivityList {
    items: Vec<ActivityJson>,
    next: Option<String>,
}

/// Topics in what the caller follows (or everything they may read), by
/// their latest activity, with what is new in each.
#[utoipa::path(get, path = "/api/v1/activity", tag = "following",
    params(ActivityParams), responses((status = 200, body = ActivityList)))]
pub(crate) async fn activity(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(q): ApiQuery<ActivityParams>,
) -> Result<Json<ActivityList>, ApiError> {
    let scope = match q.scope.as_deref() {
        None | Some("following") => activity::Scope::Following,
        Some("everything") => activity::Scope::Everything,
        Some(_) => {
            return Err(AppError::invalid("scope", "must be following or everything").into());
        }
    };
    let items = activity::page(&state.ctx, &who, scope, q.after.as_deref()).await?;
    let next = (items.len() == activity::ACTIVITY_PER_PAGE as usize)
        .then(|| {
            items
                .last()
                .map(|i| hearth_app::topics::encode_cursor(&i.topic))
        })
        .flatten();
    let items = items
        .iter()
        .map(|i| ActivityJson {
            topic: TopicJson::from(&i.topic),
            visited: i.news.visited,
            new_replies: i.news.new_replies,
        })
        .collect();
    Ok(Json(ActivityList { items, next }))
}

/// Mutes a topic or a space: it sends the caller no notifications.
#[utoipa::path(put, path = "/api/v1/follows/{kind}/{key}/mute", tag = "following",
    params(("kind" = String, Path, description = "spaces or topics"),
           ("key" = String, Path, description = "a space's address or a topic's id")),
    responses((status = 204)))]
pub(crate) async fn mute(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    following::set_mute(&state.ctx, &who, &thing(&kind, &key)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unmutes a topic or a space.
#[utoipa::path(delete, path = "/api/v1/follows/{kind}/{key}/mute", tag = "following",
    params(("kind" = String, Path, description = "spaces or topics"),
           ("key" = String, Path, description = "a space's address or a topic's id")),
    responses((status = 204)))]
pub(crate) async fn unmute(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    following::set_mute(&state.ctx, &who, &thing(&kind, &key)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which notifications.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotificationsParams {
    /// The `next` of the page before.
    after: Option<String>,
    /// `true` for unread ones only.
    unread: Option<bool>,
}

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotificationJson {
    id: String,
    /// reply_to_topic, reply_to_reply, mention, accepted, new_topic, liked;
    /// or, about a space itself (no topic), join_request, join_approved or
    /// join_declined.
    kind: &'static str,
    topic_id: Option<String>,
    topic_title: Option<String>,
    space: String,
    space_name: String,
    reply_id: Option<String>,
    /// Who caused it: the latest of them.
    actor: UserJson,
    /// How many others did the same before `actor` (likes: "Ana and 3
    /// others liked …").
    others: i64,
    created_at: String,
    read: bool,
    /// Where it leads.
    url: String,
}

/// A page of notifications, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotificationList {
    items: Vec<NotificationJson>,
    next: Option<String>,
}

/// The caller's notifications, newest first, of what they may still read.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "following",
    params(NotificationsParams), responses((status = 200, body = NotificationList)))]
pub(crate) async fn notifications(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(q): ApiQuery<NotificationsParams>,
) -> Result<Json<NotificationList>, ApiError> {
    let before = match q.after.as_deref() {
        None | Some("") => None,
        Some(a) => Some(
            a.parse::<i64>()
                .map_err(|_| AppError::invalid("after", "is not a cursor from this API"))?,
        ),
    };
    let found =
        following::notifications(&state.ctx, &who, before, q.unread.unwrap_or(false)).await?;
    let next = (found.len() == NOTIFICATIONS_PER_PAGE as usize)
        .then(|| found.last().map(|n| n.id.to_string()))
        .flatten();
    let items = found
        .iter()
        .map(|n| NotificationJson {
            id: n.id.to_string(),
            kind: n.kind.as_str(),
            topic_id: n.topic_id.map(|t| t.to_string()),
            topic_title: n.topic_title.as_ref().map(|t| t.to_string()),
            space: n.space_slug.clone(),
            space_name: n.space_name.clone(),
            reply_id: n.reply_id.map(|r| r.to_string()),
            actor: UserJson::from(&n.actor),
            others: n.others,
            created_at: rfc3339(n.created_at),
            read: n.read,
            url: n.path(),
        })
        .collect();
    Ok(Json(NotificationList { items, next }))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadBody {
    /// These; absent for all of them.
    ids: Option<Vec<String>>,
}

/// Marks the caller's notifications read: those listed, or all.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "following",
    request_body = ReadBody, responses((status = 204)))]
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<ReadBody>,
) -> Result<StatusCode, ApiError> {
    let ids = body
        .ids
        .map(|ids| {
            ids.iter()
                .map(|id| {
                    id.parse::<i64>()
                        .map_err(|_| AppError::invalid("ids", "are not notifications"))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    following::mark_read(&state.ctx, &who, ids).await?;
    Ok(StatusCode::NO_CONTENT)
}
