//! Who may read, reply to, edit and moderate a topic and its replies. Built
//! on the space rules: nothing in a space the viewer may not read exists.

use crate::ids::UserId;
use crate::model::{SpaceKind, TopicKind, TopicState};
use crate::permissions::{Decision, SpaceAccess, SpaceAction, Viewer, decide};

/// What the rules need to know about a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicFacts {
    /// Its kind.
    pub kind: TopicKind,
    /// Its state.
    pub state: TopicState,
    /// Its author.
    pub author: UserId,
    /// A draft, or a post scheduled for later: only its author sees it.
    pub unpublished: bool,
}

/// Something a viewer may want to do with a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicAction {
    /// See it and its replies.
    Read,
    /// Reply to it.
    Reply,
    /// Change its title, body or tags.
    Edit,
    /// Delete it (restorable by moderators).
    Delete,
    /// Hide, restore, lock, pin; delete or restore any reply.
    Moderate,
    /// Mark a reply as the accepted answer.
    Accept,
    /// Like or unlike it or its replies.
    React,
}

fn allowed(b: bool) -> Decision {
    if b { Decision::Allow } else { Decision::Deny }
}

/// Decides whether `viewer` may do `action` with a topic in `space`.
pub fn decide_topic(
    viewer: Viewer,
    space: &SpaceAccess,
    topic: &TopicFacts,
    action: TopicAction,
) -> Decision {
    if decide(viewer, space, SpaceAction::Read) != Decision::Allow {
        return Decision::Hide;
    }
    let author = viewer.user_id() == Some(topic.author);
    let moderator = decide(viewer, space, SpaceAction::Moderate) == Decision::Allow;
    let writer = decide(viewer, space, SpaceAction::Write) == Decision::Allow;
    let readable = match topic.state {
        TopicState::Deleted => moderator,
        TopicState::Hidden => author || moderator,
        TopicState::Open | TopicState::Locked => true,
    } && (!topic.unpublished || author);
    if !readable {
        return Decision::Hide;
    }
    let live = matches!(topic.state, TopicState::Open | TopicState::Locked) && !topic.unpublished;
    // A personal blog has no members but its owner; whoever signed in and
    // reads a post there may comment on it.
    let commenter = topic.kind == TopicKind::Post
        && space.kind == SpaceKind::Personal
        && viewer.user_id().is_some();
    allowed(match action {
        TopicAction::Read => true,
        TopicAction::Reply => {
            (writer || commenter) && live && (topic.state == TopicState::Open || moderator)
        }
        TopicAction::Edit => {
            topic.state != TopicState::Deleted
                && (author || moderator || (topic.kind == TopicKind::Document && writer))
        }
        TopicAction::Delete => topic.state != TopicState::Deleted && (author || moderator),
        TopicAction::Moderate => moderator,
        TopicAction::Accept => topic.kind == TopicKind::Question && live && (author || moderator),
        TopicAction::React => viewer.user_id().is_some() && live,
    })
}

