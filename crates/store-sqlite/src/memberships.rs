//! Memberships and join requests.

use async_trait::async_trait;
use hearth_core::ids::{SpaceId, UserId};
use hearth_core::model::Role;
use hearth_store::{JoinRequest, Member, MembershipStore, NewAuditEvent, Page, Result, StoreError};
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::audit::write_audit;
use crate::error::SqlResult;
use crate::rows::{self, USER_COLUMNS};

/// Refuses a change that would leave the space without an owner.
fn ensure_other_owner(c: &Connection, space: SpaceId, user: UserId) -> SqlResult<()> {
    let current: Option<String> = c
        .query_row(
            "SELECT role FROM memberships WHERE space_id = ?1 AND user_id = ?2",
            (space.0, user.0),
            |r| r.get(0),
        )
        .optional()?;
    let Some(current) = current else {
        return Err(StoreError::NotFound.into());
    };
    if current == Role::Owner.as_str() {
        let owners: i64 = c.query_row(
            "SELECT count(*) FROM memberships WHERE space_id = ?1 AND role = 'owner'",
            [space.0],
            |r| r.get(0),
        )?;
        if owners <= 1 {
            return Err(StoreError::conflict("last_owner").into());
        }
    }
    Ok(())
}

#[async_trait]
impl MembershipStore for SqliteStore {
    async fn members(&self, space: SpaceId, page: Page) -> Result<Vec<Member>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, m.role, m.joined_at FROM memberships m
                     JOIN users u ON u.id = m.user_id
                     WHERE m.space_id = ?1 AND u.id > ?2 AND u.status <> 'deleted'
                     ORDER BY u.id LIMIT ?3"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let members = stmt
                    .query_map((space.0, page.after, page.limit), |r| {
                        Ok(Member {
                            user: rows::user(r, 0)?,
                            role: rows::role(r, 7)?,
                            joined_at: r.get(8)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(members)
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
        self.db
            .write(move |c| {
                c.execute(
                    "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
                    params![space.0, user.0, role.as_str(), now],
                )?;
                c.execute(
                    "DELETE FROM join_requests WHERE space_id = ?1 AND user_id = ?2",
                    (space.0, user.0),
                )?;
                c.execute("UPDATE spaces SET member_count = member_count + 1 WHERE id = ?1", [space.0])?;
                write_audit(c, &audit)
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
        self.db
            .write(move |c| {
                if role != Role::Owner {
                    ensure_other_owner(c, space, user)?;
                }
                let n = c.execute(
                    "UPDATE memberships SET role = ?3 WHERE space_id = ?1 AND user_id = ?2",
                    params![space.0, user.0, role.as_str()],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn remove_member(
        &self,
        space: SpaceId,
        user: UserId,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                ensure_other_owner(c, space, user)?;
                let removed = c.execute(
                    "DELETE FROM memberships WHERE space_id = ?1 AND user_id = ?2",
                    (space.0, user.0),
                )?;
                if removed > 0 {
                    c.execute(
                        "UPDATE spaces SET member_count = member_count - 1 WHERE id = ?1",
                        [space.0],
                    )?;
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn request_join(&self, space: SpaceId, user: UserId, now: i64) -> Result<()> {
        self.db
            .write(move |c| {
                c.execute(
                    "INSERT INTO join_requests (space_id, user_id, requested_at) VALUES (?1, ?2, ?3)",
                    (space.0, user.0, now),
                )?;
                Ok(())
            })
            .await
    }

    async fn join_requests(&self, space: SpaceId) -> Result<Vec<JoinRequest>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, j.requested_at FROM join_requests j
                     JOIN users u ON u.id = j.user_id
                     WHERE j.space_id = ?1 AND u.status = 'active' ORDER BY j.requested_at, u.id"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let requests = stmt
                    .query_map([space.0], |r| {
                        Ok(JoinRequest {
                            user: rows::user(r, 0)?,
                            requested_at: r.get(7)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(requests)
            })
            .await
    }

    async fn delete_join_request(&self, space: SpaceId, user: UserId) -> Result<bool> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "DELETE FROM join_requests WHERE space_id = ?1 AND user_id = ?2",
                    (space.0, user.0),
                )?;
                Ok(n > 0)
            })
            .await
    }
}
