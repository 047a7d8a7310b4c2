//! Likes on topics and replies.

use hearth_core::ids::TopicId;
use hearth_core::topic_rules::TopicAction;
use hearth_store::{ReactionTarget, User};

use crate::access::find_topic;
use crate::auth::Authenticated;
use crate::{AppError, Ctx, Result};

/// The topic a target belongs to.
async fn topic_of(ctx: &Ctx, who: &Authenticated, target: ReactionTarget) -> Result<TopicId> {
    match target {
        ReactionTarget::Topic(id) => Ok(id),
        ReactionTarget::Reply(id) => {
            let reply = ctx
                .store
                .reply(id, Some(who.user.id))
                .await?
                .filter(|r| !r.deleted)
                .ok_or(AppError::NotFound)?;
            Ok(reply.topic_id)
        }
    }
}

/// Likes (`on`) or unlikes a topic or reply; returns the new count.
pub async fn set(ctx: &Ctx, who: &Authenticated, target: ReactionTarget, on: bool) -> Result<i64> {
    let topic = topic_of(ctx, who, target).await?;
    find_topic(ctx, who.viewer(), topic, TopicAction::React).await?;
    Ok(ctx
        .store
        .set_reaction(target, who.user.id, on, ctx.now())
        .await?)
}

/// Who likes a topic or reply.
pub async fn likers(ctx: &Ctx, who: &Authenticated, target: ReactionTarget) -> Result<Vec<User>> {
    let topic = topic_of(ctx, who, target).await?;
    find_topic(ctx, who.viewer(), topic, TopicAction::Read).await?;
    Ok(ctx.store.likers(target).await?)
}
