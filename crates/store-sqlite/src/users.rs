//! Accounts.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_core::model::{JoinPolicy, Role, SpaceKind, UserStatus, Visibility};
use hearth_core::names::{Slug, Username};
use hearth_store::{NewAuditEvent, NewUser, Page, Result, StoreError, User, UserStore};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;
use crate::audit::write_audit;
use crate::rows::{self, USER_COLUMNS};

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, new: NewUser) -> Result<User> {
        self.db
            .write(move |c| {
                if new.only_first {
                    let users: i64 = c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
                    if users > 0 {
                        return Err(StoreError::conflict("users_first").into());
                    }
                }
                if let Some(invite) = new.invite {
                    let used = c.execute(
                        "UPDATE invites SET accepted_at = ?2 WHERE id = ?1 AND accepted_at IS NULL",
                        (invite.0, new.created_at),
                    )?;
                    if used == 0 {
                        return Err(StoreError::conflict("invites_used").into());
                    }
                }
                let id: i64 = c.query_row(
                    "INSERT INTO users (username, display_name, email, password_hash, is_admin, status, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6) RETURNING id",
                    params![
                        new.username.as_str(),
                        new.display_name.as_str(),
                        new.email.as_str(),
                        new.password_hash,
                        new.is_admin,
                        new.created_at
                    ],
                    |r| r.get(0),
                )?;
                let space: i64 = c.query_row(
                    "INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at)
                     VALUES (?1, ?2, '', ?3, ?4, ?5, ?6) RETURNING id",
                    params![
                        Slug::personal(&new.username).as_str(),
                        new.display_name.as_str(),
                        SpaceKind::Personal.as_str(),
                        Visibility::Public.as_str(),
                        JoinPolicy::Invite.as_str(),
                        new.created_at
                    ],
                    |r| r.get(0),
                )?;
                c.execute(
                    "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
                    params![space, id, Role::Owner.as_str(), new.created_at],
                )?;
                c.execute("UPDATE spaces SET member_count = 1 WHERE id = ?1", [space])?;
                Ok(User {
                    id: UserId(id),
                    username: new.username,
                    display_name: new.display_name,
                    email: new.email,
                    is_admin: new.is_admin,
                    status: UserStatus::Active,
                    created_at: new.created_at,
                })
            })
            .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.db
            .read(move |c| {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1");
                Ok(c.query_row(&sql, [id.0], |r| rows::user(r, 0)).optional()?)
            })
            .await
    }

    async fn user_by_username(&self, username: &Username) -> Result<Option<User>> {
        let username = username.as_str().to_owned();
        self.db
            .read(move |c| {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1");
                Ok(c.query_row(&sql, [username], |r| rows::user(r, 0))
                    .optional()?)
            })
            .await
    }

    async fn credentials(&self, login: &str) -> Result<Option<(User, String)>> {
        let login = login.trim().to_lowercase();
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u
                     WHERE u.username = ?1 OR u.email = ?1"
                );
                let found = c
                    .query_row(&sql, [login], |r| Ok((rows::user(r, 0)?, r.get(7)?)))
                    .optional()?;
                Ok(found)
            })
            .await
    }

    async fn list_users(&self, page: Page) -> Result<Vec<User>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.id > ?1 ORDER BY u.id LIMIT ?2"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let users = stmt
                    .query_map((page.after, page.limit), |r| rows::user(r, 0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(users)
            })
            .await
    }

    async fn count_users(&self) -> Result<i64> {
        self.db
            .read(|c| Ok(c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?))
            .await
    }

    async fn set_user_status(
        &self,
        id: UserId,
        status: UserStatus,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE users SET status = ?2 WHERE id = ?1",
                    params![id.0, status.as_str()],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                if status != UserStatus::Active {
                    c.execute("DELETE FROM sessions WHERE user_id = ?1", [id.0])?;
                    c.execute("DELETE FROM api_tokens WHERE user_id = ?1", [id.0])?;
                    c.execute("DELETE FROM feed_tokens WHERE user_id = ?1", [id.0])?;
                }
                write_audit(c, &audit)
            })
            .await
    }

    async fn set_admin(&self, id: UserId, admin: bool, audit: Option<NewAuditEvent>) -> Result<()> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE users SET is_admin = ?2 WHERE id = ?1",
                    params![id.0, admin],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                write_audit(c, &audit)
            })
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
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                    params![id.0, hash],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound.into());
                }
                c.execute(
                    "DELETE FROM sessions WHERE user_id = ?1 AND id_hash IS NOT ?2",
                    params![id.0, keep_session],
                )?;
                c.execute("DELETE FROM feed_tokens WHERE user_id = ?1", [id.0])?;
                if end_tokens {
                    c.execute("DELETE FROM api_tokens WHERE user_id = ?1", [id.0])?;
                }
                write_audit(c, &audit)
            })
            .await
    }
}
