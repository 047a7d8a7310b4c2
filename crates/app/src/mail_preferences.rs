//! What each member is mailed of: a mode for each kind of notification,
//! chosen on their account page or through the API, or in one click from
//! a mail's unsubscribe link.

use hearth_core::ids::UserId;
use hearth_store::{MailMode, NotificationKind};

use crate::auth::Authenticated;
use crate::signing;
use crate::{AppError, Ctx, Result};

/// Every kind with the mode `who` gets: their choice, or the default.
pub async fn of(ctx: &Ctx, who: &Authenticated) -> Result<Vec<(NotificationKind, MailMode)>> {
    let chosen = ctx.store.mail_preferences(who.user.id).await?;
    Ok(NotificationKind::ALL
        .iter()
        .map(|&kind| {
            let mode = chosen
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(MailMode::default_for(kind), |(_, m)| *m);
            (kind, mode)
        })
        .collect())
}

/// Sets `who`'s mode for the kinds given, by their names; refuses an
/// unknown kind or mode and changes nothing then.
pub async fn set(ctx: &Ctx, who: &Authenticated, modes: &[(String, String)]) -> Result<()> {
    let mut parsed = Vec::with_capacity(modes.len());
    for (kind, mode) in modes {
        let kind = NotificationKind::parse(kind)
            .ok_or_else(|| AppError::invalid(kind, "is not a kind of notification"))?;
        let mode = MailMode::parse(mode)
            .ok_or_else(|| AppError::invalid(kind.as_str(), "must be immediately or never"))?;
        parsed.push((kind, mode));
    }
    ctx.store.set_mail_preferences(who.user.id, parsed).await?;
    Ok(())
}

/// The token of a link that stops `user`'s mail of `kind`.
pub(crate) async fn unsubscribe_token(
    ctx: &Ctx,
    user: UserId,
    kind: NotificationKind,
) -> Result<String> {
    let key = signing::key(ctx).await?;
    signing::sign(&key, &format!("{}.{}", user.0, kind.as_str()))
}

/// What an unsubscribe link stops: whose mail, of which kind.
pub async fn unsubscribing(ctx: &Ctx, token: &str) -> Result<(UserId, NotificationKind)> {
    let refused = || AppError::invalid("t", "this unsubscribe link is not one Hearth made");
    let key = signing::key(ctx).await?;
    let payload = signing::verify(&key, token).ok_or_else(refused)?;
    let (user, kind) = payload.split_once('.').ok_or_else(refused)?;
    let user = user.parse().map(UserId).map_err(|_| refused())?;
    let kind = NotificationKind::parse(kind).ok_or_else(refused)?;
    Ok((user, kind))
}

/// Follows an unsubscribe link: no more mail of its kind to its member.
pub async fn unsubscribe(ctx: &Ctx, token: &str) -> Result<NotificationKind> {
    let (user, kind) = unsubscribing(ctx, token).await?;
    ctx.store
        .set_mail_preferences(user, vec![(kind, MailMode::Never)])
        .await?;
    tracing::info!(user = %user, kind = kind.as_str(), "unsubscribed by a mail's link");
    Ok(kind)
}
