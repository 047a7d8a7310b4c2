//! Following: what members follow, and the notifications they are sent.

use hearth_core::content::{Tag, Title};
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::permissions::Viewer;

use crate::records::User;

/// Something a member may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowTarget {
    /// A person: their new topics.
    Person(UserId),
    /// A space: its new topics.
    Space(SpaceId),
    /// A topic: its replies.
    Topic(TopicId),
    /// A tag: new topics that carry it.
    Tag(Tag),
}

impl FollowTarget {
    /// How the store names the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            FollowTarget::Person(_) => "person",
            FollowTarget::Space(_) => "space",
            FollowTarget::Topic(_) => "topic",
            FollowTarget::Tag(_) => "tag",
        }
    }

    /// The id it names (0 for a tag) and the tag ("" for the others).
    pub fn key(&self) -> (i64, &str) {
        match self {
            FollowTarget::Person(u) => (u.0, ""),
            FollowTarget::Space(s) => (s.0, ""),
            FollowTarget::Topic(t) => (t.0, ""),
            FollowTarget::Tag(t) => (0, t.as_str()),
        }
    }
}

/// Where a member stands with something they may follow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowState {
    /// They follow it.
    pub following: bool,
    /// It sends them no notifications (topics and spaces).
    pub muted: bool,
}

/// Something a member follows, named for a list: a person's username, a
/// space's address, a topic's title, or the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    /// What is followed.
    pub target: FollowTarget,
    /// Its name.
    pub name: String,
    /// Its address's key: a username, a space's address, a topic's id, a tag.
    pub key: String,
}

/// Why a member is told something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// A reply to their topic.
    ReplyToTopic,
    /// A reply to their reply.
    ReplyToReply,
    /// They were @mentioned.
    Mention,
    /// Their reply was accepted as the answer.
    Accepted,
    /// A new topic in a space, by a person or with a tag they follow.
    NewTopic,
    /// Their topic or reply was liked (by `others` more before the actor).
    Liked,
    /// Someone asks to join a space they own or moderate (shown while the
    /// request is pending).
    JoinRequest,
    /// Their request to join a space was approved.
    JoinApproved,
    /// Their request to join a space was declined.
    JoinDeclined,
}

impl NotificationKind {
    /// Every kind.
    pub const ALL: &'static [NotificationKind] = &[
        NotificationKind::ReplyToTopic,
        NotificationKind::ReplyToReply,
        NotificationKind::Mention,
        NotificationKind::Accepted,
        NotificationKind::NewTopic,
        NotificationKind::Liked,
        NotificationKind::JoinRequest,
        NotificationKind::JoinApproved,
        NotificationKind::JoinDeclined,
    ];

    /// What it tells of, for a member choosing what to be mailed.
    pub fn describe(self) -> &'static str {
        match self {
            NotificationKind::ReplyToTopic => "Replies to your topics",
            NotificationKind::ReplyToReply => "Replies to your replies",
            NotificationKind::Mention => "Mentions of you",
            NotificationKind::Accepted => "Your answers accepted",
            NotificationKind::NewTopic => "New topics where you follow",
            NotificationKind::Liked => "Likes of what you wrote",
            NotificationKind::JoinRequest => "Requests to join spaces you moderate",
            NotificationKind::JoinApproved => "Your requests to join approved",
            NotificationKind::JoinDeclined => "Your requests to join declined",
        }
    }

    /// How the store names it.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::ReplyToTopic => "reply_to_topic",
            NotificationKind::ReplyToReply => "reply_to_reply",
            NotificationKind::Mention => "mention",
            NotificationKind::Accepted => "accepted",
            NotificationKind::NewTopic => "new_topic",
            NotificationKind::Liked => "liked",
            NotificationKind::JoinRequest => "join_request",
            NotificationKind::JoinApproved => "join_approved",
            NotificationKind::JoinDeclined => "join_declined",
        }
    }

    /// The kind the store names `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// A notification, as its reader may see it.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Its id.
    pub id: i64,
    /// Why.
    pub kind: NotificationKind,
    /// The topic; none for a notification about a space itself.
    pub topic_id: Option<TopicId>,
    /// Its title.
    pub topic_title: Option<Title>,
    /// The space it is in, or is about.
    pub space_slug: String,
    /// That space's name.
    pub space_name: String,
    /// The reply, if it is about one.
    pub reply_id: Option<ReplyId>,
    /// Who caused it (the latest of them).
    pub actor: User,
    /// How many others did the same before the actor (likes).
    pub others: i64,
    /// When.
    pub created_at: i64,
    /// Whether it has been read.
    pub read: bool,
}

