//! The outbox: mail enqueued with what causes it (a notification's, at
//! once or gathered for a digest), claimed, finished and pruned.

use async_trait::async_trait;
use hearth_core::ids::ReplyId;
use hearth_store::{
    MailClaim, MailContent, MailCounts, MailKind, MailMode, MailOutcome, MailStatus, MailStore,
    NewMail, NotificationKind, OutboxMail, Result, StoreError,
};

use crate::args;
use crate::conn::{Conn, Engine, value};
use crate::store::SqlStore;
use crate::value::{Args, Cursor, ReadRows};

/// The columns of `mail_outbox` that [`outbox_mail`] reads.
const MAIL_COLUMNS: &str = "id, kind, user_id, to_address, to_name, subject, text_body, html_body,
     notification_id, status, attempts, resent, next_attempt_at, last_error, created_at,
     finished_at";

fn outbox_mail(c: &mut Cursor<'_>) -> Result<OutboxMail> {
    let unknown = |what: &str, s: &str| StoreError::Other(format!("unknown mail {what} {s}"));
    let id = c.get()?;
    let kind: String = c.get()?;
    let (user, to_address, to_name) = (c.get()?, c.get()?, c.get()?);
    let (subject, text_body, html_body): (Option<String>, Option<String>, Option<String>) =
        (c.get()?, c.get()?, c.get()?);
    let notification = c.get()?;
    let status: String = c.get()?;
    Ok(OutboxMail {
        id,
        kind: MailKind::parse(&kind).ok_or_else(|| unknown("kind", &kind))?,
        user,
        to_address,
        to_name,
        content: match (subject, text_body, html_body) {
            (Some(subject), Some(text_body), Some(html_body)) => Some(MailContent {
                subject,
                text_body,
                html_body,
            }),
            _ => None,
        },
        notification,
        status: MailStatus::parse(&status).ok_or_else(|| unknown("status", &status))?,
        attempts: c.get()?,
        resent: c.get()?,
        next_attempt_at: c.get()?,
        last_error: c.get()?,
        created_at: c.get()?,
        finished_at: c.get()?,
    })
}

/// Enqueues a mail written in full, in the caller's transaction.
pub(crate) async fn enqueue(c: &mut dyn Conn, mail: &NewMail) -> Result<i64> {
    value(
        c,
        "INSERT INTO mail_outbox (kind, user_id, to_address, to_name, subject, text_body,
             html_body, status, attempts, resent, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, 0, $8, $8) RETURNING id",
        args![
            mail.kind.as_str(),
            mail.user,
            &mail.to_address,
            &mail.to_name,
            &mail.subject,
            &mail.text_body,
            &mail.html_body,
            mail.now
        ],
    )
    .await
}

/// What the notifications just written are about: a topic (and a reply in
/// it), or a space itself.
pub(crate) enum Cause {
    Topic { topic: i64, reply: Option<i64> },
    Space(i64),
}

/// The notifications of `kind` about `cause` written at `now` (`n`), as a
/// `WHERE` condition.
fn notifications_written(
    q: &mut Args<'_>,
    kind: NotificationKind,
    cause: &Cause,
    now: i64,
) -> String {
    let about = match *cause {
        Cause::Topic { topic, reply } => format!(
            "n.topic_id = {} AND n.reply_id IS NOT DISTINCT FROM CAST({} AS BIGINT)",
            q.arg(topic),
            q.arg(reply)
        ),
        Cause::Space(space) => format!("n.space_id = {} AND n.topic_id IS NULL", q.arg(space)),
    };
    format!(
        "{about} AND n.kind = {} AND n.created_at = {}",
        q.arg(kind.as_str()),
        q.arg(now)
    )
}

/// How the member of notification `n` of `kind` wants it mailed: their
/// choice, or the kind's default.
fn mail_mode(q: &mut Args<'_>, kind: NotificationKind) -> String {
    format!(
        "COALESCE((SELECT p.mode FROM mail_preferences p
                   WHERE p.user_id = n.user_id AND p.kind = n.kind), {})",
        q.arg(MailMode::default_for(kind).as_str())
    )
}

