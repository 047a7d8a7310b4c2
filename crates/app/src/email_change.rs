//! A member changes their own e-mail address: the new one is confirmed
//! by a single-use link mailed to it (a day), and the old one is told.
//! Until it is confirmed, nothing changes.

use hearth_core::model::AuditAction;
use hearth_core::names::Email;
use hearth_store::{EmailChange, MailKind, NewEmailChange, User};

use crate::auth::{Authenticated, security_audit};
use crate::mail::{account_mail, compose};
use crate::secrets::{hash_secret, random_secret};
use crate::{AppError, Ctx, Result, passwords};

/// How long a confirmation link works.
const TTL_MS: i64 = 24 * 3_600_000;

/// Mails a confirmation link to `new_email` (to `origin`), once `password`
/// proves it is `who`. Conflict when another account has that address.
pub async fn request(
    ctx: &Ctx,
    who: &Authenticated,
    new_email: &str,
    password: &str,
    origin: &str,
) -> Result<()> {
    let new_email = Email::parse(new_email)?;
    if new_email == who.user.email {
        return Err(AppError::invalid("email", "is your address already"));
    }
    let hash = ctx
        .store
        .credentials(who.user.username.as_str())
        .await?
        .map(|(_, hash)| hash);
    if !passwords::verify(ctx, password.to_owned(), hash).await? {
        return Err(AppError::invalid(
            "password",
            "is not your current password",
        ));
    }
    let secret = random_secret()?;
    let now = ctx.now();
    let site = crate::settings::get(ctx).await?.site_name;
    let content = compose(
        &format!("Confirm your new e-mail address for {site}"),
        &[
            format!(
                "{} asked to use this address for the account {} on {site}.",
                who.user.display_name, who.user.username
            ),
            "The link below confirms it; it works once, for a day. If you did not ask, ignore this mail: nothing changes.".into(),
        ],
        (
            "Confirm this address",
            &format!("{origin}/account/email/confirm?token={secret}"),
        ),
    );
    let to = (new_email.as_str(), who.user.display_name.as_str());
    let change = NewEmailChange {
        user: who.user.id,
        mail: account_mail(MailKind::EmailChange, Some(who.user.id), to, content, now),
        new_email,
        token_hash: hash_secret(&secret),
        created_at: now,
        expires_at: now + TTL_MS,
    };
    ctx.store.request_email_change(change).await?;
    ctx.outbox_wake.notify_one();
    tracing::info!(user = %who.user.username, "e-mail change asked; confirmation mailed");
    Ok(())
}

fn expired() -> AppError {
    AppError::invalid(
        "token",
        "this link has expired or was used already; ask again from your account page",
    )
}

/// The account and new address a link would confirm, if it still works.
pub async fn pending(ctx: &Ctx, secret: &str) -> Result<(User, String)> {
    ctx.store
        .email_change(&hash_secret(secret), ctx.now())
        .await?
        .ok_or_else(expired)
}

/// Confirms a new address with a link's secret; the old address is told.
pub async fn confirm(ctx: &Ctx, secret: &str, origin: &str) -> Result<(User, String)> {
    let (user, new_email) = pending(ctx, secret).await?;
    let now = ctx.now();
    let site = crate::settings::get(ctx).await?.site_name;
    let content = compose(
        &format!("Your e-mail address on {site} was changed"),
        &[
            format!(
                "The account {} on {site} now uses the address {new_email} instead of this one.",
                user.username
            ),
            "If you did not do this, sign in and change your password, or tell an administrator."
                .into(),
        ],
        ("Sign in", &format!("{origin}/signin")),
    );
    let to = (user.email.as_str(), user.display_name.as_str());
    let change = EmailChange {
        token_hash: hash_secret(secret),
        now,
        audit: security_audit(
            ctx,
            &user,
            AuditAction::EmailChange,
            Some(new_email.clone()),
        ),
        notice: account_mail(MailKind::EmailChange, Some(user.id), to, content, now),
    };
    if !ctx.store.confirm_email_change(change).await? {
        return Err(expired());
    }
    ctx.outbox_wake.notify_one();
    tracing::info!(user = %user.username, "e-mail address changed");
    Ok((user, new_email))
}
