//! Topics, replies and likes in the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::AppError;
use hearth_app::moderation::{self, Moderation};
use hearth_app::records::{Reply, Topic};
use hearth_app::topics::{self, ListInput, TopicInput};
use hearth_core::ids::{ReplyId, TopicId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::topic_url;
use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiQuery, ApiUser, IdempotencyKey};
use crate::features::users::api::UserJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

pub(crate) fn topic_id(s: &str) -> Result<TopicId, ApiError> {
    s.parse().map_err(|_| ApiError(AppError::NotFound))
}

pub(crate) fn reply_id(s: &str) -> Result<ReplyId, ApiError> {
    s.parse().map_err(|_| ApiError(AppError::NotFound))
}

/// A topic.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicJson {
    id: String,
    /// The space's slug.
    space: String,
    /// discussion, question, post or document.
    kind: String,
    title: String,
    /// Markdown source.
    body: String,
    /// Sanitized HTML.
    body_html: String,
    author: UserJson,
    /// open, locked, hidden or deleted.
    state: String,
    pinned: bool,
    /// A question's accepted answer.
    accepted_reply: Option<String>,
    draft: bool,
    publish_at: Option<String>,
    /// Incremented at every edit; send it back as `base_version` when editing.
    version: i64,
    reply_count: i64,
    like_count: i64,
    tags: Vec<String>,
    created_at: String,
    updated_at: String,
    last_activity_at: String,
    url: String,
}

impl From<&Topic> for TopicJson {
    fn from(t: &Topic) -> Self {
        Self {
            id: t.id.to_string(),
            space: t.space_slug.clone(),
            kind: t.kind.to_string(),
            title: t.title.as_str().to_owned(),
            body: t.body_md.clone(),
            body_html: t.body_html.clone(),
            author: UserJson::from(&t.author),
            state: t.state.to_string(),
            pinned: t.pinned,
            accepted_reply: t.accepted_reply.map(|r| r.to_string()),
            draft: t.draft,
            publish_at: t.publish_at.map(rfc3339),
            version: t.version,
            reply_count: t.reply_count,
            like_count: t.like_count,
            tags: t.tags.iter().map(|t| t.to_string()).collect(),
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
            last_activity_at: rfc3339(t.last_activity_at),
            url: topic_url(t),
        }
    }
}

/// A reply.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReplyJson {
    id: String,
    topic: String,
    /// The reply it answers.
    parent: Option<String>,
    depth: i64,
    /// Markdown source (empty when deleted).
    body: String,
    /// Sanitized HTML (empty when deleted).
    body_html: String,
    author: UserJson,
    deleted: bool,
    edited: bool,
    like_count: i64,
    liked: bool,
    created_at: String,
    url: String,
}

impl From<&Reply> for ReplyJson {
    fn from(r: &Reply) -> Self {
        let (body, body_html) = if r.deleted {
            (String::new(), String::new())
        } else {
            (r.body_md.clone(), r.body_html.clone())
        };
        Self {
            id: r.id.to_string(),
            topic: r.topic_id.to_string(),
            parent: r.parent.map(|p| p.to_string()),
            depth: r.depth,
            body,
            body_html,
            author: UserJson::from(&r.author),
            deleted: r.deleted,
            edited: r.edited,
            like_count: r.like_count,
            liked: r.liked,
            created_at: rfc3339(r.created_at),
            url: format!("/r/{}", r.id),
        }
    }
}

/// A page of topics.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicList {
    items: Vec<TopicJson>,
    /// Cursor for the next page, absent on the last.
    next: Option<String>,
}

/// Filters of a space's topics.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopicsQuery {
    /// discussion, question, post or document.
    kind: Option<String>,
    /// Only with this tag.
    tag: Option<String>,
    /// Only questions without an accepted answer.
    unanswered: Option<bool>,
    /// Cursor from the previous page.
    after: Option<String>,
    /// 1 to 100 (default 30).
    limit: Option<u32>,
}

