//! Writing notifications. A notification is written in the transaction of
//! what causes it, only to those the visibility predicate lets read it then
//! ([`Reader::NotifyRecipients`]); muting and the reader's own acts leave
//! it out. Those who want it by e-mail at once get a mail in the same
//! transaction.

use hearth_core::ids::{SpaceId, TopicId, UserId};
use hearth_store::{NotificationKind, Result};

use crate::args;
use crate::conn::Conn;
use crate::live::About;
use crate::mail::{Cause, enqueue_notification_mail, forget_notifications};
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

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
    let cause = Cause::Topic {
        topic: n.topic,
        reply: n.reply,
    };
    enqueue_notification_mail(c, n.kind, cause, n.now).await?;
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
        forget_notifications(c, "$1", args![id]).await?;
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
    let (kind_name, actor_id, at) = (kind, actor.0, now);
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
    enqueue_notification_mail(c, kind_name, Cause::Space(space.0), at).await?;
    crate::live::notified(c, kind_name.as_str(), About::Space(space.0), actor_id, at).await
}

/// Tells a space's owners and moderators that `asker` asks to join it; a
/// notice of an earlier request of theirs goes.
pub(crate) async fn notify_join_request(
    c: &mut dyn Conn,
    space: SpaceId,
    asker: UserId,
    now: i64,
) -> Result<()> {
    let earlier =
        "SELECT id FROM notifications WHERE kind = $1 AND space_id = $2 AND actor_id = $3";
    let kind = NotificationKind::JoinRequest.as_str();
    forget_notifications(c, earlier, args![kind, space, asker]).await?;
    c.execute(
        &format!("DELETE FROM notifications WHERE id IN ({earlier})"),
        args![kind, space, asker],
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
