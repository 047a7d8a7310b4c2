//! The outbox worker: claims due mail, writes a notification's mail from
//! the notification as its reader may see it now, hands each mail to the
//! SMTP server and records what became of it. Every node may run one:
//! claims keep two from holding one mail. A mail accepted by the server
//! whose worker died before recording it is sent again with the same
//! `Message-ID` (so clients show it once) and counted.

use std::time::Duration;

use hearth_store::{
    MailClaim, MailContent, MailCounts, MailKind, MailOutcome, NotificationsQuery, OutboxMail,
};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::auth::viewer_of;
use crate::mail::{add_footer, compose, one_line};
use crate::{AppError, Ctx, Result};

/// Attempts before a mail is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// Mails claimed, and sent at once, in one round.
const BATCH: u32 = 64;
/// How long a claim holds: well past the SMTP timeout of a whole batch
/// sent at once.
const CLAIM_MS: i64 = 5 * 60_000;
/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// How often an idle worker looks for due mail that no wake-up told of
/// (mail enqueued on another node, or due for another attempt).
const IDLE_POLL: Duration = Duration::from_secs(2);

/// How long to wait before attempt `attempts + 1`: a minute, doubling,
/// at most six hours.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    (60_000_i64 << doublings).min(6 * 3_600_000)
}

/// The SMTP server mail goes to.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp")
    }
}

impl Smtp {
    /// The server at `url`: `smtp://HOST:PORT` (plain), `smtp+starttls://`
    /// or `smtps://`, with a user and password in the URL or the password
    /// given apart.
    pub fn new(url: &str, password: Option<&str>) -> std::result::Result<Self, String> {
        let mut builder = builder(url)?.timeout(Some(SMTP_TIMEOUT));
        if let Some(password) = password {
            let rest = url.split_once("://").map_or("", |(_, rest)| rest);
            let user = rest
                .split_once('@')
                .map(|(userinfo, _)| userinfo.split(':').next().unwrap_or(""))
                .unwrap_or("");
            builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
        }
        // Pooled: connections are kept and reused (its keeper runs on the
        // runtime this is built on).
        Ok(Self {
            transport: builder.build(),
        })
    }

    /// Whether `url` names an SMTP server as [`Smtp::new`] takes it.
    pub fn check(url: &str) -> std::result::Result<(), String> {
        builder(url).map(|_| ())
    }
}

fn builder(url: &str) -> std::result::Result<AsyncSmtpTransportBuilder, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("the SMTP URL must start with smtp://, smtp+starttls:// or smtps://")?;
    let lettre_url = match scheme {
        "smtp" | "smtps" => url.to_owned(),
        "smtp+starttls" => {
            let sep = if rest.contains('?') { '&' } else { '?' };
            format!("smtp://{rest}{sep}tls=required")
        }
        other => return Err(format!("unknown SMTP scheme {other}")),
    };
    AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url)
        .map_err(|e| format!("the SMTP URL is not usable: {e}"))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no vacation replies.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// `List-Unsubscribe: <URL>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the
/// link unsubscribes with one POST, no page in between.
#[derive(Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// A mail's words and what it belongs to.
struct Written {
    content: MailContent,
    /// The topic it tells of, for threading.
    thread: Option<i64>,
    /// The link that stops mail of its kind.
    unsubscribe: Option<String>,
    /// The local part of the address a reply goes to (reply by e-mail).
    reply_to: Option<String>,
}

/// The domain of an address, for `Message-ID`s.
fn domain_of(mailbox: &Mailbox) -> String {
    mailbox.email.domain().to_owned()
}

/// A mail's `Message-ID`: made from its id and time, so every attempt
/// sends the same one.
pub fn message_id(mail: &OutboxMail, domain: &str) -> String {
    format!("<hearth.{}.{}@{domain}>", mail.id, mail.created_at)
}

/// What all a topic's mails name in `References`, so that they thread.
fn topic_thread(topic: i64, domain: &str) -> String {
    format!("<hearth.topic.{topic}@{domain}>")
}

/// Builds the message: both parts, threading headers, no tracking.
fn message(
    mail: &OutboxMail,
    written: &Written,
    from: &Mailbox,
) -> std::result::Result<Message, String> {
    let content = &written.content;
    let domain = domain_of(from);
    let address = mail
        .to_address
        .parse()
        .map_err(|e| format!("the address {} is not usable: {e}", mail.to_address))?;
    let name = one_line(&mail.to_name);
    let to = Mailbox::new((!name.is_empty()).then_some(name), address);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&content.subject))
        .message_id(Some(message_id(mail, &domain)))
        .header(AutoSubmitted);
    if let Some(topic) = written.thread {
        let root = topic_thread(topic, &domain);
        builder = builder.in_reply_to(root.clone()).references(root);
    }
    if let Some(local) = &written.reply_to {
        let address = format!("{local}@{domain}")
            .parse()
            .map_err(|e| format!("the reply address is not usable: {e}"))?;
        builder = builder.reply_to(Mailbox::new(from.name.clone(), address));
    }
    if let Some(url) = &written.unsubscribe {
        builder = builder
            .header(ListUnsubscribe(url.clone()))
            .header(OneClick);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            content.text_body.clone(),
            content.html_body.clone(),
        ))
        .map_err(|e| format!("the message could not be built: {e}"))
}

