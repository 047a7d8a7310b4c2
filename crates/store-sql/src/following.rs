//! Follows, and reading notifications: they are listed and counted only
//! while their reader still may see what they tell of
//! ([`Reader::Notifications`]); `notifying` writes them.

use async_trait::async_trait;
use hearth_core::content::{Tag, Title};
use hearth_core::ids::{TopicId, UserId};
use hearth_core::permissions::Viewer;
use hearth_store::{
    FollowState, FollowStore, FollowTarget, Followed, Notification, NotificationKind,
    NotificationsQuery, Result, StoreError,
};

use crate::args;
use crate::conn::{Conn, Dialect, Engine, value};
use crate::rows::{USER_COLUMNS, user};
use crate::store::SqlStore;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

/// The most unread notifications counted: the bell says "99+" beyond.
pub const UNREAD_COUNT_CAP: i64 = 100;

/// Follows `target` for `user` unless they follow it or stopped: what
/// posting, replying and joining do.
pub(crate) async fn follow_unless_stopped(
    c: &mut dyn Conn,
    user: UserId,
    target: &FollowTarget,
    now: i64,
) -> Result<()> {
    let (id, tag) = target.key();
    c.execute(
        "INSERT INTO follows (user_id, target_kind, target_id, tag, active, muted, created_at)
         VALUES ($1, $2, $3, $4, TRUE, FALSE, $5) ON CONFLICT DO NOTHING",
        args![user, target.kind(), id, tag, now],
    )
    .await?;
    Ok(())
}

/// The viewer's notifications that they may still be told of, with their
/// topics (`t`, none for those about a space), spaces (`s`) and, where
/// `actors`, who caused them (`u`), as `FROM … WHERE`.
fn visible_notifications(
    q: &mut Args<'_>,
    dialect: Dialect,
    viewer: Viewer,
    now: i64,
    actors: bool,
) -> String {
    let seer = Seer::new(viewer, now, Reader::Notifications);
    let user = q.arg(viewer.user_id().map_or(0, |u| u.0));
    let membership = seer.membership(q, "s");
    let reads = seer.reads_topic(q, Scope::Live);
    let told = seer.told_of_space(q, "n.kind", "n.actor_id");
    // An account is never removed, only marked deleted: joining its actor
    // filters nothing, and the count leaves it out.
    let actor = if actors {
        "JOIN users u ON u.id = n.actor_id"
    } else {
        ""
    };
    let deleted = dialect.indexed_by("replies_deleted");
    format!(
        "FROM notifications n LEFT JOIN topics t ON t.id = n.topic_id
         JOIN spaces s ON s.id = COALESCE(t.space_id, n.space_id) {actor}
         {membership}
         WHERE n.user_id = {user}
           AND (CASE WHEN n.topic_id IS NULL THEN {told} ELSE {reads} END)
           AND NOT EXISTS (SELECT 1 FROM replies d{deleted}
                           WHERE d.id = n.reply_id AND d.deleted)"
    )
}

fn notification_kind(s: String) -> Result<NotificationKind> {
    NotificationKind::parse(&s)
        .ok_or_else(|| StoreError::Other(format!("unknown notification kind {s}")))
}

/// Sets whether `user` follows `target` and whether they muted it; `None`
/// keeps a value (a new row neither follows nor mutes).
async fn upsert(
    c: &mut dyn Conn,
    user: UserId,
    target: &FollowTarget,
    active: Option<bool>,
    muted: Option<bool>,
    now: i64,
) -> Result<()> {
    let (id, tag) = target.key();
    c.execute(
        "INSERT INTO follows (user_id, target_kind, target_id, tag, active, muted, created_at)
         VALUES ($1, $2, $3, $4, COALESCE($5, FALSE), COALESCE($6, FALSE), $7)
         ON CONFLICT (user_id, target_kind, target_id, tag)
         DO UPDATE SET active = COALESCE($5, follows.active), muted = COALESCE($6, follows.muted)",
        args![user, target.kind(), id, tag, active, muted, now],
    )
    .await?;
    Ok(())
}

