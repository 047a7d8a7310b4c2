//! Showing Unix-millisecond times to people and to API clients.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339, for the API.
pub(crate) fn rfc3339(ms: i64) -> String {
    at(ms).format(&Rfc3339).unwrap_or_default()
}

/// "2026-11-24 06:44 UTC", for pages.
pub(crate) fn human(ms: i64) -> String {
    at(ms)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
}

/// A moment as people read it: "3 hours ago", in a `<time>` element that
/// carries the exact UTC time (shown on hover) for people and machines.
/// Rendered as markup; it holds nothing but numbers and fixed words.
#[derive(Debug, Clone)]
pub(crate) struct When {
    ms: i64,
    now: i64,
}

impl When {
    /// `ms` as seen at `now`.
    pub(crate) fn new(ms: i64, now: i64) -> Self {
        Self { ms, now }
    }

    /// "3 hours ago", "in 2 days", or the date when more than a week away.
    pub(crate) fn relative(&self) -> String {
        const MINUTE: i64 = 60_000;
        const HOUR: i64 = 60 * MINUTE;
        const DAY: i64 = 24 * HOUR;
        let ago = self.now - self.ms;
        let span = ago.abs();
        let count = |n: i64, unit: &str| {
            let plural = if n == 1 { "" } else { "s" };
            if ago >= 0 {
                format!("{n} {unit}{plural} ago")
            } else {
                format!("in {n} {unit}{plural}")
            }
        };
        match span {
            s if s < MINUTE => "just now".to_owned(),
            s if s < HOUR => count(s / MINUTE, "minute"),
            s if s < DAY => count(s / HOUR, "hour"),
            s if s < 7 * DAY => count(s / DAY, "day"),
            _ => at(self.ms)
                .format(format_description!(
                    "[day padding:none] [month repr:short] [year]"
                ))
                .unwrap_or_default(),
        }
    }
}

impl std::fmt::Display for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<time datetime=\"{}\" title=\"{}\">{}</time>",
            rfc3339(self.ms),
            human(self.ms),
            self.relative()
        )
    }
}

impl askama::filters::HtmlSafe for When {}

/// "1 day", "12 hours", "90 seconds": an interval in its largest whole unit.
pub(crate) fn span(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(size, _)| secs >= *size && secs.is_multiple_of(*size))
        .map_or((secs, "second"), |(size, unit)| (secs / size, unit));
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// "2026-11-24T06:44", the value of a `datetime-local` field, in UTC.
pub(crate) fn datetime_local(ms: i64) -> String {
    at(ms)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap_or_default()
}

/// A `datetime-local` field's value (seconds optional), read as UTC, in Unix ms.
pub(crate) fn parse_datetime_local(s: &str) -> Option<i64> {
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let t = PrimitiveDateTime::parse(s, minutes)
        .or_else(|_| PrimitiveDateTime::parse(s, seconds))
        .ok()?
        .assume_utc();
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// A `date` field's value, `YYYY-MM-DD`, as the start of that day in UTC,
/// in Unix ms.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let day = time::Date::parse(s, format_description!("[year]-[month]-[day]")).ok()?;
    i64::try_from(day.midnight().assume_utc().unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_as_how_long_ago_with_the_exact_time_beside() {
        let now = 1_767_432_600_000; // 2026-01-03 09:30 UTC
        let minute = 60_000;
        for (ms, says) in [
            (now - 20_000, "just now"),
            (now - minute, "1 minute ago"),
            (now - 59 * minute, "59 minutes ago"),
            (now - 3 * 60 * minute, "3 hours ago"),
            (now - 24 * 60 * minute, "1 day ago"),
            (now - 6 * 24 * 60 * minute, "6 days ago"),
            (now + 2 * 60 * minute, "in 2 hours"),
            (now - 30 * 24 * 60 * minute, "4 Dec 2025"),
        ] {
            assert_eq!(When::new(ms, now).relative(), says);
        }
        assert_eq!(
            When::new(now - 3 * 60 * minute, now).to_string(),
            "<time datetime=\"2026-01-03T06:30:00Z\" title=\"2026-01-03 06:30 UTC\">3 hours ago</time>"
        );
    }

    #[test]
    fn dates_are_the_start_of_their_day_in_utc() {
        assert_eq!(parse_date("2026-01-03"), Some(1_767_398_400_000));
        for bad in ["", "2026-1-3x", "2026-02-30", "yesterday"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetime_local_values_are_read_as_utc_and_written_back_the_same() {
        let ms = parse_datetime_local("2026-01-03T09:30").unwrap();
        assert_eq!(ms, 1_767_432_600_000);
        assert_eq!(datetime_local(ms), "2026-01-03T09:30");
        assert_eq!(
            parse_datetime_local("2026-01-03T09:30:15"),
            Some(ms + 15_000)
        );
        for bad in [
            "",
            "tomorrow",
            "2026-13-01T00:00",
            "2026-01-03",
            "2026-01-03T09:30Z",
        ] {
            assert_eq!(parse_datetime_local(bad), None, "{bad}");
        }
    }
}
