//! Editing a topic and its versions: the edit form, the history, the
//! difference between two versions, and restoring an old one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::topics;
use hearth_app::{AppError, CurrentVersion};
use hearth_core::model::TopicKind;
use serde::Deserialize;

use super::forms::TopicForm;
use super::html::topic_id;
use super::views::{RevisionRow, revision_rows, topic_url};
use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;
use crate::time_fmt::datetime_local;

#[derive(Template)]
#[template(path = "topics/edit.html")]
struct EditPage {
    chrome: Chrome,
    errors: FormErrors,
    id: String,
    url: String,
    form: TopicForm,
    is_post: bool,
    is_draft: bool,
    /// The version someone else saved while this person was editing.
    current: Option<CurrentVersion>,
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = topics::find_topic(
        &state.ctx,
        signed_in.who.viewer(),
        topic_id(&id)?,
        hearth_core::topic_rules::TopicAction::Edit,
    )
    .await?;
    let t = &found.view.topic;
    render(&EditPage {
        chrome: Chrome::new(&state, &visitor, format!("Edit {}", t.title.as_str())).await?,
        errors: FormErrors::default(),
        id,
        url: topic_url(t),
        is_post: t.kind == TopicKind::Post,
        is_draft: t.draft,
        form: TopicForm {
            kind: t.kind.to_string(),
            title: t.title.as_str().to_owned(),
            body: t.body_md.clone(),
            tags: t
                .tags
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            draft: t.draft.then(|| "on".into()),
            publish_at: t.publish_at.map(datetime_local),
            base_version: Some(t.version),
            idempotency_key: String::new(),
        },
        current: None,
    })
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(mut form): PageForm<TopicForm>,
) -> Result<Response, PageError> {
    let tid = topic_id(&id)?;
    let edited = match form.input() {
        Ok(input) => {
            let input = topics::TopicInput {
                kind: None,
                ..input
            };
            topics::edit(&state.ctx, &signed_in.who, tid, &input).await
        }
        Err(e) => Err(e),
    };
    match edited {
        Ok(topic) => Ok(Redirect::to(&topic_url(&topic)).into_response()),
        Err(err) => {
            // The person's text is kept. After a concurrent edit, the newer
            // version is shown beside it and becomes the base of the next
            // save: merging and saving again then succeeds.
            let current = match &err {
                AppError::StaleVersion(c) => Some(c.as_ref().clone()),
                _ => None,
            };
            if let Some(c) = &current {
                form.base_version = Some(c.version);
            }
            let (status, errors) = FormErrors::from_error(err)?;
            let found = topics::find_topic(
                &state.ctx,
                signed_in.who.viewer(),
                tid,
                hearth_core::topic_rules::TopicAction::Edit,
            )
            .await?;
            let t = &found.view.topic;
            render_with(
                status,
                &EditPage {
                    chrome: Chrome::new(&state, &visitor, "Edit").await?,
                    errors,
                    id,
                    url: topic_url(t),
                    is_post: t.kind == TopicKind::Post,
                    is_draft: t.draft,
                    form,
                    current,
                },
            )
        }
    }
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
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (found, revisions) =
        topics::revisions(&state.ctx, visitor.viewer(), topic_id(&id)?).await?;
    let t = &found.view.topic;
    render(&HistoryPage {
        chrome: Chrome::new(&state, &visitor, format!("History of {}", t.title.as_str())).await?,
        id,
        can_restore: found.can.edit,
        url: topic_url(t),
        title: t.title.as_str().to_owned(),
        revisions: revision_rows(revisions),
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
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, PageError> {
    use hearth_core::diff::LineChange;
    let d = topics::diff(
        &state.ctx,
        visitor.viewer(),
        topic_id(&id)?,
        q.from.min(q.to),
        q.from.max(q.to),
    )
    .await?;
    let t = &d.topic.view.topic;
    render(&DiffPage {
        chrome: Chrome::new(&state, &visitor, format!("Changes to {}", t.title.as_str())).await?,
        url: topic_url(t),
        title: t.title.as_str().to_owned(),
        id,
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
    Path(id): Path<String>,
    PageForm(form): PageForm<RestoreForm>,
) -> Result<Response, PageError> {
    let topic =
        topics::restore_version(&state.ctx, &signed_in.who, topic_id(&id)?, form.version).await?;
    Ok(Redirect::to(&topic_url(&topic)).into_response())
}
