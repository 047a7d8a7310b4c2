//! Versions in the API: the history of a topic or a reply, the difference
//! between two versions of a topic, and restoring an old one.

use axum::Json;
use axum::extract::{Path, State};
use hearth_app::AppError;
use hearth_app::{replies, topics};
use hearth_core::diff::LineChange;
use hearth_core::ids::{ReplyId, TopicId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiQuery, ApiUser, Id};
use crate::json::{RevisionJson, TopicJson};
use crate::state::AppState;

/// The versions of a topic, newest first.
#[utoipa::path(get, path = "/api/v1/topics/{id}/revisions", tag = "topics",
    params(("id" = String, Path, description = "the topic's id")),
    responses((status = 200, body = Vec<RevisionJson>), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn revisions(
    State(state): State<AppState>,
    caller: ApiCaller,
    Id(id): Id<TopicId>,
) -> Result<Json<Vec<RevisionJson>>, ApiError> {
    let (_, revisions) = topics::revisions(&state.ctx, caller.viewer(), id).await?;
    Ok(Json(revisions.iter().map(RevisionJson::from).collect()))
}

/// Which two versions to compare.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffQuery {
    /// The version to compare from.
    from: Option<i64>,
    /// The version to compare to.
    to: Option<i64>,
}

/// One line of a diff.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DiffLine {
    /// same, added or removed.
    change: &'static str,
    /// The line, without its line break.
    text: String,
}

/// The difference between two versions' Markdown bodies, line by line.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DiffJson {
    from: RevisionJson,
    to: RevisionJson,
    /// The lines of both bodies in order: unchanged, added in `to`, or
    /// removed from `from`. Empty when `too_large`.
    lines: Vec<DiffLine>,
    /// The versions have too many lines to be compared line by line (more
    /// than 20,000 in either); `lines` is then empty.
    too_large: bool,
}

/// The line diff between two versions of a topic, for those who may see its
/// history (everyone who reads a document; the author and moderators otherwise).
#[utoipa::path(get, path = "/api/v1/topics/{id}/diff", tag = "topics",
    params(("id" = String, Path, description = "the topic's id"), DiffQuery),
    responses((status = 200, body = DiffJson),
              (status = 400, description = "`from` or `to` is missing or not a version of this topic", body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn diff(
    State(state): State<AppState>,
    caller: ApiCaller,
    Id(tid): Id<TopicId>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> Result<Json<DiffJson>, ApiError> {
    let from = q
        .from
        .ok_or_else(|| AppError::invalid("from", "is required"))?;
    let to = q.to.ok_or_else(|| AppError::invalid("to", "is required"))?;
    let d = topics::diff(&state.ctx, caller.viewer(), tid, from, to).await?;
    Ok(Json(DiffJson {
        from: RevisionJson::from(&d.from),
        to: RevisionJson::from(&d.to),
        too_large: d.lines.is_none(),
        lines: d
            .lines
            .unwrap_or_default()
            .into_iter()
            .map(|l| match l {
                LineChange::Same(text) => DiffLine {
                    change: "same",
                    text,
                },
                LineChange::Added(text) => DiffLine {
                    change: "added",
                    text,
                },
                LineChange::Removed(text) => DiffLine {
                    change: "removed",
                    text,
                },
            })
            .collect(),
    }))
}

/// Brings back an old version's title and text as a new version (for those
/// who may edit the topic and see its history); the versions in between stay.
#[utoipa::path(post, path = "/api/v1/topics/{id}/revisions/{version}/restore", tag = "topics",
    params(("id" = String, Path, description = "the topic's id"),
           ("version" = i64, Path, description = "the version to bring back")),
    responses((status = 200, description = "The topic, at its new version", body = TopicJson),
              (status = 400, description = "Not a version of this topic", body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn restore(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<TopicJson>, ApiError> {
    let tid: TopicId = id.parse().map_err(|_| AppError::NotFound)?;
    let version = version
        .parse::<i64>()
        .map_err(|_| AppError::invalid("version", "is not a version of this topic"))?;
    let topic = topics::restore_version(&state.ctx, &who, tid, version).await?;
    Ok(Json(TopicJson::from(&topic)))
}

/// The versions of a reply, newest first (its author and moderators).
#[utoipa::path(get, path = "/api/v1/replies/{id}/revisions", tag = "replies",
    params(("id" = String, Path, description = "the reply's id")),
    responses((status = 200, body = Vec<RevisionJson>), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn reply_revisions(
    State(state): State<AppState>,
    caller: ApiCaller,
    Id(id): Id<ReplyId>,
) -> Result<Json<Vec<RevisionJson>>, ApiError> {
    let (_, revisions) = replies::revisions(&state.ctx, caller.viewer(), id).await?;
    Ok(Json(revisions.iter().map(RevisionJson::from).collect()))
}