impl Notification {
    /// Where it leads on the site: the reply, the topic, or the space (its
    /// requests to join, for its moderators).
    pub fn path(&self) -> String {
        match (self.reply_id, self.topic_id, self.kind) {
            (Some(r), _, _) => format!("/r/{r}"),
            (None, Some(t), _) => format!("/t/{t}"),
            (None, None, NotificationKind::JoinRequest) => {
                format!("/s/{}#requests", self.space_slug)
            }
            (None, None, _) => format!("/s/{}", self.space_slug),
        }
    }

    /// What it is about: its topic's title, or its space's name.
    pub fn about(&self) -> String {
        self.topic_title
            .as_ref()
            .map_or_else(|| self.space_name.clone(), |t| t.to_string())
    }

    /// Who did it: "Ana", "Ana and 1 other", "Ana and 3 others".
    pub fn actors(&self) -> String {
        match self.others {
            0 => self.actor.display_name.to_string(),
            1 => format!("{} and 1 other", self.actor.display_name),
            others => format!("{} and {others} others", self.actor.display_name),
        }
    }

    /// What they did, to go between [`Notification::actors`] and
    /// [`Notification::about`].
    pub fn action(&self) -> &'static str {
        match self.kind {
            NotificationKind::ReplyToTopic => "replied to your topic",
            NotificationKind::ReplyToReply => "replied to you in",
            NotificationKind::Mention => "mentioned you in",
            NotificationKind::Accepted => "accepted your answer in",
            NotificationKind::NewTopic => "started",
            NotificationKind::Liked if self.reply_id.is_some() => "liked your reply in",
            NotificationKind::Liked => "liked your topic",
            NotificationKind::JoinRequest => "asks to join",
            NotificationKind::JoinApproved => "let you into",
            NotificationKind::JoinDeclined => "declined your request to join",
        }
    }
}

/// A page of someone's notifications, newest first.
#[derive(Debug, Clone, Copy)]
pub struct NotificationsQuery {
    /// Whose: only those they may still read are listed and counted.
    pub viewer: Viewer,
    /// Unread ones only.
    pub unread_only: bool,
    /// The last notification of the page before.
    pub before: Option<i64>,
    /// This notification alone.
    pub only: Option<i64>,
    /// Those gathered in this digest mail.
    pub in_mail: Option<i64>,
    /// How many at most.
    pub limit: u32,
    /// Now, for what is published.
    pub now: i64,
}

/// What a connected reader is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveKind {
    /// A reply was posted in the topic they read.
    Reply,
    /// They have a new notification.
    Notification,
}

impl LiveKind {
    /// How the store names it.
    pub fn as_str(self) -> &'static str {
        match self {
            LiveKind::Reply => "reply",
            LiveKind::Notification => "notification",
        }
    }
}

/// One live event, as a reader may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveEvent {
    /// Its place in the stream: readers resume after it.
    pub id: i64,
    /// What happened.
    pub kind: LiveKind,
    /// The topic; none for a notification about a space itself.
    pub topic_id: Option<TopicId>,
    /// The reply, if any.
    pub reply_id: Option<ReplyId>,
}

/// What a connected reader is sent: replies in the topic they read, and
/// their own notifications, of what they may read.
#[derive(Debug, Clone, Copy)]
pub struct LiveQuery {
    /// Who reads.
    pub viewer: Viewer,
    /// The topic whose replies they watch, if any.
    pub topic: Option<TopicId>,
    /// The last event they have.
    pub after: i64,
    /// The last event to read: no earlier one can still appear (see
    /// [`LiveHead`]).
    pub until: i64,
    /// How many at most.
    pub limit: u32,
    /// Now, for what is published.
    pub now: i64,
}

/// An event as the node routes it, not as anyone reads it: its place and
/// whom it may concern. A node reads the log's new events once, this way,
/// and wakes only the readers an event may concern; each of those reads it
/// through the visibility predicate ([`LiveQuery`]). The ids also show
/// gaps: an id taken by a transaction that has not committed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveHead {
    /// Its place in the log.
    pub id: i64,
    /// What happened.
    pub kind: LiveKind,
    /// The topic, if any (always, of a reply).
    pub topic_id: Option<TopicId>,
    /// The member (of a notification).
    pub user_id: Option<UserId>,
}
