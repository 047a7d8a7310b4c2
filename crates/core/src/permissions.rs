//! Who may see and do what in a space. Plain functions over plain values:
//! the store enforces the same rules in its list queries.

use crate::ids::UserId;
use crate::model::{JoinPolicy, Role, SpaceKind, Visibility};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Not signed in.
    Guest,
    /// A signed-in, active account.
    User {
        /// The account.
        id: UserId,
        /// Whether the account administers the site.
        admin: bool,
    },
}

impl Viewer {
    /// The signed-in account, if any.
    pub fn user_id(self) -> Option<UserId> {
        match self {
            Viewer::Guest => None,
            Viewer::User { id, .. } => Some(id),
        }
    }

    /// Whether the viewer administers the site.
    pub fn is_admin(self) -> bool {
        matches!(self, Viewer::User { admin: true, .. })
    }
}

/// What a decision needs to know about one space and the viewer's place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceAccess {
    /// Community or personal.
    pub kind: SpaceKind,
    /// Public, private or secret.
    pub visibility: Visibility,
    /// Open, request or invite.
    pub join_policy: JoinPolicy,
    /// The viewer's role, if they are a member.
    pub role: Option<Role>,
    /// The site setting that lets guests read public spaces.
    pub guest_access: bool,
}

/// Something a viewer may want to do with a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceAction {
    /// Know that it exists: its name in lists, its page header.
    See,
    /// Read its content and its member list.
    Read,
    /// Create topics and replies.
    Write,
    /// Become a member at once.
    Join,
    /// Ask to become a member.
    RequestJoin,
    /// Stop being a member.
    Leave,
    /// Hide, lock, move content; approve join requests.
    Moderate,
    /// Change settings, roles and members.
    Manage,
}

impl SpaceAction {
    /// Every action, for exhaustive tests.
    pub const ALL: &'static [SpaceAction] = &[
        SpaceAction::See,
        SpaceAction::Read,
        SpaceAction::Write,
        SpaceAction::Join,
        SpaceAction::RequestJoin,
        SpaceAction::Leave,
        SpaceAction::Moderate,
        SpaceAction::Manage,
    ];
}

/// The answer to "may this viewer do this?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// The viewer may know the space exists but may not do this (403).
    Deny,
    /// The viewer may not even know the space exists (404).
    Hide,
}

/// Whether the viewer may know the space exists.
pub fn can_see(viewer: Viewer, space: &SpaceAccess) -> bool {
    match viewer {
        Viewer::Guest => space.guest_access && space.visibility == Visibility::Public,
        Viewer::User { admin, .. } => {
            admin || space.role.is_some() || space.visibility != Visibility::Secret
        }
    }
}

/// Decides whether `viewer` may do `action` in `space`.
pub fn decide(viewer: Viewer, space: &SpaceAccess, action: SpaceAction) -> Decision {
    if !can_see(viewer, space) {
        return Decision::Hide;
    }
    let signed_in = viewer.user_id().is_some();
    let admin = viewer.is_admin();
    let community = space.kind == SpaceKind::Community;
    let allowed = match action {
        SpaceAction::See => true,
        SpaceAction::Read => {
            admin || space.role.is_some() || space.visibility == Visibility::Public
        }
        SpaceAction::Write => space.role.is_some(),
        SpaceAction::Join => {
            signed_in && community && space.role.is_none() && space.join_policy == JoinPolicy::Open
        }
        SpaceAction::RequestJoin => {
            signed_in
                && community
                && space.role.is_none()
                && space.join_policy == JoinPolicy::Request
        }
        SpaceAction::Leave => community && space.role.is_some(),
        SpaceAction::Moderate => admin || matches!(space.role, Some(Role::Owner | Role::Moderator)),
        SpaceAction::Manage => admin || space.role == Some(Role::Owner),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// Whether the viewer may read the space's content.
pub fn can_read(viewer: Viewer, space: &SpaceAccess) -> bool {
    decide(viewer, space, SpaceAction::Read) == Decision::Allow
}

/// Whether posting or replying makes the viewer a member on the way: a
/// signed-in non-member of an open space they may read, who could join it
/// with one click anyway, is not made to take that step first.
pub fn joins_by_contributing(viewer: Viewer, space: &SpaceAccess) -> bool {
    decide(viewer, space, SpaceAction::Join) == Decision::Allow && can_read(viewer, space)
}

/// The space as the viewer would see it when contributing: as a member
/// where contributing joins them ([`joins_by_contributing`]), else as is.
pub fn as_contributor(viewer: Viewer, space: &SpaceAccess) -> SpaceAccess {
    if joins_by_contributing(viewer, space) {
        SpaceAccess {
            role: Some(Role::Member),
            ..*space
        }
    } else {
        *space
    }
}

#[cfg(test)]
#[path = "permissions_table.rs"]
mod table;
