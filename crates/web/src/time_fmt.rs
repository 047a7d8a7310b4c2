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
