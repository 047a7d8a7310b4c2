//! Likes, with their counts kept on the liked row.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{ReactionStore, ReactionTarget, Result, StoreError, User};

use crate::error::map_err;
use crate::rows::{self, USER_COLUMNS};
use crate::{PostgresStore, query};

/// The reaction's kind column, and the table whose row it targets.
fn target_of(t: ReactionTarget) -> (&'static str, &'static str, i64) {
    match t {
        ReactionTarget::Topic(id) => ("topic", "topics", id.0),
        ReactionTarget::Reply(id) => ("reply", "replies", id.0),
    }
}

#[async_trait]
impl ReactionStore for PostgresStore {
    async fn set_reaction(
        &self,
        target: ReactionTarget,
        user: UserId,
        on: bool,
        now: i64,
    ) -> Result<i64> {
        let (kind, table, id) = target_of(target);
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        // Lock the liked row: concurrent likes then count in turn.
        let exists = tx
            .query_opt(
                &format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"),
                &[&id],
            )
            .await
            .map_err(map_err)?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        if on {
            tx.execute(
                "INSERT INTO reactions (target_kind, target_id, user_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&kind, &id, &user.0, &now],
            )
            .await
            .map_err(map_err)?;
        } else {
            tx.execute(
                "DELETE FROM reactions WHERE target_kind = $1 AND target_id = $2 AND user_id = $3",
                &[&kind, &id, &user.0],
            )
            .await
            .map_err(map_err)?;
        }
        let count: i64 = tx
            .query_one(
                &format!(
                    "UPDATE {table} SET like_count = (SELECT count(*) FROM reactions
                         WHERE target_kind = $1 AND target_id = $2)
                     WHERE id = $2 RETURNING like_count"
                ),
                &[&kind, &id],
            )
            .await
            .map_err(map_err)?
            .get(0);
        tx.commit().await.map_err(map_err)?;
        Ok(count)
    }

    async fn likers(&self, target: ReactionTarget) -> Result<Vec<User>> {
        let (kind, _, id) = target_of(target);
        let c = self.client().await?;
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM reactions x JOIN users u ON u.id = x.user_id
             WHERE x.target_kind = $1 AND x.target_id = $2 ORDER BY x.created_at, u.id LIMIT 100"
        );
        let rows = query(&c, &sql, &[&kind, &id]).await?;
        Ok(rows::all(&rows, |r| rows::user(r, 0))?)
    }
}
