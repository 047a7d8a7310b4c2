//! The outbox, mail preferences and "forgot password" links.

use async_trait::async_trait;
use hearth_core::ids::{ReplyId, UserId};
use hearth_store::{
    Conflict, EmailChange, MailClaim, MailContent, MailCounts, MailKind, MailMode, MailOutcome,
    MailStatus, MailStore, NewEmailChange, NewMail, NewPasswordReset, NotificationKind, OutboxMail,
    PasswordReset, Result, StoreError, User,
};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Conn, Engine, value};
use crate::rows::{USER_COLUMNS, user};
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

/// Enqueues a mail for each notification of `kind` about `cause` written
/// at `now` whose member wants such mail at once (their choice, or the
/// kind's default). Its words are written when it goes, from the
/// notification, if its reader may still see it and has not read it.
pub(crate) async fn enqueue_notification_mail(
    c: &mut dyn Conn,
    kind: NotificationKind,
    cause: Cause,
    now: i64,
) -> Result<()> {
    let mut q = Args::new();
    let about = match cause {
        Cause::Topic { topic, reply } => format!(
            "n.topic_id = {} AND n.reply_id IS NOT DISTINCT FROM CAST({} AS BIGINT)",
            q.arg(topic),
            q.arg(reply)
        ),
        Cause::Space(space) => format!("n.space_id = {} AND n.topic_id IS NULL", q.arg(space)),
    };
    let sql = format!(
        "INSERT INTO mail_outbox (kind, user_id, to_address, to_name, notification_id, status,
             attempts, resent, next_attempt_at, created_at)
         SELECT 'notification', u.id, u.email, u.display_name, n.id, 'queued', 0, 0, n.created_at,
                n.created_at
         FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE {about} AND n.kind = {kind} AND n.created_at = {now}
           AND COALESCE((SELECT p.mode FROM mail_preferences p
                         WHERE p.user_id = n.user_id AND p.kind = n.kind), {default}) = 'immediately'
           AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.notification_id = n.id)",
        kind = q.arg(kind.as_str()),
        now = q.arg(now),
        default = q.arg(MailMode::default_for(kind).as_str()),
    );
    c.execute(&sql, q.list()).await?;
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

