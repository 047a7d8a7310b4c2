//! The outbox: mail waiting to go out and what became of it, and how each
//! member wants to hear of notifications by e-mail.

use hearth_core::ids::UserId;

use crate::following::NotificationKind;
use crate::records::NewAuditEvent;

/// Why a mail is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A "forgot password" link.
    PasswordReset,
    /// An invitation to create an account.
    Invitation,
    /// A notification, written from it when it goes.
    Notification,
    /// Confirming a new e-mail address, or telling the old one.
    EmailChange,
    /// Notifications gathered for a day, written from them when it goes.
    DailyDigest,
    /// Notifications gathered for a week, written from them when it goes.
    WeeklyDigest,
    /// A sign-in from a device not seen before.
    NewSignIn,
}

impl MailKind {
    /// How the store names it.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
            MailKind::Invitation => "invitation",
            MailKind::Notification => "notification",
            MailKind::EmailChange => "email_change",
            MailKind::DailyDigest => "daily_digest",
            MailKind::WeeklyDigest => "weekly_digest",
            MailKind::NewSignIn => "new_sign_in",
        }
    }

    /// The kind the store names so.
    pub fn parse(s: &str) -> Option<Self> {
        [
            MailKind::PasswordReset,
            MailKind::Invitation,
            MailKind::Notification,
            MailKind::EmailChange,
            MailKind::DailyDigest,
            MailKind::WeeklyDigest,
            MailKind::NewSignIn,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The digest a mail of this kind is, if it is one.
    pub fn digest(self) -> Option<DigestPeriod> {
        match self {
            MailKind::DailyDigest => Some(DigestPeriod::Daily),
            MailKind::WeeklyDigest => Some(DigestPeriod::Weekly),
            _ => None,
        }
    }
}

/// Where a mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    /// Waiting for its (next) attempt.
    Queued,
    /// Claimed by a worker that is handing it to the SMTP server.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused for good by the SMTP server (a 5xx answer).
    Bounced,
    /// Not delivered after every attempt.
    GivenUp,
    /// Not sent, for it no longer had a reason: its notification was read,
    /// or its reader may no longer see what it is about.
    Skipped,
}

impl MailStatus {
    /// Every status.
    pub const ALL: &'static [MailStatus] = &[
        MailStatus::Queued,
        MailStatus::Sending,
        MailStatus::Sent,
        MailStatus::Bounced,
        MailStatus::GivenUp,
        MailStatus::Skipped,
    ];

    /// How the store names it.
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sending => "sending",
            MailStatus::Sent => "sent",
            MailStatus::Bounced => "bounced",
            MailStatus::GivenUp => "given_up",
            MailStatus::Skipped => "skipped",
        }
    }

    /// The status the store names so.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// A mail to enqueue, written in full (account mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// Why.
    pub kind: MailKind,
    /// The account it goes to, if it goes to one.
    pub user: Option<UserId>,
    /// The address.
    pub to_address: String,
    /// The name shown beside the address.
    pub to_name: String,
    /// Its subject.
    pub subject: String,
    /// Its plain-text part.
    pub text_body: String,
    /// Its HTML part (sanitized, inline styles only).
    pub html_body: String,
    /// When it was enqueued.
    pub now: i64,
}

/// A mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    /// Its id: its `Message-ID` is made from it, the same at every attempt.
    pub id: i64,
    /// Why.
    pub kind: MailKind,
    /// The account it goes to, if any.
    pub user: Option<UserId>,
    /// The address.
    pub to_address: String,
    /// The name shown beside the address.
    pub to_name: String,
    /// Its subject, text and HTML, while it has them (a notification's
    /// mail is written when it goes; every mail's text is dropped once it
    /// is done with).
    pub content: Option<MailContent>,
    /// The notification it tells of.
    pub notification: Option<i64>,
    /// Where it stands.
    pub status: MailStatus,
    /// Attempts made.
    pub attempts: i64,
    /// Times it was claimed again after a worker died while sending it:
    /// it may then have reached its recipient twice, with one `Message-ID`.
    pub resent: i64,
    /// When it is tried next (queued).
    pub next_attempt_at: i64,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: i64,
    /// When it was sent, bounced, given up or skipped.
    pub finished_at: Option<i64>,
}

/// A mail's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailContent {
    /// Subject.
    pub subject: String,
    /// Plain-text part.
    pub text_body: String,
    /// HTML part.
    pub html_body: String,
}

/// A worker's claim on due mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailClaim {
    /// Who claims (a node and worker name).
    pub holder: String,
    /// Now.
    pub now: i64,
    /// The claim lapses then if the worker has not finished: another
    /// worker may then take the mail again.
    pub until: i64,
    /// How many mails at most.
    pub limit: u32,
}

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// The SMTP server accepted it.
    Sent,
    /// It failed for now; try again at `at`.
    Retry {
        /// When.
        at: i64,
        /// What went wrong.
        error: String,
    },
    /// The SMTP server refused it for good.
    Bounced(String),
    /// It failed at its last attempt.
    GivenUp(String),
    /// It had no reason left to go.
    Skipped(String),
}

/// How many mails stand where, and how many were claimed again while
/// being sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailCounts {
    /// Waiting.
    pub queued: i64,
    /// Being sent now.
    pub sending: i64,
    /// Accepted by the SMTP server.
    pub sent: i64,
    /// Refused for good.
    pub bounced: i64,
    /// Not delivered after every attempt.
    pub given_up: i64,
    /// Not sent, for want of a reason.
    pub skipped: i64,
    /// Re-sent after a worker died in the window SMTP cannot close.
    pub resent: i64,
}

