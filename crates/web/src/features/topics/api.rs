//! Topics in the API: listing a space's, writing, reading, editing and
//! deleting one, and the Markdown preview.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::AppError;
use hearth_app::moderation;
use hearth_app::topics::{self, ListInput, TopicInput};
use hearth_core::ids::TopicId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiJson, ApiQuery, ApiUser, Id, IdempotencyKey};
use crate::json::{AfterQuery, ReplyJson, TopicJson, TopicList};
use crate::state::AppState;

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
    Ok((StatusCode::CREATED, Json(TopicJson::from(&topic.item))))
}

/// A topic with a page of its replies.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicWithReplies {
    #[serde(flatten)]
    topic: TopicJson,
    /// Why a moderator last hid, locked or pinned it: for its author and
    /// moderators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation_note: Option<String>,
    replies: ReplyList,
}

/// A page of replies in thread order.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReplyList {
    items: Vec<ReplyJson>,
    /// The next page number, absent on the last.
    next: Option<String>,
}

/// A topic and a page of its replies (50 per page, thread order).
#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "topics",
    params(("id" = String, Path, description = "the topic's id"), AfterQuery),
    responses((status = 200, body = TopicWithReplies), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Id(id): Id<TopicId>,
    ApiQuery(q): ApiQuery<AfterQuery>,
) -> Result<Json<TopicWithReplies>, ApiError> {
    let page = match q.after.as_deref() {
        None | Some("") => 1,
        Some(p) => p
            .parse::<u32>()
            .map_err(|_| AppError::invalid("after", "is not a cursor from this API"))?,
    };
    let p = topics::show(&state.ctx, caller.viewer(), id, page).await?;
    Ok(Json(TopicWithReplies {
        topic: TopicJson::from(&p.topic.view.topic),
        moderation_note: hearth_app::moderation::note_for(caller.viewer(), &p.topic),
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
    Id(id): Id<TopicId>,
    ApiJson(body): ApiJson<TopicBody>,
) -> Result<Json<TopicJson>, ApiError> {
    let topic = topics::edit(&state.ctx, &who, id, &body.input()?).await?;
    Ok(Json(TopicJson::from(&topic)))
}

/// Deletes a topic (moderators can restore it).
#[utoipa::path(delete, path = "/api/v1/topics/{id}", tag = "topics",
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Id(id): Id<TopicId>,
) -> Result<StatusCode, ApiError> {
    moderation::delete(&state.ctx, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
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
