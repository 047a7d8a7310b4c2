//! Site settings.

use hearth_core::model::AuditAction;
use hearth_core::model::Registration;
use hearth_store::SiteSettings;

use crate::access::require_admin;
use crate::auth::Authenticated;
use crate::{AppError, Ctx, Result};

/// The current settings; anyone may read them (they shape every page).
pub async fn get(ctx: &Ctx) -> Result<SiteSettings> {
    crate::access::site_settings(ctx).await
}

/// The stored settings, for an administrator about to change them.
pub async fn for_admin(ctx: &Ctx, who: &Authenticated) -> Result<SiteSettings> {
    require_admin(who)?;
    Ok(ctx.store.settings().await?)
}

fn describe(s: &SiteSettings) -> String {
    format!(
        "name={:?} registration={} guest_access={} read_only={} time_zone={}",
        s.site_name, s.registration, s.guest_access, s.read_only, s.time_zone
    )
}

/// What an administrator submits.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    /// The site's name.
    pub site_name: Option<String>,
    /// open or invite_only.
    pub registration: Option<String>,
    /// Whether guests may read public spaces.
    pub guest_access: Option<bool>,
    /// Maintenance: readable, no writes.
    pub read_only: Option<bool>,
    /// The time zone of digests for members who chose none.
    pub time_zone: Option<String>,
}

/// An administrator changes the settings.
pub async fn update(ctx: &Ctx, who: &Authenticated, input: &SettingsInput) -> Result<SiteSettings> {
    require_admin(who)?;
    let mut s = ctx.store.settings().await?;
    *ctx.settings_cache
        .write()
        .unwrap_or_else(|e| e.into_inner()) = None;
    let before = describe(&s);
    if let Some(name) = &input.site_name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "site_name",
                "must be 1 to 60 characters long",
            ));
        }
        s.site_name = name.to_owned();
    }
    if let Some(r) = &input.registration {
        s.registration = Registration::parse(r)?;
    }
    if let Some(g) = input.guest_access {
        s.guest_access = g;
    }
    if let Some(r) = input.read_only {
        s.read_only = r;
    }
    if let Some(zone) = &input.time_zone {
        let zone = zone.trim();
        if !crate::digests::is_time_zone(zone) {
            return Err(AppError::invalid(
                "time_zone",
                "is not a time zone (try Europe/Berlin or UTC)",
            ));
        }
        s.time_zone = zone.to_owned();
    }
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::SiteSettings,
        "site".into(),
        None,
        Some(before),
        Some(describe(&s)),
    );
    ctx.store.save_settings(s.clone(), audit).await?;
    *ctx.settings_cache
        .write()
        .unwrap_or_else(|e| e.into_inner()) = None;
    tracing::info!(by = %who.user.username, "site settings changed");
    Ok(s)
}