/// The topics of a space, pinned first, then by last activity.
#[utoipa::path(get, path = "/api/v1/spaces/{space}/topics", tag = "topics",
    params(("space" = String, Path, description = "the space's slug"), TopicsQuery),
    responses((status = 200, body = TopicList), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<TopicsQuery>,
) -> Result<Json<TopicList>, ApiError> {
    let limit = q.limit.unwrap_or(30);
    let input = ListInput {
        kind: q.kind,
        tag: q.tag,
        unanswered: q.unanswered.unwrap_or(false),
        after: q.after,
        limit: Some(limit),
    };
    let (_, topics) = topics::list(&state.ctx, caller.viewer(), &slug, &input).await?;
    Ok(Json(TopicList {
        next: (topics.len() == limit as usize)
            .then(|| topics.last().map(topics::encode_cursor))
            .flatten(),
        items: topics.iter().map(TopicJson::from).collect(),
    }))
}

/// Tags: a list of strings, or one comma-separated string.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum Tags {
    List(Vec<String>),
    Text(String),
}

impl Tags {
    fn joined(self) -> String {
        match self {
            Tags::List(l) => l.join(","),
            Tags::Text(t) => t,
        }
    }
}

fn parse_time(field: &str, s: &str) -> Result<i64, AppError> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| AppError::invalid(field, "must be an RFC 3339 time"))
}

/// A field that may be sent as `null`: absent is `None`, `null` is `Some(None)`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A new topic, or changes to one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopicBody {
    /// discussion (default), question, post or document; only when creating.
    kind: Option<String>,
    title: Option<String>,
    /// Markdown.
    body: Option<String>,
    #[schema(value_type = Option<Vec<String>>)]
    tags: Option<Tags>,
    /// Keep a post as a draft.
    draft: Option<bool>,
    /// Publish a post at this RFC 3339 time; `null` (when editing) drops
    /// its schedule.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    publish_at: Option<Option<String>>,
    /// The version an edit started from: required to edit a document. A stale
    /// one answers 409 `stale_version` with the current version in
    /// `error.current`, and saves nothing.
    base_version: Option<i64>,
}

impl TopicBody {
    fn input(self) -> Result<TopicInput, AppError> {
        Ok(TopicInput {
            kind: self.kind,
            title: self.title,
            body: self.body,
            tags: self.tags.map(Tags::joined),
            draft: self.draft,
            publish_at: self
                .publish_at
                .map(|at| {
                    at.as_deref()
                        .map(|s| parse_time("publish_at", s))
                        .transpose()
                })
                .transpose()?,
            base_version: self.base_version,
            idempotency_key: None,
        })
    }
}

/// Writes a topic.
#[utoipa::path(post, path = "/api/v1/spaces/{space}/topics", tag = "topics", request_body = TopicBody,
    params(("space" = String, Path, description = "the space's slug")),
    responses((status = 201, body = TopicJson), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(slug): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<TopicBody>,
) -> Result<(StatusCode, Json<TopicJson>), ApiError> {
    let mut input = body.input()?;
    input.idempotency_key = key.0;
    let topic = topics::create(&state.ctx, &who, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(TopicJson::from(&topic))))
}

/// A topic with a page of its replies.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicWithReplies {
    #[serde(flatten)]
    topic: TopicJson,
    replies: ReplyList,
}

/// A page of replies in thread order.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReplyList {
    items: Vec<ReplyJson>,
    /// The next page number, absent on the last.
    next: Option<String>,
}

/// Which page of replies.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepliesQuery {
    /// The `next` value of the previous page.
    after: Option<String>,
}

/// A topic and a page of its replies (50 per page, thread order).
#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "topics",
    params(("id" = String, Path, description = "the topic's id"), RepliesQuery),
    responses((status = 200, body = TopicWithReplies), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RepliesQuery>,
) -> Result<Json<TopicWithReplies>, ApiError> {
    let page = match q.after.as_deref() {
        None | Some("") => 1,
        Some(p) => p
            .parse::<u32>()
            .map_err(|_| AppError::invalid("after", "is not a cursor from this API"))?,
    };
    let p = topics::show(&state.ctx, caller.viewer(), topic_id(&id)?, page).await?;
    Ok(Json(TopicWithReplies {
        topic: TopicJson::from(&p.topic.view.topic),
        replies: ReplyList {
            items: p.replies.iter().map(ReplyJson::from).collect(),
            next: (p.page < p.pages && p.page == page).then(|| (p.page + 1).to_string()),
        },
    }))
}

