//! API bearer tokens and feed tokens.

use async_trait::async_trait;
use hearth_core::ids::{TokenId, UserId};
use hearth_store::{ApiToken, NewApiToken, NewAuditEvent, Result, TokenStore, User};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Engine, value};
use crate::rows::{TOKEN_COLUMNS, USER_COLUMNS, token, user};
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> TokenStore for SqlStore<E> {
    async fn create_token(&self, t: NewApiToken, audit: Option<NewAuditEvent>) -> Result<ApiToken> {
        self.write(move |c| {
            Box::pin(async move {
                let id: i64 = value(
                    c,
                    "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    args![t.user_id, &t.name, &t.token_hash, t.created_at],
                )
                .await?;
                write_audit(c, &audit).await?;
                Ok(ApiToken {
                    id: TokenId(id),
                    user_id: t.user_id,
                    name: t.name,
                    created_at: t.created_at,
                    last_used_at: None,
                })
            })
        })
        .await
    }

    async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS}, {USER_COLUMNS} FROM api_tokens t
                     JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = $1 AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&token_hash])
                    .await?
                    .read(|r| Ok((token(r)?, user(r)?)))
            })
        })
        .await
    }

    async fn touch_token(&self, id: TokenId, now: i64) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
                    args![id, now],
                )
                .await
                .map(|_| ())
            })
        })
        .await
    }

    async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC"
                );
                c.query(&sql, args![user]).await?.read(token)
            })
        })
        .await
    }

    async fn delete_token(&self, user: UserId, id: TokenId) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute(
                        "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
                        args![id, user],
                    )
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }

    async fn set_feed_token(&self, user: UserId, token_hash: String, now: i64) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                c.execute(
                    "INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (user_id) DO UPDATE
                     SET token_hash = excluded.token_hash, created_at = excluded.created_at",
                    args![user, &token_hash, now],
                )
                .await
                .map(|_| ())
            })
        })
        .await
    }

    async fn feed_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM feed_tokens f JOIN users u ON u.id = f.user_id
                     WHERE f.token_hash = $1 AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&token_hash]).await?.read(user)
            })
        })
        .await
    }

    async fn delete_feed_token(&self, user: UserId) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute("DELETE FROM feed_tokens WHERE user_id = $1", args![user])
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }
}
