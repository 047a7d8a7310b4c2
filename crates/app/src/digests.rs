//! Digests: notifications a member chose to hear of daily or weekly are
//! gathered as they are written (by the store, in their transaction) and
//! mailed at the member's hour in their time zone. The outbox worker gives
//! each gathering digest its time, enqueues those due, and writes each
//! when it goes from what its reader may see and has not read then.

use hearth_store::{DigestPeriod, MailSchedule, NotificationsQuery, OutboxMail};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::auth::viewer_of;
use crate::mail::{add_footer, compose_list};
use crate::notification_mail::recipient;
use crate::smtp::Written;
use crate::{AppError, Ctx, Result};

/// Digests given their time, or enqueued, in one transaction.
const BATCH: u32 = 256;
/// The most notifications one digest lists; the rest wait on the site.
const MAX_LISTED: u32 = 50;
const DAY_MS: i64 = 86_400_000;

/// Whether Hearth knows the time zone `name` (`Europe/Berlin`, `UTC`).
pub fn is_time_zone(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// Every time zone name Hearth knows, sorted.
pub fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .collect();
    names.sort();
    names
}

/// When digest `period` next goes after `now` (ms) on `schedule`: the
/// next `hour` o'clock in its time zone, on its weekday for the weekly
/// one. An hour that a clock change skips goes at the hour after.
pub fn next_due(now: i64, schedule: &MailSchedule, period: DigestPeriod) -> i64 {
    let zone = TimeZone::get(&schedule.time_zone).unwrap_or(TimeZone::UTC);
    let Ok(now_at) = Timestamp::from_millisecond(now) else {
        return now + DAY_MS;
    };
    let mut day = now_at.to_zoned(zone.clone()).date();
    // A week and a day always hold the next weekday's hour.
    for _ in 0..9 {
        let weekday = day.weekday().to_monday_one_offset();
        let on_its_day = period == DigestPeriod::Daily || weekday == schedule.weekday as i8;
        if on_its_day {
            let hour = day.at(schedule.hour.min(23) as i8, 0, 0, 0);
            if let Ok(at) = hour.to_zoned(zone.clone())
                && at.timestamp() > now_at
            {
                return at.timestamp().as_millisecond();
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    now + DAY_MS
}

/// Gives the gathering digests their time and turns those due into mail
/// in the outbox; how many it took.
pub async fn enqueue_due(ctx: &Ctx) -> Result<u64> {
    let fallback = site_schedule(ctx).await?;
    loop {
        let waiting = ctx.store.unscheduled_digests(BATCH).await?;
        let now = ctx.now();
        let timed: Vec<_> = waiting
            .iter()
            .map(|d| {
                let schedule = d.schedule.as_ref().unwrap_or(&fallback);
                (d.user, d.period, next_due(now, schedule, d.period))
            })
            .collect();
        let n = timed.len();
        if n > 0 {
            ctx.store.schedule_digests(timed).await?;
        }
        if n < BATCH as usize {
            break;
        }
    }
    let mut taken = 0;
    loop {
        let n = ctx.store.enqueue_due_digests(ctx.now(), BATCH).await?;
        taken += n;
        if n < u64::from(BATCH) {
            return Ok(taken);
        }
    }
}

/// Notifications gathered without a digest (written while their digest
/// was enqueued) get one: how often the worker looks, and how many
/// members at most per look.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(600);
const SWEEP_BATCH: u32 = 1000;

/// Makes a digest for notifications left gathering without one; how many.
pub async fn sweep(ctx: &Ctx) -> Result<u64> {
    Ok(ctx.store.sweep_gathering(SWEEP_BATCH).await?)
}

/// A digest's mail, written now from what its reader may see and has not
/// read, of the kinds they still want in it; or why it goes unsent.
pub(crate) async fn digest_mail(
    ctx: &Ctx,
    mail: &OutboxMail,
    period: DigestPeriod,
) -> Result<std::result::Result<Written, String>> {
    let user = match recipient(ctx, mail).await? {
        Ok(user) => user,
        Err(reason) => return Ok(Err(reason)),
    };
    let wanted = crate::mail_preferences::modes(ctx, user.id).await?;
    let now = ctx.now();
    let found = ctx
        .store
        .notifications(NotificationsQuery {
            viewer: viewer_of(&user),
            unread_only: true,
            before: None,
            only: None,
            in_mail: Some(mail.id),
            // Some may be of kinds no longer wanted in it.
            limit: 4 * MAX_LISTED,
            now,
        })
        .await?;
    let mut listed: Vec<_> = found
        .into_iter()
        .filter(|n| {
            wanted
                .iter()
                .any(|(kind, mode)| *kind == n.kind && *mode == period.mode())
        })
        .collect();
    let more = listed.len() > MAX_LISTED as usize;
    listed.truncate(MAX_LISTED as usize);
    if listed.is_empty() {
        return Ok(Err("nothing in it is unread and still wanted so".into()));
    }
    let site = crate::settings::get(ctx).await?.site_name;
    let origin = ctx.config.mail.origin();
    let (when, again) = match period {
        DigestPeriod::Daily => ("today", "daily"),
        DigestPeriod::Weekly => ("this week", "weekly"),
    };
    let subject = format!("{site}: what is new for you {when}");
    let items: Vec<(String, String)> = listed
        .iter()
        .map(|n| {
            let line = format!("{} {} {}", n.actors(), n.action(), n.about());
            (line, format!("{origin}{}", n.path()))
        })
        .collect();
    let intro = if more {
        format!("The newest of what happened where you follow on {site} {when}:")
    } else {
        format!("What happened where you follow on {site} {when}:")
    };
    let all = format!("{origin}/notifications");
    let mut content = compose_list(&subject, &intro, &items, ("All your notifications", &all));
    let token = crate::mail_preferences::unsubscribe_token(
        ctx,
        user.id,
        crate::mail_preferences::Unsubscribing::Digest(period),
    )
    .await?;
    let unsubscribe = format!("{origin}/mail/unsubscribe?t={token}");
    let note = format!(
        "You get this {again} digest from {site}; choose what you are mailed, and when, on {origin}/account/mail."
    );
    add_footer(&mut content, &note, ("Stop this digest", &unsubscribe));
    Ok(Ok(Written {
        content,
        thread: None,
        unsubscribe: Some(unsubscribe),
        reply_to: None,
    }))
}

/// Sets when `user`'s digests go; refuses a time zone, hour or weekday
/// out of range and changes nothing then.
pub async fn set_schedule(
    ctx: &Ctx,
    user: hearth_core::ids::UserId,
    schedule: MailSchedule,
) -> Result<()> {
    check_schedule(&schedule)?;
    ctx.store.set_mail_schedule(user, schedule).await?;
    Ok(())
}

/// Refuses a time zone, hour or weekday out of range.
pub fn check_schedule(schedule: &MailSchedule) -> Result<()> {
    if !is_time_zone(&schedule.time_zone) {
        return Err(AppError::invalid(
            "time_zone",
            "is not a time zone (try Europe/Berlin or UTC)",
        ));
    }
    if schedule.hour > 23 {
        return Err(AppError::invalid("hour", "must be from 0 to 23"));
    }
    if !(1..=7).contains(&schedule.weekday) {
        return Err(AppError::invalid(
            "weekday",
            "must be from 1 (Monday) to 7 (Sunday)",
        ));
    }
    Ok(())
}

/// When digests go for members who chose nothing: at the default hour
/// and weekday, in the site's time zone.
async fn site_schedule(ctx: &Ctx) -> Result<MailSchedule> {
    Ok(MailSchedule {
        time_zone: crate::settings::get(ctx).await?.time_zone,
        ..MailSchedule::default()
    })
}

/// When `user`'s digests go: their choice, or the site's default.
pub async fn schedule(ctx: &Ctx, user: hearth_core::ids::UserId) -> Result<MailSchedule> {
    match ctx.store.mail_schedule(user).await? {
        Some(chosen) => Ok(chosen),
        None => site_schedule(ctx).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn at(zone: &str, hour: u8, weekday: u8) -> MailSchedule {
        MailSchedule {
            time_zone: zone.into(),
            hour,
            weekday,
        }
    }

    #[test]
    fn a_daily_digest_goes_at_the_next_local_hour() {
        let berlin = at("Europe/Berlin", 8, 1);
        // 06:30 UTC is 07:30 in Berlin in winter: today at 08:00 local.
        let now = ms("2026-12-03T06:30:00Z");
        let due = next_due(now, &berlin, DigestPeriod::Daily);
        assert_eq!(due, ms("2026-12-03T07:00:00Z"));
        // Just after it: tomorrow.
        let due = next_due(due, &berlin, DigestPeriod::Daily);
        assert_eq!(due, ms("2026-12-04T07:00:00Z"));
        // In summer Berlin is two hours ahead.
        let due = next_due(ms("2026-07-01T12:00:00Z"), &berlin, DigestPeriod::Daily);
        assert_eq!(due, ms("2026-07-02T06:00:00Z"));
    }

    #[test]
    fn a_weekly_digest_goes_on_its_weekday() {
        // 2026-12-03 is a Thursday; Sunday 18:00 in Tokyo is 09:00 UTC.
        let tokyo = at("Asia/Tokyo", 18, 7);
        let due = next_due(ms("2026-12-03T00:00:00Z"), &tokyo, DigestPeriod::Weekly);
        assert_eq!(due, ms("2026-12-06T09:00:00Z"));
        // On the day, after the hour: a week later.
        let due = next_due(ms("2026-12-06T10:00:00Z"), &tokyo, DigestPeriod::Weekly);
        assert_eq!(due, ms("2026-12-13T09:00:00Z"));
    }

    #[test]
    fn an_hour_a_clock_change_skips_still_goes() {
        // New York skips 02:00–03:00 on 2026-03-08.
        let ny = at("America/New_York", 2, 1);
        let due = next_due(ms("2026-03-08T05:00:00Z"), &ny, DigestPeriod::Daily);
        assert!(due > ms("2026-03-08T05:00:00Z") && due <= ms("2026-03-08T08:00:00Z"));
    }

    #[test]
    fn an_unknown_zone_counts_as_utc() {
        let nowhere = at("Mars/Olympus", 8, 1);
        let due = next_due(ms("2026-12-03T09:00:00Z"), &nowhere, DigestPeriod::Daily);
        assert_eq!(due, ms("2026-12-04T08:00:00Z"));
        assert!(!is_time_zone("Mars/Olympus"));
        assert!(is_time_zone("Europe/Paris") && is_time_zone("UTC"));
        assert!(time_zones().iter().any(|z| z == "Asia/Tokyo"));
    }
}
