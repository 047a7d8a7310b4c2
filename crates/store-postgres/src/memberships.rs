//! Memberships and join requests.

use async_trait::async_trait;
use hearth_core::ids::{SpaceId, UserId};
use hearth_core::model::Role;
use hearth_store::{JoinRequest, Member, MembershipStore, NewAuditEvent, Page, Result, StoreError};
use tokio_postgres::Transaction;

use crate::audit::write_audit;
use crate::error::map_err;
use crate::rows::{self, USER_COLUMNS};
use crate::{PostgresStore, query};

/// Refuses a change that would leave the space without an owner. Locks the
/// space's owner rows so that two concurrent demotions cannot both pass.
async fn ensure_other_owner(tx: &Transaction<'_>, space: SpaceId, user: UserId) -> Result<()> {
    let owners = tx
        .query(
            "SELECT user_id FROM memberships WHERE space_id = $1 AND role = 'owner' FOR UPDATE",
            &[&space.0],
        )
        .await
        .map_err(map_err)?;
    let current = tx
        .query_opt(
            "SELECT role FROM memberships WHERE space_id = $1 AND user_id = $2",
            &[&space.0, &user.0],
        )
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
    let role: &str = current.get(0);
    if role == Role::Owner.as_str() && owners.len() <= 1 {
        return Err(StoreError::conflict("last_owner"));
    }
    Ok(())
}

#[async_trait]
impl MembershipStore for PostgresStore {
    async fn members(&self, space: SpaceId, page: Page) -> Result<Vec<Member>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {USER_COLUMNS}, m.role, m.joined_at FROM memberships m
             JOIN users u ON u.id = m.user_id
             WHERE m.space_id = $1 AND u.id > $2 AND u.status <> 'deleted'
             ORDER BY u.id LIMIT $3"
        );
        let rows = query(&c, &sql, &[&space.0, &page.after, &i64::from(page.limit)]).await?;
        Ok(rows::all(&rows, |r| {
            Ok(Member {
                user: rows::user(r, 0)?,
                role: rows::role(r, 7)?,
                joined_at: r.try_get(8)?,
            })
        })?)
    }

    async fn add_member(
        &self,
        space: SpaceId,
        user: UserId,
        role: Role,
        now: i64,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        tx.execute(
            "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
            &[&space.0, &user.0, &role.as_str(), &now],
        )
        .await
        .map_err(map_err)?;
        tx.execute(
            "DELETE FROM join_requests WHERE space_id = $1 AND user_id = $2",
            &[&space.0, &user.0],
        )
        .await
        .map_err(map_err)?;
        tx.execute(
            "UPDATE spaces SET member_count = member_count + 1 WHERE id = $1",
            &[&space.0],
        )
        .await
        .map_err(map_err)?;
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn set_role(
        &self,
        space: SpaceId,
        user: UserId,
        role: Role,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        if role != Role::Owner {
            ensure_other_owner(&tx, space, user).await?;
        }
        let n = tx
            .execute(
                "UPDATE memberships SET role = $3 WHERE space_id = $1 AND user_id = $2",
                &[&space.0, &user.0, &role.as_str()],
            )
            .await
            .map_err(map_err)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn remove_member(
        &self,
        space: SpaceId,
        user: UserId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        ensure_other_owner(&tx, space, user).await?;
        let removed = tx
            .execute(
                "DELETE FROM memberships WHERE space_id = $1 AND user_id = $2",
                &[&space.0, &user.0],
            )
            .await
            .map_err(map_err)?;
        if removed > 0 {
            tx.execute(
                "UPDATE spaces SET member_count = member_count - 1 WHERE id = $1",
                &[&space.0],
            )
            .await
            .map_err(map_err)?;
        }
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn request_join(&self, space: SpaceId, user: UserId, now: i64) -> Result<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO join_requests (space_id, user_id, requested_at) VALUES ($1, $2, $3)",
            &[&space.0, &user.0, &now],
        )
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn join_requests(&self, space: SpaceId) -> Result<Vec<JoinRequest>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {USER_COLUMNS}, j.requested_at FROM join_requests j
             JOIN users u ON u.id = j.user_id
             WHERE j.space_id = $1 AND u.status = 'active' ORDER BY j.requested_at, u.id"
        );
        let rows = query(&c, &sql, &[&space.0]).await?;
        Ok(rows::all(&rows, |r| {
            Ok(JoinRequest {
                user: rows::user(r, 0)?,
                requested_at: r.try_get(7)?,
            })
        })?)
    }

    async fn delete_join_request(&self, space: SpaceId, user: UserId) -> Result<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM join_requests WHERE space_id = $1 AND user_id = $2",
                &[&space.0, &user.0],
            )
            .await
            .map_err(map_err)?;
        Ok(n > 0)
    }
}
