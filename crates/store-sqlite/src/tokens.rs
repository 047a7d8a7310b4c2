//! API bearer tokens.

use async_trait::async_trait;
use hearth_core::ids::{TokenId, UserId};
use hearth_store::{ApiToken, NewApiToken, NewAuditEvent, Result, TokenStore, User};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;
use crate::audit::write_audit;
use crate::rows::{self, TOKEN_COLUMNS, USER_COLUMNS};

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(&self, t: NewApiToken, audit: Option<NewAuditEvent>) -> Result<ApiToken> {
        self.db
            .write(move |c| {
                let id: i64 = c.query_row(
                    "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                     VALUES (?1, ?2, ?3, ?4) RETURNING id",
                    params![t.user_id.0, t.name, t.token_hash, t.created_at],
                    |r| r.get(0),
                )?;
                write_audit(c, &audit)?;
                Ok(ApiToken {
                    id: TokenId(id),
                    user_id: t.user_id,
                    name: t.name,
                    created_at: t.created_at,
                    last_used_at: None,
                })
            })
            .await
    }

    async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>> {
        let token_hash = token_hash.to_owned();
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS}, {USER_COLUMNS} FROM api_tokens t
                     JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = ?1 AND u.status = 'active'"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let found = stmt
                    .query_row([token_hash], |r| {
                        Ok((rows::token(r, 0)?, rows::user(r, 5)?))
                    })
                    .optional()?;
                Ok(found)
            })
            .await
    }

    async fn touch_token(&self, id: TokenId, now: i64) -> Result<()> {
        self.db
            .write(move |c| {
                c.execute(
                    "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
                    (id.0, now),
                )?;
                Ok(())
            })
            .await
    }

    async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = ?1 ORDER BY t.id DESC"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let tokens = stmt
                    .query_map([user.0], |r| rows::token(r, 0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(tokens)
            })
            .await
    }

    async fn delete_token(&self, user: UserId, id: TokenId) -> Result<bool> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2",
                    (id.0, user.0),
                )?;
                Ok(n > 0)
            })
            .await
    }

    async fn set_feed_token(&self, user: UserId, token_hash: String, now: i64) -> Result<()> {
        self.db
            .write(move |c| {
                c.execute(
                    "INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
                    params![user.0, token_hash, now],
                )?;
                Ok(())
            })
            .await
    }

    async fn feed_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let token_hash = token_hash.to_owned();
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM feed_tokens f JOIN users u ON u.id = f.user_id
                     WHERE f.token_hash = ?1 AND u.status = 'active'"
                );
                Ok(c.prepare_cached(&sql)?
                    .query_row([token_hash], |r| rows::user(r, 0))
                    .optional()?)
            })
            .await
    }

    async fn delete_feed_token(&self, user: UserId) -> Result<bool> {
        self.db
            .write(move |c| {
                Ok(c.execute("DELETE FROM feed_tokens WHERE user_id = ?1", [user.0])? > 0)
            })
            .await
    }
}
