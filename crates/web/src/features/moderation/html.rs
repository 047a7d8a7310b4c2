//! Moderation forms on a topic's page, and accepting a question's answer.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::moderation::{self, Moderation};
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Id, PageForm, SignedIn};
use crate::state::AppState;

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
