//! The profile page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use hearth_app::people::shown_email;
use hearth_app::records::{AvatarSize, ProfileDetails, ReplyInTopic, SpaceView, User};

use crate::error::PageError;
use crate::extract::Visitor;
use crate::features::people::views::AvatarView;
use crate::page::{Chrome, render};
use crate::state::AppState;
use crate::time_fmt::{When, human};

#[derive(Template)]
#[template(path = "users/show.html")]
struct ProfilePage {
    chrome: Chrome,
    user: User,
    details: ProfileDetails,
    avatar: AvatarView,
    email: Option<String>,
    may_edit: bool,
    joined: String,
    spaces: Vec<SpaceView>,
    topics: Vec<crate::features::topics::views::TopicRow>,
    replies: Vec<ReplyExcerpt>,
    /// What they follow, as the reader may see it: (name, address).
    followed: Vec<(String, String)>,
    /// Following them; not on one's own page.
    follow: Option<crate::features::following::html::FollowButton>,
}

/// A reply on a profile: where it is, when, and what it says.
struct ReplyExcerpt {
    id: String,
    topic_title: String,
    when: When,
    body_html: String,
}

impl ReplyExcerpt {
    fn new(r: &ReplyInTopic, now: i64) -> Self {
        Self {
            id: r.reply.id.to_string(),
            topic_title: r.topic_title.to_string(),
            when: When::new(r.reply.created_at, now),
            body_html: r.reply.body_html.clone(),
        }
    }
}

pub(crate) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let viewer = visitor.viewer();
    let p = hearth_app::users::profile(&state.ctx, viewer, &username).await?;
    let person = p.person;
    let now = state.ctx.now();
    let follow = match viewer.user_id() == Some(person.user.id) {
        true => None,
        false => {
            let username = person.user.username.to_string();
            let target = hearth_app::records::FollowTarget::Person(person.user.id);
            crate::features::following::html::follow_button(&state, &visitor, target, username)
                .await?
        }
    };
    let followed = hearth_app::following::followed_by(&state.ctx, viewer, &username)
        .await?
        .into_iter()
        .map(|f| {
            let url = crate::features::following::followed_url(f.target.kind(), &f.key);
            let name = match f.target {
                hearth_app::records::FollowTarget::Tag(_) => format!("#{}", f.name),
                _ => f.name,
            };
            (name, url)
        })
        .collect();
    render(&ProfilePage {
        follow,
        followed,
        chrome: Chrome::new(&state, &visitor, person.user.display_name.to_string()).await?,
        joined: human(person.user.created_at),
        avatar: AvatarView::new(&person, AvatarSize::Large),
        email: shown_email(&person, viewer).map(ToString::to_string),
        may_edit: hearth_app::people::may_edit(viewer, &person),
        topics: p
            .recent
            .iter()
            .map(|t| crate::features::topics::views::TopicRow::new(t, now))
            .collect(),
        replies: p
            .recent_replies
            .iter()
            .map(|r| ReplyExcerpt::new(r, now))
            .collect(),
        user: person.user,
        details: person.details,
        spaces: p.spaces,
    })
}