/// A notification's mail, written now from what its reader may see; or
/// why it goes unsent.
async fn notification_mail(
    ctx: &Ctx,
    mail: &OutboxMail,
) -> Result<std::result::Result<Written, String>> {
    let (Some(user), Some(id)) = (mail.user, mail.notification) else {
        return Ok(Err("it names no notification".into()));
    };
    let Some(user) = ctx.store.user(user).await? else {
        return Ok(Err("its account is gone".into()));
    };
    if user.status != hearth_core::model::UserStatus::Active {
        return Ok(Err("its account is not active".into()));
    }
    let now = ctx.now();
    let found = ctx
        .store
        .notifications(NotificationsQuery {
            viewer: viewer_of(&user),
            unread_only: false,
            before: None,
            only: Some(id),
            limit: 1,
            now,
        })
        .await?;
    let Some(n) = found.into_iter().next() else {
        return Ok(Err("its reader may no longer see it, or it is gone".into()));
    };
    if n.read {
        return Ok(Err("its reader read it on the site".into()));
    }
    let mut paragraphs = vec![format!("{} {} {}.", n.actors(), n.action(), n.about())];
    if let Some(reply) = n.reply_id {
        let shown = ctx.store.reply(reply, Some(user.id)).await?;
        if let Some(reply) = shown.filter(|r| !r.deleted) {
            paragraphs.push(reply.body_md);
        }
    }
    let site = crate::settings::get(ctx).await?.site_name;
    let subject = match (n.topic_id, n.reply_id) {
        (Some(_), Some(_)) => format!("Re: {}", n.about()),
        (Some(_), None) => n.about(),
        (None, _) => format!("{} {} {} on {site}", n.actors(), n.action(), n.about()),
    };
    let origin = ctx.config.mail.origin();
    let url = format!("{origin}{}", n.path());
    let mut content = compose(&subject, &paragraphs, ("Open it on the site", &url));
    let token = crate::mail_preferences::unsubscribe_token(ctx, user.id, n.kind).await?;
    let unsubscribe = format!("{origin}/mail/unsubscribe?t={token}");
    let reply_to = match n.topic_id {
        Some(topic) => {
            let key = crate::signing::key(ctx).await?;
            Some(crate::mail_in::reply_local_part(
                &key, user.id, topic.0, now,
            )?)
        }
        None => None,
    };
    let replying = if reply_to.is_some() {
        " Reply to this mail to post your answer."
    } else {
        ""
    };
    let note = format!(
        "You get this mail for {} on {site}; choose what you are mailed on {origin}/account/mail.{replying}",
        n.kind.describe().to_lowercase()
    );
    add_footer(&mut content, &note, ("Stop these mails", &unsubscribe));
    Ok(Ok(Written {
        content,
        thread: n.topic_id.map(|t| t.0),
        unsubscribe: Some(unsubscribe),
        reply_to,
    }))
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
        (None, _) => Err("it has no text".into()),
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
    Ok(match smtp.transport.send(message).await {
        Ok(_) => MailOutcome::Sent,
        Err(e) if e.is_permanent() => MailOutcome::Bounced(e.to_string()),
        Err(e) => failed(e.to_string()),
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

/// Delivers mail until `stop` turns true: whenever mail is enqueued on
/// this node, and every few seconds for the rest.
pub async fn run(ctx: Ctx, smtp: Smtp, holder: String, mut stop: watch::Receiver<bool>) {
    loop {
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

/// How many mails stand where: for metrics.
pub async fn counts(ctx: &Ctx) -> Result<MailCounts> {
    Ok(ctx.store.mail_counts().await?)
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

    #[test]
    fn smtp_urls_name_how_to_reach_the_server() {
        assert!(Smtp::check("smtp://127.0.0.1:2525").is_ok());
        assert!(Smtp::check("smtp+starttls://u:p@mail.example.org").is_ok());
        assert!(Smtp::check("smtps://mail.example.org").is_ok());
        assert!(Smtp::check("http://mail.example.org").is_err());
        assert!(Smtp::check("mail.example.org").is_err());
    }
}
