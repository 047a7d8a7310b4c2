//! Moderation forms on a topic's page, the page for moving a topic, and
//! accepting a question's answer.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::moderation::{self, Moderation};
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Id, PageForm, SignedIn, Visitor};
use crate::features::topics::views::topic_url;
use crate::page::{Chrome, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "topics/move.html")]
struct MovePage {
    chrome: Chrome,
    id: TopicId,
    title: String,
    url: String,
    /// Where it may go: (address, name), by name.
    targets: Vec<(String, String)>,
}

/// The form for moving a topic, on a page of its own: the list of spaces
/// may be long, and the topic page is read far more often than moved.
pub(crate) async fn move_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(tid): Id<TopicId>,
) -> Result<Response, PageError> {
    let (found, targets) = moderation::move_targets(&state.ctx, &signed_in.who, tid).await?;
    let topic = &found.view.topic;
    render(&MovePage {
        chrome: Chrome::new(&state, &visitor, format!("Move {}", topic.title.as_str())).await?,
        id: tid,
        title: topic.title.as_str().to_owned(),
        url: topic_url(topic),
        targets: targets
            .into_iter()
            .map(|s| (s.space.slug, s.space.name.to_string()))
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    action: String,
    /// The destination space of a move.
    #[serde(default)]
    to: String,
    /// Why: shown to the author, kept in the audit log.
    #[serde(default)]
    reason: String,
}

pub(crate) async fn moderate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(tid): Id<TopicId>,
    PageForm(form): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    if form.action == "move" {
        moderation::move_to(&state.ctx, &signed_in.who, tid, form.to.trim()).await?;
    } else {
        let action = Moderation::parse(&form.action)?;
        moderation::moderate(&state.ctx, &signed_in.who, tid, action, &form.reason).await?;
    }
    Ok(Redirect::to(&format!("/t/{tid}")).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct AcceptForm {
    #[serde(default)]
    reply: String,
}

pub(crate) async fn accept(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(tid): Id<TopicId>,
    PageForm(form): PageForm<AcceptForm>,
) -> Result<Response, PageError> {
    let reply = match form.reply.as_str() {
        "" => None,
        r => Some(r.parse::<ReplyId>().map_err(AppError::from)?),
    };
    moderation::accept(&state.ctx, &signed_in.who, tid, reply).await?;
    Ok(Redirect::to(&format!("/t/{tid}")).into_response())
}
