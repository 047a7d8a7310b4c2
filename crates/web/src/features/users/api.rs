//! Users in the API.

use axum::Json;
use axum::extract::{Path, State};
use hearth_app::records::ReplyInTopic;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::ApiCaller;
use crate::features::people::views::PersonJson;
use crate::json::{ReplyJson, SpaceJson, TopicJson};
use crate::state::AppState;

/// A profile: the user and the spaces the caller may see them in.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProfileJson {
    /// The user and their profile.
    user: PersonJson,
    /// Their community spaces visible to the caller.
    spaces: Vec<SpaceJson>,
    /// Their latest published topics in spaces the caller may read.
    recent_topics: Vec<TopicJson>,
    /// Their latest replies the caller may read, newest first: never
    /// deleted ones, never on hidden, deleted or unpublished topics.
    recent_replies: Vec<ProfileReplyJson>,
}

/// A reply on a profile, with the title of its topic.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProfileReplyJson {
    #[serde(flatten)]
    reply: ReplyJson,
    /// The title of the topic it is on.
    topic_title: String,
}

impl From<&ReplyInTopic> for ProfileReplyJson {
    fn from(r: &ReplyInTopic) -> Self {
        Self {
            reply: ReplyJson::from(&r.reply),
            topic_title: r.topic_title.to_string(),
        }
    }
}

/// A user's profile.
#[utoipa::path(get, path = "/api/v1/users/{username}", tag = "users",
    params(("username" = String, Path, description = "login name")),
    responses((status = 200, body = ProfileJson), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(username): Path<String>,
) -> Result<Json<ProfileJson>, ApiError> {
    let p = hearth_app::users::profile(&state.ctx, caller.viewer(), &username).await?;
    Ok(Json(ProfileJson {
        user: PersonJson::new(&p.person, caller.viewer()),
        spaces: p.spaces.iter().map(SpaceJson::from).collect(),
        recent_topics: p.recent.iter().map(TopicJson::from).collect(),
        recent_replies: p
            .recent_replies
            .iter()
            .map(ProfileReplyJson::from)
            .collect(),
    }))
}
