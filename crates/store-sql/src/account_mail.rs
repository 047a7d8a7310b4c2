//! Account mail carrying single-use links: "forgot password" and a new
//! e-mail address to confirm; each link's hash and its mail are written
//! together.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{
    AccountMailStore, Conflict, EmailChange, NewEmailChange, NewPasswordReset, PasswordReset,
    Result, User,
};

use crate::args;
use crate::audit::write_audit;
use crate::conn::{Conn, Engine, value};
use crate::mail::enqueue;
use crate::rows::{USER_COLUMNS, user};
use crate::store::SqlStore;
use crate::value::ReadRows;

/// Conflict `EmailTaken` when an account other than `user` has `email`.
async fn email_free(c: &mut dyn Conn, email: &str, user: UserId) -> Result<()> {
    let taken = c
        .query_opt(
            "SELECT 1 FROM users WHERE email = $1 AND id <> $2",
            args![email, user],
        )
        .await?;
    match taken {
        Some(_) => Err(Conflict::EmailTaken.into()),
        None => Ok(()),
    }
}

#[async_trait]
impl<E: Engine> AccountMailStore for SqlStore<E> {
    async fn request_email_change(&self, change: NewEmailChange) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                email_free(c, change.new_email.as_str(), change.user).await?;
                c.execute(
                    "INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    args![
                        &change.token_hash,
                        change.user,
                        change.new_email.as_str(),
                        change.created_at,
                        change.expires_at
                    ],
                )
                .await?;
                enqueue(c, &change.mail).await?;
                Ok(())
            })
        })
        .await
    }

    async fn email_change(&self, token_hash: &str, now: i64) -> Result<Option<(User, String)>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS}, e.new_email FROM email_changes e
                     JOIN users u ON u.id = e.user_id
                     WHERE e.token_hash = $1 AND e.used_at IS NULL AND e.expires_at > $2
                       AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&token_hash, now])
                    .await?
                    .read(|r| Ok((user(r)?, r.get()?)))
            })
        })
        .await
    }

    async fn confirm_email_change(&self, change: EmailChange) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let used = c
                    .query_opt(
                        "UPDATE email_changes SET used_at = $2
                         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                           AND user_id IN (SELECT id FROM users WHERE status = 'active')
                         RETURNING user_id, new_email",
                        args![&change.token_hash, change.now],
                    )
                    .await?
                    .read(|r| Ok((r.get::<UserId>()?, r.get::<String>()?)))?;
                let Some((user, email)) = used else {
                    return Ok(false);
                };
                email_free(c, &email, user).await?;
                c.execute(
                    "UPDATE users SET email = $2 WHERE id = $1",
                    args![user, &email],
                )
                .await?;
                c.execute(
                    "UPDATE email_changes SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                    args![user, change.now],
                )
                .await?;
                enqueue(c, &change.notice).await?;
                write_audit(c, &Some(change.audit)).await?;
                Ok(true)
            })
        })
        .await
    }

    async fn request_password_reset(&self, reset: NewPasswordReset) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let key = format!("password_reset:{}", reset.user.0);
                c.lock_keys(&[&key]).await?;
                let recent: i64 = value(
                    c,
                    "SELECT count(*) FROM password_resets WHERE user_id = $1 AND created_at >= $2",
                    args![reset.user, reset.window_start],
                )
                .await?;
                if recent >= reset.max_recent {
                    return Ok(false);
                }
                c.execute(
                    "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    args![
                        &reset.token_hash,
                        reset.user,
                        reset.created_at,
                        reset.expires_at
                    ],
                )
                .await?;
                enqueue(c, &reset.mail).await?;
                Ok(true)
            })
        })
        .await
    }

    async fn password_reset_user(&self, token_hash: &str, now: i64) -> Result<Option<User>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM password_resets r JOIN users u ON u.id = r.user_id
                     WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2
                       AND u.status = 'active'"
                );
                c.query_opt(&sql, args![&token_hash, now]).await?.read(user)
            })
        })
        .await
    }

    async fn reset_password(&self, reset: PasswordReset) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let used: Option<UserId> = crate::conn::value_opt(
                    c,
                    "UPDATE password_resets SET used_at = $2
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                       AND user_id IN (SELECT id FROM users WHERE status = 'active')
                     RETURNING user_id",
                    args![&reset.token_hash, reset.now],
                )
                .await?;
                let Some(user) = used else {
                    return Ok(false);
                };
                c.execute(
                    "UPDATE users SET password_hash = $2 WHERE id = $1",
                    args![user, &reset.password_hash],
                )
                .await?;
                // Whoever knew the old password is signed out everywhere,
                // and no other link of this account works any more.
                c.execute("DELETE FROM sessions WHERE user_id = $1", args![user])
                    .await?;
                c.execute("DELETE FROM feed_tokens WHERE user_id = $1", args![user])
                    .await?;
                c.execute(
                    "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                    args![user, reset.now],
                )
                .await?;
                write_audit(c, &Some(reset.audit)).await?;
                Ok(true)
            })
        })
        .await
    }
}
