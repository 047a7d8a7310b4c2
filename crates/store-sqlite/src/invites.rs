//! Invitations to create an account.

use async_trait::async_trait;
use hearth_core::ids::InviteId;
use hearth_store::{Invite, InviteStore, NewInvite, Result};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;
use crate::rows::{self, INVITE_COLUMNS};

#[async_trait]
impl InviteStore for SqliteStore {
    async fn create_invite(&self, new: NewInvite) -> Result<Invite> {
        self.db
            .write(move |c| {
                let id: i64 = c.query_row(
                    "INSERT INTO invites (email, token_hash, invited_by, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                    params![
                        new.email.as_str(),
                        new.token_hash,
                        new.invited_by.0,
                        new.created_at,
                        new.expires_at
                    ],
                    |r| r.get(0),
                )?;
                Ok(Invite {
                    id: InviteId(id),
                    email: new.email,
                    invited_by: new.invited_by,
                    created_at: new.created_at,
                    expires_at: new.expires_at,
                })
            })
            .await
    }

    async fn invite_by_hash(&self, token_hash: &str, now: i64) -> Result<Option<Invite>> {
        let token_hash = token_hash.to_owned();
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {INVITE_COLUMNS} FROM invites i
                     WHERE i.token_hash = ?1 AND i.accepted_at IS NULL AND i.expires_at > ?2"
                );
                Ok(
                    c.query_row(&sql, params![token_hash, now], |r| rows::invite(r, 0))
                        .optional()?,
                )
            })
            .await
    }

    async fn pending_invites(&self, now: i64) -> Result<Vec<Invite>> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {INVITE_COLUMNS} FROM invites i
                     WHERE i.accepted_at IS NULL AND i.expires_at > ?1 ORDER BY i.id DESC"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let invites = stmt
                    .query_map([now], |r| rows::invite(r, 0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(invites)
            })
            .await
    }

    async fn delete_invite(&self, id: InviteId) -> Result<bool> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "DELETE FROM invites WHERE id = ?1 AND accepted_at IS NULL",
                    [id.0],
                )?;
                Ok(n > 0)
            })
            .await
    }
}
