//! Administrators invite people by e-mail address.

use hearth_core::ids::InviteId;
use hearth_core::names::Email;
use hearth_store::{Invite, NewInvite};

use crate::access::require_admin;
use crate::auth::Authenticated;
use crate::secrets::{hash_secret, random_secret};
use crate::{AppError, Ctx, Result};

/// Invites `email`; returns the invitation and the link's secret (shown to
/// the administrator once; never stored).
pub async fn create(ctx: &Ctx, who: &Authenticated, email: &str) -> Result<(Invite, String)> {
    require_admin(who)?;
    let email = Email::parse(email)?;
    let secret = random_secret()?;
    let now = ctx.now();
    let invite = ctx
        .store
        .create_invite(NewInvite {
            email,
            token_hash: hash_secret(&secret),
            invited_by: who.user.id,
            created_at: now,
            expires_at: now + ctx.config.invite_ttl_ms,
        })
        .await?;
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
