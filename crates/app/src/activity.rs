//! The activity of what a member follows (or of everything they may read):
//! topics by their latest activity, each with what is new since the
//! member last read it. Filtered by the visibility predicate at read time.

use hearth_store::{Topic, TopicNews, VisibleTopicsQuery};

use crate::auth::Authenticated;
use crate::topics::decode_cursor;
use crate::{Ctx, Result};

/// Topics on a page of activity.
pub const ACTIVITY_PER_PAGE: u32 = 30;

/// Whose activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// What the member follows: topics, spaces, people, tags.
    Following,
    /// Everything the member may read.
    Everything,
}

/// A topic in an activity list.
#[derive(Debug, Clone)]
pub struct Item {
    /// The topic.
    pub topic: Topic,
    /// What is new in it for the member.
    pub news: TopicNews,
}

/// A page of activity, newest first, after the cursor `after`.
pub async fn page(
    ctx: &Ctx,
    who: &Authenticated,
    scope: Scope,
    after: Option<&str>,
) -> Result<Vec<Item>> {
    let topics = ctx
        .store
        .visible_topics(VisibleTopicsQuery {
            viewer: who.viewer(),
            tag: None,
            author: None,
            followed_by: (scope == Scope::Following).then_some(who.user.id),
            after: decode_cursor(after)?,
            limit: ACTIVITY_PER_PAGE,
            now: ctx.now(),
        })
        .await?;
    let ids = topics.iter().map(|t| t.id).collect();
    let news = ctx.store.topic_news(who.user.id, ids).await?;
    Ok(topics
        .into_iter()
        .map(|topic| {
            let news = news
                .iter()
                .find(|n| n.topic == topic.id)
                .copied()
                .unwrap_or(TopicNews {
                    topic: topic.id,
                    visited: false,
                    new_replies: 0,
                });
            Item { topic, news }
        })
        .collect())
}
