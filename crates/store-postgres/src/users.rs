//! Accounts.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_core::model::{JoinPolicy, Role, SpaceKind, UserStatus, Visibility};
use hearth_core::names::{Slug, Username};
use hearth_store::{NewAuditEvent, NewUser, Page, Result, StoreError, User, UserStore};

use crate::audit::{audited, write_audit};
use crate::error::map_err;
use crate::rows::{self, USER_COLUMNS};
use crate::{PostgresStore, query};

#[async_trait]
impl UserStore for PostgresStore {
    async fn create_user(&self, new: NewUser) -> Result<User> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        if new.only_first {
            // Another first registration waits here until this one commits.
            tx.batch_execute("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                .await
                .map_err(map_err)?;
            let users: i64 = tx
                .query_one("SELECT count(*) FROM users", &[])
                .await
                .map_err(map_err)?
                .get(0);
            if users > 0 {
                return Err(StoreError::conflict("users_first"));
            }
        }
        if let Some(invite) = new.invite {
            let used = tx
                .execute(
                    "UPDATE invites SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL",
                    &[&invite.0, &new.created_at],
                )
                .await
                .map_err(map_err)?;
            if used == 0 {
                return Err(StoreError::conflict("invites_used"));
            }
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO users (username, display_name, email, password_hash, is_admin, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING id",
                &[
                    &new.username.as_str(),
                    &new.display_name.as_str(),
                    &new.email.as_str(),
                    &new.password_hash,
                    &new.is_admin,
                    &new.created_at,
                ],
            )
            .await
            .map_err(map_err)?
            .get(0);
        let space: i64 = tx
            .query_one(
                "INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at)
                 VALUES ($1, $2, '', $3, $4, $5, $6) RETURNING id",
                &[
                    &Slug::personal(&new.username).as_str(),
                    &new.display_name.as_str(),
                    &SpaceKind::Personal.as_str(),
                    &Visibility::Public.as_str(),
                    &JoinPolicy::Invite.as_str(),
                    &new.created_at,
                ],
            )
            .await
            .map_err(map_err)?
            .get(0);
        tx.execute(
            "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
            &[&space, &id, &Role::Owner.as_str(), &new.created_at],
        )
        .await
        .map_err(map_err)?;
        tx.execute(
            "UPDATE spaces SET member_count = 1 WHERE id = $1",
            &[&space],
        )
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(User {
            id: UserId(id),
            username: new.username,
            display_name: new.display_name,
            email: new.email,
            is_admin: new.is_admin,
            status: UserStatus::Active,
            created_at: new.created_at,
        })
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        let c = self.client().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let rows = query(&c, &sql, &[&id.0]).await?;
        Ok(rows.first().map(|r| rows::user(r, 0)).transpose()?)
    }

    async fn user_by_username(&self, username: &Username) -> Result<Option<User>> {
        let c = self.client().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
        let rows = query(&c, &sql, &[&username.as_str()]).await?;
        Ok(rows.first().map(|r| rows::user(r, 0)).transpose()?)
    }

    async fn credentials(&self, login: &str) -> Result<Option<(User, String)>> {
        let login = login.trim().to_lowercase();
        let c = self.client().await?;
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1 OR u.email = $1"
        );
        let rows = query(&c, &sql, &[&login]).await?;
        let found = match rows.first() {
            Some(r) => Some((rows::user(r, 0)?, r.try_get(7).map_err(map_err)?)),
            None => None,
        };
        Ok(found)
    }

    async fn list_users(&self, page: Page) -> Result<Vec<User>> {
        let c = self.client().await?;
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id > $1 ORDER BY u.id LIMIT $2");
        let rows = query(&c, &sql, &[&page.after, &i64::from(page.limit)]).await?;
        Ok(rows::all(&rows, |r| rows::user(r, 0))?)
    }

    async fn count_users(&self) -> Result<i64> {
        let c = self.client().await?;
        let rows = query(&c, "SELECT count(*) FROM users", &[]).await?;
        Ok(rows.first().map_or(0, |r| r.get(0)))
    }

    async fn set_user_status(
        &self,
        id: UserId,
        status: UserStatus,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let n = tx
            .execute(
                "UPDATE users SET status = $2 WHERE id = $1",
                &[&id.0, &status.as_str()],
            )
            .await
            .map_err(map_err)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if status != UserStatus::Active {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id.0])
                .await
                .map_err(map_err)?;
            tx.execute("DELETE FROM api_tokens WHERE user_id = $1", &[&id.0])
                .await
                .map_err(map_err)?;
            tx.execute("DELETE FROM feed_tokens WHERE user_id = $1", &[&id.0])
                .await
                .map_err(map_err)?;
        }
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn set_admin(&self, id: UserId, admin: bool, audit: Option<NewAuditEvent>) -> Result<()> {
        audited(
            self,
            "UPDATE users SET is_admin = $2 WHERE id = $1",
            &[&id.0, &admin],
            &audit,
        )
        .await
    }

    async fn set_password(
        &self,
        id: UserId,
        hash: String,
        keep_session: Option<String>,
        end_tokens: bool,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let n = tx
            .execute(
                "UPDATE users SET password_hash = $2 WHERE id = $1",
                &[&id.0, &hash],
            )
            .await
            .map_err(map_err)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2",
            &[&id.0, &keep_session],
        )
        .await
        .map_err(map_err)?;
        tx.execute("DELETE FROM feed_tokens WHERE user_id = $1", &[&id.0])
            .await
            .map_err(map_err)?;
        if end_tokens {
            tx.execute("DELETE FROM api_tokens WHERE user_id = $1", &[&id.0])
                .await
                .map_err(map_err)?;
        }
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }
}
