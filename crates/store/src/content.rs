//! Records of conversations: topics, replies, revisions, reactions.

use hearth_core::content::{Tag, Title};
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::{TopicKind, TopicState};
use hearth_core::permissions::Viewer;

use crate::records::{SpaceView, User};

/// A topic with its author and tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Its id.
    pub id: TopicId,
    /// The space it lives in.
    pub space_id: SpaceId,
    /// That space's slug.
    pub space_slug: String,
    /// Who wrote it.
    pub author: User,
    /// Discussion, question, post or document.
    pub kind: TopicKind,
    /// Its title.
    pub title: Title,
    /// The Markdown source of its body.
    pub body_md: String,
    /// The sanitized HTML of its body, rendered at write time.
    pub body_html: String,
    /// Open, locked, hidden or deleted.
    pub state: TopicState,
    /// Shown first in its space.
    pub pinned: bool,
    /// A question's accepted answer.
    pub accepted_reply: Option<ReplyId>,
    /// A post kept by its author, unpublished.
    pub draft: bool,
    /// When a post appears; later than now means scheduled.
    pub publish_at: Option<i64>,
    /// Incremented at every edit; a stale edit is refused.
    pub version: i64,
    /// How many replies (deleted ones included: they keep their place).
    pub reply_count: i64,
    /// How many likes.
    pub like_count: i64,
    /// Its tags, sorted.
    pub tags: Vec<Tag>,
    /// When it was created.
    pub created_at: i64,
    /// When it was last edited.
    pub updated_at: i64,
    /// When it was created or last replied to.
    pub last_activity_at: i64,
    /// Why a moderator last hid, locked or pinned it, for its author and
    /// moderators.
    pub moderation_note: Option<String>,
}

impl Topic {
    /// A draft, or a post scheduled after `now`.
    pub fn unpublished(&self, now: i64) -> bool {
        self.draft || self.publish_at.is_some_and(|t| t > now)
    }
}

/// A topic as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicView {
    /// The topic.
    pub topic: Topic,
    /// Its space, with the viewer's role there.
    pub space: SpaceView,
    /// Whether the viewer likes it.
    pub liked: bool,
}

/// A new topic; its first revision, tags and mentions are written with it.
#[derive(Debug, Clone)]
pub struct NewTopic {
    /// Where.
    pub space_id: SpaceId,
    /// Who.
    pub author: UserId,
    /// What kind.
    pub kind: TopicKind,
    /// Title.
    pub title: Title,
    /// Markdown body.
    pub body_md: String,
    /// Rendered body.
    pub body_html: String,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Usernames mentioned in the body.
    pub mentions: Vec<String>,
    /// Public names of the files its text links: those its author
    /// uploaded that belong to nothing yet become its own.
    pub files: Vec<String>,
    /// Kept unpublished.
    pub draft: bool,
    /// Publication time of a post.
    pub publish_at: Option<i64>,
    /// The client's key: a second create with the same author and key
    /// returns the first topic instead of writing another.
    pub idempotency_key: Option<String>,
    /// The author becomes a member of the space in the same transaction
    /// (contributing to an open space joins it); nothing if already one.
    pub joins_space: bool,
    /// Now.
    pub created_at: i64,
}

/// An edit of a topic; `None` keeps a value. Writes a revision.
#[derive(Debug, Clone)]
pub struct TopicEdit {
    /// New title.
    pub title: Option<Title>,
    /// New Markdown body and its rendering.
    pub body: Option<(String, String)>,
    /// New tags.
    pub tags: Option<Vec<Tag>>,
    /// Mentions of the new body.
    pub mentions: Vec<String>,
    /// Public names of the files its text links: those its author
    /// uploaded that belong to nothing yet become its own.
    pub files: Vec<String>,
    /// Publish a draft (`Some(false)`) or keep it (`Some(true)`).
    pub draft: Option<bool>,
    /// Schedule a post (`Some(Some(t))`), drop its schedule (`Some(None)`),
    /// or leave it (`None`).
    pub publish_at: Option<Option<i64>>,
    /// The version the editor started from; a newer one means someone else
    /// edited meanwhile: conflict `topic_version`.
    pub base_version: Option<i64>,
    /// Who edits.
    pub editor: UserId,
    /// Now.
    pub now: i64,
}

