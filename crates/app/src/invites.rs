//! Administrators invite people by e-mail address.

use hearth_core::ids::InviteId;
use hearth_core::names::Email;
use hearth_store::{Invite, MailKind, NewInvite};

use crate::access::require_admin;
use crate::auth::Authenticated;
use crate::mail::{account_mail, compose};
use crate::secrets::{hash_secret, random_secret};
use crate::{AppError, Ctx, Result};

/// Invites `email` and mails them the link (to `origin`, the site's
/// address); returns the invitation and the link's secret (shown to the
/// administrator once; kept only in the mail until it goes).
pub async fn create(
    ctx: &Ctx,
    who: &Authenticated,
    email: &str,
    origin: &str,
) -> Result<(Invite, String)> {
    require_admin(who)?;
    let email = Email::parse(email)?;
    let secret = random_secret()?;
    let now = ctx.now();
    let site = crate::settings::get(ctx).await?.site_name;
    let inviter = &who.user.display_name;
    let content = compose(
        &format!("{inviter} invites you to {site}"),
        &[
            format!("{inviter} invites you to join {site}."),
            format!(
                "The link below lets you create your account. It works once, for {} days.",
                ctx.config.invite_ttl_ms / 86_400_000
            ),
        ],
        (
            "Create your account",
            &format!("{origin}/register?invite={secret}"),
        ),
    );
    let mail = account_mail(
        MailKind::Invitation,
        None,
        (email.as_str(), ""),
        content,
        now,
    );
    let invite = ctx
        .store
        .create_invite(NewInvite {
            email,
            token_hash: hash_secret(&secret),
            invited_by: who.user.id,
            created_at: now,
            expires_at: now + ctx.config.invite_ttl_ms,
            mail: Some(mail),
        })
        .await?;
    ctx.outbox_wake.notify_one();
    tracing::info!(by = %who.user.username, invite = %invite.id, "invitation created");
    Ok((invite, secret))
}

/// Unused invitations.
pub async fn pending(ctx: &Ctx, who: &Authenticated) -> Result<Vec<Invite>> {
    require_admin(who)?;
    Ok(ctx.store.pending_invites(ctx.now()).await?)
}

/// Withdraws an unused invitation.
pub async fn revoke(ctx: &Ctx, who: &Authenticated, id: InviteId) -> Result<()> {
    require_admin(who)?;
    if ctx.store.delete_invite(id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The invitation behind a link's secret, if it can still be used.
pub async fn by_secret(ctx: &Ctx, secret: &str) -> Result<Option<Invite>> {
    Ok(ctx
        .store
        .invite_by_hash(&hash_secret(secret), ctx.now())
        .await?)
}
