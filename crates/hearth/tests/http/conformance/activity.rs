//! The activity of what a member follows, on both engines: found whether
//! it is among the site's newest topics or far below them, page after page,
//! and only where the member may read it.

use std::sync::Arc;

use hearth_core::content::Tag;
use hearth_core::ids::{TopicId, UserId};
use hearth_core::model::Visibility;
use hearth_core::permissions::Viewer;
use hearth_store::{FollowTarget, Store, TopicCursor, VisibleTopicsQuery};

use super::fixtures::{new_topic, space, store, topic, user};
use crate::support::{Backend, both};

/// Newer topics nobody follows: more than the store checks one by one
/// before it gathers the followed ones from the follows (256).
const NEWER_UNFOLLOWED: i64 = 300;

/// One page of `member`'s activity, after `after`: its topics' ids.
async fn page(
    store: &Arc<dyn Store>,
    member: UserId,
    after: Option<TopicCursor>,
    limit: u32,
) -> (Vec<TopicId>, Option<TopicCursor>) {
    let topics = store
        .visible_topics(VisibleTopicsQuery {
            viewer: Viewer::User {
                id: member,
                admin: false,
            },
            tag: None,
            author: None,
            followed_by: Some(member),
            after,
            limit,
            now: 1_000_000,
        })
        .await
        .unwrap();
    let next = topics.last().map(TopicCursor::after);
    (topics.iter().map(|t| t.id).collect(), next)
}

async fn activity_finds_what_is_followed_below_the_newest_topics(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let bob = user(&store, "bob", false).await;
    let cleo = user(&store, "cleo", false).await;
    let busy = space(&store, "busy", Visibility::Public, ann).await;
    let quiet = space(&store, "quiet", Visibility::Public, ann).await;
    let closed = space(&store, "closed", Visibility::Private, ann).await;
    let at = |mut t: hearth_store::NewTopic, when: i64| {
        t.created_at = when;
        t
    };
    // Old topics, one for each way of following, and one bob may not read.
    let in_space = topic(&store, at(new_topic(quiet, ann, "In a quiet space"), 10)).await;
    let followed = topic(&store, at(new_topic(busy, ann, "Followed itself"), 11)).await;
    let mut tagged = new_topic(busy, ann, "Tagged rare");
    tagged.tags = vec![Tag::parse("rare").unwrap()];
    let tagged = topic(&store, at(tagged, 12)).await;
    let by_cleo = topic(&store, at(new_topic(busy, cleo, "By cleo"), 13)).await;
    topic(&store, at(new_topic(closed, ann, "Not for bob"), 14)).await;
    let mut newer = Vec::new();
    for i in 0..NEWER_UNFOLLOWED {
        let title = format!("Newer topic {i}");
        newer.push(topic(&store, at(new_topic(busy, ann, &title), 100 + i)).await);
    }
    // One of the newest is followed too.
    let recent = newer[newer.len() - 5];
    for target in [
        FollowTarget::Space(quiet),
        FollowTarget::Space(closed),
        FollowTarget::Topic(followed),
        FollowTarget::Topic(recent),
        FollowTarget::Tag(Tag::parse("rare").unwrap()),
        FollowTarget::Person(cleo),
    ] {
        store.set_follow(bob, target, true, 1).await.unwrap();
    }

    let (all, _) = page(&store, bob, None, 20).await;
    assert_eq!(all, [recent, by_cleo, tagged, followed, in_space]);

    // Paged two at a time, across the newest topics and below them.
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let (ids, next) = page(&store, bob, after, 2).await;
        if ids.is_empty() {
            break;
        }
        paged.extend(ids);
        after = next;
    }
    assert_eq!(paged, all);

    // A member who follows nothing has no activity; an author follows
    // their own topic.
    let dan = user(&store, "dan", false).await;
    assert_eq!(page(&store, dan, None, 20).await.0, []);
    assert_eq!(page(&store, cleo, None, 20).await.0, [by_cleo]);
}
both!(activity_finds_what_is_followed_below_the_newest_topics);
