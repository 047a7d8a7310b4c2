//! What the store's writes promise, on both engines: conflicts named by
//! type, threads and counters kept, retried creates written once, stale
//! edits refused, and a database that verifies clean afterwards.

use hearth_core::ids::{ReplyId, UserId};
use hearth_core::model::{Role, TopicState, Visibility};
use hearth_core::names::{DisplayName, Email, Slug, SpaceName, Username};
use hearth_core::topic_rules::MAX_REPLY_DEPTH;
use hearth_store::{
    Conflict, NewSpace, NewUser, NotificationsQuery, OpsKind, OpsRecord, ReactionTarget,
    StoreError, Telling, TopicEdit,
};

use super::fixtures::{member, new_reply, new_topic, space, store, topic, user};
use crate::support::{Backend, both};

fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Conflict {
    match r {
        Err(StoreError::Conflict(c)) => c,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn new_user(name: &str, email: &str, only_first: bool) -> NewUser {
    NewUser {
        username: Username::parse(name).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        email: Email::parse(email).unwrap(),
        password_hash: "x".into(),
        is_admin: false,
        invite: None,
        only_first,
        created_at: 1,
    }
}

async fn conflicts_are_named_by_type(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let bob = user(&store, "bob", false).await;
    assert_eq!(
        conflict(
            store
                .create_user(new_user("ann", "other@example.org", false))
                .await
        ),
        Conflict::UsernameTaken
    );
    assert_eq!(
        conflict(
            store
                .create_user(new_user("newer", "ann@example.org", false))
                .await
        ),
        Conflict::EmailTaken
    );
    assert_eq!(
        conflict(
            store
                .create_user(new_user("first", "first@example.org", true))
                .await
        ),
        Conflict::NotFirstAccount
    );
    let s = space(&store, "club", Visibility::Public, ann).await;
    let again = store
        .create_space(NewSpace {
            slug: Slug::parse("club").unwrap(),
            name: SpaceName::parse("Club").unwrap(),
            description: hearth_core::names::Description::parse("").unwrap(),
            visibility: Visibility::Public,
            join_policy: hearth_core::model::JoinPolicy::Open,
            owner: bob,
            created_at: 2,
        })
        .await;
    assert_eq!(conflict(again), Conflict::SlugTaken);
    store.request_join(s, bob, 3).await.unwrap();
    assert_eq!(
        conflict(store.request_join(s, bob, 4).await),
        Conflict::RequestPending
    );
    store
        .add_member(s, bob, Role::Member, 5, None)
        .await
        .unwrap();
    assert_eq!(
        conflict(store.add_member(s, bob, Role::Member, 6, None).await),
        Conflict::AlreadyMember
    );
    assert!(
        store.join_requests(s).await.unwrap().is_empty(),
        "joining ends the request"
    );
    assert_eq!(
        conflict(store.remove_member(s, ann, None).await),
        Conflict::LastOwner
    );
    assert_eq!(
        conflict(store.set_role(s, ann, Role::Member, None).await),
        Conflict::LastOwner
    );
    let view = store
        .space_by_slug("club", Some(bob))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((view.role, view.member_count), (Some(Role::Member), 2));
}
both!(conflicts_are_named_by_type);

async fn threads_nest_to_the_cap_and_count_their_replies(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let s = space(&store, "talk", Visibility::Public, ann).await;
    let t = topic(&store, new_topic(s, ann, "Deep")).await;
    let other = topic(&store, new_topic(s, ann, "Elsewhere")).await;
    let mut parent = None;
    let mut chain = Vec::new();
    for depth in 0..=MAX_REPLY_DEPTH + 2 {
        let r = store.create_reply(new_reply(t, ann, parent)).await.unwrap();
        assert_eq!(r.depth, depth.min(MAX_REPLY_DEPTH));
        chain.push(r.id);
        parent = Some(r.id);
    }
    let first = store.create_reply(new_reply(t, ann, None)).await.unwrap();
    let thread: Vec<_> = store
        .replies(t, 0, 100, None)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let mut expected = chain.clone();
    expected.push(first.id);
    assert_eq!(thread, expected, "depth-first, in the order written");
    let view = store.topic(t, None).await.unwrap().unwrap();
    assert_eq!(view.topic.reply_count, expected.len() as i64);
    assert_eq!(
        conflict(
            store
                .create_reply(new_reply(other, ann, Some(first.id)))
                .await
        ),
        Conflict::ReplyParent
    );
    store
        .set_topic_state(t, TopicState::Hidden, None)
        .await
        .unwrap();
    assert_eq!(
        conflict(store.create_reply(new_reply(t, ann, None)).await),
        Conflict::TopicClosed
    );
    assert_eq!(store.verify().await.unwrap(), Vec::<String>::new());
}
both!(threads_nest_to_the_cap_and_count_their_replies);

async fn a_retried_create_is_written_once(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let s = space(&store, "once", Visibility::Public, ann).await;
    let mut new = new_topic(s, ann, "Once");
    new.idempotency_key = Some("key-1".into());
    let first = store.create_topic(new.clone()).await.unwrap();
    let again = store.create_topic(new).await.unwrap();
    assert_eq!(first.id, again.id);
    let mut reply = new_reply(first.id, ann, None);
    reply.idempotency_key = Some("key-2".into());
    let r1 = store.create_reply(reply.clone()).await.unwrap();
    let r2 = store.create_reply(reply).await.unwrap();
    assert_eq!(r1.id, r2.id);
    let view = store.topic(first.id, None).await.unwrap().unwrap();
    assert_eq!(view.topic.reply_count, 1);
}
both!(a_retried_create_is_written_once);

async fn a_stale_edit_is_refused_and_likes_count_once(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let bob: UserId = user(&store, "bob", false).await;
    let s = space(&store, "docs", Visibility::Public, ann).await;
    let t = topic(&store, new_topic(s, ann, "Doc")).await;
    let edit = |base: i64| TopicEdit {
        title: None,
        body: Some(("v2".into(), "<p>v2</p>".into())),
        tags: None,
        mentions: vec![],
        files: vec![],
        draft: None,
        publish_at: None,
        base_version: Some(base),
        editor: ann,
        now: 30,
    };
    assert_eq!(store.edit_topic(t, edit(1), None).await.unwrap().version, 2);
    assert_eq!(
        conflict(store.edit_topic(t, edit(1), None).await),
        Conflict::StaleVersion
    );
    assert_eq!(store.topic_revisions(t).await.unwrap().len(), 2);
    let target = ReactionTarget::Topic(t);
    for (who, on, count) in [
        (bob, true, 1),
        (bob, true, 1),
        (ann, true, 2),
        (bob, false, 1),
    ] {
        assert_eq!(
            store.set_reaction(target, who, on, 40).await.unwrap(),
            count
        );
    }
    assert_eq!(store.verify().await.unwrap(), Vec::<String>::new());
}
both!(a_stale_edit_is_refused_and_likes_count_once);

/// How many notifications `who` has, read or not.
async fn notifications_of(store: &std::sync::Arc<dyn hearth_store::Store>, who: UserId) -> usize {
    store
        .notifications(NotificationsQuery {
            viewer: member(who),
            unread_only: false,
            before: None,
            only: None,
            in_mail: None,
            limit: 100,
            now: 50,
        })
        .await
        .unwrap()
        .len()
}

async fn likes_written_as_history_count_and_tell_nobody(backend: Backend) {
    let (store, _guard) = store(backend).await;
    let ann = user(&store, "ann", false).await;
    let bob = user(&store, "bob", false).await;
    let cy = user(&store, "cy", false).await;
    let s = space(&store, "docs", Visibility::Public, ann).await;
    let t = topic(&store, new_topic(s, ann, "Doc")).await;
    let replies = store
        .create_replies(
            vec![new_reply(t, ann, None), new_reply(t, ann, None)],
            Telling::Nobody,
        )
        .await
        .unwrap();
    let (first, second) = (replies[0], replies[1]);
    let like = |r, who| (ReactionTarget::Reply(r), who);
    let history = vec![like(first, bob), like(first, cy), like(first, bob)];
    store.add_likes(history, Telling::Nobody, 40).await.unwrap();
    assert_eq!(
        store.reply(first, None).await.unwrap().unwrap().like_count,
        2
    );
    assert_eq!(notifications_of(&store, ann).await, 0);

    let told = vec![like(second, bob)];
    store.add_likes(told, Telling::Everyone, 41).await.unwrap();
    assert_eq!(
        store.reply(second, None).await.unwrap().unwrap().like_count,
        1
    );
    assert_eq!(notifications_of(&store, ann).await, 1);

    // A like of what does not exist writes none of its batch.
    let missing = vec![like(first, ann), like(ReplyId(first.0 + 1_000), bob)];
    assert!(store.add_likes(missing, Telling::Nobody, 42).await.is_err());
    assert_eq!(
        store.reply(first, None).await.unwrap().unwrap().like_count,
        2
    );
    assert_eq!(store.verify().await.unwrap(), Vec::<String>::new());
}
both!(likes_written_as_history_count_and_tell_nobody);

async fn one_holder_at_a_time_claims_a_job_and_ops_records_keep_their_last_success(
    backend: Backend,
) {
    let (store, _guard) = store(backend).await;
    assert!(store.claim_job("backup", "a", 100, 200).await.unwrap());
    assert!(!store.claim_job("backup", "b", 150, 250).await.unwrap());
    assert!(
        store.claim_job("backup", "a", 150, 300).await.unwrap(),
        "renewed"
    );
    assert!(!store.claim_job("backup", "b", 299, 400).await.unwrap());
    assert!(
        store.claim_job("backup", "b", 300, 400).await.unwrap(),
        "expired"
    );
    assert!(store.claim_job("other", "a", 300, 400).await.unwrap());

    let record = |at, ok| OpsRecord {
        kind: OpsKind::RestoreCheck,
        at,
        ok,
        detail: format!("at {at}"),
        last_ok_at: None,
    };
    store.record_ops(record(10, true)).await.unwrap();
    store.record_ops(record(20, false)).await.unwrap();
    let kept = store.ops_records().await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].at,
            kept[0].ok,
            kept[0].last_ok_at,
            kept[0].detail.as_str()
        ),
        (20, false, Some(10), "at 20")
    );
}
both!(one_holder_at_a_time_claims_a_job_and_ops_records_keep_their_last_success);
