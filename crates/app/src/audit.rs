//! The audit log: what owners, moderators and administrators did.

use hearth_core::ids::SpaceId;
use hearth_core::model::AuditAction;
use hearth_store::{AuditEvent, NewAuditEvent};

use crate::access::require_admin;
use crate::auth::Authenticated;
use crate::{Ctx, Result};

/// An event for `who` doing `action` to `target`, now.
pub(crate) fn event(
    ctx: &Ctx,
    who: &Authenticated,
    action: AuditAction,
    target: String,
    space: Option<SpaceId>,
    before: Option<String>,
    after: Option<String>,
) -> Option<NewAuditEvent> {
    Some(NewAuditEvent {
        at: ctx.now(),
        actor: who.user.id,
        action,
        target,
        space_id: space,
        before,
        after,
    })
}

/// The newest events, for administrators.
pub async fn list(
    ctx: &Ctx,
    who: &Authenticated,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditEvent>> {
    require_admin(who)?;
    Ok(ctx.store.audit_events(before, limit.clamp(1, 200)).await?)
}
