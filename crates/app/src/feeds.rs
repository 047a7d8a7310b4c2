//! Atom feeds: who is reading (a feed token stands for its owner), and what
//! each feed holds. Every feed shows only what that reader may read.

use hearth_core::ids::TopicId;
use hearth_core::names::Slug;
use hearth_core::permissions::Viewer;
use hearth_core::topic_rules::TopicAction;
use hearth_store::{Reply, Topic};

use crate::auth::{Authenticated, viewer_of};
use crate::secrets::{hash_secret, random_secret};
use crate::topics::{self, ListInput, VisibleTopic};
use crate::{AppError, Ctx, Result};

/// How many entries a feed holds.
pub const ENTRIES: u32 = 30;

/// The reader: the owner of a feed token, else whoever the request is from.
pub async fn reader(ctx: &Ctx, token: Option<&str>, fallback: Viewer) -> Result<Viewer> {
    match token.filter(|t| !t.is_empty()) {
        Some(t) => {
            let user = ctx
                .store
                .feed_token_user(&hash_secret(t))
                .await?
                .ok_or_else(|| AppError::Unauthorized("the feed token is not valid".into()))?;
            Ok(viewer_of(&user))
        }
        None => Ok(fallback),
    }
}

/// Creates (or replaces) the user's feed token; returns its secret, shown once.
pub async fn new_token(ctx: &Ctx, who: &Authenticated) -> Result<String> {
    let secret = random_secret()?;
    ctx.store
        .set_feed_token(who.user.id, hash_secret(&secret), ctx.now())
        .await?;
    Ok(secret)
}

/// Revokes the user's feed token.
pub async fn revoke_token(ctx: &Ctx, who: &Authenticated) -> Result<()> {
    ctx.store.delete_feed_token(who.user.id).await?;
    Ok(())
}

/// A space's latest topics (or only its blog posts), with the space's name.
pub async fn space(
    ctx: &Ctx,
    viewer: Viewer,
    slug: &str,
    kind: Option<&str>,
) -> Result<(String, Vec<Topic>)> {
    let input = ListInput {
        kind: kind.map(str::to_owned),
        limit: Some(ENTRIES),
        ..ListInput::default()
    };
    let (space, topics) = topics::list(ctx, viewer, slug, &input).await?;
    // A reader sees only published work in a feed, even their own drafts.
    let now = ctx.now();
    let topics = topics.into_iter().filter(|t| !t.unpublished(now)).collect();
    Ok((space.view.space.name.to_string(), topics))
}

/// A user's blog: the posts of their personal space.
pub async fn blog(ctx: &Ctx, viewer: Viewer, username: &str) -> Result<(String, Vec<Topic>)> {
    let username = hearth_core::names::Username::parse(username).map_err(|_| AppError::NotFound)?;
    space(
        ctx,
        viewer,
        Slug::personal(&username).as_str(),
        Some("post"),
    )
    .await
}

/// The newest replies of a topic, newest first, wherever they sit in the thread.
pub async fn replies(ctx: &Ctx, viewer: Viewer, id: TopicId) -> Result<(VisibleTopic, Vec<Reply>)> {
    let topic = crate::access::find_topic(ctx, viewer, id, TopicAction::Read).await?;
    let replies = ctx
        .store
        .newest_replies(id, ENTRIES, viewer.user_id())
        .await?;
    Ok((topic, replies))
}