/// Conflict `EmailTaken` when an account other than `user` has `email`.
async fn email_free(c: &mut dyn Conn, email: &str, user: UserId) -> Result<()> {
    let taken = c
        .query_opt(
            "SELECT 1 FROM users WHERE email = $1 AND id <> $2",
            args![email, user],
        )
        .await?;
    match taken {
        Some(_) => Err(Conflict::EmailTaken.into()),
        None => Ok(()),
    }
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
                c.execute(
                    "DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox
                         WHERE finished_at IS NOT NULL AND finished_at < $1
                         ORDER BY finished_at LIMIT $2)",
                    args![finished_before, i64::from(limit)],
                )
                .await
            })
        })
        .await
    }

    async fn mail_preferences(&self, user: UserId) -> Result<Vec<(NotificationKind, MailMode)>> {
        self.read(move |c| {
            Box::pin(async move {
                let rows = c
                    .query(
                        "SELECT kind, mode FROM mail_preferences WHERE user_id = $1 ORDER BY kind",
                        args![user],
                    )
                    .await?
                    .read(|r| Ok((r.get::<String>()?, r.get::<String>()?)))?;
                // A kind or mode this release does not know is left out:
                // it takes its default.
                Ok(rows
                    .into_iter()
                    .filter_map(|(k, m)| Some((NotificationKind::parse(&k)?, MailMode::parse(&m)?)))
                    .collect())
            })
        })
        .await
    }

    async fn set_mail_preferences(
        &self,
        user: UserId,
        modes: Vec<(NotificationKind, MailMode)>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                for (kind, mode) in modes {
                    c.execute(
                        "INSERT INTO mail_preferences (user_id, kind, mode) VALUES ($1, $2, $3)
                         ON CONFLICT (user_id, kind) DO UPDATE SET mode = $3",
                        args![user, kind.as_str(), mode.as_str()],
                    )
                    .await?;
                }
                Ok(())
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

    async fn request_email_change(&self, change: NewEmailChange) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                email_free(c, change.new_email.as_str(), change.user).await?;
                c.execute(
                    "INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    args![
                        &change.token_hash,
                        change.user,
                        change.new_email.as_str(),
                        change.created_at,
                        change.expires_at
                    ],
                )
                .await?;
                enqueue(c, &change.mail).await?;
                Ok(())
            })
        })
        .await
    }

    async fn email_change(&self, token_hash: &str, now: i64) -> Result<Option<(User, String)>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, e.new_email FROM email_changes e
                     JOIN users u ON u.id = e.user_id
                     WHERE e.token_hash = $1 AND e.used_at IS NULL AND e.expires_at > $2
                       AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&token_hash, now])
                    .await?
                    .read(|r| Ok((user(r)?, r.get()?)))
            })
        })
        .await
    }

    async fn confirm_email_change(&self, change: EmailChange) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let used = c
                    .query_opt(
                        "UPDATE email_changes SET used_at = $2
                         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                           AND user_id IN (SELECT id FROM users WHERE status = 'active')
                         RETURNING user_id, new_email",
                        args![&change.token_hash, change.now],
                    )
                    .await?
                    .read(|r| Ok((r.get::<UserId>()?, r.get::<String>()?)))?;
                let Some((user, email)) = used else {
                    return Ok(false);
                };
                email_free(c, &email, user).await?;
                c.execute(
                    "UPDATE users SET email = $2 WHERE id = $1",
                    args![user, &email],
                )
                .await?;
                c.execute(
                    "UPDATE email_changes SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                    args![user, change.now],
                )
                .await?;
                enqueue(c, &change.notice).await?;
                write_audit(c, &Some(change.audit)).await?;
                Ok(true)
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

    async fn request_password_reset(&self, reset: NewPasswordReset) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let key = format!("password_reset:{}", reset.user.0);
                c.lock_keys(&[&key]).await?;
                let recent: i64 = value(
                    c,
                    "SELECT count(*) FROM password_resets WHERE user_id = $1 AND created_at >= $2",
                    args![reset.user, reset.window_start],
                )
                .await?;
                if recent >= reset.max_recent {
                    return Ok(false);
                }
                c.execute(
                    "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    args![
                        &reset.token_hash,
                        reset.user,
                        reset.created_at,
                        reset.expires_at
                    ],
                )
                .await?;
                enqueue(c, &reset.mail).await?;
                Ok(true)
            })
        })
        .await
    }

    async fn password_reset_user(&self, token_hash: &str, now: i64) -> Result<Option<User>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM password_resets r JOIN users u ON u.id = r.user_id
                     WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2
                       AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&token_hash, now]).await?.read(user)
            })
        })
        .await
    }

    async fn reset_password(&self, reset: PasswordReset) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let used: Option<UserId> = crate::conn::value_opt(
                    c,
                    "UPDATE password_resets SET used_at = $2
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                       AND user_id IN (SELECT id FROM users WHERE status = 'active')
                     RETURNING user_id",
                    args![&reset.token_hash, reset.now],
                )
                .await?;
                let Some(user) = used else {
                    return Ok(false);
                };
                c.execute(
                    "UPDATE users SET password_hash = $2 WHERE id = $1",
                    args![user, &reset.password_hash],
                )
                .await?;
                // Whoever knew the old password is signed out everywhere,
                // and no other link of this account works any more.
                c.execute("DELETE FROM sessions WHERE user_id = $1", args![user])
                    .await?;
                c.execute("DELETE FROM feed_tokens WHERE user_id = $1", args![user])
                    .await?;
                c.execute(
                    "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                    args![user, reset.now],
                )
                .await?;
                write_audit(c, &Some(reset.audit)).await?;
                Ok(true)
            })
        })
        .await
    }
}
