//! Following people, spaces, topics and tags, and the notifications members
//! are sent. Only what the member may see can be followed; notifications
//! are listed and counted only while the member may still read them.

use hearth_core::content::Tag;
use hearth_core::ids::TopicId;
use hearth_core::permissions::SpaceAction;
use hearth_core::permissions::Viewer;
use hearth_core::topic_rules::TopicAction;
use hearth_store::{FollowState, FollowTarget, Followed, Notification, NotificationsQuery};

use crate::access::{find, find_topic};
use crate::auth::Authenticated;
use crate::{AppError, Ctx, Result};

/// Notifications on a page.
pub const NOTIFICATIONS_PER_PAGE: u32 = 50;

/// Something to follow, as addresses name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Followable {
    /// A person, by username.
    Person(String),
    /// A space, by address.
    Space(String),
    /// A topic.
    Topic(TopicId),
    /// A tag.
    Tag(String),
}

impl Followable {
    /// Parses an API path's kind (`people`, `spaces`, `topics`, `tags`) and key.
    pub fn parse(kind: &str, key: &str) -> Result<Self> {
        Ok(match kind {
            "people" => Followable::Person(key.to_owned()),
            "spaces" => Followable::Space(key.to_owned()),
            "topics" => Followable::Topic(
                key.parse()
                    .map_err(|_| AppError::invalid("topic", "is not a topic"))?,
            ),
            "tags" => Followable::Tag(key.to_owned()),
            _ => {
                return Err(AppError::invalid(
                    "kind",
                    "must be people, spaces, topics or tags",
                ));
            }
        })
    }
}

/// What `thing` is, if `who` may see it.
async fn target(ctx: &Ctx, who: &Authenticated, thing: &Followable) -> Result<FollowTarget> {
    let viewer = who.viewer();
    Ok(match thing {
        Followable::Person(username) => FollowTarget::Person(
            crate::people::visible_person(ctx, viewer, username)
                .await?
                .user
                .id,
        ),
        Followable::Space(slug) => FollowTarget::Space(
            find(ctx, viewer, slug, SpaceAction::Read)
                .await?
                .view
                .space
                .id,
        ),
        Followable::Topic(id) => FollowTarget::Topic(
            find_topic(ctx, viewer, *id, TopicAction::Read)
                .await?
                .view
                .topic
                .id,
        ),
        Followable::Tag(tag) => FollowTarget::Tag(Tag::parse(tag)?),
    })
}

/// Follows `thing` (`on`) or stops following it.
pub async fn set(ctx: &Ctx, who: &Authenticated, thing: &Followable, on: bool) -> Result<()> {
    let target = target(ctx, who, thing).await?;
    Ok(ctx
        .store
        .set_follow(who.user.id, target, on, ctx.now())
        .await?)
}

/// Mutes a topic or a space (`on`): it sends `who` no notifications.
pub async fn set_mute(ctx: &Ctx, who: &Authenticated, thing: &Followable, on: bool) -> Result<()> {
    if !matches!(thing, Followable::Topic(_) | Followable::Space(_)) {
        return Err(AppError::invalid(
            "kind",
            "only topics and spaces are muted",
        ));
    }
    let target = target(ctx, who, thing).await?;
    Ok(ctx
        .store
        .set_mute(who.user.id, target, on, ctx.now())
        .await?)
}

/// Whether `who` follows `thing`, and whether they muted it.
pub async fn follows(ctx: &Ctx, who: &Authenticated, thing: &Followable) -> Result<FollowState> {
    let target = target(ctx, who, thing).await?;
    Ok(ctx.store.follows(who.user.id, target).await?)
}

/// Where `who` stands with `target`, which the caller found they may see
/// (a page that shows it): no second lookup.
pub async fn state(ctx: &Ctx, who: &Authenticated, target: FollowTarget) -> Result<FollowState> {
    Ok(ctx.store.follows(who.user.id, target).await?)
}

/// What `who` follows, of what they may still see.
pub async fn followed(ctx: &Ctx, who: &Authenticated) -> Result<Vec<Followed>> {
    Ok(ctx
        .store
        .followed(who.user.id, who.viewer(), ctx.now())
        .await?)
}

/// What the member `username` follows, of what `viewer` may see: for their
/// page.
pub async fn followed_by(ctx: &Ctx, viewer: Viewer, username: &str) -> Result<Vec<Followed>> {
    let person = crate::people::visible_person(ctx, viewer, username).await?;
    Ok(ctx
        .store
        .followed(person.user.id, viewer, ctx.now())
        .await?)
}

/// A page of `who`'s notifications, newest first, before `before`.
pub async fn notifications(
    ctx: &Ctx,
    who: &Authenticated,
    before: Option<i64>,
    unread_only: bool,
) -> Result<Vec<Notification>> {
    Ok(ctx
        .store
        .notifications(NotificationsQuery {
            viewer: who.viewer(),
            unread_only,
            before,
            only: None,
            in_mail: None,
            limit: NOTIFICATIONS_PER_PAGE,
            now: ctx.now(),
        })
        .await?)
}

/// How many unread notifications `who` has (at most 100 are counted).
pub async fn unread(ctx: &Ctx, who: &Authenticated) -> Result<i64> {
    Ok(ctx
        .store
        .unread_notifications(who.viewer(), ctx.now())
        .await?)
}

/// Marks `who`'s notifications read: these, or all.
pub async fn mark_read(ctx: &Ctx, who: &Authenticated, ids: Option<Vec<i64>>) -> Result<()> {
    Ok(ctx
        .store
        .mark_notifications_read(who.user.id, ids, ctx.now())
        .await?)
}
