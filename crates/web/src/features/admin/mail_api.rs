//! Outgoing mail in the API, for administrators.

use axum::Json;
use axum::extract::State;
use hearth_app::records::{MailCounts, OutboxMail};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::mail_html::MAILS_PER_PAGE;
use crate::error::ApiError;
use crate::extract::{ApiQuery, ApiUser};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// One mail and what became of it. Its words are not shown: account mail
/// carries secrets, and every mail's text is dropped once it is done with.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailJson {
    id: String,
    /// Why it is sent: `password_reset`, `invitation`, `notification` or
    /// `email_change`.
    kind: String,
    /// The address.
    to: String,
    /// `queued`, `sending`, `sent`, `bounced`, `given_up`, or `skipped`
    /// (its notification was read, or is no longer visible to its reader).
    status: String,
    /// Attempts made.
    attempts: i64,
    /// Times it was sent again after a worker stopped between handing it to
    /// the SMTP server and recording that (same `Message-ID`).
    resent: i64,
    /// What went wrong last.
    last_error: Option<String>,
    created_at: String,
    /// When it is tried next, while queued.
    next_attempt_at: Option<String>,
    finished_at: Option<String>,
}

impl From<&OutboxMail> for MailJson {
    fn from(m: &OutboxMail) -> Self {
        let queued = m.status == hearth_app::records::MailStatus::Queued;
        Self {
            id: m.id.to_string(),
            kind: m.kind.as_str().to_owned(),
            to: m.to_address.clone(),
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            resent: m.resent,
            last_error: m.last_error.clone(),
            created_at: rfc3339(m.created_at),
            next_attempt_at: queued.then(|| rfc3339(m.next_attempt_at)),
            finished_at: m.finished_at.map(rfc3339),
        }
    }
}

/// How many mails stand where.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailCountsJson {
    queued: i64,
    sending: i64,
    sent: i64,
    bounced: i64,
    given_up: i64,
    skipped: i64,
    /// Sent again after a worker stopped mid-way.
    resent: i64,
}

impl From<MailCounts> for MailCountsJson {
    fn from(c: MailCounts) -> Self {
        Self {
            queued: c.queued,
            sending: c.sending,
            sent: c.sent,
            bounced: c.bounced,
            given_up: c.given_up,
            skipped: c.skipped,
            resent: c.resent,
        }
    }
}

/// A page of outgoing mail.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailList {
    /// Whether this server hands mail to an SMTP server; without one, mail
    /// waits in the outbox.
    delivering: bool,
    counts: MailCountsJson,
    items: Vec<MailJson>,
    /// Cursor for older mail.
    next: Option<String>,
}

/// Where to continue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct MailQuery {
    /// The `next` value of the previous page.
    after: Option<i64>,
}

/// Outgoing mail, newest first, and how many stand where (administrators only).
#[utoipa::path(get, path = "/api/v1/mail", tag = "admin", params(MailQuery),
    responses((status = 200, body = MailList), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(q): ApiQuery<MailQuery>,
) -> Result<Json<MailList>, ApiError> {
    let ctx = &state.ctx;
    let (counts, mails) = hearth_app::outbox::for_admin(ctx, &who, q.after, MAILS_PER_PAGE).await?;
    Ok(Json(MailList {
        delivering: ctx.config.mail.delivering,
        counts: counts.into(),
        next: (mails.len() == MAILS_PER_PAGE as usize)
            .then(|| mails.last().map(|m| m.id.to_string()))
            .flatten(),
        items: mails.iter().map(MailJson::from).collect(),
    }))
}
