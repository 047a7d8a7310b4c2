//! The activity of what a member follows, and a tag's topics, on both
//! engines: found whether they are among the site's newest topics or far
//! below them, page after page, and only where the reader may read them.

use std::sync::Arc;

use hearth_core::content::Tag;
use hearth_core::ids::{TopicId, UserId};
use hearth_core::model::Visibility;
use hearth_store::{FollowTarget, Store, TopicCursor, VisibleTopicsQuery};

use super::fixtures::{member, new_topic, space, store, topic, user};
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
    list(store, member, None, Some(member), after, limit).await
}

/// One page of topics `reader` may read, with `tag` and followed by
/// `follower` if asked, after `after`: their ids.
async fn list(
    store: &Arc<dyn Store>,
    reader: UserId,
    tag: Option<&str>,
    follower: Option<UserId>,
    after: Option<TopicCursor>,
    limit: u32,
) -> (Vec<TopicId>, Option<TopicCursor>) {
    let topics = store
        .visible_topics(VisibleTopicsQuery {
            viewer: member(reader),
            tag: tag.map(|t| Tag::parse(t).unwrap()),
            author: None,
            followed_by: follower,
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

async fn a_rare_tag_is_found_below_the_newest_topics(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let bob = user(&store, "bob", false).await;
    let open = space(&store, "open", Visibility::Public, ann).await;
    let closed = space(&store, "closed", Visibility::Private, ann).await;
    let tagged = |space, title: &str, when: i64| {
        let mut t = new_topic(space, ann, title);
        t.tags = vec![Tag::parse("rare").unwrap()];
        t.created_at = when;
        t
    };
    let first = topic(&store, tagged(open, "First rare", 10)).await;
    let second = topic(&store, tagged(open, "Second rare", 11)).await;
    let hidden = topic(&store, tagged(closed, "Closed rare", 12)).await;
    for i in 0..NEWER_UNFOLLOWED {
        let mut t = new_topic(open, ann, &format!("Untagged {i}"));
        t.tags = Vec::new();
        t.created_at = 100 + i;
        topic(&store, t).await;
    }
    let mut newest = new_topic(open, ann, "Newest rare");
    newest.tags = vec![Tag::parse("rare").unwrap()];
    newest.created_at = 1_000;
    let newest = topic(&store, newest).await;

    assert_eq!(
        list(&store, bob, Some("rare"), None, None, 20).await.0,
        [newest, second, first]
    );
    assert_eq!(
        list(&store, ann, Some("rare"), None, None, 20).await.0,
        [newest, hidden, second, first]
    );
    let (one, after) = list(&store, bob, Some("rare"), None, None, 1).await;
    assert_eq!(one, [newest]);
    let (two, after) = list(&store, bob, Some("rare"), None, after, 2).await;
    assert_eq!(two, [second, first]);
    assert_eq!(list(&store, bob, Some("rare"), None, after, 2).await.0, []);
    // A followed tag among the newest, and the rest of what is followed
    // below them, with the tag asked for too.
    store
        .set_follow(bob, FollowTarget::Topic(first), true, 1)
        .await
        .unwrap();
    assert_eq!(
        list(&store, bob, Some("rare"), Some(bob), None, 20).await.0,
        [first]
    );
}
both!(a_rare_tag_is_found_below_the_newest_topics);
