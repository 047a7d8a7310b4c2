//! Invitations to create an account.

use async_trait::async_trait;
use hearth_core::ids::InviteId;
use hearth_store::{Invite, InviteStore, NewInvite, Result};

use crate::error::map_err;
use crate::rows::{self, INVITE_COLUMNS};
use crate::{PostgresStore, query};

#[async_trait]
impl InviteStore for PostgresStore {
    async fn create_invite(&self, new: NewInvite) -> Result<Invite> {
        let c = self.client().await?;
        let id: i64 = c
            .query_one(
                "INSERT INTO invites (email, token_hash, invited_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &new.email.as_str(),
                    &new.token_hash,
                    &new.invited_by.0,
                    &new.created_at,
                    &new.expires_at,
                ],
            )
            .await
            .map_err(map_err)?
            .get(0);
        Ok(Invite {
            id: InviteId(id),
            email: new.email,
            invited_by: new.invited_by,
            created_at: new.created_at,
            expires_at: new.expires_at,
        })
    }

    async fn invite_by_hash(&self, token_hash: &str, now: i64) -> Result<Option<Invite>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM invites i
             WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2"
        );
        let rows = query(&c, &sql, &[&token_hash, &now]).await?;
        Ok(rows.first().map(|r| rows::invite(r, 0)).transpose()?)
    }

    async fn pending_invites(&self, now: i64) -> Result<Vec<Invite>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM invites i
             WHERE i.accepted_at IS NULL AND i.expires_at > $1 ORDER BY i.id DESC"
        );
        let rows = query(&c, &sql, &[&now]).await?;
        Ok(rows::all(&rows, |r| rows::invite(r, 0))?)
    }

    async fn delete_invite(&self, id: InviteId) -> Result<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM invites WHERE id = $1 AND accepted_at IS NULL",
                &[&id.0],
            )
            .await
            .map_err(map_err)?;
        Ok(n > 0)
    }
}
