//! The one visibility predicate: which spaces and topics a viewer may see,
//! written as SQL from the rules of `hearth_core::permissions` (spaces) and
//! `hearth_core::topic_rules` (topics). Every query that lists for a viewer
//! takes its filter from a [`Seer`], and names itself as a [`Reader`]: the
//! conformance suite checks every reader against the permission rules.

use hearth_core::permissions::Viewer;

use crate::value::Args;

/// Every query that lists what a viewer may see. A new one is added here,
/// and the conformance suite will not compile until it checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The spaces directory.
    ListSpaces,
    /// The spaces a member belongs to, on their profile.
    SpacesOfMember,
    /// A space's topics.
    SpaceTopics,
    /// Topics across spaces: tag pages, feeds, profiles.
    VisibleTopics,
    /// Someone's replies across spaces, on their profile.
    VisibleReplies,
    /// Topics and replies found by a search.
    Search,
    /// Spaces found by a search.
    SearchSpaces,
    /// Topics whose titles resemble one being written.
    SimilarTopics,
    /// Whom a new reply or topic notifies: each of them must read it.
    NotifyRecipients,
    /// Someone's notifications, and their unread count.
    Notifications,
    /// What someone follows.
    Followed,
    /// Live events for a connected reader.
    LiveEvents,
}

impl Reader {
    /// Every reader.
    pub const ALL: &'static [Reader] = &[
        Reader::ListSpaces,
        Reader::SpacesOfMember,
        Reader::SpaceTopics,
        Reader::VisibleTopics,
        Reader::VisibleReplies,
        Reader::Search,
        Reader::SearchSpaces,
        Reader::SimilarTopics,
        Reader::NotifyRecipients,
        Reader::Notifications,
        Reader::Followed,
        Reader::LiveEvents,
    ];
}

/// Which topics a list shows of those the viewer may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// What every reader of the space sees: open or locked, published.
    Live,
    /// Also what the viewer sees as its author or a moderator: hidden
    /// topics, and their own drafts and scheduled posts. Deleted topics are
    /// listed nowhere (moderators find them in the audit log).
    WithOwn,
}

/// A viewer, as the predicate needs it. Guests are filtered as if guest
/// access were on: the use cases refuse guests first when it is off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seer {
    who: Who,
    now: i64,
    /// Which list asks: each names itself, so that every one is in the
    /// registry the conformance suite checks.
    #[expect(dead_code, reason = "kept to tie each list to its registry entry")]
    reader: Reader,
}

/// Whose sight the predicate describes.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// One viewer, bound as arguments.
    Viewer { user: i64, admin: bool, guest: bool },
    /// Each row's account `u` (of `users u`): whom to notify.
    EachUser,
}

impl Seer {
    /// `viewer`, at `now`, for the list `reader`.
    pub(crate) fn new(viewer: Viewer, now: i64, reader: Reader) -> Self {
        Self {
            who: Who::Viewer {
                user: viewer.user_id().map_or(0, |u| u.0),
                admin: viewer.is_admin(),
                guest: viewer.user_id().is_none(),
            },
            now,
            reader,
        }
    }

    /// Each account `u` of the query (a signed-in member, never a guest),
    /// at `now`, for the list `reader`: the same rules, row by row.
    pub(crate) fn each_user(now: i64, reader: Reader) -> Self {
        Self {
            who: Who::EachUser,
            now,
            reader,
        }
    }

    fn user(&self, q: &mut Args<'_>) -> String {
        match self.who {
            Who::Viewer { user, .. } => q.arg(user),
            Who::EachUser => "u.id".into(),
        }
    }

    fn admin(&self, q: &mut Args<'_>) -> String {
        match self.who {
            Who::Viewer { admin, .. } => q.arg(admin),
            Who::EachUser => "u.is_admin".into(),
        }
    }

    fn guest(&self, q: &mut Args<'_>) -> String {
        match self.who {
            Who::Viewer { guest, .. } => q.arg(guest),
            Who::EachUser => "FALSE".into(),
        }
    }

    /// Joins `m`, the viewer's membership of space `space` (none for guests).
    pub(crate) fn membership(&self, q: &mut Args<'_>, space: &str) -> String {
        format!(
            "LEFT JOIN memberships m ON m.space_id = {space}.id AND m.user_id = {}",
            self.user(q)
        )
    }

    /// Where the viewer may know that space `s` exists
    /// (`permissions::can_see`): guests public spaces only; members and
    /// administrators any; others all but secret ones.
    pub(crate) fn sees_space(&self, q: &mut Args<'_>) -> String {
        format!(
            "(CASE WHEN {guest} THEN s.visibility = 'public'
                   ELSE {admin} OR m.user_id IS NOT NULL OR s.visibility <> 'secret' END)",
            guest = self.guest(q),
            admin = self.admin(q),
        )
    }

    /// Where the viewer may read space `s` (`SpaceAction::Read`): public
    /// spaces, their own, or any for administrators.
    pub(crate) fn reads_space(&self, q: &mut Args<'_>) -> String {
        format!(
            "(CASE WHEN {guest} THEN s.visibility = 'public'
                   ELSE {admin} OR m.user_id IS NOT NULL OR s.visibility = 'public' END)",
            guest = self.guest(q),
            admin = self.admin(q),
        )
    }

    /// Where the viewer moderates space `s` (`SpaceAction::Moderate`).
    fn moderates(&self, q: &mut Args<'_>) -> String {
        format!("({} OR m.role IN ('owner', 'moderator'))", self.admin(q))
    }

    /// Where the viewer may be told of a notification of kind `kind` (SQL)
    /// about space `s` itself, caused by `actor` (SQL): a request to join
    /// while it is pending and they moderate the space; anything else while
    /// they may know the space exists.
    pub(crate) fn told_of_space(&self, q: &mut Args<'_>, kind: &str, actor: &str) -> String {
        format!(
            "(CASE WHEN {kind} = 'join_request'
                   THEN {moderates} AND EXISTS (SELECT 1 FROM join_requests j
                        WHERE j.space_id = s.id AND j.user_id = {actor})
                   ELSE {sees} END)",
            moderates = self.moderates(q),
            sees = self.sees_space(q),
        )
    }

    /// Where the viewer may read topic `t` of space `s`
    /// (`topic_rules::decide_topic`, `TopicAction::Read`), of those a list
    /// of `scope` shows.
    pub(crate) fn reads_topic(&self, q: &mut Args<'_>, scope: Scope) -> String {
        let space = self.reads_space(q);
        let now = q.arg(self.now);
        let published =
            format!("(NOT t.draft AND (t.publish_at IS NULL OR t.publish_at <= {now}))");
        match scope {
            Scope::Live => format!("({space} AND t.state IN ('open', 'locked') AND {published})"),
            Scope::WithOwn => {
                let author = format!("t.author_id = {}", self.user(q));
                let moderator = self.moderates(q);
                format!(
                    "({space} AND (t.state IN ('open', 'locked')
                          OR (t.state = 'hidden' AND ({author} OR {moderator})))
                      AND ({published} OR {author}))"
                )
            }
        }
    }
}
