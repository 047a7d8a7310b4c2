//! The trust page: is the service well, and is everything still there.

use hearth_core::permissions::Viewer;
use hearth_store::SiteStats;

use crate::{Ctx, Result};

/// What the status page shows.
#[derive(Debug, Clone)]
pub struct Status {
    /// The database answers.
    pub healthy: bool,
    /// What is stored, for signed-in members (guests see only health):
    /// site-wide totals, without what secret spaces hold but for administrators.
    pub stats: Option<SiteStats>,
}

/// The service's state as `viewer` may see it.
pub async fn show(ctx: &Ctx, viewer: Viewer) -> Result<Status> {
    let healthy = ctx.store.ping().await.is_ok();
    let stats = match (healthy, viewer) {
        (true, Viewer::User { admin, .. }) => Some(ctx.store.stats(admin).await?),
        _ => None,
    };
    Ok(Status { healthy, stats })
}

/// Whether the database answers now.
pub async fn ready(ctx: &Ctx) -> Result<()> {
    Ok(ctx.store.ping().await?)
}

/// The storage engine's name and how busy its connections are.
pub fn pool(ctx: &Ctx) -> (&'static str, hearth_store::PoolStatus) {
    (ctx.store.engine(), ctx.store.pool_status())
}

/// Whether pages are read from a replica because the primary is down
/// (writing is paused).
pub fn reading_from_replica(ctx: &Ctx) -> bool {
    ctx.store.serving_from_replica()
}
