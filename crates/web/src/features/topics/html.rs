//! Topic pages: writing, reading, editing, history, moderation, tag pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::moderation::{self, Moderation};
use hearth_app::records::ReactionTarget;
use hearth_app::topics::{self, VisibleTopic};
use hearth_core::ids::{ReplyId, TopicId};
use hearth_core::model::TopicKind;
use hearth_core::permissions::SpaceAction;
use serde::Deserialize;

use super::forms::TopicForm;
use super::views::{ReplyRow, TopicRow, topic_url};
use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;
use crate::time_fmt::human;

pub(crate) fn topic_id(s: &str) -> Result<TopicId, PageError> {
    s.parse().map_err(|_| PageError(AppError::NotFound))
}

#[derive(Template)]
#[template(path = "topics/new.html")]
struct NewPage {
    chrome: Chrome,
    errors: FormErrors,
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
    let space = hearth_app::spaces::find(
        &state.ctx,
        signed_in.who.viewer(),
        &slug,
        SpaceAction::Write,
    )
    .await?;
    render(&NewPage {
        chrome: Chrome::new(&state, &visitor, "New topic").await?,
        errors: FormErrors::default(),
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
        Ok(topic) => Ok(Redirect::to(&topic_url(&topic)).into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let space = hearth_app::spaces::find(
                &state.ctx,
                signed_in.who.viewer(),
                &slug,
                SpaceAction::Write,
            )
            .await?;
            render_with(
                status,
                &NewPage {
                    chrome: Chrome::new(&state, &visitor, "New topic").await?,
                    errors,
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
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = topics::find_topic(
        &state.ctx,
        visitor.viewer(),
        topic_id(&id)?,
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
    t: VisibleTopic,
    url: String,
    when: String,
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
}

/// Renders a topic page; a refused reply comes back with its text.
pub(crate) async fn page(
    state: &AppState,
    visitor: &Visitor,
    id: TopicId,
    page: u32,
    status: StatusCode,
    errors: FormErrors,
    draft_reply: String,
) -> Result<Response, PageError> {
    let p = topics::show(&state.ctx, visitor.viewer(), id, page).await?;
    let me = visitor.who.as_ref().map(|w| w.user.id);
    let topic = &p.topic.view.topic;
    let accepted_id = topic.accepted_reply;
    let now = state.ctx.now();
    // A post waiting for its publish date says when it will appear.
    let when = match topic.publish_at {
        Some(at) if at > now && !topic.draft => format!("scheduled for {}", human(at)),
        _ => human(topic.created_at),
    };
    render_with(
        status,
        &ShowPage {
            chrome: Chrome::new(state, visitor, topic.title.as_str()).await?,
            errors,
            url: topic_url(topic),
            when,
            body_html: topic.body_html.clone(),
            unpublished: topic.unpublished(now),
            replies: p
                .replies
                .iter()
                .map(|r| ReplyRow::new(r, me, accepted_id))
                .collect(),
            accepted: p
                .accepted
                .as_ref()
                .map(|r| ReplyRow::new(r, me, accepted_id)),
            page: p.page,
            pages: p.pages,
            draft_reply,
            likers: p
                .likers
                .iter()
                .map(|u| u.display_name.to_string())
                .collect(),
            t: p.topic,
        },
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, _slug)): Path<(String, String)>,
    Query(q): Query<PageNumber>,
) -> Result<Response, PageError> {
    let id = topic_id(&id)?;
    page(
        &state,
        &visitor,
        id,
        q.page.unwrap_or(1),
        StatusCode::OK,
        FormErrors::default(),
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    action: String,
    /// The destination space of a move.
    #[serde(default)]
    to: String,
}

pub(crate) async fn moderate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    let tid = topic_id(&id)?;
    if form.action == "move" {
        moderation::move_to(&state.ctx, &signed_in.who, tid, form.to.trim()).await?;
    } else {
        let action = Moderation::parse(&form.action)?;
        moderation::moderate(&state.ctx, &signed_in.who, tid, action).await?;
    }
    Ok(Redirect::to(&format!("/t/{tid}")).into_response())
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let tid = topic_id(&id)?;
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

#[derive(Debug, Deserialize)]
pub(crate) struct AcceptForm {
    #[serde(default)]
    reply: String,
}

pub(crate) async fn accept(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<AcceptForm>,
) -> Result<Response, PageError> {
    let tid = topic_id(&id)?;
    let reply = match form.reply.as_str() {
        "" => None,
        r => Some(r.parse::<ReplyId>().map_err(AppError::from)?),
    };
    moderation::accept(&state.ctx, &signed_in.who, tid, reply).await?;
    Ok(Redirect::to(&format!("/t/{tid}")).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct LikeForm {
    #[serde(default)]
    pub on: String,
}

pub(crate) async fn like(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<LikeForm>,
) -> Result<Response, PageError> {
    let tid = topic_id(&id)?;
    hearth_app::reactions::set(
        &state.ctx,
        &signed_in.who,
        ReactionTarget::Topic(tid),
        form.on == "1",
    )
    .await?;
    Ok(Redirect::to(&format!("/t/{tid}")).into_response())
}

#[derive(Template)]
#[template(path = "topics/tag.html")]
struct TagPage {
    chrome: Chrome,
    tag: String,
    topics: Vec<TopicRow>,
    next: Option<String>,
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
    render(&TagPage {
        chrome: Chrome::new(&state, &visitor, format!("#{tag}")).await?,
        topics: topics.iter().map(|t| TopicRow::new(t, now)).collect(),
        tag,
        next,
    })
}
