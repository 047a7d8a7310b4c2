//! API bearer tokens.

use async_trait::async_trait;
use hearth_core::ids::{TokenId, UserId};
use hearth_store::{ApiToken, NewApiToken, NewAuditEvent, Result, TokenStore, User};

use crate::audit::write_audit;
use crate::error::map_err;
use crate::rows::{self, TOKEN_COLUMNS, USER_COLUMNS};
use crate::{PostgresStore, query};

#[async_trait]
impl TokenStore for PostgresStore {
    async fn create_token(&self, t: NewApiToken, audit: Option<NewAuditEvent>) -> Result<ApiToken> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&t.user_id.0, &t.name, &t.token_hash, &t.created_at],
            )
            .await
            .map_err(map_err)?
            .get(0);
        write_audit(&tx, &audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(ApiToken {
            id: TokenId(id),
            user_id: t.user_id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: None,
        })
    }

    async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {TOKEN_COLUMNS}, {USER_COLUMNS} FROM api_tokens t
             JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND u.status = 'active'"
        );
        let rows = query(&c, &sql, &[&token_hash]).await?;
        let found = match rows.first() {
            Some(r) => Some((rows::token(r, 0)?, rows::user(r, 5)?)),
            None => None,
        };
        Ok(found)
    }

    async fn touch_token(&self, id: TokenId, now: i64) -> Result<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
            &[&id.0, &now],
        )
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC"
        );
        let rows = query(&c, &sql, &[&user.0]).await?;
        Ok(rows::all(&rows, |r| rows::token(r, 0))?)
    }

    async fn delete_token(&self, user: UserId, id: TokenId) -> Result<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
                &[&id.0, &user.0],
            )
            .await
            .map_err(map_err)?;
        Ok(n > 0)
    }

    async fn set_feed_token(&self, user: UserId, token_hash: String, now: i64) -> Result<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
            &[&user.0, &token_hash, &now],
        )
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn feed_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM feed_tokens f JOIN users u ON u.id = f.user_id
             WHERE f.token_hash = $1 AND u.status = 'active'"
        );
        let rows = query(&c, &sql, &[&token_hash]).await?;
        Ok(rows.first().map(|r| rows::user(r, 0)).transpose()?)
    }

    async fn delete_feed_token(&self, user: UserId) -> Result<bool> {
        let c = self.client().await?;
        let n = c
            .execute("DELETE FROM feed_tokens WHERE user_id = $1", &[&user.0])
            .await
            .map_err(map_err)?;
        Ok(n > 0)
    }
}
