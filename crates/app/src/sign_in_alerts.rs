//! Telling a member of a sign-in from a device their account was never
//! used on: each browser keeps a long-lived random cookie, and the store
//! keeps its hash for each account it signed in to. The first device an
//! account signs in from is told of nobody; a new one after it is mailed
//! to the member, unless they turned such mail off.

use hearth_store::{MailKind, SignInDevice, User};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::auth::Client;
use crate::mail::{account_mail, add_footer, compose, one_line};
use crate::mail_preferences::{Unsubscribing, unsubscribe_token};
use crate::secrets::{hash_secret, random_secret};
use crate::{Ctx, Result};

/// How long a browser keeps its device cookie (days).
pub const DEVICE_COOKIE_DAYS: i64 = 400;

/// Whether a cookie's value may be a device secret Hearth made (64 hex
/// characters); anything else is replaced.
fn is_device_secret(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Records the device `client` signs in to `user`'s account from, and
/// mails the member if it is new to the account; the secret the browser
/// keeps: its own, or a new one.
pub async fn note(ctx: &Ctx, user: &User, client: &Client) -> Result<String> {
    let secret = match client.device.as_deref() {
        Some(device) if is_device_secret(device) => device.to_owned(),
        _ => random_secret()?,
    };
    let now = ctx.now();
    let mail = alert(ctx, user, client, now).await?;
    let mailed = ctx
        .store
        .note_sign_in_device(SignInDevice {
            user: user.id,
            device_hash: hash_secret(&secret),
            at: now,
            mail,
        })
        .await?;
    if mailed {
        tracing::info!(user = %user.username, "sign-in from a new device told by mail");
        ctx.outbox_wake.notify_one();
    }
    Ok(secret)
}

/// The mail telling `user` of this sign-in, in their time zone.
async fn alert(ctx: &Ctx, user: &User, client: &Client, now: i64) -> Result<hearth_store::NewMail> {
    let site = crate::settings::get(ctx).await?.site_name;
    let schedule = crate::digests::schedule(ctx, user.id).await?;
    let zone = TimeZone::get(&schedule.time_zone).unwrap_or(TimeZone::UTC);
    let when = Timestamp::from_millisecond(now)
        .map(|t| t.to_zoned(zone).strftime("%Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_default();
    let browser: String = one_line(&client.user_agent).chars().take(200).collect();
    let browser = if browser.is_empty() {
        "not told".to_owned()
    } else {
        browser
    };
    let origin = ctx.config.mail.origin();
    let paragraphs = vec![
        format!(
            "Your account {} on {site} was signed in to from a device it was not used on before.",
            user.username
        ),
        format!(
            "When: {when}\nFrom the address: {}\nBrowser: {browser}",
            client.address
        ),
        "If this was you, there is nothing to do. If it was not, change your password now: \
         that ends every other session. You can also end sessions one by one on your account page."
            .to_owned(),
    ];
    let account = format!("{origin}/account");
    let mut content = compose(
        &format!("New sign-in to your {site} account"),
        &paragraphs,
        ("Your account and its sessions", &account),
    );
    let token = unsubscribe_token(ctx, user.id, Unsubscribing::SignInAlerts).await?;
    let stop = format!("{origin}/mail/unsubscribe?t={token}");
    let note = format!(
        "You get this mail because {site} tells you of sign-ins from new devices; choose what you are mailed on {origin}/account/mail."
    );
    add_footer(&mut content, &note, ("Stop these mails", &stop));
    let to = (user.email.as_str(), user.display_name.as_str());
    Ok(account_mail(
        MailKind::NewSignIn,
        Some(user.id),
        to,
        content,
        now,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_secret_hearth_made_names_a_device() {
        assert!(is_device_secret(&"a1".repeat(32)));
        assert!(!is_device_secret("a1"));
        assert!(!is_device_secret(&"zz".repeat(32)));
        assert!(!is_device_secret(&"a".repeat(10_000)));
    }
}
