//! The permission table, run through every list a viewer reads: for each
//! viewer, space visibility, topic state and publication, what a list
//! returns is exactly what `hearth_core`'s rules allow. Every list is named
//! in `hearth_store_sql::Reader`; the match below does not compile until a
//! new one is checked here.

use std::collections::BTreeSet;
use std::sync::Arc;

use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::{JoinPolicy, Role, SpaceKind, TopicKind, TopicState, Visibility};
use hearth_core::permissions::{Decision, SpaceAccess, SpaceAction, Viewer, can_see, decide};
use hearth_core::search::Query;
use hearth_core::topic_rules::{TopicAction, TopicFacts, decide_topic};
use hearth_store::{
    FollowTarget, LiveKind, LiveQuery, NotificationKind, NotificationsQuery, Page, SearchHit,
    SearchOrder, SearchQuery, SimilarTopicsQuery, SpaceTopicsQuery, Store, TopicFilter,
    VisibleRepliesQuery, VisibleTopicsQuery,
};
use hearth_store_sql::Reader;

use super::fixtures::{new_reply, new_topic, space, store, topic, user};
use crate::support::{Backend, both};

/// When the lists are read; scheduled posts appear later.
const NOW: i64 = 1_000;

/// Every account of the fixture.
const USERNAMES: [&str; 5] = ["owner", "moderator", "author", "outsider", "ada"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Publication {
    Published,
    Draft,
    Scheduled,
}

struct Fixture {
    spaces: Vec<(SpaceId, Visibility)>,
    /// Each topic with its space, state and publication.
    topics: Vec<(TopicId, SpaceId, TopicState, Publication)>,
    /// Each reply with its topic and whether it is deleted.
    replies: Vec<(ReplyId, TopicId, bool)>,
    /// Who the viewers are: guest, outsider, author (a member), moderator, owner, admin.
    viewers: Vec<(&'static str, Viewer, Option<Role>)>,
    author: UserId,
}

async fn fixture(store: &Arc<dyn Store>) -> Fixture {
    let owner = user(store, "owner", false).await;
    let moderator = user(store, "moderator", false).await;
    let author = user(store, "author", false).await;
    let outsider = user(store, "outsider", false).await;
    let admin = user(store, "ada", true).await;
    // Asks to join every space: its owner and moderator are told.
    let asker = user(store, "asker", false).await;
    let mut f = Fixture {
        spaces: Vec::new(),
        topics: Vec::new(),
        replies: Vec::new(),
        viewers: vec![
            ("guest", Viewer::Guest, None),
            (
                "outsider",
                Viewer::User {
                    id: outsider,
                    admin: false,
                },
                None,
            ),
            (
                "author",
                Viewer::User {
                    id: author,
                    admin: false,
                },
                Some(Role::Member),
            ),
            (
                "moderator",
                Viewer::User {
                    id: moderator,
                    admin: false,
                },
                Some(Role::Moderator),
            ),
            (
                "owner",
                Viewer::User {
                    id: owner,
                    admin: false,
                },
                Some(Role::Owner),
            ),
            (
                "admin",
                Viewer::User {
                    id: admin,
                    admin: true,
                },
                None,
            ),
        ],
        author,
    };
    for visibility in Visibility::ALL {
        let s = space(store, &format!("space-{visibility}"), *visibility, owner).await;
        for (who, role) in [(moderator, Role::Moderator), (author, Role::Member)] {
            store.add_member(s, who, role, 1, None).await.unwrap();
        }
        f.spaces.push((s, *visibility));
        store.request_join(s, asker, 1).await.unwrap();
        for state in TopicState::ALL {
            for publication in [
                Publication::Published,
                Publication::Draft,
                Publication::Scheduled,
            ] {
                let mut new =
                    new_topic(s, author, &format!("{visibility} {state} {publication:?}"));
                new.kind = TopicKind::Post;
                new.draft = publication == Publication::Draft;
                new.publish_at = (publication == Publication::Scheduled).then_some(NOW * 5);
                let t = topic(store, new).await;
                let kept = store
                    .create_reply(new_reply(t, author, None))
                    .await
                    .unwrap()
                    .id;
                let gone = store
                    .create_reply(new_reply(t, author, None))
                    .await
                    .unwrap()
                    .id;
                store.set_reply_deleted(gone, true, None).await.unwrap();
                // A reply that mentions every account, written while the
                // topic is open: each one the rules let read it is notified.
                let mut mention = new_reply(t, author, None);
                mention.mentions = USERNAMES.iter().map(|n| n.to_string()).collect();
                let mention = store.create_reply(mention).await.unwrap().id;
                store.set_topic_state(t, *state, None).await.unwrap();
                f.topics.push((t, s, *state, publication));
                f.replies
                    .extend([(kept, t, false), (gone, t, true), (mention, t, false)]);
            }
        }
    }
    f
}

fn access(visibility: Visibility, role: Option<Role>) -> SpaceAccess {
    SpaceAccess {
        kind: SpaceKind::Community,
        visibility,
        join_policy: JoinPolicy::Request,
        role,
        // The store lists for guests as if guest access were on: the use
        // cases turn guests away first when it is off.
        guest_access: true,
    }
}

impl Fixture {
    fn visibility(&self, s: SpaceId) -> Visibility {
        self.spaces.iter().find(|x| x.0 == s).map(|x| x.1).unwrap()
    }

    /// Whether the rules let `viewer` read the topic, and whether it is live
    /// (what every reader of the space sees).
    fn reads(
        &self,
        viewer: Viewer,
        role: Option<Role>,
        t: &(TopicId, SpaceId, TopicState, Publication),
    ) -> (bool, bool) {
        let facts = TopicFacts {
            kind: TopicKind::Post,
            state: t.2,
            author: self.author,
            unpublished: t.3 != Publication::Published,
        };
        let space = access(self.visibility(t.1), role);
        let read = decide_topic(viewer, &space, &facts, TopicAction::Read) == Decision::Allow;
        let live = matches!(t.2, TopicState::Open | TopicState::Locked) && !facts.unpublished;
        (read, live)
    }

    /// The topics the rules let `viewer` read that every reader of their
    /// space sees: what lists of live topics hold.
    fn live_topics(&self, viewer: Viewer, role: Option<Role>) -> BTreeSet<TopicId> {
        ids(self
            .topics
            .iter()
            .filter(|t| self.reads(viewer, role, t) == (true, true))
            .map(|t| t.0))
    }
}

fn ids<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    items.into_iter().collect()
}

async fn every_list_returns_exactly_what_the_rules_allow(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let f = fixture(&store).await;
    let ours: BTreeSet<SpaceId> = ids(f.spaces.iter().map(|s| s.0));
    for &(name, viewer, role) in &f.viewers {
        for reader in Reader::ALL {
            match reader {
                Reader::ListSpaces => {
                    let listed = store.list_spaces(viewer, Page::first(100)).await.unwrap();
                    let got = ids(listed
                        .iter()
                        .map(|v| v.space.id)
                        .filter(|s| ours.contains(s)));
                    let want = ids(f
                        .spaces
                        .iter()
                        .filter(|(_, v)| can_see(viewer, &access(*v, role)))
                        .map(|s| s.0));
                    assert_eq!(got, want, "{reader:?} for {name}");
                }
                Reader::SpacesOfMember => {
                    let listed = store
                        .spaces_of_member(f.author, viewer, Page::first(100))
                        .await
                        .unwrap();
                    let got = ids(listed.iter().map(|v| v.space.id));
                    let want = ids(f
                        .spaces
                        .iter()
                        .filter(|(_, v)| {
                            decide(viewer, &access(*v, role), SpaceAction::Read) == Decision::Allow
                        })
                        .map(|s| s.0));
                    assert_eq!(got, want, "{reader:?} for {name}");
                }
                Reader::SpaceTopics => {
                    for &(s, _) in &f.spaces {
                        let listed = store
                            .space_topics(SpaceTopicsQuery {
                                space: s,
                                viewer,
                                filter: TopicFilter::default(),
                                after: None,
                                limit: 100,
                                now: NOW,
                            })
                            .await
                            .unwrap();
                        let got = ids(listed.iter().map(|t| t.id));
                        let want = ids(f
                            .topics
                            .iter()
                            .filter(|t| {
                                t.1 == s && t.2 != TopicState::Deleted && f.reads(viewer, role, t).0
                            })
                            .map(|t| t.0));
                        assert_eq!(got, want, "{reader:?} of {} for {name}", f.visibility(s));
                    }
                }
                Reader::VisibleTopics => {
                    let listed = store
                        .visible_topics(VisibleTopicsQuery {
                            viewer,
                            tag: None,
                            author: None,
                            followed_by: None,
                            after: None,
                            limit: 100,
                            now: NOW,
                        })
                        .await
                        .unwrap();
                    let got = ids(listed.iter().map(|t| t.id));
                    let want = f.live_topics(viewer, role);
                    assert_eq!(got, want, "{reader:?} for {name}");
                }
                Reader::VisibleReplies => {
                    let listed = store
                        .visible_replies(VisibleRepliesQuery {
                            viewer,
                            author: f.author,
                            limit: 100,
                            now: NOW,
                        })
                        .await
                        .unwrap();
                    let got = ids(listed.iter().map(|r| r.reply.id));
                    let want = ids(f
                        .replies
                        .iter()
                        .filter(|(_, t, deleted)| {
                            let t = f.topics.iter().find(|x| x.0 == *t).unwrap();
                            let (read, live) = f.reads(viewer, role, t);
                            read && live && !deleted
                        })
                        .map(|r| r.0));
                    assert_eq!(got, want, "{reader:?} for {name}");
                }
                Reader::Search => {
                    // Every title names its space's visibility; every reply says "reply".
                    for &(s, visibility) in &f.spaces {
                        let found = search(&store, viewer, &visibility.to_string()).await;
                        let got = ids(found.iter().map(|h| (h.topic.id, h.reply.is_some())));
                        let want = ids(f
                            .topics
                            .iter()
                            .filter(|t| {
                                t.1 == s && t.2 != TopicState::Deleted && f.reads(viewer, role, t).0
                            })
                            .map(|t| (t.0, false)));
                        assert_eq!(got, want, "{reader:?} of {visibility} for {name}");
                    }
                    let found = search(&store, viewer, "reply").await;
                    let got = ids(found.iter().filter_map(|h| h.reply.as_ref().map(|r| r.id)));
                    let want = ids(f
                        .replies
                        .iter()
                        .filter(|(_, t, deleted)| {
                            let t = f.topics.iter().find(|x| x.0 == *t).unwrap();
                            !deleted && t.2 != TopicState::Deleted && f.reads(viewer, role, t).0
                        })
                        .map(|r| r.0));
                    assert_eq!(got, want, "{reader:?} of replies for {name}");
                }
                Reader::SearchSpaces => {
                    let found = store
                        .search_spaces(viewer, Query::parse("space").unwrap(), 100)
                        .await
                        .unwrap();
                    let got = ids(found.iter().map(|s| s.id).filter(|s| ours.contains(s)));
                    let want = ids(f
                        .spaces
                        .iter()
                        .filter(|(_, v)| can_see(viewer, &access(*v, role)))
                        .map(|s| s.0));
                    assert_eq!(got, want, "{reader:?} for {name}");
                }
                Reader::SimilarTopics => {
                    let words = Visibility::ALL.iter().map(|v| v.to_string()).collect();
                    let found = store
                        .similar_topics(SimilarTopicsQuery {
                            viewer,
                            now: NOW,
                            words,
                            space: None,
                            limit: 100,
                        })
                        .await
                        .unwrap();
                    let got = ids(found.iter().map(|t| t.id));
                    let want = f.live_topics(viewer, role);
                    assert_eq!(got, want, "{reader:?} for {name}");
                }
                // Checked after every viewer's lists: it changes memberships.
                Reader::NotifyRecipients => {}
                Reader::LiveEvents => {
                    let want = f.live_topics(viewer, role);
                    let mut replies = BTreeSet::new();
                    for t in &f.topics {
                        let events = store
                            .live_events(LiveQuery {
                                viewer,
                                topic: Some(t.0),
                                after: 0,
                                until: i64::MAX,
                                limit: 1_000,
                                now: NOW,
                            })
                            .await
                            .unwrap();
                        for e in events {
                            let Some(topic) = e.topic_id else {
                                // Of a space itself: requests to join, told
                                // to those who moderate it.
                                assert_eq!(e.kind, LiveKind::Notification);
                                let moderator = matches!(role, Some(Role::Owner | Role::Moderator));
                                assert!(moderator, "{e:?} for {name}");
                                continue;
                            };
                            // Their own notifications come along, of what they may read.
                            assert!(want.contains(&topic), "{e:?} for {name}");
                            if e.kind == LiveKind::Reply {
                                assert_eq!(topic, t.0);
                                replies.insert(topic);
                            }
                        }
                    }
                    assert_eq!(replies, want, "{reader:?} for {name}");
                }
                Reader::Notifications => {
                    let want = match viewer.user_id() {
                        Some(u) if u != f.author => f.live_topics(viewer, role),
                        _ => BTreeSet::new(),
                    };
                    let (got, asked, listed) = notified(&store, viewer).await;
                    assert_eq!(got, want, "{reader:?} for {name}");
                    // Requests to join: told to those who moderate by their
                    // role, shown while they may moderate.
                    let moderates = |v: Visibility| {
                        decide(viewer, &access(v, role), SpaceAction::Moderate) == Decision::Allow
                    };
                    let want = match role {
                        Some(Role::Owner | Role::Moderator) => ids(f
                            .spaces
                            .iter()
                            .filter(|(_, v)| moderates(*v))
                            .map(|(_, v)| format!("space-{v}"))),
                        _ => BTreeSet::new(),
                    };
                    assert_eq!(asked, want, "requests to join for {name}");
                    let unread = store.unread_notifications(viewer, NOW).await.unwrap();
                    assert_eq!(unread, listed, "unread {reader:?} for {name}");
                }
                Reader::Followed => {
                    let Some(me) = viewer.user_id() else {
                        continue;
                    };
                    for &(s, _) in &f.spaces {
                        store
                            .set_follow(me, FollowTarget::Space(s), true, 1)
                            .await
                            .unwrap();
                    }
                    for t in &f.topics {
                        store
                            .set_follow(me, FollowTarget::Topic(t.0), true, 1)
                            .await
                            .unwrap();
                    }
                    let followed = store.followed(me, viewer, NOW).await.unwrap();
                    let got = ids(followed
                        .iter()
                        .map(|x| &x.target)
                        .filter(|t| matches!(t, FollowTarget::Space(_) | FollowTarget::Topic(_)))
                        .map(|t| (t.kind(), t.key().0)));
                    let spaces = f
                        .spaces
                        .iter()
                        .filter(|(_, v)| {
                            decide(viewer, &access(*v, role), SpaceAction::Read) == Decision::Allow
                        })
                        .map(|s| FollowTarget::Space(s.0));
                    let topics = f
                        .live_topics(viewer, role)
                        .into_iter()
                        .map(FollowTarget::Topic);
                    let want = ids(spaces.chain(topics).map(|t| (t.kind(), t.key().0)));
                    assert_eq!(got, want, "{reader:?} for {name}");
                    // Activity: what they follow, as far as they may read it.
                    let active = store
                        .visible_topics(VisibleTopicsQuery {
                            viewer,
                            tag: None,
                            author: None,
                            followed_by: Some(me),
                            after: None,
                            limit: 100,
                            now: NOW,
                        })
                        .await
                        .unwrap();
                    let want = f.live_topics(viewer, role);
                    assert_eq!(
                        ids(active.iter().map(|t| t.id)),
                        want,
                        "activity for {name}"
                    );
                }
            }
        }
    }

    // Notifications were written only to those who could read the topic
    // then: an outsider who joins every space later finds none of the
    // private and secret spaces' mentions.
    let (_, outsider, _) = f.viewers[1];
    for &(s, _) in &f.spaces {
        store
            .add_member(s, outsider.user_id().unwrap(), Role::Member, 2, None)
            .await
            .unwrap();
    }
    let want = ids(f
        .topics
        .iter()
        .filter(|t| f.visibility(t.1) == Visibility::Public)
        .filter(|t| f.reads(outsider, Some(Role::Member), t) == (true, true))
        .map(|t| t.0));
    let (got, _, _) = notified(&store, outsider).await;
    assert_eq!(got, want, "{:?}", Reader::NotifyRecipients);
}

/// The topics of `viewer`'s notifications (mentions, and new topics in the
/// spaces they joined), the spaces of the requests to join they are told
/// of, and how many notifications are listed.
async fn notified(
    store: &Arc<dyn Store>,
    viewer: Viewer,
) -> (BTreeSet<TopicId>, BTreeSet<String>, i64) {
    let found = store
        .notifications(NotificationsQuery {
            viewer,
            unread_only: false,
            before: None,
            only: None,
            in_mail: None,
            limit: 1_000,
            now: NOW,
        })
        .await
        .unwrap();
    let kinds = [NotificationKind::Mention, NotificationKind::NewTopic];
    let (topics, spaces): (Vec<_>, Vec<_>) = found.iter().partition(|n| n.topic_id.is_some());
    assert!(topics.iter().all(|n| kinds.contains(&n.kind)));
    assert!(
        spaces
            .iter()
            .all(|n| n.kind == NotificationKind::JoinRequest)
    );
    let asked = spaces.iter().map(|n| n.space_slug.clone());
    (
        ids(topics.iter().filter_map(|n| n.topic_id)),
        ids(asked),
        found.len() as i64,
    )
}

/// Every result of a search for `text`, newest first.
async fn search(store: &Arc<dyn Store>, viewer: Viewer, text: &str) -> Vec<SearchHit> {
    let found = store
        .search(SearchQuery {
            viewer,
            now: NOW,
            query: Query::parse(text).unwrap(),
            space: None,
            kind: None,
            author: None,
            tag: None,
            since: None,
            until: None,
            answered: None,
            order: SearchOrder::Newest,
            offset: 0,
            limit: 100,
        })
        .await
        .unwrap();
    assert_eq!(
        found.total,
        found.hits.len() as i64,
        "the count is what is shown"
    );
    found.hits
}
both!(every_list_returns_exactly_what_the_rules_allow);
