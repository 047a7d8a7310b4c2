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
use crate::live::About;
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

/// Who a notification may go to, before the visibility predicate and
/// muting have their say.
enum Candidates {
    /// The author of topic `t`.
    TopicAuthor,
    /// The author of this reply.
    ReplyAuthor(i64),
    /// Those mentioned in the topic's opening post (`None`) or a reply.
    Mentioned(Option<i64>),
    /// Whoever follows the topic's space, its author or one of its tags.
    Followers { space: SpaceId, author: UserId },
    /// The owners and moderators of space `s`.
    SpaceModerators,
    /// One member.
    Person(UserId),
}

impl Candidates {
    /// SQL over `t` (or the space `s`) for the ids of the candidates. Values are arguments, so
    /// that each kind is one statement the engine prepares once.
    fn sql(&self, q: &mut Args<'_>) -> String {
        match self {
            Candidates::TopicAuthor => "t.author_id".into(),
            Candidates::ReplyAuthor(reply) => {
                format!("SELECT author_id FROM replies WHERE id = {}", q.arg(*reply))
            }
            Candidates::Mentioned(None) => {
                "SELECT user_id FROM mentions WHERE topic_id = t.id AND reply_id IS NULL".into()
            }
            Candidates::Mentioned(Some(reply)) => format!(
                "SELECT user_id FROM mentions WHERE reply_id = {}",
                q.arg(*reply)
            ),
            Candidates::Followers { space, author } => format!(
                "SELECT f.user_id FROM follows f WHERE f.target_kind = 'space'
                   AND f.target_id = {space} AND f.tag = '' AND f.active
                 UNION SELECT f.user_id FROM follows f WHERE f.target_kind = 'person'
                   AND f.target_id = {author} AND f.tag = '' AND f.active
                 UNION SELECT f.user_id FROM follows f JOIN topic_tags g
                   ON f.target_kind = 'tag' AND f.target_id = 0 AND f.tag = g.tag
                   WHERE g.topic_id = t.id AND f.active",
                space = q.arg(*space),
                author = q.arg(*author),
            ),
            Candidates::SpaceModerators => "SELECT user_id FROM memberships
                 WHERE space_id = s.id AND role IN ('owner', 'moderator')"
                .into(),
            Candidates::Person(user) => q.arg(*user),
        }
    }
}

/// One notification of `kind` about `topic` (and `reply`) by `actor`, for
/// each active account `u` of the candidates that may read the topic, is
/// not the actor, has not muted it or its space, and has none about this
/// yet (likes of a thing are a cause apart from the thing itself).
struct Notice {
    kind: NotificationKind,
    topic: i64,
    reply: Option<i64>,
    actor: UserId,
    now: i64,
    candidates: Candidates,
    /// Others who did the same before (likes), if any.
    others: Option<i64>,
}

async fn notify(c: &mut dyn Conn, n: Notice) -> Result<()> {
    let seer = Seer::each_user(n.now, Reader::NotifyRecipients);
    let mut q = Args::new();
    // Typed, for PostgreSQL cannot infer the type of a bare argument in a
    // select list.
    let int = |q: &mut Args<'_>, v: Option<i64>| format!("CAST({} AS BIGINT)", q.arg(v));
    let kind = format!("CAST({} AS TEXT)", q.arg(n.kind.as_str()));
    let reply = int(&mut q, n.reply);
    let actor = int(&mut q, Some(n.actor.0));
    let now = int(&mut q, Some(n.now));
    let others = int(&mut q, n.others);
    let candidates = n.candidates.sql(&mut q);
    let membership = seer.membership(&mut q, "s");
    let topic = q.arg(n.topic);
    let reads = seer.reads_topic(&mut q, Scope::Live);
    // Each check is a lookup by a key: the cost of a notification does not
    // grow with how much its recipient follows or was told before.
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, topic_id, reply_id, actor_id, created_at, others)
         SELECT u.id, {kind}, t.id, {reply}, {actor}, {now}, {others}
         FROM topics t JOIN spaces s ON s.id = t.space_id
         JOIN users u ON u.id IN ({candidates})
         {membership}
         WHERE t.id = {topic} AND u.id <> {actor} AND u.status = 'active' AND {reads}
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'topic' AND m.target_id = t.id AND m.tag = ''
                           AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.user_id = u.id
                           AND m.target_kind = 'space' AND m.target_id = t.space_id
                           AND m.tag = '' AND m.muted)
           AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.topic_id = t.id
                           AND x.reply_id IS NOT DISTINCT FROM {reply} AND x.user_id = u.id
                           AND (x.kind = 'liked') = ({kind} = 'liked'))",
    );
    if c.execute(&sql, q.list()).await? == 0 {
        return Ok(());
    }
    let about = About::Topic {
        topic: n.topic,
        reply: n.reply,
    };
    crate::live::notified(c, n.kind.as_str(), about, n.actor.0, n.now).await
}

