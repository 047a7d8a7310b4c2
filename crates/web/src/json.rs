//! API shapes that several features answer with: users, spaces, topics,
//! replies and their versions.

use hearth_app::records::{Reply, Revision, SpaceView, Topic, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::features::topics::views::topic_url;
use crate::time_fmt::rfc3339;

/// A user as others see them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserJson {
    /// Opaque id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Whether they administer the site.
    pub is_admin: bool,
    /// active, locked or deleted.
    pub status: String,
    /// When the account was created.
    pub created_at: String,
    /// Their profile page.
    pub url: String,
}

impl From<&User> for UserJson {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.to_string(),
            display_name: u.display_name.to_string(),
            is_admin: u.is_admin,
            status: u.status.to_string(),
            created_at: rfc3339(u.created_at),
            url: format!("/u/{}", u.username),
        }
    }
}

/// A space as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SpaceJson {
    /// Opaque id.
    id: String,
    /// Short name in URLs.
    slug: String,
    /// Title.
    name: String,
    /// What it is for.
    description: String,
    /// community or personal.
    kind: String,
    /// public, private or secret.
    visibility: String,
    /// open, request or invite.
    join_policy: String,
    /// How many members.
    member_count: i64,
    /// The caller's role, if a member.
    role: Option<String>,
    /// When it was created.
    created_at: String,
    /// Its page.
    url: String,
}

impl From<&SpaceView> for SpaceJson {
    fn from(v: &SpaceView) -> Self {
        let s = &v.space;
        Self {
            id: s.id.to_string(),
            slug: s.slug.clone(),
            name: s.name.to_string(),
            description: s.description.to_string(),
            kind: s.kind.to_string(),
            visibility: s.visibility.to_string(),
            join_policy: s.join_policy.to_string(),
            member_count: v.member_count,
            role: v.role.map(|r| r.to_string()),
            created_at: rfc3339(s.created_at),
            url: format!("/s/{}", s.slug),
        }
    }
}

/// A topic.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicJson {
    id: String,
    /// The space's slug.
    space: String,
    /// discussion, question, post or document.
    kind: String,
    title: String,
    /// Markdown source.
    body: String,
    /// Sanitized HTML.
    body_html: String,
    author: UserJson,
    /// open, locked, hidden or deleted.
    state: String,
    pinned: bool,
    /// A question's accepted answer.
    accepted_reply: Option<String>,
    draft: bool,
    publish_at: Option<String>,
    /// Incremented at every edit; send it back as `base_version` when editing.
    version: i64,
    reply_count: i64,
    like_count: i64,
    tags: Vec<String>,
    created_at: String,
    updated_at: String,
    last_activity_at: String,
    url: String,
}

impl From<&Topic> for TopicJson {
    fn from(t: &Topic) -> Self {
        Self {
            id: t.id.to_string(),
            space: t.space_slug.clone(),
            kind: t.kind.to_string(),
            title: t.title.as_str().to_owned(),
            body: t.body_md.clone(),
            body_html: t.body_html.clone(),
            author: UserJson::from(&t.author),
            state: t.state.to_string(),
            pinned: t.pinned,
            accepted_reply: t.accepted_reply.map(|r| r.to_string()),
            draft: t.draft,
            publish_at: t.publish_at.map(rfc3339),
            version: t.version,
            reply_count: t.reply_count,
            like_count: t.like_count,
            tags: t.tags.iter().map(|t| t.to_string()).collect(),
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
            last_activity_at: rfc3339(t.last_activity_at),
            url: topic_url(t),
        }
    }
}

/// A page of topics.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicList {
    pub(crate) items: Vec<TopicJson>,
    /// Cursor for the next page, absent on the last.
    pub(crate) next: Option<String>,
}

/// Which page: the topic page's replies, or the topics with a tag.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct AfterQuery {
    /// The `next` value of the previous page.
    pub(crate) after: Option<String>,
}

/// A reply.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReplyJson {
    id: String,
    topic: String,
    /// The reply it answers.
    parent: Option<String>,
    depth: i64,
    /// Markdown source (empty when deleted).
    body: String,
    /// Sanitized HTML (empty when deleted).
    body_html: String,
    author: UserJson,
    deleted: bool,
    edited: bool,
    like_count: i64,
    liked: bool,
    created_at: String,
    url: String,
}

impl From<&Reply> for ReplyJson {
    fn from(r: &Reply) -> Self {
        let (body, body_html) = if r.deleted {
            (String::new(), String::new())
        } else {
            (r.body_md.clone(), r.body_html.clone())
        };
        Self {
            id: r.id.to_string(),
            topic: r.topic_id.to_string(),
            parent: r.parent.map(|p| p.to_string()),
            depth: r.depth,
            body,
            body_html,
            author: UserJson::from(&r.author),
            deleted: r.deleted,
            edited: r.edited,
            like_count: r.like_count,
            liked: r.liked,
            created_at: rfc3339(r.created_at),
            url: format!("/r/{}", r.id),
        }
    }
}

/// One version of a topic or a reply.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RevisionJson {
    version: i64,
    author: UserJson,
    title: Option<String>,
    body: String,
    created_at: String,
}

impl From<&Revision> for RevisionJson {
    fn from(r: &Revision) -> Self {
        Self {
            version: r.version,
            author: UserJson::from(&r.author),
            title: r.title.clone(),
            body: r.body_md.clone(),
            created_at: rfc3339(r.created_at),
        }
    }
}
