//! Records that cross the storage boundary. Times are Unix milliseconds.

use hearth_core::ids::{InviteId, SpaceId, TokenId, UserId};
use hearth_core::model::{
    AuditAction, JoinPolicy, Registration, Role, SpaceKind, UserStatus, Visibility,
};
use hearth_core::names::{Description, DisplayName, Email, Slug, SpaceName, Username};

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Its login name.
    pub username: Username,
    /// The name shown beside its content.
    pub display_name: DisplayName,
    /// Its e-mail address.
    pub email: Email,
    /// Whether it administers the site.
    pub is_admin: bool,
    /// Whether it may be used.
    pub status: UserStatus,
    /// When it was created.
    pub created_at: i64,
}

/// A new account; its personal space is created with it.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: Username,
    /// Shown name.
    pub display_name: DisplayName,
    /// E-mail address.
    pub email: Email,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// Whether it administers the site.
    pub is_admin: bool,
    /// The invitation it accepts, marked used in the same transaction.
    pub invite: Option<InviteId>,
    /// Create it only as the site's first account (its first administrator);
    /// conflict `users_first` once any account exists, decided inside the
    /// write so that two first registrations cannot both succeed.
    pub only_first: bool,
    /// Creation time.
    pub created_at: i64,
}

/// A signed-in browser session. The cookie holds a secret; the store only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's secret, hex.
    pub id_hash: String,
    /// Whose session.
    pub user_id: UserId,
    /// The token that this session's forms must carry.
    pub csrf_token: String,
    /// When it began.
    pub created_at: i64,
    /// When it was last used (updated at most once a minute).
    pub last_seen_at: i64,
    /// When it ends regardless of use.
    pub expires_at: i64,
    /// The browser that opened it, for the sessions page.
    pub user_agent: String,
}

/// An API bearer token. The store keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id.
    pub id: TokenId,
    /// Whose token.
    pub user_id: UserId,
    /// A name its owner gave it.
    pub name: String,
    /// When it was made.
    pub created_at: i64,
    /// When it was last used, if ever (updated at most once a minute).
    pub last_used_at: Option<i64>,
}

/// A new API token.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// Whose token.
    pub user_id: UserId,
    /// A name for it.
    pub name: String,
    /// SHA-256 of the secret, hex.
    pub token_hash: String,
    /// When it was made.
    pub created_at: i64,
}

/// A space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    /// Its id.
    pub id: SpaceId,
    /// Its short name in URLs (`~username` for personal spaces).
    pub slug: String,
    /// Its title.
    pub name: SpaceName,
    /// What it is for.
    pub description: Description,
    /// Community or personal.
    pub kind: SpaceKind,
    /// Who may see it.
    pub visibility: Visibility,
    /// How people join.
    pub join_policy: JoinPolicy,
    /// When it was created.
    pub created_at: i64,
}

/// A space together with the viewer's role in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceView {
    /// The space.
    pub space: Space,
    /// The viewer's role, if a member.
    pub role: Option<Role>,
    /// How many members it has.
    pub member_count: i64,
}

/// A new community space; its creator becomes its owner in the same transaction.
#[derive(Debug, Clone)]
pub struct NewSpace {
    /// Its slug.
    pub slug: Slug,
    /// Its title.
    pub name: SpaceName,
    /// Its description.
    pub description: Description,
    /// Who may see it.
    pub visibility: Visibility,
    /// How people join.
    pub join_policy: JoinPolicy,
    /// Its first owner.
    pub owner: UserId,
    /// Creation time.
    pub created_at: i64,
}

/// A change to a space's settings; `None` keeps a value.
#[derive(Debug, Clone, Default)]
pub struct SpacePatch {
    /// New title.
    pub name: Option<SpaceName>,
    /// New description.
    pub description: Option<Description>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New join policy.
    pub join_policy: Option<JoinPolicy>,
}

/// One member of a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The account.
    pub user: User,
    /// Its role.
    pub role: Role,
    /// When it joined.
    pub joined_at: i64,
}

/// A pending request to join a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    /// Who asks.
    pub user: User,
    /// When they asked.
    pub requested_at: i64,
}

/// What a moderator decided on a request to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinDecision {
    /// Approved (a member now) or declined.
    pub approve: bool,
    /// Who decided.
    pub by: UserId,
    /// When.
    pub now: i64,
}

/// An invitation to create an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// Its id.
    pub id: InviteId,
    /// Who is invited.
    pub email: Email,
    /// Who invited them.
    pub invited_by: UserId,
    /// When.
    pub created_at: i64,
    /// Until when it may be used.
    pub expires_at: i64,
}

/// A new invitation; the link's secret is known only to its hash here.
#[derive(Debug, Clone)]
pub struct NewInvite {
    /// Who is invited.
    pub email: Email,
    /// SHA-256 of the link's secret, hex.
    pub token_hash: String,
    /// Who invites.
    pub invited_by: UserId,
    /// When.
    pub created_at: i64,
    /// Until when it may be used.
    pub expires_at: i64,
    /// The mail that carries the link, enqueued with it; none when the
    /// administrator passes the link on by hand.
    pub mail: Option<crate::mail::NewMail>,
}

/// Site-wide settings an administrator changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    /// The site's name in the header and title.
    pub site_name: String,
    /// Who may create an account.
    pub registration: Registration,
    /// Whether guests may read public spaces without signing in.
    pub guest_access: bool,
    /// Maintenance: the site is readable but refuses writes.
    pub read_only: bool,
    /// The time zone (an IANA name) digests go in for members who chose
    /// none.
    pub time_zone: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            site_name: "Hearth".into(),
            registration: Registration::InviteOnly,
            guest_access: false,
            read_only: false,
            time_zone: "UTC".into(),
        }
    }
}