/// Whether an edit `viewer` may make is moderation: someone else's topic,
/// which they may edit only because they moderate the space (a document,
/// which every member may edit, is no moderation for a member).
pub fn edit_is_moderation(viewer: Viewer, space: &SpaceAccess, topic: &TopicFacts) -> bool {
    let author = viewer.user_id() == Some(topic.author);
    let writer = decide(viewer, space, SpaceAction::Write) == Decision::Allow;
    let every_member_may = topic.kind == TopicKind::Document && writer;
    !(author || every_member_may)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{JoinPolicy, Role, SpaceKind, Visibility};

    fn space(role: Option<Role>) -> SpaceAccess {
        SpaceAccess {
            kind: SpaceKind::Community,
            visibility: Visibility::Public,
            join_policy: JoinPolicy::Open,
            role,
            guest_access: false,
        }
    }

    fn topic(kind: TopicKind, state: TopicState) -> TopicFacts {
        TopicFacts {
            kind,
            state,
            author: UserId(1),
            unpublished: false,
        }
    }

    const AUTHOR: Viewer = Viewer::User {
        id: UserId(1),
        admin: false,
    };
    const OTHER: Viewer = Viewer::User {
        id: UserId(2),
        admin: false,
    };

    #[test]
    fn anyone_signed_in_comments_on_a_personal_blog_post_but_nothing_else_there() {
        let blog = SpaceAccess {
            kind: SpaceKind::Personal,
            visibility: Visibility::Public,
            join_policy: JoinPolicy::Invite,
            role: None,
            guest_access: true,
        };
        let post = topic(TopicKind::Post, TopicState::Open);
        let other = decide_topic(OTHER, &blog, &post, TopicAction::Reply);
        assert_eq!(other, Decision::Allow);
        for action in [
            TopicAction::Edit,
            TopicAction::Moderate,
            TopicAction::Delete,
        ] {
            assert_eq!(decide_topic(OTHER, &blog, &post, action), Decision::Deny);
        }
        let guest = decide_topic(Viewer::Guest, &blog, &post, TopicAction::Reply);
        assert_eq!(guest, Decision::Deny, "guests read, they do not comment");
        let locked = topic(TopicKind::Post, TopicState::Locked);
        let on_locked = decide_topic(OTHER, &blog, &locked, TopicAction::Reply);
        assert_eq!(on_locked, Decision::Deny);
        let discussion = topic(TopicKind::Discussion, TopicState::Open);
        let on_discussion = decide_topic(OTHER, &blog, &discussion, TopicAction::Reply);
        assert_eq!(on_discussion, Decision::Deny, "only posts take comments");
    }

    #[test]
    fn replying_in_an_open_space_joins_it_but_asking_and_invitation_spaces_need_members() {
        use crate::permissions::as_contributor;
        let t = topic(TopicKind::Discussion, TopicState::Open);
        let open = space(None);
        assert_eq!(
            decide_topic(OTHER, &open, &t, TopicAction::Reply),
            Decision::Deny
        );
        let contributing = as_contributor(OTHER, &open);
        assert_eq!(contributing.role, Some(Role::Member));
        assert_eq!(
            decide_topic(OTHER, &contributing, &t, TopicAction::Reply),
            Decision::Allow
        );
        for policy in [JoinPolicy::Request, JoinPolicy::Invite] {
            let closed = SpaceAccess {
                join_policy: policy,
                ..open
            };
            assert_eq!(as_contributor(OTHER, &closed), closed);
        }
        let private = SpaceAccess {
            visibility: Visibility::Private,
            ..open
        };
        assert_eq!(
            as_contributor(OTHER, &private),
            private,
            "an open private space is joined before it is read"
        );
        let guest_readable = SpaceAccess {
            guest_access: true,
            ..open
        };
        assert_eq!(
            as_contributor(Viewer::Guest, &guest_readable),
            guest_readable
        );
        let personal = SpaceAccess {
            kind: SpaceKind::Personal,
            ..open
        };
        assert_eq!(as_contributor(OTHER, &personal), personal);
    }

    #[test]
    fn locked_topics_take_replies_from_moderators_only() {
        let t = topic(TopicKind::Discussion, TopicState::Locked);
        assert_eq!(
            decide_topic(OTHER, &space(Some(Role::Member)), &t, TopicAction::Reply),
            Decision::Deny
        );
        assert_eq!(
            decide_topic(OTHER, &space(Some(Role::Moderator)), &t, TopicAction::Reply),
            Decision::Allow
        );
        assert_eq!(
            decide_topic(OTHER, &space(None), &t, TopicAction::Read),
            Decision::Allow
        );
    }

    #[test]
    fn hidden_and_deleted_topics_vanish_for_others() {
        let hidden = topic(TopicKind::Discussion, TopicState::Hidden);
        let deleted = topic(TopicKind::Discussion, TopicState::Deleted);
        let member = space(Some(Role::Member));
        assert_eq!(
            decide_topic(OTHER, &member, &hidden, TopicAction::Read),
            Decision::Hide
        );
        assert_eq!(
            decide_topic(AUTHOR, &member, &hidden, TopicAction::Read),
            Decision::Allow
        );
        assert_eq!(
            decide_topic(AUTHOR, &member, &hidden, TopicAction::Reply),
            Decision::Deny
        );
        assert_eq!(
            decide_topic(AUTHOR, &member, &deleted, TopicAction::Read),
            Decision::Hide
        );
        let moderator = space(Some(Role::Moderator));
        assert_eq!(
            decide_topic(OTHER, &moderator, &deleted, TopicAction::Read),
            Decision::Allow
        );
    }

    #[test]
    fn only_authors_see_their_drafts() {
        let draft = TopicFacts {
            unpublished: true,
            ..topic(TopicKind::Post, TopicState::Open)
        };
        assert_eq!(
            decide_topic(AUTHOR, &space(Some(Role::Owner)), &draft, TopicAction::Read),
            Decision::Allow
        );
        assert_eq!(
            decide_topic(
                AUTHOR,
                &space(Some(Role::Owner)),
                &draft,
                TopicAction::Reply
            ),
            Decision::Deny
        );
        assert_eq!(
            decide_topic(OTHER, &space(Some(Role::Owner)), &draft, TopicAction::Read),
            Decision::Hide
        );
    }

    #[test]
    fn any_member_edits_documents_but_only_authors_edit_discussions() {
        let member = space(Some(Role::Member));
        let doc = topic(TopicKind::Document, TopicState::Open);
        let disc = topic(TopicKind::Discussion, TopicState::Open);
        assert_eq!(
            decide_topic(OTHER, &member, &doc, TopicAction::Edit),
            Decision::Allow
        );
        assert_eq!(
            decide_topic(OTHER, &member, &disc, TopicAction::Edit),
            Decision::Deny
        );
        assert_eq!(
            decide_topic(OTHER, &space(None), &doc, TopicAction::Edit),
            Decision::Deny
        );
    }

    #[test]
    fn editing_someone_elses_topic_is_moderation_unless_every_member_may() {
        let moderator = space(Some(Role::Moderator));
        let disc = topic(TopicKind::Discussion, TopicState::Open);
        let doc = topic(TopicKind::Document, TopicState::Open);
        assert!(edit_is_moderation(OTHER, &moderator, &disc));
        assert!(!edit_is_moderation(AUTHOR, &moderator, &disc));
        assert!(!edit_is_moderation(OTHER, &moderator, &doc));
        let admin = Viewer::User {
            id: UserId(3),
            admin: true,
        };
        assert!(
            edit_is_moderation(admin, &space(None), &doc),
            "an administrator outside the space edits a document as moderator"
        );
    }

    #[test]
    fn only_questions_have_accepted_answers() {
        let member = space(Some(Role::Member));
        let q = topic(TopicKind::Question, TopicState::Open);
        assert_eq!(
            decide_topic(AUTHOR, &member, &q, TopicAction::Accept),
            Decision::Allow
        );
        assert_eq!(
            decide_topic(OTHER, &member, &q, TopicAction::Accept),
            Decision::Deny
        );
        let d = topic(TopicKind::Discussion, TopicState::Open);
        assert_eq!(
            decide_topic(AUTHOR, &member, &d, TopicAction::Accept),
            Decision::Deny
        );
    }

    #[test]
    fn nothing_of_an_unreadable_space_exists() {
        let private = SpaceAccess {
            visibility: Visibility::Private,
            ..space(None)
        };
        let t = topic(TopicKind::Discussion, TopicState::Open);
        assert_eq!(
            decide_topic(OTHER, &private, &t, TopicAction::Read),
            Decision::Hide
        );
    }
}

