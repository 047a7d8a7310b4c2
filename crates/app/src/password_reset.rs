//! "Forgot password": a single-use, short-lived link by e-mail. The answer
//! to a request is the same whether the address belongs to an account or
//! not, and takes the same time: the lookup and the mail happen after it.

use hearth_core::model::{AuditAction, UserStatus};
use hearth_core::names::{Email, check_new_password};
use hearth_store::{MailKind, NewPasswordReset, PasswordReset, User};
use tokio::task::JoinHandle;

use crate::auth::security_audit;
use crate::mail::{account_mail, compose};
use crate::secrets::{hash_secret, random_secret};
use crate::{AppError, Ctx, Result, passwords};

/// Mails a link to set a new password to the active account whose address
/// is `email`, if there is one and it has not had too many lately; links
/// point to `origin`. Refuses only what is not an e-mail address. The
/// answer does not wait for the rest (whether the address is known must
/// not show in its time); the handle does.
pub async fn request(ctx: &Ctx, email: &str, origin: &str) -> Result<JoinHandle<()>> {
    let email = Email::parse(email)?;
    let (ctx, origin) = (ctx.clone(), origin.to_owned());
    Ok(tokio::spawn(async move {
        if let Err(e) = send_link(&ctx, &email, &origin).await {
            tracing::error!(error = %e, "a password reset link could not be enqueued");
        }
    }))
}

async fn send_link(ctx: &Ctx, email: &Email, origin: &str) -> Result<()> {
    let user = match ctx.store.credentials(email.as_str()).await? {
        Some((user, _)) if user.email == *email && user.status == UserStatus::Active => user,
        _ => {
            tracing::info!("password reset asked for an address with no active account");
            return Ok(());
        }
    };
    let secret = random_secret()?;
    let now = ctx.now();
    let mail = &ctx.config.mail;
    let site = crate::settings::get(ctx).await?.site_name;
    let minutes = mail.reset_ttl_ms / 60_000;
    let content = compose(
        &format!("Set a new password for {site}"),
        &[
            format!(
                "Someone, probably you, asked to set a new password for your account {} on {site}.",
                user.username
            ),
            format!(
                "The link below works once, for {minutes} minutes. If you did not ask, ignore this mail: your password stays as it is."
            ),
        ],
        (
            "Set a new password",
            &format!("{origin}/reset-password?token={secret}"),
        ),
    );
    let to = (user.email.as_str(), user.display_name.as_str());
    let reset = NewPasswordReset {
        user: user.id,
        token_hash: hash_secret(&secret),
        created_at: now,
        expires_at: now + mail.reset_ttl_ms,
        mail: account_mail(MailKind::PasswordReset, Some(user.id), to, content, now),
        max_recent: mail.resets_per_window,
        window_start: now - mail.reset_window_ms,
    };
    if ctx.store.request_password_reset(reset).await? {
        ctx.outbox_wake.notify_one();
        tracing::info!(user = %user.username, "password reset link enqueued");
    } else {
        tracing::warn!(user = %user.username, "password reset refused: too many lately");
    }
    Ok(())
}

fn expired() -> AppError {
    AppError::invalid(
        "token",
        "this link has expired or was used already; ask for a new one",
    )
}

/// The account a link's secret would set a new password for, if the link
/// still works.
pub async fn account(ctx: &Ctx, secret: &str) -> Result<User> {
    ctx.store
        .password_reset_user(&hash_secret(secret), ctx.now())
        .await?
        .ok_or_else(expired)
}

/// Sets a new password with a link's secret: signs the account out
/// everywhere and ends its other links.
pub async fn reset(ctx: &Ctx, secret: &str, new_password: &str) -> Result<User> {
    let user = account(ctx, secret).await?;
    let new = check_new_password(new_password)?.to_owned();
    let password_hash = passwords::hash(ctx, new).await?;
    let audit = security_audit(ctx, &user, AuditAction::PasswordReset, None);
    let reset = PasswordReset {
        token_hash: hash_secret(secret),
        password_hash,
        now: ctx.now(),
        audit,
    };
    if !ctx.store.reset_password(reset).await? {
        return Err(expired());
    }
    tracing::info!(user = %user.username, "password set with a reset link; sessions ended");
    Ok(user)
}
