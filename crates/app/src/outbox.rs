//! The outbox worker: claims due mail, writes a notification's mail from
//! the notification as its reader may see it now, hands each mail to the
//! SMTP server and records what became of it. Every node may run one:
//! claims keep two from holding one mail. A mail accepted by the server
//! whose worker died before recording it is sent again with the same
//! `Message-ID` (so clients show it once) and counted.

use std::time::Duration;

use hearth_store::{MailClaim, MailCounts, MailKind, MailOutcome, OutboxMail};
use lettre::message::Mailbox;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::digests::digest_mail;
use crate::notification_mail::notification_mail;
use crate::smtp::{Sending, Written, message};
use crate::{AppError, Ctx, Result};

pub use crate::smtp::Smtp;

/// Attempts before a mail is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// Mails claimed, and sent at once, in one round.
const BATCH: u32 = 64;
/// How long a claim holds: well past the SMTP timeout of a whole batch
/// sent at once.
const CLAIM_MS: i64 = 5 * 60_000;
/// How often an idle worker looks for due mail that no wake-up told of
/// (mail enqueued on another node, or due for another attempt).
const IDLE_POLL: Duration = Duration::from_secs(2);

/// How long to wait before attempt `attempts + 1`: a minute, doubling,
/// at most six hours.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    (60_000_i64 << doublings).min(6 * 3_600_000)
}
/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Mails claimed.
    pub claimed: usize,
    /// Accepted by the SMTP server.
    pub sent: usize,
    /// To be tried again.
    pub retried: usize,
    /// Refused for good, or given up.
    pub failed: usize,
    /// Not sent, for want of a reason.
    pub skipped: usize,
}

/// Sends one claimed mail; what became of it.
async fn deliver(ctx: &Ctx, smtp: &Smtp, from: &Mailbox, mail: &OutboxMail) -> Result<MailOutcome> {
    let written = match (&mail.content, mail.kind) {
        (Some(content), _) => Ok(Written {
            content: content.clone(),
            thread: None,
            unsubscribe: None,
            reply_to: None,
        }),
        (None, MailKind::Notification) => notification_mail(ctx, mail).await?,
        (None, kind) => match kind.digest() {
            Some(period) => digest_mail(ctx, mail, period).await?,
            None => Err("it has no text".into()),
        },
    };
    let written = match written {
        Ok(written) => written,
        Err(reason) => return Ok(MailOutcome::Skipped(reason)),
    };
    let message = match message(mail, &written, from) {
        Ok(message) => message,
        Err(e) => return Ok(MailOutcome::Bounced(e)),
    };
    let failed = |error: String| {
        if mail.attempts >= MAX_ATTEMPTS {
            MailOutcome::GivenUp(error)
        } else {
            MailOutcome::Retry {
                at: ctx.now() + backoff_ms(mail.attempts),
                error,
            }
        }
    };
    Ok(match smtp.send(message).await {
        Sending::Accepted => MailOutcome::Sent,
        Sending::Refused(e) => MailOutcome::Bounced(e),
        Sending::Failed(e) => failed(e),
    })
}

/// One round: claims due mail for `holder`, sends it all at once, records
/// each outcome.
pub async fn deliver_due(ctx: &Ctx, smtp: &Smtp, holder: &str) -> Result<Round> {
    let from: Mailbox = ctx
        .config
        .mail
        .from
        .parse()
        .map_err(|e| AppError::Internal(format!("the mail sender is not an address: {e}")))?;
    let now = ctx.now();
    let claimed = ctx
        .store
        .claim_mail(MailClaim {
            holder: holder.to_owned(),
            now,
            until: now + CLAIM_MS,
            limit: BATCH,
        })
        .await?;
    let mut round = Round {
        claimed: claimed.len(),
        ..Round::default()
    };
    let mut sending = JoinSet::new();
    for mail in claimed {
        let (ctx, smtp, from) = (ctx.clone(), smtp.clone(), from.clone());
        sending.spawn(async move {
            // A mail whose text could not be written now (the database
            // refused) is tried again, not left claimed.
            let outcome = match deliver(&ctx, &smtp, &from, &mail).await {
                Ok(outcome) => outcome,
                Err(e) => MailOutcome::Retry {
                    at: ctx.now() + backoff_ms(mail.attempts),
                    error: e.to_string(),
                },
            };
            if let MailOutcome::Retry { error, .. }
            | MailOutcome::Bounced(error)
            | MailOutcome::GivenUp(error) = &outcome
            {
                tracing::warn!(mail = mail.id, attempt = mail.attempts, %error, "mail not delivered");
            }
            (mail.id, outcome)
        });
    }
    let mut outcomes = Vec::with_capacity(round.claimed);
    while let Some(done) = sending.join_next().await {
        let (id, outcome) =
            done.map_err(|e| AppError::Internal(format!("a mail task failed: {e}")))?;
        match &outcome {
            MailOutcome::Sent => round.sent += 1,
            MailOutcome::Retry { .. } => round.retried += 1,
            MailOutcome::Bounced(_) | MailOutcome::GivenUp(_) => round.failed += 1,
            MailOutcome::Skipped(_) => round.skipped += 1,
        }
        outcomes.push((id, outcome));
    }
    // One transaction for the round: mail accepted by the server but not
    // yet recorded is the window a crash repeats, counted.
    let held = ctx.store.finish_mails(holder, outcomes, ctx.now()).await?;
    if held < round.claimed as u64 {
        tracing::warn!(
            lapsed = round.claimed as u64 - held,
            "claims ran out before their mail was recorded"
        );
    }
    Ok(round)
}

