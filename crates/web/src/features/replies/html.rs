//! Reply pages: the reply form, editing, deleting and restoring a reply,
//! and the reply permalink.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{AppError, replies};
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Id, PageForm, SignedIn, Visitor};
use crate::features::topics::html::{Aside, page};
use crate::features::topics::views::topic_url;
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub(crate) struct ReplyForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    idempotency_key: String,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(tid): Id<TopicId>,
    PageForm(form): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    let parent = match form.parent.as_str() {
        "" => None,
        p => Some(
            p.parse::<ReplyId>()
                .map_err(|_| AppError::invalid("parent", "is not a reply"))?,
        ),
    };
    match replies::create(
        &state.ctx,
        &signed_in.who,
        tid,
        parent,
        &form.body,
        Some(&form.idempotency_key),
    )
    .await
    {
        Ok(created) => {
            let joined = if created.joined_space {
                "?joined=1"
            } else {
                ""
            };
            Ok(Redirect::to(&format!("/r/{}{joined}", created.item.id)).into_response())
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let aside = Aside {
                status,
                errors,
                draft_reply: form.body,
                joined: false,
            };
            page(&state, &visitor, tid, u32::MAX, aside).await
        }
    }
}

/// Passed on by the redirect after a reply that made its author a member.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct JoinedQuery {
    #[serde(default)]
    joined: Option<u8>,
}

/// `/r/{id}`: the page of the topic that holds the reply, at the reply.
pub(crate) async fn permalink(
    State(state): State<AppState>,
    visitor: Visitor,
    Id(rid): Id<ReplyId>,
    Query(q): Query<JoinedQuery>,
) -> Result<Response, PageError> {
    let (topic, page) = replies::locate(&state.ctx, visitor.viewer(), rid).await?;
    let url = topic_url(&topic.view.topic);
    let mut query = Vec::new();
    if page > 1 {
        query.push(format!("page={page}"));
    }
    if q.joined == Some(1) {
        query.push("joined=1".to_owned());
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    Ok(Redirect::to(&format!("{url}{query}#r-{rid}")).into_response())
}

#[derive(Template)]
#[template(path = "topics/edit_reply.html")]
struct EditReplyPage {
    chrome: Chrome,
    errors: FormErrors,
    id: String,
    body: String,
    /// Where files attached from the editor go.
    space_slug: String,
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(rid): Id<ReplyId>,
) -> Result<Response, PageError> {
    let (reply, topic) = replies::find_reply(&state.ctx, signed_in.who.viewer(), rid).await?;
    if reply.author.id != signed_in.who.user.id {
        return Err(PageError(AppError::Forbidden(
            "only its author may edit a reply".into(),
        )));
    }
    render(&EditReplyPage {
        chrome: Chrome::new(&state, &visitor, "Edit reply").await?,
        errors: FormErrors::default(),
        id: rid.to_string(),
        body: reply.body_md,
        space_slug: topic.view.space.space.slug,
    })
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(rid): Id<ReplyId>,
    PageForm(form): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    match replies::edit(&state.ctx, &signed_in.who, rid, &form.body).await {
        Ok(_) => Ok(Redirect::to(&format!("/r/{rid}")).into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let (_, topic) = replies::find_reply(&state.ctx, signed_in.who.viewer(), rid).await?;
            render_with(
                status,
                &EditReplyPage {
                    chrome: Chrome::new(&state, &visitor, "Edit reply").await?,
                    errors,
                    id: rid.to_string(),
                    body: form.body,
                    space_slug: topic.view.space.space.slug,
                },
            )
        }
    }
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(rid): Id<ReplyId>,
) -> Result<Response, PageError> {
    replies::delete(&state.ctx, &signed_in.who, rid).await?;
    Ok(Redirect::to(&format!("/r/{rid}")).into_response())
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(rid): Id<ReplyId>,
) -> Result<Response, PageError> {
    replies::restore(&state.ctx, &signed_in.who, rid).await?;
    Ok(Redirect::to(&format!("/r/{rid}")).into_response())
}
