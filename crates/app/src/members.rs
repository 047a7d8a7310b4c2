//! Memberships: joining, asking, leaving, and owners running their members.

use hearth_core::model::AuditAction;
use hearth_core::model::Role;
use hearth_core::names::Username;
use hearth_core::permissions::{SpaceAction, Viewer};
use hearth_store::{JoinDecision, JoinRequest, Member, Page};

use crate::access::{VisibleSpace, find};
use crate::auth::Authenticated;
use crate::{AppError, Ctx, Result};

/// The members of a space, for those who may read it.
pub async fn list(ctx: &Ctx, viewer: Viewer, slug: &str, page: Page) -> Result<Vec<Member>> {
    let space = find(ctx, viewer, slug, SpaceAction::Read).await?;
    list_in(ctx, viewer, &space, page).await
}

/// The members of a space already found, for those who may read it.
pub async fn list_in(
    ctx: &Ctx,
    viewer: Viewer,
    space: &VisibleSpace,
    page: Page,
) -> Result<Vec<Member>> {
    space.require(viewer, SpaceAction::Read)?;
    Ok(ctx.store.members(space.view.space.id, page).await?)
}

/// What a request to join led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Now a member.
    Joined,
    /// Waiting for approval.
    Requested,
}

/// Joins an open space, or asks to join one that takes requests.
pub async fn join(ctx: &Ctx, who: &Authenticated, slug: &str) -> Result<JoinOutcome> {
    let viewer = who.viewer();
    let space = find(ctx, viewer, slug, SpaceAction::See).await?;
    let id = space.view.space.id;
    if space.allows(viewer, SpaceAction::Join) {
        ctx.store
            .add_member(id, who.user.id, Role::Member, ctx.now(), None)
            .await?;
        Ok(JoinOutcome::Joined)
    } else if space.allows(viewer, SpaceAction::RequestJoin) {
        ctx.store.request_join(id, who.user.id, ctx.now()).await?;
        Ok(JoinOutcome::Requested)
    } else if space.view.role.is_some() {
        Err(AppError::Conflict("already a member".into()))
    } else {
        Err(AppError::Forbidden(
            "this space is by invitation only".into(),
        ))
    }
}

/// Leaves a space; the last owner cannot.
pub async fn leave(ctx: &Ctx, who: &Authenticated, slug: &str) -> Result<()> {
    let space = find(ctx, who.viewer(), slug, SpaceAction::Leave).await?;
    Ok(ctx
        .store
        .remove_member(space.view.space.id, who.user.id, None)
        .await?)
}

/// The account named `username`, in any status: a locked account's
/// memberships can still be changed and ended.
async fn user_named(ctx: &Ctx, username: &str) -> Result<hearth_store::User> {
    let username =
        Username::parse(username).map_err(|_| AppError::invalid("username", "no such user"))?;
    ctx.store
        .user_by_username(&username)
        .await?
        .ok_or_else(|| AppError::invalid("username", "no such user"))
}

/// The active account named `username`: only those are given access.
async fn active_user_named(ctx: &Ctx, username: &str) -> Result<hearth_store::User> {
    let user = user_named(ctx, username).await?;
    if user.status != hearth_core::model::UserStatus::Active {
        return Err(AppError::invalid("username", "no such user"));
    }
    Ok(user)
}

/// An owner adds someone with a role. Adding, as a member, someone who asked
/// to join approves their request instead, which moderators may do too.
pub async fn add(
    ctx: &Ctx,
    who: &Authenticated,
    slug: &str,
    username: &str,
    role: Role,
) -> Result<Member> {
    let viewer = who.viewer();
    let space = find(ctx, viewer, slug, SpaceAction::See).await?;
    if role == Role::Member && space.allows(viewer, SpaceAction::Moderate) {
        let user = active_user_named(ctx, username).await?;
        if has_request(ctx, &space, &user).await? {
            decide_in(ctx, who, &space, &user, true).await?;
            return Ok(Member {
                user,
                role,
                joined_at: ctx.now(),
            });
        }
    }
    space.require(viewer, SpaceAction::Manage)?;
    if space.view.space.kind == hearth_core::model::SpaceKind::Personal {
        return Err(AppError::Forbidden(
            "a personal space has only its owner".into(),
        ));
    }
    let user = active_user_named(ctx, username).await?;
    let now = ctx.now();
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::MemberAdd,
        format!("user:{}", user.id),
        Some(space.view.space.id),
        None,
        Some(role.to_string()),
    );
    ctx.store
        .add_member(space.view.space.id, user.id, role, now, audit)
        .await?;
    tracing::info!(by = %who.user.username, space = %slug, user = %user.username, role = %role, "member added");
    Ok(Member {
        user,
        role,
        joined_at: now,
    })
}