/// Cursor paging: rows with an id greater than `after`, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Exclusive lower bound of ids; 0 for the first page.
    pub after: i64,
    /// How many rows at most.
    pub limit: u32,
}

impl Page {
    /// The first page of `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self { after: 0, limit }
    }
}

/// How busy a connection pool is, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub size: usize,
    /// Connections idle.
    pub idle: usize,
}

/// A record of an action taken as owner, moderator or administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Its id, increasing.
    pub id: i64,
    /// When.
    pub at: i64,
    /// Who acted.
    pub actor: User,
    /// What was done, e.g. `topic.hide`.
    pub action: AuditAction,
    /// What it was done to, e.g. `topic:12`.
    pub target: String,
    /// The space concerned, if any.
    pub space_id: Option<SpaceId>,
    /// The value before, if it had one.
    pub before: Option<String>,
    /// The value after.
    pub after: Option<String>,
}

/// An action to record; written in the same transaction as the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// When.
    pub at: i64,
    /// Who acts.
    pub actor: UserId,
    /// What is done.
    pub action: AuditAction,
    /// What it is done to.
    pub target: String,
    /// The space concerned.
    pub space_id: Option<SpaceId>,
    /// The value before.
    pub before: Option<String>,
    /// The value after.
    pub after: Option<String>,
}

/// What the store holds, counted now, for the status page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteStats {
    /// Accounts.
    pub users: i64,
    /// Community spaces.
    pub spaces: i64,
    /// Topics.
    pub topics: i64,
    /// Replies.
    pub replies: i64,
    /// Attachments.
    pub attachments: i64,
    /// The schema version in the database.
    pub schema_version: i64,
    /// When the newest migration was applied (Unix ms).
    pub migrated_at: i64,
}

/// The answer to a write sent with an `Idempotency-Key`, kept so that a
/// retry gets it instead of writing again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    /// Whose key (keys are per user).
    pub user: UserId,
    /// The client's key.
    pub key: String,
    /// What the write was (method, path, body hash): a key reused for
    /// another write is refused.
    pub fingerprint: String,
    /// The answer, as its writer encoded it.
    pub answer: Vec<u8>,
    /// When it was answered.
    pub created_at: i64,
}

/// A sign-in about to be checked. It is counted under the key of each of
/// its limits, unless one of them is already full; counting comes before
/// the password is checked, so that a burst of attempts cannot all slip
/// through before the first is counted.
#[derive(Debug, Clone)]
pub struct SigninAttempt {
    /// A random id, to forget the attempt if it succeeds.
    pub id: String,
    /// When it was made.
    pub at: i64,
    /// Attempts made before this no longer count (and are removed).
    pub since: i64,
    /// The limits it must be within.
    pub limits: Vec<SigninLimit>,
    /// Known keys recorded before this no longer count (and are removed).
    pub known_since: i64,
}

/// At most `max` attempts under `key` since the attempt's `since`.
#[derive(Debug, Clone)]
pub struct SigninLimit {
    /// A hash naming what is counted (an address, a login, or both).
    pub key: String,
    /// The attempts allowed.
    pub max: i64,
    /// The limit does not apply when a sign-in succeeded under this known
    /// key since `known_since` (a member's own address).
    pub unless_known: Option<String>,
}

/// What a sign-in that succeeded lets the store forget.
#[derive(Debug, Clone)]
pub struct SigninSuccess {
    /// The attempt's id.
    pub attempt: String,
    /// Keys under which only this attempt is forgotten.
    pub forget_attempt: Vec<String>,
    /// Keys whose every attempt is forgotten.
    pub forget_all: Vec<String>,
    /// Recorded as known, so that limits naming it no longer apply.
    pub known: String,
    /// When it succeeded.
    pub at: i64,
    /// Known keys recorded before this are removed.
    pub known_since: i64,
}

/// A stylesheet or script as a release served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Its fingerprint: the start of its body's SHA-256, in hex.
    pub fingerprint: String,
    /// Its name (`hearth.css`), which tells its type.
    pub name: String,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// Something the deployment did for its own safety, as the database keeps
/// it for every node: a backup, its proof, an integrity check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsRecord {
    /// Which: see [`OpsKind`].
    pub kind: OpsKind,
    /// When it last ran (Unix ms).
    pub at: i64,
    /// Whether it went well.
    pub ok: bool,
    /// What it did, or what went wrong.
    pub detail: String,
    /// When it last went well (Unix ms), if ever.
    pub last_ok_at: Option<i64>,
}

/// The kinds of [`OpsRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpsKind {
    /// A backup written.
    Backup,
    /// A backup restored into a scratch store and verified there.
    RestoreCheck,
    /// The live database checked (`hearth verify --live`, or each
    /// scheduled backup round).
    IntegrityCheck,
}

impl OpsKind {
    /// Every kind.
    pub const ALL: &'static [OpsKind] = &[
        OpsKind::Backup,
        OpsKind::RestoreCheck,
        OpsKind::IntegrityCheck,
    ];

    /// How the store names it.
    pub fn as_str(self) -> &'static str {
        match self {
            OpsKind::Backup => "backup",
            OpsKind::RestoreCheck => "restore_check",
            OpsKind::IntegrityCheck => "integrity_check",
        }
    }

    /// The kind the store names `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}
