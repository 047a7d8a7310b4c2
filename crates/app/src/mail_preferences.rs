//! What each member is mailed of: a mode for each kind of notification (at
//! once, in a daily or weekly digest, or never) and whether a sign-in from
//! a new device is told, chosen on their account page or through the API,
//! or stopped in one click from a mail's unsubscribe link.

use hearth_core::ids::UserId;
use hearth_store::{DigestPeriod, MailMode, NotificationKind};

use crate::auth::Authenticated;
use crate::signing;
use crate::{AppError, Ctx, Result};

/// Every kind with the mode `user` gets: their choice, or the default.
pub async fn modes(ctx: &Ctx, user: UserId) -> Result<Vec<(NotificationKind, MailMode)>> {
    let chosen = ctx.store.mail_preferences(user).await?;
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

/// Every kind with the mode `who` gets.
pub async fn of(ctx: &Ctx, who: &Authenticated) -> Result<Vec<(NotificationKind, MailMode)>> {
    modes(ctx, who.user.id).await
}

/// Sets `who`'s mode for the kinds given, by their names, and with
/// [`SIGN_IN_ALERTS`] (`immediately` or `never`) whether a sign-in from a
/// new device is mailed; refuses an unknown kind or mode and changes
/// nothing then.
pub async fn set(ctx: &Ctx, who: &Authenticated, modes: &[(String, String)]) -> Result<()> {
    let mut parsed = Vec::with_capacity(modes.len());
    let mut alerts = None;
    for (kind, mode) in modes {
        if kind == SIGN_IN_ALERTS {
            alerts = Some(match MailMode::parse(mode) {
                Some(MailMode::Immediately) => true,
                Some(MailMode::Never) => false,
                _ => return Err(AppError::invalid(kind, "must be immediately or never")),
            });
            continue;
        }
        let kind = NotificationKind::parse(kind)
            .ok_or_else(|| AppError::invalid(kind, "is not a kind of notification"))?;
        let mode = MailMode::parse(mode).ok_or_else(|| {
            AppError::invalid(kind.as_str(), "must be immediately, daily, weekly or never")
        })?;
        parsed.push((kind, mode));
    }
    ctx.store.set_mail_preferences(who.user.id, parsed).await?;
    if let Some(on) = alerts {
        ctx.store.set_sign_in_alerts(who.user.id, on).await?;
    }
    Ok(())
}

/// Whether `who` is mailed when their account signs in from a new device.
pub async fn sign_in_alerts(ctx: &Ctx, who: &Authenticated) -> Result<bool> {
    Ok(ctx.store.sign_in_alerts(who.user.id).await?)
}

/// Sets whether they are.
pub async fn set_sign_in_alerts(ctx: &Ctx, who: &Authenticated, on: bool) -> Result<()> {
    Ok(ctx.store.set_sign_in_alerts(who.user.id, on).await?)
}

/// What an unsubscribe link stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribing {
    /// Mail of one kind of notification.
    Kind(NotificationKind),
    /// A digest: every kind gathered into it.
    Digest(DigestPeriod),
    /// Mail telling of a sign-in from a new device.
    SignInAlerts,
}

/// The name that stands beside the kinds of notification for mail telling
/// of a sign-in from a new device.
pub const SIGN_IN_ALERTS: &str = "new_sign_in";

impl Unsubscribing {
    fn as_str(self) -> &'static str {
        match self {
            Unsubscribing::Kind(kind) => kind.as_str(),
            Unsubscribing::Digest(period) => period.as_str(),
            Unsubscribing::SignInAlerts => SIGN_IN_ALERTS,
        }
    }

    fn parse(s: &str) -> Option<Self> {
        if s == SIGN_IN_ALERTS {
            return Some(Unsubscribing::SignInAlerts);
        }
        NotificationKind::parse(s)
            .map(Unsubscribing::Kind)
            .or_else(|| DigestPeriod::parse(s).map(Unsubscribing::Digest))
    }

    /// What it stops, in words: "Stop {this}?".
    pub fn describe(self) -> String {
        match self {
            Unsubscribing::Kind(kind) => format!("mail of {}", kind.describe().to_lowercase()),
            Unsubscribing::Digest(DigestPeriod::Daily) => "your daily digest".into(),
            Unsubscribing::Digest(DigestPeriod::Weekly) => "your weekly digest".into(),
            Unsubscribing::SignInAlerts => "mail of sign-ins from new devices".into(),
        }
    }
}

/// The token of a link that stops `what` for `user`.
pub(crate) async fn unsubscribe_token(
    ctx: &Ctx,
    user: UserId,
    what: Unsubscribing,
) -> Result<String> {
    let key = signing::key(ctx).await?;
    signing::sign(&key, &format!("{}.{}", user.0, what.as_str()))
}

/// What an unsubscribe link stops: whose mail, of which kind.
pub async fn unsubscribing(ctx: &Ctx, token: &str) -> Result<(UserId, Unsubscribing)> {
    let refused = || AppError::invalid("t", "this unsubscribe link is not one Hearth made");
    let key = signing::key(ctx).await?;
    let payload = signing::verify(&key, token).ok_or_else(refused)?;
    let (user, what) = payload.split_once('.').ok_or_else(refused)?;
    let user = user.parse().map(UserId).map_err(|_| refused())?;
    let what = Unsubscribing::parse(what).ok_or_else(refused)?;
    Ok((user, what))
}

/// Follows an unsubscribe link: no more such mail to its member (a
/// digest's link turns every kind it gathers to `never`).
pub async fn unsubscribe(ctx: &Ctx, token: &str) -> Result<Unsubscribing> {
    let (user, what) = unsubscribing(ctx, token).await?;
    match what {
        Unsubscribing::Kind(kind) => {
            let modes = vec![(kind, MailMode::Never)];
            ctx.store.set_mail_preferences(user, modes).await?;
        }
        Unsubscribing::Digest(period) => {
            let gathered = modes(ctx, user)
                .await?
                .into_iter()
                .filter(|(_, mode)| *mode == period.mode())
                .map(|(kind, _)| (kind, MailMode::Never))
                .collect();
            ctx.store.set_mail_preferences(user, gathered).await?;
        }
        Unsubscribing::SignInAlerts => ctx.store.set_sign_in_alerts(user, false).await?,
    }
    tracing::info!(user = %user, what = what.as_str(), "unsubscribed by a mail's link");
    Ok(what)
}
