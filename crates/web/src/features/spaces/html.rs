//! Space pages: the directory, a space, creating and changing one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::records::{JoinRequest, Member, Page, SpaceView};
use hearth_app::spaces::{self, SpaceInput};
use hearth_core::model::{JoinPolicy, Visibility};
use hearth_core::permissions::SpaceAction;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::features::PageQuery;
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "spaces/index.html")]
struct IndexPage {
    chrome: Chrome,
    spaces: Vec<SpaceView>,
    next: Option<String>,
}

pub(crate) async fn index(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let page = q.page()?;
    let spaces = spaces::list(&state.ctx, visitor.viewer(), page).await?;
    let next = crate::features::next_cursor(&spaces, page, |s| s.space.id.0);
    render(&IndexPage {
        chrome: Chrome::new(&state, &visitor, "Spaces").await?,
        spaces,
        next,
    })
}

/// The values of the space form, kept when it comes back with errors.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SpaceForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    join_policy: String,
}

impl SpaceForm {
    fn input(&self, with_slug: bool) -> SpaceInput {
        SpaceInput {
            slug: with_slug.then(|| self.slug.clone()),
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            visibility: Some(self.visibility.clone()),
            join_policy: Some(self.join_policy.clone()),
        }
    }
}

/// Choices for the form's select boxes.
pub(crate) struct Choices {
    visibilities: &'static [Visibility],
    policies: &'static [JoinPolicy],
}

const CHOICES: Choices = Choices {
    visibilities: Visibility::ALL,
    policies: JoinPolicy::ALL,
};

#[derive(Template)]
#[template(path = "spaces/new.html")]
struct NewPage {
    chrome: Chrome,
    errors: FormErrors,
    form: SpaceForm,
    choices: Choices,
}

pub(crate) async fn new(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let _ = signed_in;
    render(&NewPage {
        chrome: Chrome::new(&state, &visitor, "New space").await?,
        errors: FormErrors::default(),
        form: SpaceForm {
            visibility: "public".into(),
            join_policy: "open".into(),
            ..SpaceForm::default()
        },
        choices: CHOICES,
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<SpaceForm>,
) -> Result<Response, PageError> {
    match spaces::create(&state.ctx, &signed_in.who, &form.input(true)).await {
        Ok(view) => Ok(Redirect::to(&format!("/s/{}", view.space.slug)).into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            render_with(
                status,
                &NewPage {
                    chrome: Chrome::new(&state, &visitor, "New space").await?,
                    errors,
                    form,
                    choices: CHOICES,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/show.html")]
struct ShowPage {
    chrome: Chrome,
    /// Following the space, for its readers.
    follow: Option<crate::features::following::html::FollowButton>,
    view: SpaceView,
    can_read: bool,
    can_join: bool,
    can_request: bool,
    can_leave: bool,
    can_manage: bool,
    can_write: bool,
    members: Vec<Member>,
    requests: Vec<JoinRequest>,
    roles: &'static [hearth_core::model::Role],
    topics: Vec<crate::features::topics::views::TopicRow>,
    kind: String,
    tag: String,
    unanswered: bool,
    next: Option<String>,
}

/// The filters of a space's topic list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TopicsQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    unanswered: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(q): Query<TopicsQuery>,
) -> Result<Response, PageError> {
    let viewer = visitor.viewer();
    let found = spaces::find(&state.ctx, viewer, &slug, SpaceAction::See).await?;
    let can = |a| found.allows(viewer, a);
    let can_read = can(SpaceAction::Read);
    let members = if can_read {
        hearth_app::members::list_in(&state.ctx, viewer, &found, Page::first(30)).await?
    } else {
        Vec::new()
    };
    let unanswered = q.unanswered.is_some();
    let (topics, next) = if can_read {
        let input = hearth_app::topics::ListInput {
            kind: Some(q.kind.clone()),
            tag: Some(q.tag.clone()),
            unanswered,
            after: q.after.clone(),
            limit: Some(30),
        };
        let topics = hearth_app::topics::list_in(&state.ctx, viewer, &found, &input).await?;
        let next = (topics.len() == 30)
            .then(|| topics.last().map(hearth_app::topics::encode_cursor))
            .flatten();
        let now = state.ctx.now();
        (
            topics
                .iter()
                .map(|t| crate::features::topics::views::TopicRow::new(t, now))
                .collect(),
            next,
        )
    } else {
        (Vec::new(), None)
    };
    let requests = match &visitor.who {
        Some(who) if can(SpaceAction::Moderate) => {
            hearth_app::members::requests_in(&state.ctx, who, &found).await?
        }
        _ => Vec::new(),
    };
    let follow = match can_read {
        true => {
            crate::features::following::html::follow_button(
                &state,
                &visitor,
                hearth_app::records::FollowTarget::Space(found.view.space.id),
                found.view.space.slug.clone(),
            )
            .await?
        }
        false => None,
    };
    render(&ShowPage {
        chrome: Chrome::new(&state, &visitor, found.view.space.name.to_string()).await?,
        follow,
        can_read,
        can_join: can(SpaceAction::Join),
        can_request: can(SpaceAction::RequestJoin),
        can_leave: can(SpaceAction::Leave),
        can_manage: can(SpaceAction::Manage),
        // Posting in an open space joins it: the button is there for
        // readers who have not joined yet.
        can_write: found.require_contributor(visitor.viewer()).is_ok(),
        members,
        topics,
        kind: q.kind,
        tag: q.tag,
        unanswered,
        next,
        requests,
        roles: hearth_core::model::Role::ALL,
        view: found.view,
    })
}

#[derive(Template)]
#[template(path = "spaces/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    errors: FormErrors,
    slug: String,
    personal: bool,
    form: SpaceForm,
    choices: Choices,
}

pub(crate) async fn settings(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let found = spaces::find(
        &state.ctx,
        signed_in.who.viewer(),
        &slug,
        SpaceAction::Manage,
    )
    .await?;
    let s = &found.view.space;
    render(&SettingsPage {
        chrome: Chrome::new(&state, &visitor, format!("Settings of {}", s.name)).await?,
        errors: FormErrors::default(),
        personal: s.kind == hearth_core::model::SpaceKind::Personal,
        form: SpaceForm {
            slug: s.slug.clone(),
            name: s.name.to_string(),
            description: s.description.to_string(),
            visibility: s.visibility.to_string(),
            join_policy: s.join_policy.to_string(),
        },
        slug,
        choices: CHOICES,
    })
}

pub(crate) async fn update(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(slug): Path<String>,
    PageForm(form): PageForm<SpaceForm>,
) -> Result<Response, PageError> {
    let found = spaces::find(
        &state.ctx,
        signed_in.who.viewer(),
        &slug,
        SpaceAction::Manage,
    )
    .await?;
    let personal = found.view.space.kind == hearth_core::model::SpaceKind::Personal;
    let mut input = form.input(false);
    if personal {
        input.visibility = None;
        input.join_policy = None;
    }
    match spaces::update(&state.ctx, &signed_in.who, &slug, &input).await {
        Ok(view) => Ok(Redirect::to(&format!("/s/{}", view.space.slug)).into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            render_with(
                status,
                &SettingsPage {
                    chrome: Chrome::new(&state, &visitor, "Space settings").await?,
                    errors,
                    slug,
                    personal,
                    form,
                    choices: CHOICES,
                },
            )
        }
    }
}
