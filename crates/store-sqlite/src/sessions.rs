//! Browser sessions.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{NewAuditEvent, Result, Session, SessionStore, User};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;
use crate::audit::write_audit;
use crate::rows::{self, SESSION_COLUMNS, USER_COLUMNS};

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(&self, s: Session, audit: Option<NewAuditEvent>) -> Result<()> {
        self.db
            .write(move |c| {
                c.execute(
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![s.id_hash, s.user_id.0, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.user_agent],
                )?;
                write_audit(c, &audit)
            })
            .await
    }

    async fn session(&self, id_hash: &str, now: i64) -> Result<Option<(Session, User)>> {
        let id_hash = id_hash.to_owned();
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {SESSION_COLUMNS}, {USER_COLUMNS} FROM sessions se
                     JOIN users u ON u.id = se.user_id
                     WHERE se.id_hash = ?1 AND se.expires_at > ?2 AND u.status = 'active'"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let found = stmt
                    .query_row(params![id_hash, now], |r| {
                        Ok((rows::session(r, 0)?, rows::user(r, 7)?))
                    })
                    .optional()?;
                Ok(found)
            })
            .await
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        let id_hash = id_hash.to_owned();
        self.db
            .write(move |c| {
                c.execute(
                    "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
                    params![id_hash, now],
                )?;
                Ok(())
            })
            .await
    }

    async fn delete_session(&self, user: UserId, id_hash: &str) -> Result<bool> {
        let id_hash = id_hash.to_owned();
        self.db
            .write(move |c| {
                let n = c.execute(
                    "DELETE FROM sessions WHERE id_hash = ?1 AND user_id = ?2",
                    params![id_hash, user.0],
                )?;
                Ok(n > 0)
            })
            .await
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions se WHERE se.user_id = ?1
                     ORDER BY se.created_at DESC"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let sessions = stmt
                    .query_map([user.0], |r| rows::session(r, 0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(sessions)
            })
            .await
    }
}