/// Mails each notification of `kind` about `cause` written at `now` the
/// way its member wants (their choice, or the kind's default): at once
/// (enqueued now, its words written when it goes, if its reader may still
/// see it and has not read it) or gathered into their daily or weekly
/// digest.
pub(crate) async fn enqueue_notification_mail(
    c: &mut dyn Conn,
    kind: NotificationKind,
    cause: Cause,
    now: i64,
) -> Result<()> {
    let mut q = Args::new();
    let written = notifications_written(&mut q, kind, &cause, now);
    let mode = mail_mode(&mut q, kind);
    let sql = format!(
        "INSERT INTO mail_outbox (kind, user_id, to_address, to_name, notification_id, status,
             attempts, resent, next_attempt_at, created_at)
         SELECT 'notification', u.id, u.email, u.display_name, n.id, 'queued', 0, 0, n.created_at,
                n.created_at
         FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE {written} AND {mode} = 'immediately'
           AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.notification_id = n.id)"
    );
    c.execute(&sql, q.list()).await?;
    let mut q = Args::new();
    let written = notifications_written(&mut q, kind, &cause, now);
    let mode = mail_mode(&mut q, kind);
    let sql = format!(
        "INSERT INTO mail_digest_items (notification_id, user_id, period)
         SELECT n.id, n.user_id, {mode} FROM notifications n
         WHERE {written} AND {mode} IN ('daily', 'weekly')
         ON CONFLICT (notification_id) DO NOTHING"
    );
    if c.execute(&sql, q.list()).await? == 0 {
        return Ok(());
    }
    // The digest they gather into, made unless it gathers already. No row
    // is locked here (notifiers never wait on each other); a digest the
    // worker enqueued while these notifications were not yet committed
    // leaves them gathering without a digest, and the worker's sweep
    // (`sweep_gathering`) makes them one.
    let mut q = Args::new();
    let written = notifications_written(&mut q, kind, &cause, now);
    let sql = format!(
        "INSERT INTO mail_digests (user_id, period, due_at)
         SELECT DISTINCT i.user_id, i.period, CAST(NULL AS BIGINT) FROM mail_digest_items i
         WHERE i.mail_id IS NULL
           AND i.notification_id IN (SELECT n.id FROM notifications n WHERE {written})
         ON CONFLICT (user_id, period) DO NOTHING"
    );
    c.execute(&sql, q.list()).await?;
    Ok(())
}

