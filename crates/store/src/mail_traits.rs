//! The storage traits of mail: the outbox, what members are mailed of and
//! when, and the account mail of links (password resets, address changes).

use async_trait::async_trait;
use hearth_core::ids::{ReplyId, UserId};

use crate::Result;
use crate::following::NotificationKind;
use crate::mail::*;
use crate::records::User;

/// The outbox, the keys mail is signed with, and mail posted as replies.
#[async_trait]
pub trait MailStore {
    /// Enqueues a mail written in full.
    async fn enqueue_mail(&self, mail: NewMail) -> Result<i64>;
    /// Claims due mail for `claim.holder`, oldest first: queued mail whose
    /// time has come, and mail whose worker's claim ran out while sending
    /// (counted as resent). Two workers never hold one mail at once.
    async fn claim_mail(&self, claim: MailClaim) -> Result<Vec<OutboxMail>>;
    /// Records what became of claimed mails, in one transaction, each if
    /// `holder` still holds it; how many it still held. A mail done with
    /// loses its text.
    async fn finish_mails(
        &self,
        holder: &str,
        outcomes: Vec<(i64, MailOutcome)>,
        now: i64,
    ) -> Result<u64>;
    /// The newest mails before id `before` (all when `None`), newest first.
    async fn outbox(&self, before: Option<i64>, limit: u32) -> Result<Vec<OutboxMail>>;
    /// How many mails stand where.
    async fn mail_counts(&self) -> Result<MailCounts>;
    /// How many mails wait to go or are going (cheap: for metrics).
    async fn mail_waiting(&self) -> Result<i64>;
    /// Forgets up to `limit` mails done with before `finished_before`;
    /// how many it forgot.
    async fn prune_mail(&self, finished_before: i64, limit: u32) -> Result<u64>;
    /// The secret named `name`: the one kept, or else `candidate`, kept
    /// from now on (two nodes making one at once keep one of them).
    async fn site_secret(&self, name: &str, candidate: String, now: i64) -> Result<String>;
    /// The reply a mail with this `Message-ID` was posted as, if it was.
    async fn mail_reply(&self, message_id: &str) -> Result<Option<ReplyId>>;
    /// Records that the mail `message_id` was posted as `reply`.
    async fn record_mail_reply(&self, message_id: &str, reply: ReplyId, now: i64) -> Result<()>;
}

/// What each member is mailed of and when: modes per kind of notification,
/// digest schedules and the digests gathering, and sign-in alerts.
#[async_trait]
pub trait MailPreferenceStore {
    /// The modes a member chose, by notification kind (the others take
    /// their default).
    async fn mail_preferences(&self, user: UserId) -> Result<Vec<(NotificationKind, MailMode)>>;
    /// Sets the mode of each kind given.
    async fn set_mail_preferences(
        &self,
        user: UserId,
        modes: Vec<(NotificationKind, MailMode)>,
    ) -> Result<()>;
    /// When a member's digests go, if they chose.
    async fn mail_schedule(&self, user: UserId) -> Result<Option<MailSchedule>>;
    /// Sets when a member's digests go; the digests gathering for them
    /// are given their time again by the worker.
    async fn set_mail_schedule(&self, user: UserId, schedule: MailSchedule) -> Result<()>;
    /// Makes a digest for up to `limit` members' notifications left
    /// gathering without one (written while their digest was enqueued);
    /// how many it made.
    async fn sweep_gathering(&self, limit: u32) -> Result<u64>;
    /// Up to `limit` digests gathering notifications that have no time to
    /// go yet.
    async fn unscheduled_digests(&self, limit: u32) -> Result<Vec<UnscheduledDigest>>;
    /// Gives digests their time to go, each unless it has one already.
    async fn schedule_digests(&self, due: Vec<(UserId, DigestPeriod, i64)>) -> Result<()>;
    /// Turns up to `limit` digests due by `now` into mail in the outbox,
    /// each with the notifications gathered so far; a notification written
    /// meanwhile gathers into the next. Two nodes never enqueue one
    /// digest twice. How many digests it took (a digest of an account no
    /// longer active goes without mail).
    async fn enqueue_due_digests(&self, now: i64, limit: u32) -> Result<u64>;
    /// Whether a member is mailed when their account signs in from a
    /// device not seen before (by default they are).
    async fn sign_in_alerts(&self, user: UserId) -> Result<bool>;
    /// Sets whether they are.
    async fn set_sign_in_alerts(&self, user: UserId, on: bool) -> Result<()>;
    /// Records a device a member signed in from; enqueues `device.mail`
    /// if the device is new to the account, the account had signed in from
    /// another before, and its member wants such mail. Whether it did.
    async fn note_sign_in_device(&self, device: SignInDevice) -> Result<bool>;
}

/// Account mail carrying single-use links: "forgot password" and a new
/// e-mail address to confirm.
#[async_trait]
pub trait AccountMailStore {
    /// Records a request to change an e-mail address and enqueues the mail
    /// with its link. Conflict `EmailTaken` when another account has it.
    async fn request_email_change(&self, change: NewEmailChange) -> Result<()>;
    /// The active account an unused, unexpired e-mail change link is for,
    /// and the address it would give them.
    async fn email_change(&self, token_hash: &str, now: i64) -> Result<Option<(User, String)>>;
    /// Uses a link: the account takes its new address (conflict
    /// `EmailTaken` if another took it meanwhile), its other links stop
    /// working, and the notice to the old address is enqueued; false if the
    /// link was used, expired or unknown.
    async fn confirm_email_change(&self, change: EmailChange) -> Result<bool>;
    /// Records a "forgot password" link and enqueues its mail, unless the
    /// account asked for `max_recent` since `window_start`; whether it did.
    async fn request_password_reset(&self, reset: NewPasswordReset) -> Result<bool>;
    /// The active account an unused, unexpired link is for.
    async fn password_reset_user(&self, token_hash: &str, now: i64) -> Result<Option<User>>;
    /// Uses a link: sets the password, ends the account's sessions and
    /// feed token and its other links; false if the link was used, expired
    /// or unknown.
    async fn reset_password(&self, reset: PasswordReset) -> Result<bool>;
}