/// Rounds one worker runs at once: while one waits on the SMTP server,
/// another claims or records.
const LANES: usize = 2;

impl Round {
    fn add(&mut self, other: Round) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// Delivers all the mail due now, in rounds, a few at once, until none is
/// left or `stop` turns true.
pub async fn deliver_all_due(
    ctx: &Ctx,
    smtp: &Smtp,
    holder: &str,
    stop: &watch::Receiver<bool>,
) -> Result<Round> {
    let mut lanes = JoinSet::new();
    for lane in 0..LANES {
        let (ctx, smtp, stop) = (ctx.clone(), smtp.clone(), stop.clone());
        let holder = format!("{holder}/{lane}");
        lanes.spawn(async move {
            let mut total = Round::default();
            while !*stop.borrow() {
                let round = deliver_due(&ctx, &smtp, &holder).await?;
                total.add(round);
                if round.claimed < BATCH as usize {
                    break;
                }
            }
            Ok::<_, AppError>(total)
        });
    }
    let mut total = Round::default();
    while let Some(done) = lanes.join_next().await {
        total.add(done.map_err(|e| AppError::Internal(format!("an outbox lane failed: {e}")))??);
    }
    Ok(total)
}

/// How long mail done with stays on the administrators' list.
pub const KEEP_DONE_MS: i64 = 30 * 86_400_000;
/// How often a worker forgets mail done with before that.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Mails forgotten in one transaction.
const PRUNE_BATCH: u32 = 1000;

/// Forgets the mail done with more than [`KEEP_DONE_MS`] ago, a batch
/// at a time, so that the outbox does not grow without end; how many.
pub async fn prune(ctx: &Ctx) -> Result<u64> {
    let before = ctx.now() - KEEP_DONE_MS;
    let mut total = 0;
    loop {
        let n = ctx.store.prune_mail(before, PRUNE_BATCH).await?;
        total += n;
        if n < u64::from(PRUNE_BATCH) {
            return Ok(total);
        }
    }
}

/// How often a worker enqueues the digests due: they go on the hour, and
/// may go this much after it.
const DIGESTS_EVERY: Duration = Duration::from_secs(30);

/// Delivers mail until `stop` turns true: whenever mail is enqueued on
/// this node, and every few seconds for the rest; enqueues the digests
/// due every half minute (and sweeps every ten); forgets old mail done
/// with every hour.
pub async fn run(ctx: Ctx, smtp: Smtp, holder: String, mut stop: watch::Receiver<bool>) {
    let mut pruned_at: Option<std::time::Instant> = None;
    let mut digests_at: Option<std::time::Instant> = None;
    let mut swept_at: Option<std::time::Instant> = None;
    loop {
        if swept_at.is_none_or(|at| at.elapsed() >= crate::digests::SWEEP_EVERY) {
            swept_at = Some(std::time::Instant::now());
            match crate::digests::sweep(&ctx).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(digests = n, "notifications left gathering got a digest"),
                Err(e) => tracing::warn!(error = %e, "gathering notifications could not be swept"),
            }
        }
        if digests_at.is_none_or(|at| at.elapsed() >= DIGESTS_EVERY) {
            digests_at = Some(std::time::Instant::now());
            if let Err(e) = crate::digests::enqueue_due(&ctx).await {
                tracing::warn!(error = %e, "the digests due could not be enqueued");
            }
        }
        if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(std::time::Instant::now());
            match prune(&ctx).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(mails = n, "old mail done with forgotten"),
                Err(e) => tracing::warn!(error = %e, "old mail could not be forgotten"),
            }
        }
        if let Err(e) = deliver_all_due(&ctx, &smtp, &holder, &stop).await {
            tracing::error!(error = %e, "the outbox could not be delivered");
        }
        tokio::select! {
            () = ctx.outbox_wake.notified() => {}
            () = tokio::time::sleep(IDLE_POLL) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// How many mails wait to go or are going: for metrics.
pub async fn waiting(ctx: &Ctx) -> Result<i64> {
    Ok(ctx.store.mail_waiting().await?)
}

/// How many mails stand where, and the newest mails before id `before`
/// (administrators only).
pub async fn for_admin(
    ctx: &Ctx,
    who: &crate::auth::Authenticated,
    before: Option<i64>,
    limit: u32,
) -> Result<(MailCounts, Vec<OutboxMail>)> {
    crate::access::require_admin(who)?;
    let counts = ctx.store.mail_counts().await?;
    Ok((counts, ctx.store.outbox(before, limit).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_a_minute_to_six_hours() {
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(2), 120_000);
        assert_eq!(backoff_ms(4), 480_000);
        assert_eq!(backoff_ms(12), 6 * 3_600_000);
        assert_eq!(backoff_ms(1_000), 6 * 3_600_000);
    }
}