/// Forgets the mail of notifications about to be deleted (`ids`: a
/// subquery of their ids): a mail waiting for one goes unsent, and a
/// notification written later under a reused id is mailed as new.
pub(crate) async fn forget_notifications(
    c: &mut dyn Conn,
    ids: &str,
    args: &[crate::Arg<'_>],
) -> Result<()> {
    c.execute(
        &format!("UPDATE mail_outbox SET notification_id = NULL WHERE notification_id IN ({ids})"),
        args,
    )
    .await?;
    c.execute(
        &format!("DELETE FROM mail_digest_items WHERE notification_id IN ({ids})"),
        args,
    )
    .await?;
    Ok(())
}

/// Records what became of mail `id` if `holder` still holds it.
async fn finish(
    c: &mut dyn Conn,
    id: i64,
    holder: &str,
    outcome: MailOutcome,
    now: i64,
) -> Result<u64> {
    let (status, retry_at, error) = match outcome {
        MailOutcome::Sent => (MailStatus::Sent, None, None),
        MailOutcome::Retry { at, error } => (MailStatus::Queued, Some(at), Some(error)),
        MailOutcome::Bounced(e) => (MailStatus::Bounced, None, Some(e)),
        MailOutcome::GivenUp(e) => (MailStatus::GivenUp, None, Some(e)),
        MailOutcome::Skipped(e) => (MailStatus::Skipped, None, Some(e)),
    };
    let done = retry_at.is_none();
    // A mail done with keeps no text: account mail carries secrets (a
    // reset link) that need not outlive it.
    c.execute(
        "UPDATE mail_outbox SET status = $3,
             next_attempt_at = COALESCE(CAST($4 AS BIGINT), next_attempt_at),
             last_error = COALESCE($5, last_error),
             claimed_by = NULL, claimed_until = NULL,
             finished_at = CASE WHEN $6 THEN CAST($7 AS BIGINT) END,
             subject = CASE WHEN $6 THEN NULL ELSE subject END,
             text_body = CASE WHEN $6 THEN NULL ELSE text_body END,
             html_body = CASE WHEN $6 THEN NULL ELSE html_body END
         WHERE id = $1 AND claimed_by = $2 AND status = 'sending'",
        args![
            id,
            holder,
            status.as_str(),
            retry_at,
            error.as_ref(),
            done,
            now
        ],
    )
    .await
}

#[async_trait]
impl<E: Engine> MailStore for SqlStore<E> {
    async fn enqueue_mail(&self, mail: NewMail) -> Result<i64> {
        self.write(move |c| Box::pin(async move { enqueue(c, &mail).await }))
            .await
    }

    async fn claim_mail(&self, claim: MailClaim) -> Result<Vec<OutboxMail>> {
        self.write(move |c| {
            Box::pin(async move {
                // Mail still `sending` once its claim ran out belongs to a
                // worker that died: it may have reached the SMTP server, so
                // taking it again is counted.
                let sql = format!(
                    "UPDATE mail_outbox SET status = 'sending', claimed_by = $1, claimed_until = $3,
                         attempts = attempts + 1,
                         resent = resent + CASE WHEN status = 'sending' THEN 1 ELSE 0 END
                     WHERE id IN (SELECT id FROM mail_outbox
                                  WHERE status IN ('queued', 'sending') AND next_attempt_at <= $2
                                    AND (status = 'queued' OR claimed_until <= $2)
                                  ORDER BY next_attempt_at, id LIMIT $4{})
                     RETURNING {MAIL_COLUMNS}",
                    c.dialect().skip_locked()
                );
                let limit = i64::from(claim.limit);
                let mut mails = c
                    .query(&sql, args![&claim.holder, claim.now, claim.until, limit])
                    .await?
                    .read(outbox_mail)?;
                mails.sort_by_key(|m| m.id);
                Ok(mails)
            })
        })
        .await
    }

    async fn finish_mails(
        &self,
        holder: &str,
        outcomes: Vec<(i64, MailOutcome)>,
        now: i64,
    ) -> Result<u64> {
        let holder = holder.to_owned();
        self.write(move |c| {
            Box::pin(async move {
                let mut held = 0;
                for (id, outcome) in outcomes {
                    held += finish(c, id, &holder, outcome, now).await?;
                }
                Ok(held)
            })
        })
        .await
    }

    async fn outbox(&self, before: Option<i64>, limit: u32) -> Result<Vec<OutboxMail>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {MAIL_COLUMNS} FROM mail_outbox
                     WHERE id < COALESCE(CAST($1 AS BIGINT), 9223372036854775807)
                     ORDER BY id DESC LIMIT $2"
                );
                c.query(&sql, args![before, i64::from(limit)])
                    .await?
                    .read(outbox_mail)
            })
        })
        .await
    }

    async fn mail_counts(&self) -> Result<MailCounts> {
        self.read(|c| {
            Box::pin(async move {
                let rows = c
                    .query(
                        "SELECT status, count(*), CAST(COALESCE(sum(resent), 0) AS BIGINT) FROM mail_outbox
                         GROUP BY status",
                        &[],
                    )
                    .await?
                    .read(|r| Ok((r.get::<String>()?, r.get::<i64>()?, r.get::<i64>()?)))?;
                let mut counts = MailCounts::default();
                for (status, n, resent) in rows {
                    counts.resent += resent;
                    match MailStatus::parse(&status) {
                        Some(MailStatus::Queued) => counts.queued = n,
                        Some(MailStatus::Sending) => counts.sending = n,
                        Some(MailStatus::Sent) => counts.sent = n,
                        Some(MailStatus::Bounced) => counts.bounced = n,
                        Some(MailStatus::GivenUp) => counts.given_up = n,
                        Some(MailStatus::Skipped) => counts.skipped = n,
                        None => return Err(StoreError::Other(format!("unknown mail status {status}"))),
                    }
                }
                Ok(counts)
            })
        })
        .await
    }

    async fn mail_waiting(&self) -> Result<i64> {
        self.read(|c| {
            Box::pin(async move {
                value(
                    c,
                    "SELECT count(*) FROM mail_outbox WHERE status IN ('queued', 'sending')",
                    &[],
                )
                .await
            })
        })
        .await
    }

    async fn prune_mail(&self, finished_before: i64, limit: u32) -> Result<u64> {
        self.write(move |c| {
            Box::pin(async move {
                // The same mails, twice: their digests' notifications first.
                // No mail finishing meanwhile finishes before `$1`.
                let done = "SELECT id FROM mail_outbox
                            WHERE finished_at IS NOT NULL AND finished_at < $1
                            ORDER BY finished_at, id LIMIT $2";
                let limit = i64::from(limit);
                c.execute(
                    &format!("DELETE FROM mail_digest_items WHERE mail_id IN ({done})"),
                    args![finished_before, limit],
                )
                .await?;
                c.execute(
                    &format!("DELETE FROM mail_outbox WHERE id IN ({done})"),
                    args![finished_before, limit],
                )
                .await
            })
        })
        .await
    }

    async fn site_secret(&self, name: &str, candidate: String, now: i64) -> Result<String> {
        let name = name.to_owned();
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO site_secrets (name, secret, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (name) DO NOTHING",
                    args![&name, &candidate, now],
                )
                .await?;
                value(
                    c,
                    "SELECT secret FROM site_secrets WHERE name = $1",
                    args![&name],
                )
                .await
            })
        })
        .await
    }

    async fn mail_reply(&self, message_id: &str) -> Result<Option<ReplyId>> {
        let message_id = message_id.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                crate::conn::value_opt(
                    c,
                    "SELECT reply_id FROM mail_replies WHERE message_id = $1",
                    args![&message_id],
                )
                .await
            })
        })
        .await
    }

    async fn record_mail_reply(&self, message_id: &str, reply: ReplyId, now: i64) -> Result<()> {
        let message_id = message_id.to_owned();
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO mail_replies (message_id, reply_id, received_at) VALUES ($1, $2, $3)
                     ON CONFLICT (message_id) DO NOTHING",
                    args![&message_id, reply, now],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }
}
