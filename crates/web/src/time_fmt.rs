//! Showing Unix-millisecond times to people and to API clients.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

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
