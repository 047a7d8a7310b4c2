//! Browser sessions.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{NewAuditEvent, Result, Session, SessionStore, User};

use crate::args;
use crate::audit::write_audit;
use crate::conn::Engine;
use crate::rows::{SESSION_COLUMNS, USER_COLUMNS, session, user};
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> SessionStore for SqlStore<E> {
    async fn create_session(&self, s: Session, audit: Option<NewAuditEvent>) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    args![&s.id_hash, s.user_id, &s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, &s.user_agent],
                )
                .await?;
                write_audit(c, &audit).await
            })
        })
        .await
    }

    async fn session(&self, id_hash: &str, now: i64) -> Result<Option<(Session, User)>> {
        let id_hash = id_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {SESSION_COLUMNS}, {USER_COLUMNS} FROM sessions se
                     JOIN users u ON u.id = se.user_id
                     WHERE se.id_hash = $1 AND se.expires_at > $2 AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&id_hash, now])
                    .await?
                    .read(|r| Ok((session(r)?, user(r)?)))
            })
        })
        .await
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        let id_hash = id_hash.to_owned();
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
                    args![&id_hash, now],
                )
                .await
                .map(|_| ())
            })
        })
        .await
    }

    async fn delete_session(&self, user: UserId, id_hash: &str) -> Result<bool> {
        let id_hash = id_hash.to_owned();
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute(
                        "DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2",
                        args![&id_hash, user],
                    )
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions se WHERE se.user_id = $1
                     ORDER BY se.created_at DESC"
                );
                c.query(&sql, args![user]).await?.read(session)
            })
        })
        .await
    }
}
