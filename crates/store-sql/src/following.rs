//! Follows and notifications. A notification is written in the transaction
//! of what causes it, only to those the visibility predicate lets read it
//! then ([`Reader::NotifyRecipients`]), and listed and counted only while
//! they still may ([`Reader::Notifications`]).

use async_trait::async_trait;
use hearth_core::content::{Tag, Title};
use hearth_core::ids::{SpaceId, TopicId, UserId};
use hearth_core::permissions::Viewer;
use hearth_store::{
    FollowState, FollowStore, FollowTarget, Followed, Notification, NotificationKind,
    NotificationsQuery, Result, StoreError,
};

use crate::args;
use crate::conn::{Conn, Engine, value};
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

/// One notification of `kind` about `topic` (and `reply`) by `actor`, for
/// each active account `u` that `candidates` (SQL over `u`, `t`) picks, may
/// read the topic, is not the actor, and has none about this yet.
struct Notice<'a> {
    kind: NotificationKind,
    topic: i64,
    reply: Option<i64>,
    actor: UserId,
    now: i64,
    candidates: &'a str,
}

async fn notify(c: &mut dyn Conn, n: Notice<'_>) -> Result<()> {
    let seer = Seer::each_user(n.now, Reader::NotifyRecipients);
    let mut q = Args::new();
    // Typed, for PostgreSQL cannot infer the type of a bare argument in a
    // select list.
    let int = |q: &mut Args<'_>, v: Option<i64>| format!("CAST({} AS BIGINT)", q.arg(v));
    let kind = format!("CAST({} AS TEXT)", q.arg(n.kind.as_str()));
    let topic = int(&mut q, Some(n.topic));
    let reply = int(&mut q, n.reply);
    let actor = int(&mut q, Some(n.actor.0));
    let now = int(&mut q, Some(n.now));
    let membership = seer.membership(&mut q, "s");
    let reads = seer.reads_topic(&mut q, Scope::Live);
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at)
         SELECT u.id, {kind}, t.id, {reply}, {actor}, {now}
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN ({candidates})
         {membership}
         WHERE t.id = {topic} AND u.id <> {actor} AND u.status = 'active' AND {reads}
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id AND m.muted
                           AND ((m.target_kind = 'topic' AND m.target_id = t.id)
                             OR (m.target_kind = 'space' AND m.target_id = t.space_id)))
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.user_id = u.id
                           AND x.topic_id = t.id AND x.reply_id IS NOT DISTINCT FROM {reply})",
        candidates = n.candidates,
    );
    if c.execute(&sql, q.list()).await? == 0 {
        return Ok(());
    }
    crate::live::notified(c, n.kind.as_str(), n.topic, n.reply, n.actor.0, n.now).await
}

/// Tells of a new reply: the author of the reply it answers, the topic's
/// author, and those it mentions (one notification each, in that order).
pub(crate) async fn notify_reply(
    c: &mut dyn Conn,
    topic: i64,
    reply: i64,
    parent: Option<i64>,
    actor: UserId,
    now: i64,
) -> Result<()> {
    let parent_author = format!(
        "SELECT author_id FROM replies WHERE id = {}",
        parent.unwrap_or(0)
    );
    let mentioned = format!("SELECT user_id FROM mentions WHERE reply_id = {reply}");
    for (kind, candidates) in [
        (NotificationKind::ReplyToReply, parent_author.as_str()),
        (NotificationKind::ReplyToTopic, "t.author_id"),
        (NotificationKind::Mention, mentioned.as_str()),
    ] {
        let notice = Notice {
            kind,
            topic,
            reply: Some(reply),
            actor,
            now,
            candidates,
        };
        notify(c, notice).await?;
    }
    Ok(())
}

/// Tells of a new topic: those it mentions, then whoever follows its space,
/// its author or one of its tags.
pub(crate) async fn notify_topic(
    c: &mut dyn Conn,
    topic: i64,
    space: SpaceId,
    actor: UserId,
    now: i64,
) -> Result<()> {
    let mentioned =
        format!("SELECT user_id FROM mentions WHERE topic_id = {topic} AND reply_id IS NULL");
    // Ids are integers: safe inline; the tags are read from the topic.
    let followers = format!(
        "SELECT f.user_id FROM follows f WHERE f.active AND (
             (f.target_kind = 'space' AND f.target_id = {space})
          OR (f.target_kind = 'person' AND f.target_id = {actor})
          OR (f.target_kind = 'tag' AND f.tag IN (SELECT tag FROM topic_tags WHERE topic_id = {topic})))",
        space = space.0,
        actor = actor.0,
    );
    for (kind, candidates) in [
        (NotificationKind::Mention, mentioned.as_str()),
        (NotificationKind::NewTopic, followers.as_str()),
    ] {
        let notice = Notice {
            kind,
            topic,
            reply: None,
            actor,
            now,
            candidates,
        };
        notify(c, notice).await?;
    }
    Ok(())
}

/// Tells a reply's author that it was accepted as the answer.
pub(crate) async fn notify_accepted(
    c: &mut dyn Conn,
    topic: TopicId,
    reply: i64,
    actor: UserId,
    now: i64,
) -> Result<()> {
    let candidates = format!("SELECT author_id FROM replies WHERE id = {reply}");
    let notice = Notice {
        kind: NotificationKind::Accepted,
        topic: topic.0,
        reply: Some(reply),
        actor,
        now,
        candidates: &candidates,
    };
    notify(c, notice).await
}

/// The viewer's notifications that they may still read, with their actors
/// (`u`), as `FROM … WHERE`.
fn visible_notifications(q: &mut Args<'_>, viewer: Viewer, now: i64) -> String {
    let seer = Seer::new(viewer, now, Reader::Notifications);
    let user = q.arg(viewer.user_id().map_or(0, |u| u.0));
    let membership = seer.membership(q, "s");
    let reads = seer.reads_topic(q, Scope::Live);
    format!(
        "FROM notifications n JOIN topics t ON t.id = n.topic_id
         JOIN spaces s ON s.id = t.space_id JOIN users u ON u.id = n.actor_id
         {membership}
         WHERE n.user_id = {user} AND {reads}
           AND (n.reply_id IS NULL OR EXISTS (SELECT 1 FROM replies r
                WHERE r.id = n.reply_id AND NOT r.deleted))"
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
                let from = visible_notifications(&mut q, query.viewer, query.now);
                let before = match query.before {
                    Some(id) => format!("AND n.id < {}", q.arg(id)),
                    None => String::new(),
                };
                let unread = if query.unread_only {
                    "AND n.read_at IS NULL"
                } else {
                    ""
                };
                let sql = format!(
                    "SELECT n.id, n.kind, t.id, t.title, s.slug, n.reply_id, n.created_at,
                            n.read_at IS NOT NULL, {USER_COLUMNS}
                     {from} {before} {unread}
                     ORDER BY n.id DESC LIMIT {}",
                    q.arg(i64::from(query.limit)),
                );
                c.query(&sql, q.list()).await?.read(|r| {
                    Ok(Notification {
                        id: r.get()?,
                        kind: notification_kind(r.get()?)?,
                        topic_id: r.get()?,
                        topic_title: Title::from_trusted(r.get()?),
                        space_slug: r.get()?,
                        reply_id: r.get()?,
                        created_at: r.get()?,
                        read: r.get()?,
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
                let from = visible_notifications(&mut q, viewer, now);
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
