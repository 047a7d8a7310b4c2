//! The page of a tag: the published topics with it that the visitor may read.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hearth_app::topics;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::Visitor;
use crate::features::topics::views::TopicRow;
use crate::page::{Chrome, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "topics/tag.html")]
struct TagPage {
    chrome: Chrome,
    tag: String,
    topics: Vec<TopicRow>,
    next: Option<String>,
    follow: Option<crate::features::following::html::FollowButton>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AfterQuery {
    #[serde(default)]
    after: Option<String>,
}

pub(crate) async fn tag(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(tag): Path<String>,
    Query(q): Query<AfterQuery>,
) -> Result<Response, PageError> {
    let topics = topics::visible(
        &state.ctx,
        visitor.viewer(),
        Some(&tag),
        None,
        q.after.as_deref(),
        30,
    )
    .await?;
    let now = state.ctx.now();
    let next = (topics.len() == 30)
        .then(|| topics.last().map(topics::encode_cursor))
        .flatten();
    let follow = match hearth_core::content::Tag::parse(&tag) {
        Ok(t) => {
            let target = hearth_app::records::FollowTarget::Tag(t);
            crate::features::following::html::follow_button(&state, &visitor, target, tag.clone())
                .await?
        }
        Err(_) => None,
    };
    render(&TagPage {
        chrome: Chrome::new(&state, &visitor, format!("#{tag}")).await?,
        follow,
        topics: topics.iter().map(|t| TopicRow::new(t, now)).collect(),
        tag,
        next,
    })
}