/// When a topic published at `now` appears to readers: at once, or at its
/// scheduled time. Activity is sorted, and followers are told, as of then.
pub fn appears_at(publish_at: Option<i64>, now: i64) -> i64 {
    publish_at.map_or(now, |at| at.max(now))
}

/// What a topic's latest activity becomes after an edit at `now`: a draft
/// published, or a scheduled post not yet out, moves to when it appears; a
/// document's new text is news; any other edit is not. `published`: not a
/// draft after the edit.
pub fn activity_after_edit(
    kind: crate::model::TopicKind,
    had_appeared: bool,
    published: bool,
    text_changed: bool,
    publish_at: Option<i64>,
    now: i64,
    last: i64,
) -> i64 {
    if !published {
        last
    } else if !had_appeared {
        appears_at(publish_at, now)
    } else if text_changed && kind == crate::model::TopicKind::Document {
        now
    } else {
        last
    }
}

/// How deep replies nest: an answer to a reply this deep sits beside it,
/// at the same depth, as the page shows it. Keeps thread paths (and their
/// index entries) short however long a conversation goes on.
pub const MAX_REPLY_DEPTH: i64 = 4;

/// Where a new reply goes in its topic's thread: its depth, and the thread
/// path it extends. Thread paths are zero-padded ids joined by dots, so
/// that sorting them gives depth-first thread order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadPlace {
    /// The new reply's depth: 0 for an answer to the topic.
    pub depth: i64,
    prefix: Option<String>,
}

