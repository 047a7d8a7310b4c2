//! History pages: the versions of a topic or a reply, the difference
//! between two versions of a topic, and restoring an old one.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::records::Revision;
use hearth_app::{replies, topics};
use hearth_core::diff::LineChange;
use hearth_core::ids::{ReplyId, TopicId};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Id, PageForm, SignedIn, Visitor};
use crate::features::topics::views::topic_url;
use crate::page::{Chrome, render};
use crate::state::AppState;
use crate::time_fmt::When;

/// One version in a history.
struct RevisionRow {
    version: i64,
    author: String,
    when: When,
    title: String,
    body_md: String,
}

/// Versions shaped for a history page.
fn revision_rows(revisions: Vec<Revision>, now: i64) -> Vec<RevisionRow> {
    revisions
        .into_iter()
        .map(|r| RevisionRow {
            version: r.version,
            author: r.author.display_name.to_string(),
            when: When::new(r.created_at, now),
            title: r.title.unwrap_or_default(),
            body_md: r.body_md,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "topics/history.html")]
struct HistoryPage {
    chrome: Chrome,
    id: String,
    url: String,
    title: String,
    can_restore: bool,
    revisions: Vec<RevisionRow>,
}

pub(crate) async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    Id(tid): Id<TopicId>,
) -> Result<Response, PageError> {
    let (found, revisions) = topics::revisions(&state.ctx, visitor.viewer(), tid).await?;
    let t = &found.view.topic;
    render(&HistoryPage {
        chrome: Chrome::new(&state, &visitor, format!("History of {}", t.title.as_str())).await?,
        id: tid.to_string(),
        can_restore: found.can.edit,
        url: topic_url(t),
        title: t.title.as_str().to_owned(),
        revisions: revision_rows(revisions, state.ctx.now()),
    })
}

#[derive(Template)]
#[template(path = "topics/diff.html")]
struct DiffPage {
    chrome: Chrome,
    id: String,
    url: String,
    title: String,
    from: i64,
    to: i64,
    /// `None` when the versions are too large to compare.
    lines: Option<Vec<(char, String)>>,
    max_lines: usize,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DiffQuery {
    #[serde(default)]
    from: i64,
    #[serde(default)]
    to: i64,
}

pub(crate) async fn diff(
    State(state): State<AppState>,
    visitor: Visitor,
    Id(tid): Id<TopicId>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, PageError> {
    let d = topics::diff(
        &state.ctx,
        visitor.viewer(),
        tid,
        q.from.min(q.to),
        q.from.max(q.to),
    )
    .await?;
    let t = &d.topic.view.topic;
    render(&DiffPage {
        chrome: Chrome::new(&state, &visitor, format!("Changes to {}", t.title.as_str())).await?,
        url: topic_url(t),
        title: t.title.as_str().to_owned(),
        id: tid.to_string(),
        from: d.from.version,
        to: d.to.version,
        lines: d.lines.map(|lines| {
            lines
                .into_iter()
                .map(|l| match l {
                    LineChange::Same(s) => (' ', s),
                    LineChange::Added(s) => ('+', s),
                    LineChange::Removed(s) => ('-', s),
                })
                .collect()
        }),
        max_lines: hearth_core::diff::MAX_DIFF_LINES,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct RestoreForm {
    #[serde(default)]
    version: i64,
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(tid): Id<TopicId>,
    PageForm(form): PageForm<RestoreForm>,
) -> Result<Response, PageError> {
    let topic = topics::restore_version(&state.ctx, &signed_in.who, tid, form.version).await?;
    Ok(Redirect::to(&topic_url(&topic)).into_response())
}

#[derive(Template)]
#[template(path = "topics/reply_history.html")]
struct ReplyHistoryPage {
    chrome: Chrome,
    id: String,
    revisions: Vec<RevisionRow>,
}

pub(crate) async fn reply_history(
    State(state): State<AppState>,
    visitor: Visitor,
    Id(rid): Id<ReplyId>,
) -> Result<Response, PageError> {
    let (_, revisions) = replies::revisions(&state.ctx, visitor.viewer(), rid).await?;
    render(&ReplyHistoryPage {
        chrome: Chrome::new(&state, &visitor, "Reply history").await?,
        id: rid.to_string(),
        revisions: revision_rows(revisions, state.ctx.now()),
    })
}
