//! The follow buttons of people, spaces, topics and tags, and the
//! notifications page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::following::{self, Followable, NOTIFICATIONS_PER_PAGE};
use hearth_app::records::{FollowTarget, Notification};
use serde::Deserialize;

use super::followed_url;
use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, render};
use crate::state::AppState;
use crate::time_fmt::When;

/// A follow button: what it names, and whether the reader follows it.
#[derive(Debug, Clone)]
pub(crate) struct FollowButton {
    /// people, spaces, topics or tags.
    pub kind: &'static str,
    pub key: String,
    pub following: bool,
    /// Whether it is muted: for topics and spaces only.
    pub muted: Option<bool>,
}

/// The follow button of `target` (named `key` in addresses) on the page
/// that shows it, for a signed-in visitor; none for guests.
pub(crate) async fn follow_button(
    state: &AppState,
    visitor: &Visitor,
    target: FollowTarget,
    key: String,
) -> Result<Option<FollowButton>, PageError> {
    let Some(who) = &visitor.who else {
        return Ok(None);
    };
    let kind = match target {
        FollowTarget::Person(_) => "people",
        FollowTarget::Space(_) => "spaces",
        FollowTarget::Topic(_) => "topics",
        FollowTarget::Tag(_) => "tags",
    };
    let mutable = matches!(target, FollowTarget::Topic(_) | FollowTarget::Space(_));
    let stands = following::state(&state.ctx, who, target).await?;
    Ok(Some(FollowButton {
        kind,
        key,
        following: stands.following,
        muted: mutable.then_some(stands.muted),
    }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FollowForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    on: String,
    /// "1" or "0" to mute or unmute instead of following.
    #[serde(default)]
    mute: String,
}

/// Follows or stops following, then goes back to what it names.
pub(crate) async fn set_follow(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PageForm(form): PageForm<FollowForm>,
) -> Result<Response, PageError> {
    let thing = Followable::parse(&form.kind, &form.key)?;
    match form.mute.as_str() {
        "" => following::set(&state.ctx, &signed_in.who, &thing, form.on == "1").await?,
        mute => following::set_mute(&state.ctx, &signed_in.who, &thing, mute == "1").await?,
    }
    Ok(Redirect::to(&followed_url(&form.kind, &form.key)).into_response())
}

/// A notification as the page says it.
struct NotificationRow {
    id: i64,
    url: String,
    actor: String,
    what: &'static str,
    subject: String,
    when: When,
    read: bool,
}

impl NotificationRow {
    fn new(n: &Notification, now: i64) -> Self {
        Self {
            id: n.id,
            url: n.path(),
            actor: n.actors(),
            what: n.action(),
            subject: n.about(),
            when: When::new(n.created_at, now),
            read: n.read,
        }
    }
}

/// Consecutive notifications about one topic (or space), shown together.
struct NotificationGroup {
    subject: String,
    rows: Vec<NotificationRow>,
}

#[derive(Template)]
#[template(path = "following/notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    groups: Vec<NotificationGroup>,
    unread_only: bool,
    next: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NotificationsQuery {
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    unread: Option<u8>,
}

/// The reader's notifications, newest first, grouped by topic.
pub(crate) async fn notifications(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(q): Query<NotificationsQuery>,
) -> Result<Response, PageError> {
    let unread_only = q.unread == Some(1);
    let found = following::notifications(&state.ctx, &signed_in.who, q.after, unread_only).await?;
    let next = (found.len() == NOTIFICATIONS_PER_PAGE as usize)
        .then(|| found.last().map(|n| n.id))
        .flatten();
    let now = state.ctx.now();
    let mut groups: Vec<NotificationGroup> = Vec::new();
    let mut last = None;
    for n in &found {
        let row = NotificationRow::new(n, now);
        let about = (n.topic_id, n.space_slug.as_str());
        match groups.last_mut() {
            Some(group) if last == Some(about) => group.rows.push(row),
            _ => groups.push(NotificationGroup {
                subject: row.subject.clone(),
                rows: vec![row],
            }),
        }
        last = Some(about);
    }
    render(&NotificationsPage {
        chrome: Chrome::new(&state, &visitor, "Notifications").await?,
        groups,
        unread_only,
        next,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReadForm {
    /// One notification; empty for all.
    #[serde(default)]
    id: String,
}

/// Marks one notification read, or all of them.
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PageForm(form): PageForm<ReadForm>,
) -> Result<Response, PageError> {
    let ids = match form.id.as_str() {
        "" => None,
        id => Some(vec![id.parse::<i64>().map_err(|_| {
            hearth_app::AppError::invalid("id", "is not a notification")
        })?]),
    };
    following::mark_read(&state.ctx, &signed_in.who, ids).await?;
    Ok(Redirect::to("/notifications").into_response())
}