/// A new reply, as much as deciding whom to tell needs.
pub(crate) struct ReplyNews {
    pub topic: i64,
    pub reply: i64,
    /// The reply it answers, and that reply's author.
    pub parent: Option<(i64, UserId)>,
    pub topic_author: UserId,
    /// Whether it mentions anyone.
    pub mentions: bool,
    pub actor: UserId,
    pub now: i64,
}

/// Tells of a new reply: the author of the reply it answers, the topic's
/// author, and those it mentions (one notification each, in that order).
/// A statement that could only pick the replier is not run: most replies
/// cost one statement, or none.
pub(crate) async fn notify_reply(c: &mut dyn Conn, news: ReplyNews) -> Result<()> {
    let mut notices = Vec::with_capacity(3);
    if let Some((parent, author)) = news.parent
        && author != news.actor
    {
        notices.push((
            NotificationKind::ReplyToReply,
            Candidates::ReplyAuthor(parent),
        ));
    }
    if news.topic_author != news.actor {
        notices.push((NotificationKind::ReplyToTopic, Candidates::TopicAuthor));
    }
    if news.mentions {
        let mentioned = Candidates::Mentioned(Some(news.reply));
        notices.push((NotificationKind::Mention, mentioned));
    }
    for (kind, candidates) in notices {
        let notice = Notice {
            kind,
            topic: news.topic,
            reply: Some(news.reply),
            actor: news.actor,
            now: news.now,
            candidates,
            others: None,
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
    let followers = Candidates::Followers {
        space,
        author: actor,
    };
    for (kind, candidates) in [
        (NotificationKind::Mention, Candidates::Mentioned(None)),
        (NotificationKind::NewTopic, followers),
    ] {
        let notice = Notice {
            kind,
            topic,
            reply: None,
            actor,
            now,
            candidates,
            others: None,
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
    let notice = Notice {
        kind: NotificationKind::Accepted,
        topic: topic.0,
        reply: Some(reply),
        actor,
        now,
        candidates: Candidates::ReplyAuthor(reply),
        others: None,
    };
    notify(c, notice).await
}

/// Tells the author of a topic (`reply` None) or reply that `liker` liked
/// it. Likes of one thing make one notification: an unread one is folded
/// into the new one ("and n others"); a like from its latest liker again
/// (liked, unliked, liked) tells nothing new.
pub(crate) async fn notify_liked(
    c: &mut dyn Conn,
    topic: i64,
    reply: Option<i64>,
    liker: UserId,
    now: i64,
) -> Result<()> {
    let earlier = c
        .query_opt(
            "SELECT id, actor_id, COALESCE(others, 0), read_at IS NULL FROM notifications
             WHERE topic_id = $1 AND reply_id IS NOT DISTINCT FROM CAST($2 AS BIGINT)
               AND kind = 'liked'",
            args![topic, reply],
        )
        .await?
        .read(|r| {
            let (id, actor, others, unread): (i64, UserId, i64, bool) =
                (r.get()?, r.get()?, r.get()?, r.get()?);
            Ok((id, actor, others, unread))
        })?;
    let mut others = None;
    if let Some((id, actor, before, unread)) = earlier {
        if actor == liker {
            return Ok(());
        }
        c.execute("DELETE FROM notifications WHERE id = $1", args![id])
            .await?;
        others = unread.then_some(before + 1);
    }
    let candidates = match reply {
        Some(reply) => Candidates::ReplyAuthor(reply),
        None => Candidates::TopicAuthor,
    };
    let notice = Notice {
        kind: NotificationKind::Liked,
        topic,
        reply,
        actor: liker,
        now,
        candidates,
        others,
    };
    notify(c, notice).await
}

/// Tells of something about space `space` itself by `actor`: whoever of
/// the candidates may be told of it ([`Seer::told_of_space`]), is active,
/// is not the actor and has not muted the space.
async fn notify_of_space(
    c: &mut dyn Conn,
    kind: NotificationKind,
    space: SpaceId,
    actor: UserId,
    candidates: Candidates,
    now: i64,
) -> Result<()> {
    let seer = Seer::each_user(now, Reader::NotifyRecipients);
    let mut q = Args::new();
    let (kind_name, actor_id, at) = (kind.as_str(), actor.0, now);
    let kind = format!("CAST({} AS TEXT)", q.arg(kind.as_str()));
    let actor = format!("CAST({} AS BIGINT)", q.arg(actor));
    let now = format!("CAST({} AS BIGINT)", q.arg(now));
    let candidates = candidates.sql(&mut q);
    let membership = seer.membership(&mut q, "s");
    let told = seer.told_of_space(&mut q, &kind, &actor);
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, space_id, actor_id, created_at)
         SELECT u.id, {kind}, s.id, {actor}, {now}
         FROM spaces s JOIN users u ON u.id IN ({candidates})
         {membership}
         WHERE s.id = {space} AND u.id <> {actor} AND u.status = 'active' AND {told}
           AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.user_id = u.id
                           AND f.target_kind = 'space' AND f.target_id = s.id AND f.tag = ''
                           AND f.muted)",
        space = q.arg(space),
    );
    if c.execute(&sql, q.list()).await? == 0 {
        return Ok(());
    }
    crate::live::notified(c, kind_name, About::Space(space.0), actor_id, at).await
}

/// Tells a space's owners and moderators that `asker` asks to join it; a
/// notice of an earlier request of theirs goes.
pub(crate) async fn notify_join_request(
    c: &mut dyn Conn,
    space: SpaceId,
    asker: UserId,
    now: i64,
) -> Result<()> {
    c.execute(
        "DELETE FROM notifications WHERE kind = $1 AND space_id = $2 AND actor_id = $3",
        args![NotificationKind::JoinRequest.as_str(), space, asker],
    )
    .await?;
    let kind = NotificationKind::JoinRequest;
    notify_of_space(c, kind, space, asker, Candidates::SpaceModerators, now).await
}

/// Tells `asker` what `by` decided on their request to join `space`.
pub(crate) async fn notify_join_decision(
    c: &mut dyn Conn,
    space: SpaceId,
    asker: UserId,
    approved: bool,
    by: UserId,
    now: i64,
) -> Result<()> {
    let kind = if approved {
        NotificationKind::JoinApproved
    } else {
        NotificationKind::JoinDeclined
    };
    notify_of_space(c, kind, space, by, Candidates::Person(asker), now).await
}

/// The viewer's notifications that they may still be told of, with their
/// actors (`u`), topics (`t`, none for those about a space) and spaces
/// (`s`), as `FROM … WHERE`.
fn visible_notifications(q: &mut Args<'_>, viewer: Viewer, now: i64) -> String {
    let seer = Seer::new(viewer, now, Reader::Notifications);
    let user = q.arg(viewer.user_id().map_or(0, |u| u.0));
    let membership = seer.membership(q, "s");
    let reads = seer.reads_topic(q, Scope::Live);
    let told = seer.told_of_space(q, "n.kind", "n.actor_id");
    format!(
        "FROM notifications n LEFT JOIN topics t ON t.id = n.topic_id
         JOIN spaces s ON s.id = COALESCE(t.space_id, n.space_id) JOIN users u ON u.id = n.actor_id
         {membership}
         WHERE n.user_id = {user}
           AND (CASE WHEN n.topic_id IS NULL THEN {told} ELSE {reads} END)
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
                    "SELECT n.id, n.kind, t.id, t.title, s.slug, s.name, n.reply_id, n.created_at,
                            n.read_at IS NOT NULL, COALESCE(n.others, 0), {USER_COLUMNS}
                     {from} {before} {unread}
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