impl ThreadPlace {
    /// The place of an answer to the topic (`None`) or to a reply with this
    /// thread path and depth.
    pub fn under(parent: Option<(&str, i64)>) -> Self {
        match parent {
            None => Self {
                depth: 0,
                prefix: None,
            },
            Some((path, depth)) if depth < MAX_REPLY_DEPTH => Self {
                depth: depth + 1,
                prefix: Some(path.to_owned()),
            },
            // At the cap: beside the parent, under the parent's own parent.
            Some((path, depth)) => Self {
                depth,
                prefix: path.rsplit_once('.').map(|(up, _)| up.to_owned()),
            },
        }
    }

    /// The thread path of the reply once it has its id.
    pub fn path(&self, id: i64) -> String {
        match &self.prefix {
            Some(p) => format!("{p}.{id:012}"),
            None => format!("{id:012}"),
        }
    }
}

#[cfg(test)]
mod thread_tests {
    use super::*;
    use crate::model::TopicKind;

    #[test]
    fn activity_moves_when_a_topic_appears_or_a_document_changes() {
        assert_eq!(appears_at(None, 10), 10);
        assert_eq!(appears_at(Some(50), 10), 50);
        assert_eq!(appears_at(Some(5), 10), 10);
        let after = |kind, had_appeared, published, text| {
            activity_after_edit(kind, had_appeared, published, text, Some(50), 10, 1)
        };
        // A draft or a scheduled post published: when it appears.
        assert_eq!(after(TopicKind::Post, false, true, false), 50);
        // Still unpublished: unchanged.
        assert_eq!(after(TopicKind::Post, false, false, true), 1);
        // A document's text edited: now; a discussion's: unchanged.
        assert_eq!(after(TopicKind::Document, true, true, true), 10);
        assert_eq!(after(TopicKind::Discussion, true, true, true), 1);
        assert_eq!(after(TopicKind::Document, true, true, false), 1);
    }

    #[test]
    fn replies_nest_to_the_cap_then_sit_beside_their_parent() {
        let top = ThreadPlace::under(None);
        assert_eq!((top.depth, top.path(7)), (0, "000000000007".to_owned()));
        let mut path = top.path(7);
        for depth in 1..=MAX_REPLY_DEPTH {
            let place = ThreadPlace::under(Some((&path, depth - 1)));
            assert_eq!(place.depth, depth);
            path = place.path(100 + depth);
        }
        let beside = ThreadPlace::under(Some((&path, MAX_REPLY_DEPTH)));
        assert_eq!(beside.depth, MAX_REPLY_DEPTH);
        let sibling = beside.path(999);
        assert_eq!(sibling.len(), path.len());
        assert_eq!(
            sibling.rsplit_once('.').unwrap().0,
            path.rsplit_once('.').unwrap().0
        );
        assert!(sibling > path, "after its parent in thread order");
    }
}
