//! Reply forms and the reply permalink.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::records::ReactionTarget;
use hearth_app::{AppError, replies};
use hearth_core::ids::ReplyId;
use serde::Deserialize;

use super::html::{LikeForm, page, topic_id};
use super::views::topic_url;
use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;

fn reply_id(s: &str) -> Result<ReplyId, PageError> {
    s.parse().map_err(|_| PageError(AppError::NotFound))
}

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
    Path(id): Path<String>,
    PageForm(form): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    let tid = topic_id(&id)?;
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
        Ok(reply) => Ok(Redirect::to(&format!("/r/{}", reply.id)).into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            page(&state, &visitor, tid, u32::MAX, status, errors, form.body).await
        }
    }
}

/// `/r/{id}`: the page of the topic that holds the reply, at the reply.
pub(crate) async fn permalink(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let rid = reply_id(&id)?;
    let (topic, page) = replies::locate(&state.ctx, visitor.viewer(), rid).await?;
    let url = topic_url(&topic.view.topic);
    let query = if page > 1 {
        format!("?page={page}")
    } else {
        String::new()
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
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let rid = reply_id(&id)?;
    let (reply, _) = replies::find_reply(&state.ctx, signed_in.who.viewer(), rid).await?;
    if reply.author.id != signed_in.who.user.id {
        return Err(PageError(AppError::Forbidden(
            "only its author may edit a reply".into(),
        )));
    }
    render(&EditReplyPage {
        chrome: Chrome::new(&state, &visitor, "Edit reply").await?,
        errors: FormErrors::default(),
        id,
        body: reply.body_md,
    })
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(form): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    let rid = reply_id(&id)?;
    match replies::edit(&state.ctx, &signed_in.who, rid, &form.body).await {
        Ok(_) => Ok(Redirect::to(&format!("/r/{rid}")).into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            render_with(
                if status == StatusCode::OK {
                    StatusCode::BAD_REQUEST
                } else {
                    status
                },
                &EditReplyPage {
                    chrome: Chrome::new(&state, &visitor, "Edit reply").await?,
                    errors,
                    id,
                    body: form.body,
                },
            )
        }
    }
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let rid = reply_id(&id)?;
    replies::delete(&state.ctx, &signed_in.who, rid).await?;
    Ok(Redirect::to(&format!("/r/{rid}")).into_response())
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let rid = reply_id(&id)?;
    replies::restore(&state.ctx, &signed_in.who, rid).await?;
    Ok(Redirect::to(&format!("/r/{rid}")).into_response())
}

pub(crate) async fn like(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<LikeForm>,
) -> Result<Response, PageError> {
    let rid = reply_id(&id)?;
    hearth_app::reactions::set(
        &state.ctx,
        &signed_in.who,
        ReactionTarget::Reply(rid),
        form.on == "1",
    )
    .await?;
    Ok(Redirect::to(&format!("/r/{rid}")).into_response())
}

#[derive(Template)]
#[template(path = "topics/reply_history.html")]
struct ReplyHistoryPage {
    chrome: Chrome,
    id: String,
    revisions: Vec<super::views::RevisionRow>,
}

pub(crate) async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (_, revisions) = replies::revisions(&state.ctx, visitor.viewer(), reply_id(&id)?).await?;
    render(&ReplyHistoryPage {
        chrome: Chrome::new(&state, &visitor, "Reply history").await?,
        id,
        revisions: super::views::revision_rows(revisions),
    })
}

#[derive(Template)]
#[template(path = "topics/reply_likes.html")]
struct ReplyLikesPage {
    chrome: Chrome,
    id: String,
    likers: Vec<(String, String)>,
}

/// Who liked a reply, for those who may read it.
pub(crate) async fn likes(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let target = ReactionTarget::Reply(reply_id(&id)?);
    let users = hearth_app::reactions::likers(&state.ctx, &signed_in.who, target).await?;
    render(&ReplyLikesPage {
        chrome: Chrome::new(&state, &visitor, "Who liked a reply").await?,
        id,
        likers: users
            .iter()
            .map(|u| (u.username.to_string(), u.display_name.to_string()))
            .collect(),
    })
}
