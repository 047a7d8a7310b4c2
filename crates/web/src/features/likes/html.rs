//! Like buttons of topics and replies, and the page of who liked a reply.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::reactions;
use hearth_app::records::ReactionTarget;
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Id, PageForm, SignedIn, Visitor};
use crate::page::{Chrome, render};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub(crate) struct LikeForm {
    #[serde(default)]
    on: String,
}

pub(crate) async fn like_topic(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(tid): Id<TopicId>,
    PageForm(form): PageForm<LikeForm>,
) -> Result<Response, PageError> {
    reactions::set(
        &state.ctx,
        &signed_in.who,
        ReactionTarget::Topic(tid),
        form.on == "1",
    )
    .await?;
    Ok(Redirect::to(&format!("/t/{tid}")).into_response())
}

pub(crate) async fn like_reply(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(rid): Id<ReplyId>,
    PageForm(form): PageForm<LikeForm>,
) -> Result<Response, PageError> {
    reactions::set(
        &state.ctx,
        &signed_in.who,
        ReactionTarget::Reply(rid),
        form.on == "1",
    )
    .await?;
    Ok(Redirect::to(&format!("/r/{rid}")).into_response())
}

#[derive(Template)]
#[template(path = "topics/reply_likes.html")]
struct ReplyLikesPage {
    chrome: Chrome,
    id: String,
    likers: Vec<(String, String)>,
}

/// Who liked a reply, for those who may read it.
pub(crate) async fn likers(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(rid): Id<ReplyId>,
) -> Result<Response, PageError> {
    let users = reactions::likers(&state.ctx, &signed_in.who, ReactionTarget::Reply(rid)).await?;
    render(&ReplyLikesPage {
        chrome: Chrome::new(&state, &visitor, "Who liked a reply").await?,
        id: rid.to_string(),
        likers: users
            .iter()
            .map(|u| (u.username.to_string(), u.display_name.to_string()))
            .collect(),
    })
}
