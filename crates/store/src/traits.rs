//! The storage traits, one per aggregate, and the [`Store`] that combines them.

use async_trait::async_trait;
use hearth_core::files::FileRef;
use hearth_core::ids::{AttachmentId, InviteId, ReplyId, SpaceId, TokenId, TopicId, UserId};
use hearth_core::model::{Role, TopicState, UserStatus};
use hearth_core::names::Username;
use hearth_core::permissions::Viewer;
use hearth_core::search::Query;

use crate::Result;
use crate::content::*;
use crate::data_migrations::DataMigrationStore;
use crate::following::*;
use crate::mail_traits::*;
use crate::people::*;
use crate::records::*;
use crate::search::*;

/// Accounts.
#[async_trait]
pub trait UserStore {
    /// Creates an account with its personal space; marks `invite` used. Conflict on a taken username or e-mail.
    async fn create_user(&self, user: NewUser) -> Result<User>;
    /// The account with this id, in any status.
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    /// The account with this username, in any status.
    async fn user_by_username(&self, username: &Username) -> Result<Option<User>>;
    /// The account whose username or e-mail is `login`, with its password hash.
    async fn credentials(&self, login: &str) -> Result<Option<(User, String)>>;
    /// Accounts in id order.
    async fn list_users(&self, page: Page) -> Result<Vec<User>>;
    /// How many accounts exist.
    async fn count_users(&self) -> Result<i64>;
    /// Whether any account exists: a new site's first visitor sets up its
    /// administrator.
    async fn has_users(&self) -> Result<bool>;
    /// Locks, deletes or reactivates an account; anything but active ends its sessions and tokens.
    async fn set_user_status(
        &self,
        id: UserId,
        status: UserStatus,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Grants or withdraws site administration.
    async fn set_admin(&self, id: UserId, admin: bool, audit: Option<NewAuditEvent>) -> Result<()>;
    /// Replaces the password hash; ends every session of the account but
    /// `keep_session` and its feed token, and its API tokens when `end_tokens`.
    async fn set_password(
        &self,
        id: UserId,
        hash: String,
        keep_session: Option<String>,
        end_tokens: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
}

/// The directory of people and the profiles they keep.
#[async_trait]
pub trait PeopleStore {
    /// The account named `username`, in any status, with its profile.
    async fn person(&self, username: &Username) -> Result<Option<Person>>;
    /// A page of the directory.
    async fn people(&self, query: PeopleQuery) -> Result<Vec<Person>>;
    /// Writes a profile and what search finds of it, and names the personal
    /// space after the new name. Conflict on an e-mail address taken.
    async fn update_profile(
        &self,
        id: UserId,
        change: ProfileChange,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Replaces the avatar with these files (small, then large JPEG), or
    /// removes it; a file nobody uses any more is deleted.
    async fn set_avatar(
        &self,
        id: UserId,
        files: Option<[Vec<u8>; 2]>,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// One size of an account's avatar.
    async fn avatar(&self, id: UserId, size: AvatarSize) -> Result<Option<AvatarFile>>;
}

/// Browser sessions.
#[async_trait]
pub trait SessionStore {
    /// Stores a new session.
    async fn create_session(&self, session: Session, audit: Option<NewAuditEvent>) -> Result<()>;
    /// The session with this hash and its active user, if it has not expired by `now`.
    async fn session(&self, id_hash: &str, now: i64) -> Result<Option<(Session, User)>>;
    /// Records use of a session.
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    /// Ends one session of `user`; false if there was none.
    async fn delete_session(&self, user: UserId, id_hash: &str) -> Result<bool>;
    /// The user's sessions, newest first.
    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>>;
}

/// API bearer tokens.
#[async_trait]
pub trait TokenStore {
    /// Stores a new token.
    async fn create_token(
        &self,
        token: NewApiToken,
        audit: Option<NewAuditEvent>,
    ) -> Result<ApiToken>;
    /// The token with this hash and its active user.
    async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>>;
    /// Records use of a token.
    async fn touch_token(&self, id: TokenId, now: i64) -> Result<()>;
    /// The user's tokens, newest first.
    async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>>;
    /// Revokes one token of `user`; false if there was none.
    async fn delete_token(&self, user: UserId, id: TokenId) -> Result<bool>;
    /// Sets (replacing any old one) the user's feed token hash.
    async fn set_feed_token(&self, user: UserId, token_hash: String, now: i64) -> Result<()>;
    /// The active user whose feed token has this hash.
    async fn feed_token_user(&self, token_hash: &str) -> Result<Option<User>>;
    /// Revokes the user's feed token; false if there was none.
    async fn delete_feed_token(&self, user: UserId) -> Result<bool>;
}

/// Sign-in attempts, counted for every node in the database.
#[async_trait]
pub trait SigninStore {
    /// Counts `attempt` under each of its limits' keys, in one transaction,
    /// unless a limit is full: then nothing is counted and the answer is the
    /// time of that key's oldest attempt still counted.
    async fn begin_signin(&self, attempt: SigninAttempt) -> Result<Option<i64>>;
    /// Forgets what a successful sign-in makes moot, and records its known key.
    async fn signin_succeeded(&self, success: SigninSuccess) -> Result<()>;
}

/// Spaces. Every list is filtered by what the viewer may see, inside the query.
#[async_trait]
pub trait SpaceStore {
    /// Creates a community space with its creator as owner. Conflict on a taken slug.
    async fn create_space(&self, space: NewSpace) -> Result<Space>;
    /// The space with this slug and the viewer's role in it, whatever its visibility.
    async fn space_by_slug(&self, slug: &str, viewer: Option<UserId>) -> Result<Option<SpaceView>>;
    /// Community spaces the viewer may know of, in id order.
    async fn list_spaces(&self, viewer: Viewer, page: Page) -> Result<Vec<SpaceView>>;
    /// Community spaces `member` belongs to that the viewer may know of, in id order.
    async fn spaces_of_member(
        &self,
        member: UserId,
        viewer: Viewer,
        page: Page,
    ) -> Result<Vec<SpaceView>>;
    /// Changes a space's settings.
    async fn update_space(
        &self,
        id: SpaceId,
        patch: SpacePatch,
        audit: Option<NewAuditEvent>,
    ) -> Result<Space>;
}

/// Memberships and join requests.
#[async_trait]
pub trait MembershipStore {
    /// Members of a space in user id order.
    async fn members(&self, space: SpaceId, page: Page) -> Result<Vec<Member>>;
    /// Adds a member (and drops their join request). Conflict if already a member.
    async fn add_member(
        &self,
        space: SpaceId,
        user: UserId,
        role: Role,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Adds several distinct members in one transaction: all or none, and
    /// conflict if any is one already (the seeder loads stores this way).
    async fn add_members(
        &self,
        space: SpaceId,
        users: Vec<UserId>,
        role: Role,
        now: i64,
    ) -> Result<()>;
    /// Changes a member's role. Conflict `last_owner` if that would leave no owner.
    async fn set_role(
        &self,
        space: SpaceId,
        user: UserId,
        role: Role,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Removes a member. Conflict `last_owner` if that would leave no owner.
    async fn remove_member(
        &self,
        space: SpaceId,
        user: UserId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Records a request to join, and tells the space's owners and
    /// moderators. Conflict if one is pending.
    async fn request_join(&self, space: SpaceId, user: UserId, now: i64) -> Result<()>;
    /// Pending requests, oldest first.
    async fn join_requests(&self, space: SpaceId) -> Result<Vec<JoinRequest>>;
    /// Approves (makes a member) or declines `user`'s pending request to
    /// join, and tells them what `decision.by` decided; false if there was
    /// no request.
    async fn decide_join_request(
        &self,
        space: SpaceId,
        user: UserId,
        decision: JoinDecision,
        audit: Option<NewAuditEvent>,
    ) -> Result<bool>;
}

/// Invitations to create an account.
#[async_trait]
pub trait InviteStore {
    /// Stores an invitation.
    async fn create_invite(&self, invite: NewInvite) -> Result<Invite>;
    /// The unused, unexpired invitation with this hash.
    async fn invite_by_hash(&self, token_hash: &str, now: i64) -> Result<Option<Invite>>;
    /// Unused invitations, newest first.
    async fn pending_invites(&self, now: i64) -> Result<Vec<Invite>>;
    /// Withdraws an unused invitation; false if there was none.
    async fn delete_invite(&self, id: InviteId) -> Result<bool>;
}

/// Site settings.
#[async_trait]
pub trait SettingsStore {
    /// The current settings (defaults where none were saved).
    async fn settings(&self) -> Result<SiteSettings>;
    /// Saves the settings.
    async fn save_settings(
        &self,
        settings: SiteSettings,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
}

/// Answers to writes sent with an `Idempotency-Key`.
#[async_trait]
pub trait IdempotencyStore {
    /// The answer kept for `user`'s `key`, if any.
    async fn kept_answer(&self, user: UserId, key: String) -> Result<Option<KeptAnswer>>;
    /// Keeps an answer (the first one kept for a key stays) and forgets the
    /// answers kept before `expired_before`.
    async fn keep_answer(&self, answer: KeptAnswer, expired_before: i64) -> Result<()>;
}

/// Topics, their revisions and moderation.
#[async_trait]
pub trait TopicStore {
    /// Creates a topic with its tags, mentions and first revision.
    async fn create_topic(&self, topic: NewTopic) -> Result<Topic>;
    /// The topic, its space with the viewer's role, and whether the viewer likes it.
    async fn topic(&self, id: TopicId, viewer: Option<UserId>) -> Result<Option<TopicView>>;
    /// Topics of a space, pinned first, then by last activity.
    async fn space_topics(&self, query: SpaceTopicsQuery) -> Result<Vec<Topic>>;
    /// Published, open or locked topics of spaces the viewer may read.
    async fn visible_topics(&self, query: VisibleTopicsQuery) -> Result<Vec<Topic>>;
    /// Edits a topic and keeps the new text as a revision; a moderator's edit
    /// of someone else's topic is audited in the same transaction. Conflict
    /// `topic_version` when `base_version` is stale.
    async fn edit_topic(
        &self,
        id: TopicId,
        edit: TopicEdit,
        audit: Option<NewAuditEvent>,
    ) -> Result<Topic>;
    /// Every version of a topic, newest first.
    async fn topic_revisions(&self, id: TopicId) -> Result<Vec<Revision>>;
    /// Sets a topic's state.
    async fn set_topic_state(
        &self,
        id: TopicId,
        state: TopicState,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// A moderator's change of a topic's state or pin, with the note its
    /// author is shown.
    async fn moderate_topic(
        &self,
        id: TopicId,
        change: TopicModeration,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Records that `user` read `topic` now and returns what they had not
    /// seen before: replies by others, not deleted, newer than the newest
    /// reply at their last visit; `None` on a first visit.
    async fn visit_topic(&self, user: UserId, topic: TopicId, now: i64) -> Result<Option<Unseen>>;
    /// What is new for `user` in each of `topics` (a page of a list).
    async fn topic_news(&self, user: UserId, topics: Vec<TopicId>) -> Result<Vec<TopicNews>>;
    /// Moves a topic to another space.
    async fn move_topic(
        &self,
        id: TopicId,
        to: SpaceId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Marks (or clears) a question's accepted answer, audited in the same
    /// transaction when `audit` is given; conflict `reply_topic` when the
    /// reply belongs to another topic. The reply's author is notified that
    /// `by` accepted it.
    async fn set_accepted(
        &self,
        id: TopicId,
        reply: Option<ReplyId>,
        by: UserId,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
}

/// Replies.
#[async_trait]
pub trait ReplyStore {
    /// Adds a reply: threaded under its parent, counted on the topic. Conflict
    /// `reply_parent` when the parent is in another topic, `topic_closed`
    /// when the topic is hidden or deleted.
    async fn create_reply(&self, reply: NewReply) -> Result<Reply>;
    /// Writes several replies in one transaction, in order, all or none,
    /// telling of them as `telling` says (the seeder loads stores this
    /// way); answers their ids. Callers that write batches at once order
    /// each batch by topic, so that their locks cannot cross.
    async fn create_replies(
        &self,
        replies: Vec<NewReply>,
        telling: Telling,
    ) -> Result<Vec<ReplyId>>;
    /// One reply.
    async fn reply(&self, id: ReplyId, viewer: Option<UserId>) -> Result<Option<Reply>>;
    /// A page of a topic's replies in thread order.
    async fn replies(
        &self,
        topic: TopicId,
        offset: i64,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>>;
    /// A topic's newest replies that are not deleted, newest first, wherever
    /// they sit in the thread.
    async fn newest_replies(
        &self,
        topic: TopicId,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Reply>>;
    /// Someone's replies, newest first, that are not deleted and sit on
    /// published, open or locked topics of spaces the viewer may read.
    async fn visible_replies(&self, query: VisibleRepliesQuery) -> Result<Vec<ReplyInTopic>>;
    /// How many replies precede this one in thread order, and its topic.
    async fn reply_position(&self, id: ReplyId) -> Result<Option<(TopicId, i64)>>;
    /// Edits a reply, keeping the new text as a revision.
    async fn edit_reply(&self, id: ReplyId, edit: ReplyEdit) -> Result<Reply>;
    /// Deletes (placeholder) or restores a reply.
    async fn set_reply_deleted(
        &self,
        id: ReplyId,
        deleted: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()>;
    /// Every version of a reply, newest first.
    async fn reply_revisions(&self, id: ReplyId) -> Result<Vec<Revision>>;
}

/// Likes.
#[async_trait]
pub trait ReactionStore {
    /// Likes (`on`) or unlikes; returns the new count.
    async fn set_reaction(
        &self,
        target: ReactionTarget,
        user: UserId,
        on: bool,
        now: i64,
    ) -> Result<i64>;
    /// Likes each target for its user, all in one transaction (an import,
    /// a seed); `telling` says whether their authors are notified.
    async fn add_likes(
        &self,
        likes: Vec<(ReactionTarget, UserId)>,
        telling: Telling,
        now: i64,
    ) -> Result<()>;
    /// Who likes it, earliest first (at most 100).
    async fn likers(&self, target: ReactionTarget) -> Result<Vec<User>>;
}

/// Attachments and their content-addressed blobs.
#[async_trait]
pub trait AttachmentStore {
    /// Stores the blob (once per hash) and a new attachment naming it.
    async fn create_attachment(&self, attachment: NewAttachment) -> Result<Attachment>;
    /// The attachment with this address.
    async fn attachment(&self, file: &FileRef) -> Result<Option<Attachment>>;
    /// The files that belong to a topic or to its replies, oldest first.
    async fn topic_attachments(&self, topic: TopicId) -> Result<Vec<Attachment>>;
    /// Deletes an attachment, and its blob when no other attachment names
    /// it; false if there was none.
    async fn delete_attachment(
        &self,
        id: AttachmentId,
        audit: Option<NewAuditEvent>,
    ) -> Result<bool>;
    /// The bytes of a blob.
    async fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>>;
}

/// The audit log: appended to by the actions above, read by administrators.
#[async_trait]
pub trait AuditStore {
    /// The newest events before id `before` (all when `None`), newest first.
    async fn audit_events(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>>;
}

/// Proof that the stored data is whole and consistent.
#[async_trait]
pub trait VerifyStore {
    /// Checks everything the engine can: its own integrity checks, foreign
    /// keys, every blob against its hash, counts against the rows they count,
    /// and a revision for every current version. Returns what is wrong.
    async fn verify(&self) -> Result<Vec<String>>;
    /// Counts of what the store holds, and its schema's version and age;
    /// without what secret spaces hold unless `secret_spaces`.
    async fn stats(&self, secret_spaces: bool) -> Result<SiteStats>;
}

/// Moving everything out and in, engine-neutrally.
#[async_trait]
pub trait ExportStore {
    /// Streams every table of [`crate::export::TABLES`] into `sink` from one
    /// consistent snapshot, while the site keeps serving; with `space`, only
    /// what belongs to that space's export.
    async fn export(
        &self,
        space: Option<SpaceId>,
        sink: Box<dyn crate::export::ExportSink>,
    ) -> Result<()>;
    /// Whether the store holds no account and no space (safe to import into).
    async fn is_empty(&self) -> Result<bool>;
    /// Inserts rows of one table, in one transaction.
    async fn import_rows(
        &self,
        table: &'static crate::export::Table,
        rows: Vec<Vec<crate::export::Value>>,
    ) -> Result<()>;
    /// After an import: moves id sequences past the imported ids.
    async fn finish_import(&self) -> Result<()>;
}

/// Full-text search, filtered by what the reader may see.
#[async_trait]
pub trait SearchStore {
    /// Topics and replies matching a query.
    async fn search(&self, query: SearchQuery) -> Result<SearchResults>;
    /// Spaces matching a query that the viewer may know exist.
    async fn search_spaces(&self, viewer: Viewer, query: Query, limit: u32) -> Result<Vec<Space>>;
    /// Active members matching a query.
    async fn search_people(&self, query: Query, limit: u32) -> Result<Vec<Person>>;
    /// Topics whose titles share words with a title being written.
    async fn similar_topics(&self, query: SimilarTopicsQuery) -> Result<Vec<Topic>>;
}

/// What members follow and what they are told.
#[async_trait]
pub trait FollowStore {
    /// Follows `target` (or stops following it) for `user`.
    async fn set_follow(
        &self,
        user: UserId,
        target: FollowTarget,
        active: bool,
        now: i64,
    ) -> Result<()>;
    /// Mutes `target` (a topic or a space) for `user`, or unmutes it.
    async fn set_mute(
        &self,
        user: UserId,
        target: FollowTarget,
        muted: bool,
        now: i64,
    ) -> Result<()>;
    /// Whether `user` follows `target`, and whether they muted it.
    async fn follows(&self, user: UserId, target: FollowTarget) -> Result<FollowState>;
    /// What `follower` follows, of what the viewer may see, by kind and name.
    async fn followed(&self, follower: UserId, viewer: Viewer, now: i64) -> Result<Vec<Followed>>;
    /// A page of the viewer's notifications, of what they may still read.
    async fn notifications(&self, query: NotificationsQuery) -> Result<Vec<Notification>>;
    /// How many unread notifications the viewer has, of what they may
    /// still read.
    async fn unread_notifications(&self, viewer: Viewer, now: i64) -> Result<i64>;
    /// Marks `user`'s notifications read: these, or all of them.
    async fn mark_notifications_read(
        &self,
        user: UserId,
        ids: Option<Vec<i64>>,
        now: i64,
    ) -> Result<()>;
}

/// Live events for readers connected now, on this node or any other.
#[async_trait]
pub trait LiveStore {
    /// The newest event: where a new reader starts.
    async fn latest_live_event(&self) -> Result<i64>;
    /// Events after `query.after`, up to `query.until`, that the reader may
    /// see.
    async fn live_events(&self, query: LiveQuery) -> Result<Vec<LiveEvent>>;
    /// The heads of the events after `after`, oldest first: for routing
    /// only, never shown to anyone.
    async fn live_heads(&self, after: i64, limit: u32) -> Result<Vec<LiveHead>>;
    /// Returns once events may have been written since `seen` (a value it
    /// returned before; 0 at first), on this node or, where the engine can
    /// tell, on any node; returns the new value.
    async fn live_changed(&self, seen: u64) -> u64;
    /// The value [`LiveStore::live_changed`] compares with, now.
    fn live_signal_now(&self) -> u64;
}

/// What the deployment did for its own safety, and background work that
/// one node at a time does.
#[async_trait]
pub trait OpsStore {
    /// Records the latest run of `record.kind`, replacing the one before.
    async fn record_ops(&self, record: OpsRecord) -> Result<()>;
    /// The latest run of each kind that has run.
    async fn ops_records(&self) -> Result<Vec<OpsRecord>>;
    /// Claims job `name` for `holder` until `until`, unless another holder
    /// has it past `now`; whether the claim holds.
    async fn claim_job(&self, name: &str, holder: &str, now: i64, until: i64) -> Result<bool>;
    /// Writes a consistent copy of the whole database into the file `to`,
    /// page by page, while the site serves; whether the engine has such a
    /// copy (an embedded one does, a server's is made by its own tools).
    async fn copy_database(&self, to: &std::path::Path) -> Result<bool>;
}

/// The stylesheets and scripts of every release that served this site.
#[async_trait]
pub trait AssetStore {
    /// Keeps `assets`, each unless kept already.
    async fn keep_assets(&self, assets: Vec<Asset>, now: i64) -> Result<()>;
    /// The asset with this fingerprint, from whichever release kept it.
    async fn asset(&self, fingerprint: &str) -> Result<Option<Asset>>;
}

/// Everything Hearth stores, behind one handle.
#[async_trait]
pub trait Store:
    UserStore
    + PeopleStore
    + SigninStore
    + SessionStore
    + TokenStore
    + SpaceStore
    + MembershipStore
    + InviteStore
    + SettingsStore
    + TopicStore
    + ReplyStore
    + ReactionStore
    + AttachmentStore
    + SearchStore
    + FollowStore
    + LiveStore
    + OpsStore
    + DataMigrationStore
    + AssetStore
    + MailStore
    + MailPreferenceStore
    + AccountMailStore
    + AuditStore
    + VerifyStore
    + ExportStore
    + IdempotencyStore
    + Send
    + Sync
    + 'static
{
    /// Succeeds when the database answers a query.
    async fn ping(&self) -> Result<()>;
    /// How busy the connection pool is.
    fn pool_status(&self) -> PoolStatus;
    /// The engine's name, for logs and the status page.
    fn engine(&self) -> &'static str;
    /// Whether reads come from a replica because the primary is unreachable
    /// (so writing is paused).
    fn serving_from_replica(&self) -> bool {
        false
    }
}
