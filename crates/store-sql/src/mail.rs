//! The outbox, mail preferences and "forgot password" links.

use async_trait::async_trait;
use hearth_core::ids::{ReplyId, UserId};
use hearth_store::{
    Conflict, DigestPeriod, EmailChange, MailClaim, MailContent, MailCounts, MailKind, MailMode,
    MailOutcome, MailSchedule, MailStatus, MailStore, NewEmailChange, NewMail, NewPasswordReset,
    NotificationKind, OutboxMail, PasswordReset, Result, SignInDevice, StoreError,
    UnscheduledDigest, User,
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

/// The `mail_preferences` kind that says whether a sign-in from a new
/// device is mailed.
const NEW_SIGN_IN: &str = "new_sign_in";
/// Devices remembered per account.
const KEPT_DEVICES: i64 = 100;

/// A schedule as stored; a number out of range takes the default's.
fn schedule_of(time_zone: String, hour: i64, weekday: i64) -> MailSchedule {
    let fallback = MailSchedule::default();
    MailSchedule {
        time_zone,
        hour: u8::try_from(hour)
            .ok()
            .filter(|h| *h < 24)
            .unwrap_or(fallback.hour),
        weekday: u8::try_from(weekday)
            .ok()
            .filter(|d| (1..=7).contains(d))
            .unwrap_or(fallback.weekday),
    }
}

fn mail_schedule(c: &mut Cursor<'_>) -> Result<MailSchedule> {
    let (zone, hour, weekday) = (c.get()?, c.get()?, c.get()?);
    Ok(schedule_of(zone, hour, weekday))
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

/// Turns digest `period` of `user` into a mail in the outbox holding the
/// notifications it gathered (none if the account is no longer active);
/// the caller holds its row.
async fn enqueue_digest(
    c: &mut dyn Conn,
    user: UserId,
    period: DigestPeriod,
    now: i64,
) -> Result<()> {
    c.execute(
        "DELETE FROM mail_digests WHERE user_id = $1 AND period = $2",
        args![user, period.as_str()],
    )
    .await?;
    let mail: Option<i64> = crate::conn::value_opt(
        c,
        "INSERT INTO mail_outbox (kind, user_id, to_address, to_name, status, attempts, resent,
             next_attempt_at, created_at)
         SELECT CAST($3 AS TEXT), u.id, u.email, u.display_name, 'queued', 0, 0,
                CAST($4 AS BIGINT), CAST($4 AS BIGINT) FROM users u
         WHERE u.id = $1 AND u.status = 'active'
           AND EXISTS (SELECT 1 FROM mail_digest_items i
                       WHERE i.user_id = $1 AND i.period = $2 AND i.mail_id IS NULL)
         RETURNING id",
        args![user, period.as_str(), period.mail_kind().as_str(), now],
    )
    .await?;
    match mail {
        Some(mail) => {
            c.execute(
                "UPDATE mail_digest_items SET mail_id = $3
                 WHERE user_id = $1 AND period = $2 AND mail_id IS NULL",
                args![user, period.as_str(), mail],
            )
            .await?
        }
        // Nobody to mail: what it gathered goes with it.
        None => {
            c.execute(
                "DELETE FROM mail_digest_items
                 WHERE user_id = $1 AND period = $2 AND mail_id IS NULL",
                args![user, period.as_str()],
            )
            .await?
        }
    };
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

    async fn mail_schedule(&self, user: UserId) -> Result<Option<MailSchedule>> {
        self.read(move |c| {
            Box::pin(async move {
                c.query_opt(
                    "SELECT time_zone, hour, weekday FROM mail_schedules WHERE user_id = $1",
                    args![user],
                )
                .await?
                .read(mail_schedule)
            })
        })
        .await
    }

    async fn set_mail_schedule(&self, user: UserId, schedule: MailSchedule) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO mail_schedules (user_id, time_zone, hour, weekday)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (user_id) DO UPDATE SET time_zone = $2, hour = $3, weekday = $4",
                    args![
                        user,
                        &schedule.time_zone,
                        i64::from(schedule.hour),
                        i64::from(schedule.weekday)
                    ],
                )
                .await?;
                c.execute(
                    "UPDATE mail_digests SET due_at = NULL WHERE user_id = $1",
                    args![user],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn sweep_gathering(&self, limit: u32) -> Result<u64> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO mail_digests (user_id, period, due_at)
                     SELECT DISTINCT i.user_id, i.period, CAST(NULL AS BIGINT)
                     FROM mail_digest_items i
                     WHERE i.mail_id IS NULL AND NOT EXISTS (SELECT 1 FROM mail_digests d
                           WHERE d.user_id = i.user_id AND d.period = i.period)
                     LIMIT $1
                     ON CONFLICT (user_id, period) DO NOTHING",
                    args![i64::from(limit)],
                )
                .await
            })
        })
        .await
    }

    async fn unscheduled_digests(&self, limit: u32) -> Result<Vec<UnscheduledDigest>> {
        self.read(move |c| {
            Box::pin(async move {
                c.query(
                    "SELECT d.user_id, d.period, s.time_zone, s.hour, s.weekday
                     FROM mail_digests d LEFT JOIN mail_schedules s ON s.user_id = d.user_id
                     WHERE d.due_at IS NULL ORDER BY d.user_id, d.period LIMIT $1",
                    args![i64::from(limit)],
                )
                .await?
                .read(|r| {
                    let user = r.get()?;
                    let period: String = r.get()?;
                    let period = DigestPeriod::parse(&period)
                        .ok_or_else(|| StoreError::Other(format!("unknown digest {period}")))?;
                    let (zone, hour, weekday): (Option<String>, Option<i64>, Option<i64>) =
                        (r.get()?, r.get()?, r.get()?);
                    let schedule = zone
                        .map(|zone| schedule_of(zone, hour.unwrap_or(-1), weekday.unwrap_or(-1)));
                    Ok(UnscheduledDigest {
                        user,
                        period,
                        schedule,
                    })
                })
            })
        })
        .await
    }

    async fn schedule_digests(&self, due: Vec<(UserId, DigestPeriod, i64)>) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                for (user, period, at) in due {
                    c.execute(
                        "UPDATE mail_digests SET due_at = $3
                         WHERE user_id = $1 AND period = $2 AND due_at IS NULL",
                        args![user, period.as_str(), at],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn enqueue_due_digests(&self, now: i64, limit: u32) -> Result<u64> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT user_id, period FROM mail_digests WHERE due_at <= $1
                     ORDER BY due_at, user_id LIMIT $2{}",
                    c.dialect().skip_locked()
                );
                let due = c
                    .query(&sql, args![now, i64::from(limit)])
                    .await?
                    .read(|r| Ok((r.get::<UserId>()?, r.get::<String>()?)))?;
                let taken = due.len() as u64;
                for (user, period) in due {
                    let period = DigestPeriod::parse(&period)
                        .ok_or_else(|| StoreError::Other(format!("unknown digest {period}")))?;
                    enqueue_digest(c, user, period, now).await?;
                }
                Ok(taken)
            })
        })
        .await
    }

    async fn sign_in_alerts(&self, user: UserId) -> Result<bool> {
        self.read(move |c| {
            Box::pin(async move {
                let mode: Option<String> = crate::conn::value_opt(
                    c,
                    "SELECT mode FROM mail_preferences WHERE user_id = $1 AND kind = $2",
                    args![user, NEW_SIGN_IN],
                )
                .await?;
                Ok(mode.as_deref() != Some(MailMode::Never.as_str()))
            })
        })
        .await
    }

    async fn set_sign_in_alerts(&self, user: UserId, on: bool) -> Result<()> {
        let mode = if on {
            MailMode::Immediately
        } else {
            MailMode::Never
        };
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO mail_preferences (user_id, kind, mode) VALUES ($1, $2, $3)
                     ON CONFLICT (user_id, kind) DO UPDATE SET mode = $3",
                    args![user, NEW_SIGN_IN, mode.as_str()],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn note_sign_in_device(&self, device: SignInDevice) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let (user, hash, at) = (device.user, &device.device_hash, device.at);
                let seen = c
                    .execute(
                        "UPDATE sign_in_devices SET last_at = $3
                         WHERE user_id = $1 AND device_hash = $2",
                        args![user, hash, at],
                    )
                    .await?;
                if seen > 0 {
                    return Ok(false);
                }
                let others: i64 = value(
                    c,
                    "SELECT count(*) FROM sign_in_devices WHERE user_id = $1",
                    args![user],
                )
                .await?;
                let new = c
                    .execute(
                        "INSERT INTO sign_in_devices (user_id, device_hash, first_at, last_at)
                         VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING",
                        args![user, hash, at],
                    )
                    .await?;
                // Kept: the devices seen last, so that a script signing in
                // without cookies cannot grow the table without end.
                c.execute(
                    "DELETE FROM sign_in_devices WHERE user_id = $1 AND last_at <
                         COALESCE((SELECT last_at FROM sign_in_devices WHERE user_id = $1
                                   ORDER BY last_at DESC LIMIT 1 OFFSET $2), 0)",
                    args![user, KEPT_DEVICES - 1],
                )
                .await?;
                let wanted: Option<String> = crate::conn::value_opt(
                    c,
                    "SELECT mode FROM mail_preferences WHERE user_id = $1 AND kind = $2",
                    args![user, NEW_SIGN_IN],
                )
                .await?;
                let mailed =
                    new > 0 && others > 0 && wanted.as_deref() != Some(MailMode::Never.as_str());
                if mailed {
                    enqueue(c, &device.mail).await?;
                }
                Ok(mailed)
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
