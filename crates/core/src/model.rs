//! The small vocabulary of the model: kinds, visibilities, roles and states.

use crate::CoreError;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable text stored in the database and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// Parses the stored or submitted text.
            pub fn parse(s: &str) -> Result<Self, CoreError> {
                match s { $($text => Ok($name::$variant),)* _ => Err(CoreError::invalid($field, format!("unknown value {s:?}"))) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Whether a space is shared by a community or is one person's own.
    SpaceKind, "kind" {
        /// A space any number of people share.
        Community = "community",
        /// One user's blog and drafts.
        Personal = "personal",
    }
);

text_enum!(
    /// Who may see a space and its content.
    Visibility, "visibility" {
        /// Every signed-in member of the organisation reads it.
        Public = "public",
        /// Listed for everyone; only members read its content.
        Private = "private",
        /// Unlisted; only members know it exists.
        Secret = "secret",
    }
);

text_enum!(
    /// How people become members of a space.
    JoinPolicy, "join_policy" {
        /// Anyone who can see the space may join.
        Open = "open",
        /// People ask; an owner or moderator approves.
        Request = "request",
        /// Only owners add members.
        Invite = "invite",
    }
);

text_enum!(
    /// A member's role in one space.
    Role, "role" {
        /// Runs the space: settings, roles, members.
        Owner = "owner",
        /// Moderates content and approves join requests.
        Moderator = "moderator",
        /// Reads and writes.
        Member = "member",
    }
);

text_enum!(
    /// Whether an account may be used.
    UserStatus, "status" {
        /// Signs in and acts normally.
        Active = "active",
        /// Kept, but may not sign in; its sessions and tokens stop working.
        Locked = "locked",
        /// Removed from view; its sessions and tokens stop working.
        Deleted = "deleted",
    }
);

text_enum!(
    /// Who may create an account.
    Registration, "registration" {
        /// Anyone who reaches the site.
        Open = "open",
        /// Only people an administrator invited.
        InviteOnly = "invite_only",
    }
);

text_enum!(
    /// What a topic is.
    TopicKind, "kind" {
        /// A title, a body and threaded replies.
        Discussion = "discussion",
        /// Like a discussion; one reply may be accepted as the answer.
        Question = "question",
        /// A blog post, with comments; may be a draft or scheduled.
        Post = "post",
        /// A page any member of the space may edit, with every version kept.
        Document = "document",
    }
);

text_enum!(
    /// Whether a topic takes replies and who sees it.
    TopicState, "state" {
        /// Visible and open for replies.
        Open = "open",
        /// Visible; only moderators reply.
        Locked = "locked",
        /// Seen only by its author and moderators.
        Hidden = "hidden",
        /// Deleted, restorable by moderators.
        Deleted = "deleted",
    }
);

text_enum!(
    /// What an audit event records: actions of owners, moderators and
    /// administrators, and changes to someone's own security.
    AuditAction, "action" {
        /// Someone signed in.
        Signin = "auth.signin",
        /// Someone changed their password.
        PasswordChange = "auth.password",
        /// Someone set a new password with a "forgot password" link.
        PasswordReset = "auth.password_reset",
        /// Someone confirmed a new e-mail address from it.
        EmailChange = "auth.email",
        /// Someone created an API token.
        TokenCreate = "auth.token",
        /// An owner added a member.
        MemberAdd = "member.add",
        /// A moderator approved a request to join.
        MemberApprove = "member.approve",
        /// An owner changed a member's role.
        MemberRole = "member.role",
        /// An owner removed a member.
        MemberRemove = "member.remove",
        /// An owner changed a space's settings.
        SpaceSettings = "space.settings",
        /// A moderator edited someone else's topic.
        TopicEdit = "topic.edit",
        /// A moderator hid or showed a topic.
        TopicHide = "topic.hide",
        /// A moderator locked or unlocked a topic.
        TopicLock = "topic.lock",
        /// A moderator pinned a topic.
        TopicPin = "topic.pin",
        /// A moderator unpinned a topic.
        TopicUnpin = "topic.unpin",
        /// A moderator moved a topic to another space.
        TopicMove = "topic.move",
        /// A topic was deleted.
        TopicDelete = "topic.delete",
        /// A moderator restored a deleted topic.
        TopicRestore = "topic.restore",
        /// A moderator changed a question's accepted answer.
        TopicAccept = "topic.accept",
        /// A reply was deleted.
        ReplyDelete = "reply.delete",
        /// A reply was restored.
        ReplyRestore = "reply.restore",
        /// A file was deleted.
        AttachmentDelete = "attachment.delete",
        /// An administrator changed the site's settings.
        SiteSettings = "site.settings",
        /// An administrator locked, deleted or reactivated an account.
        UserStatus = "user.status",
        /// An administrator granted or withdrew administration.
        UserAdmin = "user.admin",
        /// An administrator changed someone's profile or e-mail address.
        UserProfile = "user.profile",
        /// An administrator changed or removed someone's picture.
        UserAvatar = "user.avatar",
    }
);
