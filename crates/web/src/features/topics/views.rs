//! Topics and replies shaped for templates, and a topic's page address.

use hearth_app::records::{Reply, Topic};

use crate::time_fmt::When;

/// Replies deeper than this (stored before replies were capped at it) are
/// shown at this depth.
const MAX_INDENT: i64 = hearth_core::topic_rules::MAX_REPLY_DEPTH;

/// A topic in a list.
pub(crate) struct TopicRow {
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    pub author: String,
    pub author_username: String,
    pub when: When,
    pub replies: i64,
    pub likes: i64,
    pub pinned: bool,
    pub answered: bool,
    pub locked: bool,
    pub hidden: bool,
    pub draft: bool,
    pub unpublished: bool,
    pub tags: Vec<String>,
}

/// A topic's page address.
pub(crate) fn topic_url(t: &Topic) -> String {
    format!(
        "/t/{}/{}",
        t.id,
        hearth_core::content::slugify(t.title.as_str())
    )
}

impl TopicRow {
    pub(crate) fn new(t: &Topic, now: i64) -> Self {
        Self {
            url: topic_url(t),
            title: t.title.as_str().to_owned(),
            kind: t.kind.as_str(),
            author: t.author.display_name.to_string(),
            author_username: t.author.username.to_string(),
            when: When::new(t.last_activity_at, now),
            replies: t.reply_count,
            likes: t.like_count,
            pinned: t.pinned,
            answered: t.accepted_reply.is_some(),
            locked: t.state == hearth_core::model::TopicState::Locked,
            hidden: t.state == hearth_core::model::TopicState::Hidden,
            draft: t.draft,
            unpublished: t.unpublished(now),
            tags: t.tags.iter().map(|t| t.to_string()).collect(),
        }
    }
}

/// A reply on its topic's page.
pub(crate) struct ReplyRow {
    pub id: String,
    pub author: String,
    pub author_username: String,
    pub when: When,
    pub body_html: String,
    pub deleted: bool,
    pub edited: bool,
    pub likes: i64,
    pub liked: bool,
    pub indent: i64,
    pub mine: bool,
    pub accepted: bool,
    /// Written by someone else since the reader's last visit.
    pub new: bool,
}

impl ReplyRow {
    pub(crate) fn new(
        r: &Reply,
        me: Option<hearth_core::ids::UserId>,
        accepted: Option<hearth_core::ids::ReplyId>,
        now: i64,
        seen_until: Option<hearth_core::ids::ReplyId>,
    ) -> Self {
        Self {
            id: r.id.to_string(),
            author: r.author.display_name.to_string(),
            author_username: r.author.username.to_string(),
            when: When::new(r.created_at, now),
            body_html: r.body_html.clone(),
            deleted: r.deleted,
            edited: r.edited,
            likes: r.like_count,
            liked: r.liked,
            indent: r.depth.min(MAX_INDENT),
            mine: me == Some(r.author.id),
            accepted: accepted == Some(r.id),
            new: seen_until.is_some_and(|s| r.id > s) && me != Some(r.author.id) && !r.deleted,
        }
    }
}