/// How a member wants to hear of one kind of notification by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailMode {
    /// A mail for each, as it happens.
    Immediately,
    /// Gathered in a mail once a day.
    Daily,
    /// Gathered in a mail once a week.
    Weekly,
    /// Never by e-mail.
    Never,
}

impl MailMode {
    /// Every mode.
    pub const ALL: &'static [MailMode] = &[
        MailMode::Immediately,
        MailMode::Daily,
        MailMode::Weekly,
        MailMode::Never,
    ];

    /// How the store names it.
    pub fn as_str(self) -> &'static str {
        match self {
            MailMode::Immediately => "immediately",
            MailMode::Daily => "daily",
            MailMode::Weekly => "weekly",
            MailMode::Never => "never",
        }
    }

    /// The mode the store names so.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.as_str() == s)
    }

    /// The digest this mode gathers into, if it is one.
    pub fn digest(self) -> Option<DigestPeriod> {
        match self {
            MailMode::Daily => Some(DigestPeriod::Daily),
            MailMode::Weekly => Some(DigestPeriod::Weekly),
            MailMode::Immediately | MailMode::Never => None,
        }
    }

    /// What a member who chose nothing gets: a mail at once for what is
    /// addressed to them (a reply to them, a mention, their answer
    /// accepted, their request to join decided, a request to join what
    /// they moderate); new topics where they follow in a daily digest;
    /// nothing for likes.
    pub fn default_for(kind: NotificationKind) -> Self {
        match kind {
            NotificationKind::NewTopic => MailMode::Daily,
            NotificationKind::Liked => MailMode::Never,
            _ => MailMode::Immediately,
        }
    }
}

/// How often a digest goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestPeriod {
    /// Once a day, at the member's hour.
    Daily,
    /// Once a week, on the member's weekday at their hour.
    Weekly,
}

impl DigestPeriod {
    /// How the store names it: as the mode that gathers into it.
    pub fn as_str(self) -> &'static str {
        self.mode().as_str()
    }

    /// The mode that gathers into it.
    pub fn mode(self) -> MailMode {
        match self {
            DigestPeriod::Daily => MailMode::Daily,
            DigestPeriod::Weekly => MailMode::Weekly,
        }
    }

    /// The kind of its mail.
    pub fn mail_kind(self) -> MailKind {
        match self {
            DigestPeriod::Daily => MailKind::DailyDigest,
            DigestPeriod::Weekly => MailKind::WeeklyDigest,
        }
    }

    /// The period the store names so.
    pub fn parse(s: &str) -> Option<Self> {
        MailMode::parse(s)?.digest()
    }
}

/// When a member's digests go: at `hour` o'clock in their time zone, the
/// weekly one on `weekday`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSchedule {
    /// An IANA time zone name (`Europe/Berlin`).
    pub time_zone: String,
    /// The local hour, 0–23.
    pub hour: u8,
    /// The weekly digest's day, 1 (Monday) to 7 (Sunday).
    pub weekday: u8,
}

impl Default for MailSchedule {
    /// Eight in the morning, UTC; Mondays.
    fn default() -> Self {
        Self {
            time_zone: "UTC".into(),
            hour: 8,
            weekday: 1,
        }
    }
}

/// A digest gathering notifications that has no time to go yet: the
/// worker works it out from its member's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnscheduledDigest {
    /// Whose.
    pub user: UserId,
    /// Which.
    pub period: DigestPeriod,
    /// Their schedule, if they chose one.
    pub schedule: Option<MailSchedule>,
}

/// A device a member signed in from, and the mail telling them of it if
/// it is new to their account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInDevice {
    /// Whose account.
    pub user: UserId,
    /// SHA-256 of the device cookie's secret, hex.
    pub device_hash: String,
    /// When.
    pub at: i64,
    /// Mailed if the device is new, the account had signed in from
    /// another before, and its member did not turn such mail off.
    pub mail: NewMail,
}

/// A "forgot password" request: the link's hash, and the mail that
/// carries the link, written together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPasswordReset {
    /// Whose password.
    pub user: UserId,
    /// SHA-256 of the link's secret, hex.
    pub token_hash: String,
    /// When.
    pub created_at: i64,
    /// Until when the link works.
    pub expires_at: i64,
    /// The mail.
    pub mail: NewMail,
    /// Requests for this account since `window_start` beyond which no more
    /// are made.
    pub max_recent: i64,
    /// The start of that window.
    pub window_start: i64,
}

/// Using a "forgot password" link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    /// SHA-256 of the link's secret, hex.
    pub token_hash: String,
    /// The new password's hash.
    pub password_hash: String,
    /// Now: the link must not have expired.
    pub now: i64,
    /// The audit event.
    pub audit: NewAuditEvent,
}

/// A member's request to change their e-mail address: the link's hash,
/// and the mail that carries the link to the new address, written together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmailChange {
    /// Whose address.
    pub user: UserId,
    /// The address they want.
    pub new_email: hearth_core::names::Email,
    /// SHA-256 of the link's secret, hex.
    pub token_hash: String,
    /// When.
    pub created_at: i64,
    /// Until when the link works.
    pub expires_at: i64,
    /// The mail to the new address.
    pub mail: NewMail,
}

/// Confirming a new e-mail address with the link mailed to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailChange {
    /// SHA-256 of the link's secret, hex.
    pub token_hash: String,
    /// Now: the link must not have expired.
    pub now: i64,
    /// The audit event.
    pub audit: NewAuditEvent,
    /// The notice to the old address, enqueued with the change.
    pub notice: NewMail,
}
