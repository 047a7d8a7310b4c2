//! Memberships and join requests, with each space's member count.

use async_trait::async_trait;
use hearth_core::ids::{SpaceId, UserId};
use hearth_core::model::Role;
use hearth_store::{
    Conflict, FollowTarget, JoinDecision, JoinRequest, Member, MembershipStore, NewAuditEvent,
    Page, Result, StoreError,
};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Conn, Engine, value, value_opt};
use crate::following::follow_unless_stopped;
use crate::notifying::{notify_join_decision, notify_join_request};
use crate::rows::{USER_COLUMNS, role, user};
use crate::store::SqlStore;
use crate::value::ReadRows;

/// Refuses a change that would leave the space without an owner. Locks the
/// space's owner rows so that two concurrent demotions cannot both pass.
async fn ensure_other_owner(c: &mut dyn Conn, space: SpaceId, user: UserId) -> Result<()> {
    let sql = format!(
        "SELECT user_id FROM memberships WHERE space_id = $1 AND role = 'owner'{}",
        c.dialect().for_update()
    );
    let owners = c.query(&sql, args![space]).await?.len();
    let current: String = value_opt(
        c,
        "SELECT role FROM memberships WHERE space_id = $1 AND user_id = $2",
        args![space, user],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    if current == Role::Owner.as_str() && owners <= 1 {
        return Err(Conflict::LastOwner.into());
    }
    Ok(())
}

/// Adds a member inside a transaction and drops their join request.
/// Conflict if already a member.
async fn insert_member(
    c: &mut dyn Conn,
    space: SpaceId,
    user: UserId,
    role: Role,
    now: i64,
) -> Result<()> {
    let member: Option<String> = value_opt(
        c,
        "SELECT role FROM memberships WHERE space_id = $1 AND user_id = $2",
        args![space, user],
    )
    .await?;
    if member.is_some() {
        return Err(Conflict::AlreadyMember.into());
    }
    c.execute(
        "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        args![space, user, role.as_str(), now],
    )
    .await?;
    c.execute(
        "DELETE FROM join_requests WHERE space_id = $1 AND user_id = $2",
        args![space, user],
    )
    .await?;
    c.execute(
        "UPDATE spaces SET member_count = member_count + 1 WHERE id = $1",
        args![space],
    )
    .await?;
    // Joining follows the space (the member can stop).
    follow_unless_stopped(c, user, &FollowTarget::Space(space), now).await
}

/// Makes `user` a member inside a transaction unless they already are one:
/// the join that contributing to an open space brings.
pub(crate) async fn join_if_new(
    c: &mut dyn Conn,
    space: SpaceId,
    user: UserId,
    now: i64,
) -> Result<()> {
    match insert_member(c, space, user, Role::Member, now).await {
        Err(StoreError::Conflict(Conflict::AlreadyMember)) => Ok(()),
        other => other,
    }
}

#[async_trait]
impl<E: Engine> MembershipStore for SqlStore<E> {
    async fn members(&self, space: SpaceId, page: Page) -> Result<Vec<Member>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, m.role, m.joined_at FROM memberships m
                     JOIN users u ON u.id = m.user_id
                     WHERE m.space_id = $1 AND u.id > $2 AND u.status <> 'deleted'
                     ORDER BY u.id LIMIT $3"
                );
                c.query(&sql, args![space, page.after, i64::from(page.limit)])
                    .await?
                    .read(|r| {
                        Ok(Member {
                            user: user(r)?,
                            role: role(r)?,
                            joined_at: r.get()?,
                        })
                    })
            })
        })
        .await
    }

    async fn add_member(
        &self,
        space: SpaceId,
        user: UserId,
        role: Role,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                insert_member(c, space, user, role, now).await?;
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn add_members(
        &self,
        space: SpaceId,
        users: Vec<UserId>,
        role: Role,
        now: i64,
    ) -> Result<()> {
        if users.is_empty() {
            return Ok(());
        }
        // Ids are integers: safe to list inline, a few statements for any
        // number of members rather than four round trips each.
        let ids = users
            .iter()
            .map(|u| u.0.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let rows = users
            .iter()
            .map(|u| format!("($1, {}, $2, $3)", u.0))
            .collect::<Vec<_>>()
            .join(", ");
        let count = users.len() as i64;
        self.write(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT count(*) FROM memberships WHERE space_id = $1 AND user_id IN ({ids})"
                );
                if value::<i64>(c, &sql, args![space]).await? > 0 {
                    return Err(Conflict::AlreadyMember.into());
                }
                let sql = format!(
                    "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES {rows}"
                );
                c.execute(&sql, args![space, role.as_str(), now]).await?;
                let sql =
                    format!("DELETE FROM join_requests WHERE space_id = $1 AND user_id IN ({ids})");
                c.execute(&sql, args![space]).await?;
                c.execute(
                    "UPDATE spaces SET member_count = member_count + $2 WHERE id = $1",
                    args![space, count],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn set_role(
        &self,
        space: SpaceId,
        user: UserId,
        role: Role,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                if role != Role::Owner {
                    ensure_other_owner(c, space, user).await?;
                }
                let n = c
                    .execute(
                        "UPDATE memberships SET role = $3 WHERE space_id = $1 AND user_id = $2",
                        args![space, user, role.as_str()],
                    )
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn remove_member(
        &self,
        space: SpaceId,
        user: UserId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                ensure_other_owner(c, space, user).await?;
                let removed = c
                    .execute(
                        "DELETE FROM memberships WHERE space_id = $1 AND user_id = $2",
                        args![space, user],
                    )
                    .await?;
                if removed > 0 {
                    c.execute(
                        "UPDATE spaces SET member_count = member_count - 1 WHERE id = $1",
                        args![space],
                    )
                    .await?;
                }
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn request_join(&self, space: SpaceId, user: UserId, now: i64) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let pending: Option<i64> = value_opt(
                    c,
                    "SELECT requested_at FROM join_requests WHERE space_id = $1 AND user_id = $2",
                    args![space, user],
                )
                .await?;
                if pending.is_some() {
                    return Err(Conflict::RequestPending.into());
                }
                c.execute(
                    "INSERT INTO join_requests (space_id, user_id, requested_at) VALUES ($1, $2, $3)",
                    args![space, user, now],
                )
                .await?;
                notify_join_request(c, space, user, now).await
            })
        })
        .await
        .inspect(|()| self.engine().live_signal().raise())
    }

    async fn join_requests(&self, space: SpaceId) -> Result<Vec<JoinRequest>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, j.requested_at FROM join_requests j
                     JOIN users u ON u.id = j.user_id
                     WHERE j.space_id = $1 AND u.status = 'active' ORDER BY j.requested_at, u.id"
                );
                c.query(&sql, args![space]).await?.read(|r| {
                    Ok(JoinRequest {
                        user: user(r)?,
                        requested_at: r.get()?,
                    })
                })
            })
        })
        .await
    }

    async fn decide_join_request(
        &self,
        space: SpaceId,
        user: UserId,
        decision: JoinDecision,
        audit: Option<NewAuditEvent>,
    ) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let pending = c
                    .execute(
                        "DELETE FROM join_requests WHERE space_id = $1 AND user_id = $2",
                        args![space, user],
                    )
                    .await?;
                if pending == 0 {
                    return Ok(false);
                }
                if decision.approve {
                    insert_member(c, space, user, Role::Member, decision.now).await?;
                }
                let JoinDecision { approve, by, now } = decision;
                notify_join_decision(c, space, user, approve, by, now).await?;
                write_audit(c, &audit).await?;
                Ok(true)
            })
        })
        .await
        .inspect(|_| self.engine().live_signal().raise())
    }
}
