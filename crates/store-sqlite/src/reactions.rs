//! Likes, with their counts kept on the liked row.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{ReactionStore, ReactionTarget, Result, StoreError, User};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;
use crate::rows::{self, USER_COLUMNS};

/// The reaction's kind column, and the table whose row it targets.
fn target_of(t: ReactionTarget) -> (&'static str, &'static str, i64) {
    match t {
        ReactionTarget::Topic(id) => ("topic", "topics", id.0),
        ReactionTarget::Reply(id) => ("reply", "replies", id.0),
    }
}

#[async_trait]
impl ReactionStore for SqliteStore {
    async fn set_reaction(
        &self,
        target: ReactionTarget,
        user: UserId,
        on: bool,
        now: i64,
    ) -> Result<i64> {
        let (kind, table, id) = target_of(target);
        self.db
            .write(move |c| {
                let exists: Option<i64> = c
                    .query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
                    .optional()?;
                if exists.is_none() {
                    return Err(StoreError::NotFound.into());
                }
                if on {
                    c.execute(
                        "INSERT INTO reactions (target_kind, target_id, user_id, created_at) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT DO NOTHING",
                        params![kind, id, user.0, now],
                    )?;
                } else {
                    c.execute(
                        "DELETE FROM reactions WHERE target_kind = ?1 AND target_id = ?2 AND user_id = ?3",
                        params![kind, id, user.0],
                    )?;
                }
                let count: i64 = c.query_row(
                    &format!(
                        "UPDATE {table} SET like_count = (SELECT count(*) FROM reactions
                             WHERE target_kind = ?1 AND target_id = ?2)
                         WHERE id = ?2 RETURNING like_count"
                    ),
                    params![kind, id],
                    |r| r.get(0),
                )?;
                Ok(count)
            })
            .await
    }

    async fn likers(&self, target: ReactionTarget) -> Result<Vec<User>> {
        let (kind, _, id) = target_of(target);
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM reactions x JOIN users u ON u.id = x.user_id
                     WHERE x.target_kind = ?1 AND x.target_id = ?2 ORDER BY x.created_at, u.id LIMIT 100"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let users = stmt
                    .query_map(params![kind, id], |r| rows::user(r, 0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(users)
            })
            .await
    }
}