/// Which topics of a space to list.
#[derive(Debug, Clone, Default)]
pub struct TopicFilter {
    /// Only this kind.
    pub kind: Option<TopicKind>,
    /// Only topics with this tag.
    pub tag: Option<Tag>,
    /// Only questions without an accepted answer.
    pub unanswered: bool,
}

/// Where a list of topics continues: (pinned, last activity, id) of the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicCursor {
    /// Whether the last topic was pinned.
    pub pinned: bool,
    /// Its last activity.
    pub last_activity_at: i64,
    /// Its id.
    pub id: TopicId,
}

impl TopicCursor {
    /// Where a list continues after `topic`.
    pub fn after(topic: &Topic) -> Self {
        Self {
            pinned: topic.pinned,
            last_activity_at: topic.last_activity_at,
            id: topic.id,
        }
    }

    /// Parses a cursor as a client sends it back (`?after=`), written by
    /// its `Display`: `PINNED.LAST_ACTIVITY.ID`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let (Some(p), Some(t), Some(i), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Self {
            pinned: p == "1",
            last_activity_at: t.parse().ok()?,
            id: i.parse().ok()?,
        })
    }
}

impl std::fmt::Display for TopicCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pinned = u8::from(self.pinned);
        write!(f, "{pinned}.{}.{}", self.last_activity_at, self.id)
    }
}

/// A query for the topics of one space.
#[derive(Debug, Clone)]
pub struct SpaceTopicsQuery {
    /// The space.
    pub space: SpaceId,
    /// Who asks: its readers see what is live, its moderators hidden
    /// topics too, and authors their own drafts and hidden topics.
    pub viewer: Viewer,
    /// What to include.
    pub filter: TopicFilter,
    /// Continue after this topic.
    pub after: Option<TopicCursor>,
    /// How many at most.
    pub limit: u32,
    /// Now, for scheduled posts.
    pub now: i64,
}

/// A query for visible topics across spaces: a tag's page, a profile's activity.
#[derive(Debug, Clone)]
pub struct VisibleTopicsQuery {
    /// Who asks; only topics of spaces they may read are returned.
    pub viewer: Viewer,
    /// Only with this tag.
    pub tag: Option<Tag>,
    /// Only by this author.
    pub author: Option<UserId>,
    /// Only in what this member follows: the topic, its space, its author
    /// or one of its tags.
    pub followed_by: Option<UserId>,
    /// Continue after this topic.
    pub after: Option<TopicCursor>,
    /// How many at most.
    pub limit: u32,
    /// Now, for scheduled posts.
    pub now: i64,
}

/// A reply with its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Its id.
    pub id: ReplyId,
    /// The topic it belongs to.
    pub topic_id: TopicId,
    /// Who wrote it.
    pub author: User,
    /// The reply it answers, if any.
    pub parent: Option<ReplyId>,
    /// How deep in the thread (0 answers the topic).
    pub depth: i64,
    /// Markdown source.
    pub body_md: String,
    /// Sanitized HTML.
    pub body_html: String,
    /// Deleted: shown as a placeholder.
    pub deleted: bool,
    /// Edited at least once.
    pub edited: bool,
    /// How many likes.
    pub like_count: i64,
    /// Whether the viewer likes it.
    pub liked: bool,
    /// When it was written.
    pub created_at: i64,
    /// Incremented at every edit.
    pub version: i64,
}

/// A query for someone's replies that a viewer may read.
#[derive(Debug, Clone)]
pub struct VisibleRepliesQuery {
    /// Who asks; only replies in spaces they may read are returned.
    pub viewer: Viewer,
    /// Whose replies.
    pub author: UserId,
    /// How many at most.
    pub limit: u32,
    /// Now, for scheduled posts.
    pub now: i64,
}

/// A reply with the title of its topic, for lists outside the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyInTopic {
    /// The reply.
    pub reply: Reply,
    /// Its topic's title.
    pub topic_title: Title,
}

/// Whether replies written in a batch tell anyone of themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Telling {
    /// As one reply does: its people are notified (and mailed as they
    /// chose) and live readers see it.
    Everyone,
    /// Written as history (an import, a seed): they are indexed, counted
    /// and followed like any reply, but nobody is notified or told live.
    Nobody,
}

