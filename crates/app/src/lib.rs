//! Hearth's use cases. Each function takes the context, the acting viewer and
//! its input, checks the permission rules of `hearth_core`, and calls the
//! store. The HTML pages and the JSON API call the same functions.

mod access;
pub mod activity;
pub mod assets;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod backups;
mod ctx;
pub mod data_migrations;
pub mod digests;
pub mod email_change;
mod error;
pub mod feeds;
pub mod following;
pub mod idempotency;
pub mod invites;
pub mod live;
mod live_feed;
pub mod mail;
pub mod mail_in;
pub mod mail_preferences;
pub mod markup;
pub mod members;
pub mod moderation;
mod notification_mail;
pub mod outbox;
pub mod password_reset;
pub mod passwords;
pub mod people;
pub mod reactions;
pub mod replies;
pub mod search;
pub mod secrets;
pub mod settings;
pub mod sign_in_alerts;
pub(crate) mod signing;
mod smtp;
pub mod spaces;
pub mod status;
pub mod topics;
pub mod users;
pub mod work;

pub use access::Contributed;
pub use ctx::{AppConfig, Clock, Ctx, ManualClock, SystemClock};
pub use error::{AppError, CurrentVersion, FieldError, Result};

/// The records the use cases answer with: what the pages and the API show.
pub mod records {
    pub use hearth_store::{
        ApiToken, Asset, Attachment, AuditEvent, AvatarFile, AvatarSize, DataMigration,
        FollowTarget, Followed, Invite, JoinRequest, MailCounts, MailMode, MailSchedule,
        MailStatus, Member, Notification, NotificationKind, OpsRecord, OutboxMail, Page, Person,
        PoolStatus, ProfileDetails, ReactionTarget, Reply, ReplyInTopic, Revision, Session,
        SiteSettings, SiteStats, Space, SpaceView, Topic, TopicNews, TopicView, Unseen, User,
    };
}
