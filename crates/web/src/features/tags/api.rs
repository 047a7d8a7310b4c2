//! Tags in the API: the published topics with a tag.

use axum::Json;
use axum::extract::{Path, State};
use hearth_app::topics;

use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiQuery};
use crate::json::{AfterQuery, TopicJson, TopicList};
use crate::state::AppState;

/// Published topics with a tag, from spaces the caller may read.
#[utoipa::path(get, path = "/api/v1/tags/{tag}/topics", tag = "topics",
    params(("tag" = String, Path, description = "the tag"), AfterQuery),
    responses((status = 200, body = TopicList)))]
pub(crate) async fn tag(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tag): Path<String>,
    ApiQuery(q): ApiQuery<AfterQuery>,
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
