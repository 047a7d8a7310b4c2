//! Topic pages: writing, reading, editing and deleting a topic.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::moderation;
use hearth_app::topics::{self, VisibleTopic};
use hearth_app::{AppError, CurrentVersion};
use hearth_core::ids::TopicId;
use hearth_core::model::TopicKind;
use hearth_core::permissions::SpaceAction;
use serde::Deserialize;

use super::forms::TopicForm;
use super::views::{ReplyRow, topic_url};
use crate::error::PageError;
use crate::extract::{Id, PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;
use crate::time_fmt::{When, datetime_local};

#[derive(Template)]
#[template(path = "topics/new.html")]
struct NewPage {
    chrome: Chrome,
    errors: FormErrors,
    /// Posting makes the author a member of the space.
    joins_space: bool,
    space_slug: String,
    space_name: String,
    form: TopicForm,
    kinds: &'static [TopicKind],
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct KindQuery {
    #[serde(default)]
    kind: String,
}

pub(crate) async fn new(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(q): Query<KindQuery>,
) -> Result<Response, PageError> {
    let viewer = signed_in.who.viewer();
    let space = hearth_app::spaces::find(&state.ctx, viewer, &slug, SpaceAction::See).await?;
    let joins_space = space.require_contributor(viewer)?;
    render(&NewPage {
        chrome: Chrome::new(&state, &visitor, "New topic").await?,
        errors: FormErrors::default(),
        joins_space,
        space_slug: slug,
        space_name: space.view.space.name.to_string(),
        form: TopicForm {
            kind: if q.kind.is_empty() {
                "discussion".into()
            } else {
                q.kind
            },
            ..TopicForm::default()
        },
        kinds: TopicKind::ALL,
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(slug): Path<String>,
    PageForm(form): PageForm<TopicForm>,
) -> Result<Response, PageError> {
    let created = match form.input() {
        Ok(input) => topics::create(&state.ctx, &signed_in.who, &slug, &input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(created) => {
            let joined = if created.joined_space {
                "?joined=1"
            } else {
                ""
            };
            Ok(Redirect::to(&format!("{}{joined}", topic_url(&created.item))).into_response())
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let viewer = signed_in.who.viewer();
            let space =
                hearth_app::spaces::find(&state.ctx, viewer, &slug, SpaceAction::See).await?;
            let joins_space = space.require_contributor(viewer)?;
            render_with(
                status,
                &NewPage {
                    chrome: Chrome::new(&state, &visitor, "New topic").await?,
                    errors,
                    joins_space,
                    space_slug: slug,
                    space_name: space.view.space.name.to_string(),
                    form,
                    kinds: TopicKind::ALL,
                },
            )
        }
    }
}

pub(crate) async fn canonical(
    State(state): State<AppState>,
    visitor: Visitor,
    Id(id): Id<TopicId>,
) -> Result<Response, PageError> {
    let found = topics::find_topic(
        &state.ctx,
        visitor.viewer(),
        id,
        hearth_core::topic_rules::TopicAction::Read,
    )
    .await?;
    Ok(Redirect::to(&topic_url(&found.view.topic)).into_response())
}

#[derive(Template)]
#[template(path = "topics/show.html")]
struct ShowPage {
    chrome: Chrome,
    errors: FormErrors,
    /// Posting here has just made the reader a member of the space.
    joined: bool,
    /// What is new since the reader's last visit, when anything is.
    unseen: Option<hearth_app::records::Unseen>,
    /// Why a moderator hid, locked or pinned it (author and moderators).
    moderation_note: Option<String>,
    /// Following its replies.
    follow: Option<crate::features::following::html::FollowButton>,
    t: VisibleTopic,
    url: String,
    when: When,
    /// `when` is the time a scheduled post will appear.
    scheduled: bool,
    body_html: String,
    unpublished: bool,
    replies: Vec<ReplyRow>,
    accepted: Option<ReplyRow>,
    page: u32,
    pages: u32,
    draft_reply: String,
    likers: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageNumber {
    #[serde(default)]
    page: Option<u32>,
    /// Set by the redirect after a post that made its author a member.
    #[serde(default)]
    joined: Option<u8>,
}

/// What a topic page shows besides the topic: a refused reply with its
/// text, or the notice that posting made the reader a member.
#[derive(Debug, Default)]
pub(crate) struct Aside {
    pub status: StatusCode,
    pub errors: FormErrors,
    pub draft_reply: String,
    pub joined: bool,
}

/// Renders a topic page.
pub(crate) async fn page(
    state: &AppState,
    visitor: &Visitor,
    id: TopicId,
    page: u32,
    aside: Aside,
) -> Result<Response, PageError> {
    let p = topics::show(&state.ctx, visitor.viewer(), id, page).await?;
    let me = visitor.who.as_ref().map(|w| w.user.id);
    let seen_until = p.unseen.map(|u| u.after);
    let follow = crate::features::following::html::follow_button(
        state,
        visitor,
        hearth_app::records::FollowTarget::Topic(p.topic.view.topic.id),
        p.topic.view.topic.id.to_string(),
    )
    .await?;
    let topic = &p.topic.view.topic;
    let accepted_id = topic.accepted_reply;
    let now = state.ctx.now();
    // A post waiting for its publish date says when it will appear.
    let (scheduled, when) = match topic.publish_at {
        Some(at) if at > now && !topic.draft => (true, When::new(at, now)),
        _ => (false, When::new(topic.created_at, now)),
    };
    // The notice is for a member only: a link with `joined=1` tells nothing.
    let joined = aside.joined && p.topic.view.space.role.is_some();
    render_with(
        aside.status,
        &ShowPage {
            chrome: Chrome::new(state, visitor, topic.title.as_str()).await?,
            errors: aside.errors,
            joined,
            url: topic_url(topic),
            when,
            scheduled,
            body_html: topic.body_html.clone(),
            unpublished: topic.unpublished(now),
            replies: p
                .replies
                .iter()
                .map(|r| ReplyRow::new(r, me, accepted_id, now, seen_until))
                .collect(),
            accepted: p
                .accepted
                .as_ref()
                .map(|r| ReplyRow::new(r, me, accepted_id, now, seen_until)),
            page: p.page,
            pages: p.pages,
            draft_reply: aside.draft_reply,
            likers: p
                .likers
                .iter()
                .map(|u| u.display_name.to_string())
                .collect(),
            unseen: p.unseen.filter(|u| u.count > 0),
            follow,
            moderation_note: moderation::note_for(visitor.viewer(), &p.topic),
            t: p.topic,
        },
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Id(id): Id<TopicId>,
    Query(q): Query<PageNumber>,
) -> Result<Response, PageError> {
    let aside = Aside {
        joined: q.joined == Some(1),
        ..Aside::default()
    };
    page(&state, &visitor, id, q.page.unwrap_or(1), aside).await
}

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
    /// Where files attached from the editor go.
    space_slug: String,
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(tid): Id<TopicId>,
) -> Result<Response, PageError> {
    let found = topics::find_topic(
        &state.ctx,
        signed_in.who.viewer(),
        tid,
        hearth_core::topic_rules::TopicAction::Edit,
    )
    .await?;
    let t = &found.view.topic;
    render(&EditPage {
        chrome: Chrome::new(&state, &visitor, format!("Edit {}", t.title.as_str())).await?,
        errors: FormErrors::default(),
        id: tid.to_string(),
        url: topic_url(t),
        space_slug: t.space_slug.clone(),
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
    Id(tid): Id<TopicId>,
    PageForm(mut form): PageForm<TopicForm>,
) -> Result<Response, PageError> {
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
                    id: tid.to_string(),
                    url: topic_url(t),
                    space_slug: t.space_slug.clone(),
                    is_post: t.kind == TopicKind::Post,
                    is_draft: t.draft,
                    form,
                    current,
                },
            )
        }
    }
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Id(tid): Id<TopicId>,
) -> Result<Response, PageError> {
    let found = topics::find_topic(
        &state.ctx,
        signed_in.who.viewer(),
        tid,
        hearth_core::topic_rules::TopicAction::Delete,
    )
    .await?;
    moderation::delete(&state.ctx, &signed_in.who, tid).await?;
    Ok(Redirect::to(&format!("/s/{}", found.view.space.space.slug)).into_response())
}
