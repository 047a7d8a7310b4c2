//! What each member is mailed of and when: modes per kind of
//! notification, digest schedules, the digests gathering and their turn
//! into mail, and the devices an account signed in from.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{
    DigestPeriod, MailMode, MailPreferenceStore, MailSchedule, NotificationKind, Result,
    SignInDevice, StoreError, UnscheduledDigest,
};

use crate::args;
use crate::conn::{Conn, Engine, value};
use crate::mail::enqueue;
use crate::store::SqlStore;
use crate::value::{Cursor, ReadRows};

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

#[async_trait]
impl<E: Engine> MailPreferenceStore for SqlStore<E> {
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
}