#[async_trait]
impl<E: Engine> FollowStore for SqlStore<E> {
    async fn set_follow(
        &self,
        user: UserId,
        target: FollowTarget,
        active: bool,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move { upsert(c, user, &target, Some(active), None, now).await })
        })
        .await
    }

    async fn set_mute(
        &self,
        user: UserId,
        target: FollowTarget,
        muted: bool,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move { upsert(c, user, &target, None, Some(muted), now).await })
        })
        .await
    }

    async fn follows(&self, user: UserId, target: FollowTarget) -> Result<FollowState> {
        self.read(move |c| {
            Box::pin(async move {
                let (id, tag) = target.key();
                let found = c
                    .query_opt(
                        "SELECT active, muted FROM follows WHERE user_id = $1 AND target_kind = $2
                           AND target_id = $3 AND tag = $4",
                        args![user, target.kind(), id, tag],
                    )
                    .await?
                    .read(|r| {
                        Ok(FollowState {
                            following: r.get()?,
                            muted: r.get()?,
                        })
                    })?;
                Ok(found.unwrap_or_default())
            })
        })
        .await
    }

    async fn followed(&self, follower: UserId, viewer: Viewer, now: i64) -> Result<Vec<Followed>> {
        let me = follower;
        self.read(move |c| {
            Box::pin(async move {
                let seer = Seer::new(viewer, now, Reader::Followed);
                let mut followed = c
                    .query(
                        "SELECT u.id, u.display_name, u.username FROM follows f
                         JOIN users u ON u.id = f.target_id
                         WHERE f.user_id = $1 AND f.target_kind = 'person' AND f.active
                           AND u.status <> 'deleted'
                         ORDER BY lower(u.display_name), u.id",
                        args![me],
                    )
                    .await?
                    .read(|r| {
                        Ok(Followed {
                            target: FollowTarget::Person(r.get()?),
                            name: r.get()?,
                            key: r.get()?,
                        })
                    })?;
                let mut q = Args::new();
                let sql = format!(
                    "SELECT s.id, s.name, s.slug FROM follows f JOIN spaces s ON s.id = f.target_id
                     {}
                     WHERE f.user_id = {} AND f.target_kind = 'space' AND f.active AND {}
                     ORDER BY lower(s.name), s.id",
                    seer.membership(&mut q, "s"),
                    q.arg(me),
                    // What a member follows tells whom a space has: for
                    // its readers to know, as its member list is.
                    seer.reads_space(&mut q),
                );
                followed.extend(c.query(&sql, q.list()).await?.read(|r| {
                    Ok(Followed {
                        target: FollowTarget::Space(r.get()?),
                        name: r.get()?,
                        key: r.get()?,
                    })
                })?);
                let mut q = Args::new();
                let sql = format!(
                    "SELECT t.id, t.title FROM follows f JOIN topics t ON t.id = f.target_id
                     JOIN spaces s ON s.id = t.space_id
                     {}
                     WHERE f.user_id = {} AND f.target_kind = 'topic' AND f.active AND {}
                     ORDER BY t.id DESC",
                    seer.membership(&mut q, "s"),
                    q.arg(me),
                    seer.reads_topic(&mut q, Scope::Live),
                );
                followed.extend(c.query(&sql, q.list()).await?.read(|r| {
                    let id: TopicId = r.get()?;
                    Ok(Followed {
                        target: FollowTarget::Topic(id),
                        name: r.get()?,
                        key: id.to_string(),
                    })
                })?);
                followed.extend(
                    c.query(
                        "SELECT tag FROM follows WHERE user_id = $1 AND target_kind = 'tag'
                           AND active ORDER BY tag",
                        args![me],
                    )
                    .await?
                    .read(|r| {
                        let tag: String = r.get()?;
                        Ok(Followed {
                            target: FollowTarget::Tag(Tag::from_trusted(tag.clone())),
                            name: tag.clone(),
                            key: tag,
                        })
                    })?,
                );
                Ok(followed)
            })
        })
        .await
    }

    async fn notifications(&self, query: NotificationsQuery) -> Result<Vec<Notification>> {
        self.read(move |c| {
            Box::pin(async move {
                let mut q = Args::new();
                let from =
                    visible_notifications(&mut q, c.dialect(), query.viewer, query.now, true);
                let before = match query.before {
                    Some(id) => format!("AND n.id < {}", q.arg(id)),
                    None => String::new(),
                };
                let only = match query.only {
                    Some(id) => format!("AND n.id = {}", q.arg(id)),
                    None => String::new(),
                };
                let in_mail = match query.in_mail {
                    Some(mail) => format!(
                        "AND n.id IN (SELECT i.notification_id FROM mail_digest_items i
                                      WHERE i.mail_id = {})",
                        q.arg(mail)
                    ),
                    None => String::new(),
                };
                let unread = if query.unread_only {
                    "AND n.read_at IS NULL"
                } else {
                    ""
                };
                let sql = format!(
                    "SELECT n.id, n.kind, t.id, t.title, s.slug, s.name, n.reply_id, n.created_at,
                            n.read_at IS NOT NULL, COALESCE(n.others, 0), {USER_COLUMNS}
                     {from} {before} {only} {in_mail} {unread}
                     ORDER BY n.id DESC LIMIT {}",
                    q.arg(i64::from(query.limit)),
                );
                c.query(&sql, q.list()).await?.read(|r| {
                    Ok(Notification {
                        id: r.get()?,
                        kind: notification_kind(r.get()?)?,
                        topic_id: r.get()?,
                        topic_title: r.get::<Option<String>>()?.map(Title::from_trusted),
                        space_slug: r.get()?,
                        space_name: r.get()?,
                        reply_id: r.get()?,
                        created_at: r.get()?,
                        read: r.get()?,
                        others: r.get()?,
                        actor: user(r)?,
                    })
                })
            })
        })
        .await
    }

    async fn unread_notifications(&self, viewer: Viewer, now: i64) -> Result<i64> {
        if viewer.user_id().is_none() {
            return Ok(0);
        }
        self.read(move |c| {
            Box::pin(async move {
                let mut q = Args::new();
                let from = visible_notifications(&mut q, c.dialect(), viewer, now, false);
                let sql = format!(
                    "SELECT count(*) FROM (SELECT 1 {from} AND n.read_at IS NULL LIMIT {}) x",
                    q.arg(UNREAD_COUNT_CAP)
                );
                value(c, &sql, q.list()).await
            })
        })
        .await
    }

    async fn mark_notifications_read(
        &self,
        user: UserId,
        ids: Option<Vec<i64>>,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                match ids {
                    None => {
                        c.execute(
                            "UPDATE notifications SET read_at = $2
                             WHERE user_id = $1 AND read_at IS NULL",
                            args![user, now],
                        )
                        .await?;
                    }
                    Some(ids) => {
                        for id in ids {
                            c.execute(
                                "UPDATE notifications SET read_at = $3
                                 WHERE id = $2 AND user_id = $1 AND read_at IS NULL",
                                args![user, id, now],
                            )
                            .await?;
                        }
                    }
                }
                Ok(())
            })
        })
        .await
    }
}
