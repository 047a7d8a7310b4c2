//! Browser sessions.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{NewAuditEvent, Result, Session, SessionStore, User};

use crate::audit::write_audit;
use crate::error::map_err;
use crate::rows::{self, SESSION_COLUMNS, USER_COLUMNS};
use crate::{PostgresStore, query};

#[async_trait]
impl SessionStore for PostgresStore {
    async fn create_session(&self, s: Session, audit: Option<NewAuditEvent>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        tx.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&s.id_hash, &s.user_id.0, &s.csrf_token, &s.created_at, &s.last_seen_at, &s.expires_at, &s.user_agent],
        )
        .await
        .map_err(map_err)?;
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn session(&self, id_hash: &str, now: i64) -> Result<Option<(Session, User)>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS}, {USER_COLUMNS} FROM sessions se
             JOIN users u ON u.id = se.user_id
             WHERE se.id_hash = $1 AND se.expires_at > $2 AND u.status = 'active'"
        );
        let rows = query(&c, &sql, &[&id_hash, &now]).await?;
        let found = match rows.first() {
            Some(r) => Some((rows::session(r, 0)?, rows::user(r, 7)?)),
            None => None,
        };
        Ok(found)
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
            &[&id_hash, &now],
        )
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn delete_session(&self, user: UserId, id_hash: &str) -> Result<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2",
                &[&id_hash, &user.0],
            )
            .await
            .map_err(map_err)?;
        Ok(n > 0)
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions se WHERE se.user_id = $1 ORDER BY se.created_at DESC"
        );
        let rows = query(&c, &sql, &[&user.0]).await?;
        Ok(rows::all(&rows, |r| rows::session(r, 0))?)
    }
}
