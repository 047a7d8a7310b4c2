//! Accounts, each with its personal space.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_core::model::{JoinPolicy, Role, SpaceKind, UserStatus, Visibility};
use hearth_core::names::{Slug, Username};
use hearth_store::{
    Conflict, NewAuditEvent, NewUser, Page, ProfileDetails, Result, StoreError, User, UserStore,
};

use crate::args;
use crate::audit::{audited, write_audit};
use crate::conn::{Engine, value};
use crate::people::person_key;
use crate::rows::{USER_COLUMNS, user};
use crate::search::{self, Doc, person_text};
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> UserStore for SqlStore<E> {
    async fn create_user(&self, new: NewUser) -> Result<User> {
        self.write(move |c| {
            Box::pin(async move {
                if new.only_first {
                    // Another first registration waits here until this one ends.
                    c.lock_keys(&["first account"]).await?;
                    if value::<i64>(c, "SELECT count(*) FROM users", &[]).await? > 0 {
                        return Err(Conflict::NotFirstAccount.into());
                    }
                }
                let taken: Option<(bool, bool)> = c
                    .query_opt(
                        "SELECT username = $1, email = $2 FROM users WHERE username = $1 OR email = $2",
                        args![new.username.as_str(), new.email.as_str()],
                    )
                    .await?
                    .read(|r| Ok((r.get()?, r.get()?)))?;
                match taken {
                    Some((true, _)) => return Err(Conflict::UsernameTaken.into()),
                    Some((false, _)) => return Err(Conflict::EmailTaken.into()),
                    None => {}
                }
                if let Some(invite) = new.invite {
                    let used = c
                        .execute(
                            "UPDATE invites SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL",
                            args![invite, new.created_at],
                        )
                        .await?;
                    if used == 0 {
                        return Err(Conflict::InviteUsed.into());
                    }
                }
                let key = person_key(
                    new.display_name.as_str(),
                    new.username.as_str(),
                    &ProfileDetails::default(),
                );
                let id: i64 = value(
                    c,
                    "INSERT INTO users (username, display_name, email, password_hash, is_admin, status,
                                        created_at, name_key)
                     VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) RETURNING id",
                    args![
                        new.username.as_str(),
                        new.display_name.as_str(),
                        new.email.as_str(),
                        &new.password_hash,
                        new.is_admin,
                        new.created_at,
                        &key
                    ],
                )
                .await?;
                let slug = Slug::personal(&new.username);
                let space: i64 = value(
                    c,
                    "INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at, member_count)
                     VALUES ($1, $2, '', $3, $4, $5, $6, 1) RETURNING id",
                    args![
                        slug.as_str(),
                        new.display_name.as_str(),
                        SpaceKind::Personal.as_str(),
                        Visibility::Public.as_str(),
                        JoinPolicy::Invite.as_str(),
                        new.created_at
                    ],
                )
                .await?;
                c.execute(
                    "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
                    args![space, id, Role::Owner.as_str(), new.created_at],
                )
                .await?;
                let (title, body) =
                    person_text(new.display_name.as_str(), new.username.as_str(), "");
                search::index(c, Doc::Person(id), &title, &body).await?;
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
        })
        .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
                c.query_opt(&sql, args![id]).await?.read(user)
            })
        })
        .await
    }

    async fn user_by_username(&self, username: &Username) -> Result<Option<User>> {
        let username = username.as_str().to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
                c.query_opt(&sql, args![&username]).await?.read(user)
            })
        })
        .await
    }

    async fn credentials(&self, login: &str) -> Result<Option<(User, String)>> {
        let login = login.trim().to_lowercase();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u
                     WHERE u.username = $1 OR u.email = $1"
                );
                c.query_opt(&sql, args![&login])
                    .await?
                    .read(|r| Ok((user(r)?, r.get()?)))
            })
        })
        .await
    }

    async fn list_users(&self, page: Page) -> Result<Vec<User>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.id > $1 ORDER BY u.id LIMIT $2"
                );
                c.query(&sql, args![page.after, i64::from(page.limit)])
                    .await?
                    .read(user)
            })
        })
        .await
    }

    async fn count_users(&self) -> Result<i64> {
        self.read(|c| Box::pin(async move { value(c, "SELECT count(*) FROM users", &[]).await }))
            .await
    }

    async fn has_users(&self) -> Result<bool> {
        self.read(|c| {
            Box::pin(async move { value(c, "SELECT EXISTS (SELECT 1 FROM users)", &[]).await })
        })
        .await
    }

    async fn set_user_status(
        &self,
        id: UserId,
        status: UserStatus,
        audit: Option<NewAuditEvent>,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute(
                        "UPDATE users SET status = $2 WHERE id = $1",
                        args![id, status.as_str()],
                    )
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                if status != UserStatus::Active {
                    for table in ["sessions", "api_tokens", "feed_tokens"] {
                        let sql = format!("DELETE FROM {table} WHERE user_id = $1");
                        c.execute(&sql, args![id]).await?;
                    }
                }
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn set_admin(&self, id: UserId, admin: bool, audit: Option<NewAuditEvent>) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                audited(
                    c,
                    "UPDATE users SET is_admin = $2 WHERE id = $1",
                    args![id, admin],
                    &audit,
                )
                .await
            })
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
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute(
                        "UPDATE users SET password_hash = $2 WHERE id = $1",
                        args![id, &hash],
                    )
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                c.execute(
                    "DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2",
                    args![id, keep_session.as_ref()],
                )
                .await?;
                c.execute("DELETE FROM feed_tokens WHERE user_id = $1", args![id])
                    .await?;
                if end_tokens {
                    c.execute("DELETE FROM api_tokens WHERE user_id = $1", args![id])
                        .await?;
                }
                write_audit(c, &audit).await
            })
        })
        .await
    }
}