/// A new reply.
#[derive(Debug, Clone)]
pub struct NewReply {
    /// The topic.
    pub topic_id: TopicId,
    /// Who writes.
    pub author: UserId,
    /// The reply it answers; must be in the same topic (conflict `reply_parent`).
    pub parent: Option<ReplyId>,
    /// Markdown source.
    pub body_md: String,
    /// Rendered body.
    pub body_html: String,
    /// Usernames mentioned.
    pub mentions: Vec<String>,
    /// Public names of the files its text links: those its author
    /// uploaded that belong to nothing yet become its own.
    pub files: Vec<String>,
    /// The client's key: a second create with the same author and key
    /// returns the first reply instead of writing another.
    pub idempotency_key: Option<String>,
    /// The author becomes a member of the space in the same transaction
    /// (contributing to an open space joins it); nothing if already one.
    pub joins_space: bool,
    /// Now.
    pub created_at: i64,
}

/// A moderator's change of a topic: what is `None` stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicModeration {
    /// Its new state.
    pub state: Option<TopicState>,
    /// Pinned or not.
    pub pinned: Option<bool>,
    /// The note for its author: `Some(None)` clears it.
    pub note: Option<Option<String>>,
}

/// What is new in a topic for a reader, for an activity list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicNews {
    /// The topic.
    pub topic: TopicId,
    /// Whether they have read it before.
    pub visited: bool,
    /// Replies by others, not deleted, since their last visit, at most
    /// 100 ("99+"); when they never read it, all its replies.
    pub new_replies: i64,
}

/// What a reader had not seen of a topic at their last visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unseen {
    /// The newest reply then: replies after it are new.
    pub after: ReplyId,
    /// How many replies by others came since.
    pub count: i64,
    /// The first of them.
    pub first: Option<ReplyId>,
}

/// An edit of a reply. Writes a revision.
#[derive(Debug, Clone)]
pub struct ReplyEdit {
    /// New Markdown source.
    pub body_md: String,
    /// Its rendering.
    pub body_html: String,
    /// Usernames it mentions.
    pub mentions: Vec<String>,
    /// Public names of the files its text links: those its author
    /// uploaded that belong to nothing yet become its own.
    pub files: Vec<String>,
    /// Who edits.
    pub editor: UserId,
    /// Now.
    pub now: i64,
}

/// One kept version of a topic or reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The version number, from 1.
    pub version: i64,
    /// Who wrote this version.
    pub author: User,
    /// The title then (topics only).
    pub title: Option<String>,
    /// The Markdown then.
    pub body_md: String,
    /// When.
    pub created_at: i64,
}

/// What a like is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactionTarget {
    /// A topic.
    Topic(TopicId),
    /// A reply.
    Reply(ReplyId),
}

/// A file uploaded into a space. It belongs to its uploader until a topic
/// or reply that links it is saved, then to that topic or reply: it is as
/// private as what it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its id.
    pub id: hearth_core::ids::AttachmentId,
    /// Its public name (128 random bits, hex); `None` for files uploaded
    /// before public names, which keep their numbered address.
    pub public_id: Option<String>,
    /// The topic it belongs to.
    pub topic_id: Option<TopicId>,
    /// The reply it belongs to.
    pub reply_id: Option<ReplyId>,
    /// The space it was uploaded into.
    pub space_id: SpaceId,
    /// Who uploaded it.
    pub uploader: UserId,
    /// SHA-256 of its bytes, hex: the blob it names.
    pub hash: String,
    /// Its cleaned file name.
    pub filename: String,
    /// The type its bytes were found to be.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// When it was uploaded.
    pub created_at: i64,
    /// Its uploader's profile links it: whoever may see them may read it.
    pub on_profile: bool,
}

/// A new upload; the blob is stored once however often it is uploaded.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// Its public name: 128 random bits, hex.
    pub public_id: String,
    /// Where.
    pub space_id: SpaceId,
    /// Who.
    pub uploader: UserId,
    /// SHA-256 of `data`, hex.
    pub hash: String,
    /// Cleaned file name.
    pub filename: String,
    /// Detected type.
    pub content_type: String,
    /// The bytes.
    pub data: Vec<u8>,
    /// Now.
    pub created_at: i64,
}