/// Edits a topic. With `base_version` (required for documents), an edit that
/// someone else's save overtook answers 409 `stale_version` with the current
/// version's number, title and body in `error.current`: merge, then send the
/// edit again with that version as `base_version`.
#[utoipa::path(patch, path = "/api/v1/topics/{id}", tag = "topics", request_body = TopicBody,
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 200, body = TopicJson),
              (status = 400, description = "A field is invalid, or a document edit has no `base_version`", body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "`stale_version`: someone else saved a newer version meanwhile; `error.current` holds it. Nothing was saved", body = crate::error::ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TopicBody>,
) -> Result<Json<TopicJson>, ApiError> {
    let tid = topic_id(&id)?;
    let topic = topics::edit(&state.ctx, &who, tid, &body.input()?).await?;
    Ok(Json(TopicJson::from(&topic)))
}

/// Deletes a topic (moderators can restore it).
#[utoipa::path(delete, path = "/api/v1/topics/{id}", tag = "topics",
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    moderation::delete(&state.ctx, &who, topic_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A moderation action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModerationBody {
    /// hide, restore, lock, unlock, pin, unpin or move.
    action: String,
    /// For `move`: the slug of the destination space.
    to: Option<String>,
}

/// Hides, restores, locks, unlocks, pins or unpins a topic (moderators).
#[utoipa::path(post, path = "/api/v1/topics/{id}/moderation", tag = "topics", request_body = ModerationBody,
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn moderate(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ModerationBody>,
) -> Result<StatusCode, ApiError> {
    let tid = topic_id(&id)?;
    match (body.action.as_str(), body.to.as_deref()) {
        ("move", Some(to)) => moderation::move_to(&state.ctx, &who, tid, to).await?,
        ("move", None) => {
            return Err(ApiError(AppError::invalid(
                "to",
                "is required to move a topic",
            )));
        }
        (action, _) => {
            moderation::moderate(&state.ctx, &who, tid, Moderation::parse(action)?).await?
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
    Path(id): Path<String>,
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
    moderation::accept(&state.ctx, &who, topic_id(&id)?, reply).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Published topics with a tag, from spaces the caller may read.
#[utoipa::path(get, path = "/api/v1/tags/{tag}/topics", tag = "topics",
    params(("tag" = String, Path, description = "the tag"), RepliesQuery),
    responses((status = 200, body = TopicList)))]
pub(crate) async fn tag(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tag): Path<String>,
    ApiQuery(q): ApiQuery<RepliesQuery>,
) -> Result<Json<TopicList>, ApiError> {
    let topics = topics::visible(
        &state.ctx,
        caller.viewer(),
        Some(&tag),
        None,
        q.after.as_deref(),
        30,
    )
    .await?;
    Ok(Json(TopicList {
        next: (topics.len() == 30)
            .then(|| topics.last().map(topics::encode_cursor))
            .flatten(),
        items: topics.iter().map(TopicJson::from).collect(),
    }))
}

/// Markdown to render.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PreviewBody {
    /// Markdown.
    body: String,
}

/// The sanitized HTML a text would be shown as.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PreviewJson {
    html: String,
}

/// Renders Markdown as it would be shown, without saving anything.
#[utoipa::path(post, path = "/api/v1/preview", tag = "topics", request_body = PreviewBody,
    responses((status = 200, body = PreviewJson), (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn preview(
    State(state): State<AppState>,
    ApiUser(_who): ApiUser,
    ApiJson(body): ApiJson<PreviewBody>,
) -> Result<Json<PreviewJson>, ApiError> {
    Ok(Json(PreviewJson {
        html: hearth_app::markup::preview(&state.ctx, &body.body).await?,
    }))
}
