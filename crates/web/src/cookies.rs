//! Reading and writing the cookies Hearth sets.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

/// Holds the session's secret.
pub(crate) const SESSION: &str = "hearth_session";
/// Holds the CSRF token of a visitor who is not signed in.
pub(crate) const CSRF: &str = "hearth_csrf";
/// Names the browser, so that a sign-in from a new device can be told.
pub(crate) const DEVICE: &str = "hearth_device";

/// The value of cookie `name` in the request, if any.
pub(crate) fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Adds a `Set-Cookie`: HttpOnly, SameSite=Lax, Path=/, and Secure when asked.
/// A `max_age` of 0 removes the cookie.
pub(crate) fn set(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
    max_age_secs: i64,
    secure: bool,
) {
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.append(SET_COOKIE, v);
    }
}
