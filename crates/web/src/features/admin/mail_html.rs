//! The outgoing mail page, for administrators.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use hearth_app::records::{MailCounts, OutboxMail};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{SignedIn, Visitor};
use crate::page::{Chrome, render};
use crate::state::AppState;
use crate::time_fmt::When;

/// Mails on one page.
pub(crate) const MAILS_PER_PAGE: u32 = 50;

struct MailRow {
    id: i64,
    kind: &'static str,
    to: String,
    subject: String,
    status: &'static str,
    attempts: i64,
    resent: i64,
    error: String,
    created: When,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    chrome: Chrome,
    counts: MailCounts,
    delivering: bool,
    rows: Vec<MailRow>,
    next: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MailQuery {
    #[serde(default)]
    after: Option<i64>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(q): Query<MailQuery>,
) -> Result<Response, PageError> {
    let ctx = &state.ctx;
    let (counts, mails) =
        hearth_app::outbox::for_admin(ctx, &signed_in.who, q.after, MAILS_PER_PAGE).await?;
    let next = (mails.len() == MAILS_PER_PAGE as usize)
        .then(|| mails.last().map(|m| m.id))
        .flatten();
    let now = ctx.now();
    let rows = mails.iter().map(|m| row(m, now)).collect();
    render(&MailPage {
        chrome: Chrome::new(&state, &visitor, "Outgoing mail").await?,
        counts,
        delivering: ctx.config.mail.delivering,
        rows,
        next,
    })
}

fn row(m: &OutboxMail, now: i64) -> MailRow {
    MailRow {
        id: m.id,
        kind: m.kind.as_str(),
        to: m.to_address.clone(),
        subject: m
            .content
            .as_ref()
            .map(|c| c.subject.clone())
            .unwrap_or_default(),
        status: m.status.as_str(),
        attempts: m.attempts,
        resent: m.resent,
        error: m.last_error.clone().unwrap_or_default(),
        created: When::new(m.created_at, now),
    }
}
