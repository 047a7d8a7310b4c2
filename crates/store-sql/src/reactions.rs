//! Likes, with their counts kept on the liked row.

use async_trait::async_trait;
use hearth_core::ids::UserId;
use hearth_store::{ReactionStore, ReactionTarget, Result, StoreError, Telling, User};

use crate::args;
use crate::conn::{Conn, Engine, value};
use crate::notifying::notify_liked;
use crate::rows::{USER_COLUMNS, user};
use crate::store::SqlStore;
use crate::value::ReadRows;

/// The liked row: the reaction's kind column, its table, the column of
/// that table that names its topic, and its id.
struct Liked {
    kind: &'static str,
    table: &'static str,
    topic_column: &'static str,
    id: i64,
}

fn target_of(t: ReactionTarget) -> Liked {
    match t {
        ReactionTarget::Topic(id) => Liked {
            kind: "topic",
            table: "topics",
            topic_column: "id",
            id: id.0,
        },
        ReactionTarget::Reply(id) => Liked {
            kind: "reply",
            table: "replies",
            topic_column: "topic_id",
            id: id.0,
        },
    }
}

/// Likes (`on`) or unlikes `target` for `user` inside a transaction,
/// notifying its author of a new like if `telling`; answers the new count.
async fn react(
    c: &mut dyn Conn,
    target: ReactionTarget,
    user: UserId,
    on: bool,
    telling: Telling,
    now: i64,
) -> Result<i64> {
    let Liked {
        kind,
        table,
        topic_column,
        id,
    } = target_of(target);
    // Lock the liked row: concurrent likes then count in turn.
    let sql = format!(
        "SELECT {topic_column}, author_id FROM {table} WHERE id = $1{}",
        c.dialect().for_update()
    );
    let (topic, author): (i64, UserId) = c
        .query_opt(&sql, args![id])
        .await?
        .read(|r| Ok((r.get()?, r.get()?)))?
        .ok_or(StoreError::NotFound)?;
    if on {
        let added = c
            .execute(
                "INSERT INTO reactions (target_kind, target_id, user_id, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                args![kind, id, user, now],
            )
            .await?;
        if added > 0 && author != user && telling == Telling::Everyone {
            let reply = matches!(target, ReactionTarget::Reply(_)).then_some(id);
            notify_liked(c, topic, reply, user, now).await?;
        }
    } else {
        c.execute(
            "DELETE FROM reactions WHERE target_kind = $1 AND target_id = $2 AND user_id = $3",
            args![kind, id, user],
        )
        .await?;
    }
    let sql = format!(
        "UPDATE {table} SET like_count = (SELECT count(*) FROM reactions
             WHERE target_kind = $1 AND target_id = $2)
         WHERE id = $2 RETURNING like_count"
    );
    value(c, &sql, args![kind, id]).await
}

#[async_trait]
impl<E: Engine> ReactionStore for SqlStore<E> {
    async fn set_reaction(
        &self,
        target: ReactionTarget,
        user: UserId,
        on: bool,
        now: i64,
    ) -> Result<i64> {
        self.write(move |c| {
            Box::pin(async move { react(c, target, user, on, Telling::Everyone, now).await })
        })
        .await
        .inspect(|_| self.engine().live_signal().raise())
    }

    async fn add_likes(
        &self,
        likes: Vec<(ReactionTarget, UserId)>,
        telling: Telling,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                for (target, user) in likes {
                    react(c, target, user, true, telling, now).await?;
                }
                Ok(())
            })
        })
        .await?;
        if telling == Telling::Everyone {
            self.engine().live_signal().raise();
        }
        Ok(())
    }

    async fn likers(&self, target: ReactionTarget) -> Result<Vec<User>> {
        let Liked { kind, id, .. } = target_of(target);
        self.read(move |c| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM reactions x JOIN users u ON u.id = x.user_id
                     WHERE x.target_kind = $1 AND x.target_id = $2
                     ORDER BY x.created_at, u.id LIMIT 100"
                );
                c.query(&sql, args![kind, id]).await?.read(user)
            })
        })
        .await
    }
}