/// An owner changes a member's role.
pub async fn set_role(
    ctx: &Ctx,
    who: &Authenticated,
    slug: &str,
    username: &str,
    role: Role,
) -> Result<()> {
    let space = find(ctx, who.viewer(), slug, SpaceAction::Manage).await?;
    let user = user_named(ctx, username).await?;
    let before = ctx
        .store
        .space_by_slug(slug, Some(user.id))
        .await?
        .and_then(|v| v.role)
        .map(|r| r.to_string());
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::MemberRole,
        format!("user:{}", user.id),
        Some(space.view.space.id),
        before,
        Some(role.to_string()),
    );
    ctx.store
        .set_role(space.view.space.id, user.id, role, audit)
        .await?;
    tracing::info!(by = %who.user.username, space = %slug, user = %user.username, role = %role, "role changed");
    Ok(())
}

/// An owner removes a member.
pub async fn remove(ctx: &Ctx, who: &Authenticated, slug: &str, username: &str) -> Result<()> {
    let space = find(ctx, who.viewer(), slug, SpaceAction::Manage).await?;
    let user = user_named(ctx, username).await?;
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::MemberRemove,
        format!("user:{}", user.id),
        Some(space.view.space.id),
        None,
        None,
    );
    ctx.store
        .remove_member(space.view.space.id, user.id, audit)
        .await?;
    tracing::info!(by = %who.user.username, space = %slug, user = %user.username, "member removed");
    Ok(())
}

/// Pending requests to join, for moderators.
pub async fn requests(ctx: &Ctx, who: &Authenticated, slug: &str) -> Result<Vec<JoinRequest>> {
    let space = find(ctx, who.viewer(), slug, SpaceAction::Moderate).await?;
    requests_in(ctx, who, &space).await
}

/// Pending requests to join a space already found, for moderators.
pub async fn requests_in(
    ctx: &Ctx,
    who: &Authenticated,
    space: &VisibleSpace,
) -> Result<Vec<JoinRequest>> {
    space.require(who.viewer(), SpaceAction::Moderate)?;
    Ok(ctx.store.join_requests(space.view.space.id).await?)
}

/// A moderator approves or declines a request to join.
pub async fn decide_request(
    ctx: &Ctx,
    who: &Authenticated,
    slug: &str,
    username: &str,
    approve: bool,
) -> Result<()> {
    let space = find(ctx, who.viewer(), slug, SpaceAction::Moderate).await?;
    let user = if approve {
        active_user_named(ctx, username).await?
    } else {
        user_named(ctx, username).await?
    };
    if !has_request(ctx, &space, &user).await? {
        return Err(AppError::NotFound);
    }
    decide_in(ctx, who, &space, &user, approve).await
}

async fn has_request(ctx: &Ctx, space: &VisibleSpace, user: &hearth_store::User) -> Result<bool> {
    let pending = ctx.store.join_requests(space.view.space.id).await?;
    Ok(pending.iter().any(|r| r.user.id == user.id))
}

/// Approves or declines `user`'s pending request to join `space`.
async fn decide_in(
    ctx: &Ctx,
    who: &Authenticated,
    space: &VisibleSpace,
    user: &hearth_store::User,
    approve: bool,
) -> Result<()> {
    space.require(who.viewer(), SpaceAction::Moderate)?;
    let id = space.view.space.id;
    // The audit records an approval; a declined request leaves no member.
    let audit = approve
        .then(|| {
            crate::audit::event(
                ctx,
                who,
                AuditAction::MemberApprove,
                format!("user:{}", user.id),
                Some(id),
                None,
                Some(Role::Member.to_string()),
            )
        })
        .flatten();
    let decision = JoinDecision {
        approve,
        by: who.user.id,
        now: ctx.now(),
    };
    if !ctx
        .store
        .decide_join_request(id, user.id, decision, audit)
        .await?
    {
        return Err(AppError::NotFound);
    }
    tracing::info!(by = %who.user.username, space = %space.view.space.slug, user = %user.username, approve, "join request decided");
    Ok(())
}
