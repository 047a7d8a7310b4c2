//! Invitations to create an account.

use async_trait::async_trait;
use hearth_core::ids::InviteId;
use hearth_store::{Invite, InviteStore, NewInvite, Result};

use crate::args;
use crate::conn::{Engine, value};
use crate::rows::{INVITE_COLUMNS, invite};
use crate::store::SqlStore;
use crate::value::ReadRows;

#[async_trait]
impl<E: Engine> InviteStore for SqlStore<E> {
    async fn create_invite(&self, new: NewInvite) -> Result<Invite> {
        self.write(move |c| {
            Box::pin(async move {
                let id: i64 = value(
                    c,
                    "INSERT INTO invites (email, token_hash, invited_by, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    args![
                        new.email.as_str(),
                        &new.token_hash,
                        new.invited_by,
                        new.created_at,
                        new.expires_at
                    ],
                )
                .await?;
                if let Some(mail) = &new.mail {
                    crate::mail::enqueue(c, mail).await?;
                }
                Ok(Invite {
                    id: InviteId(id),
                    email: new.email,
                    invited_by: new.invited_by,
                    created_at: new.created_at,
                    expires_at: new.expires_at,
                })
            })
        })
        .await
    }

    async fn invite_by_hash(&self, token_hash: &str, now: i64) -> Result<Option<Invite>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {INVITE_COLUMNS} FROM invites i
                     WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2"
                );
                c.query_opt(&sql, args![&token_hash, now])
                    .await?
                    .read(invite)
            })
        })
        .await
    }

    async fn pending_invites(&self, now: i64) -> Result<Vec<Invite>> {
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {INVITE_COLUMNS} FROM invites i
                     WHERE i.accepted_at IS NULL AND i.expires_at > $1 ORDER BY i.id DESC"
                );
                c.query(&sql, args![now]).await?.read(invite)
            })
        })
        .await
    }

    async fn delete_invite(&self, id: InviteId) -> Result<bool> {
        self.write(move |c| {
            Box::pin(async move {
                let n = c
                    .execute(
                        "DELETE FROM invites WHERE id = $1 AND accepted_at IS NULL",
                        args![id],
                    )
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }
}
