//! Building records straight through the store.

use std::sync::Arc;

use hearth_core::content::{Tag, Title};
use hearth_core::ids::{ReplyId, SpaceId, TopicId, UserId};
use hearth_core::model::{JoinPolicy, TopicKind, Visibility};
use hearth_core::names::{Description, DisplayName, Email, Slug, SpaceName, Username};
use hearth_core::permissions::Viewer;
use hearth_store::{NewReply, NewSpace, NewTopic, NewUser, Store};

use crate::support::Backend;
use crate::support::app::{DbGuard, fresh_storage};

/// A fresh store of `backend`, kept alive by the guard.
pub async fn store(backend: Backend) -> (Arc<dyn Store>, DbGuard) {
    let (storage, guard) = fresh_storage(backend).await;
    let store = hearth::storage::open(&storage)
        .await
        .expect("open the store");
    (store, guard)
}

pub async fn user(store: &Arc<dyn Store>, name: &str, admin: bool) -> UserId {
    store
        .create_user(NewUser {
            username: Username::parse(name).unwrap(),
            display_name: DisplayName::parse(name).unwrap(),
            email: Email::parse(&format!("{name}@example.org")).unwrap(),
            password_hash: "not a hash".into(),
            is_admin: admin,
            invite: None,
            only_first: false,
            created_at: 1,
        })
        .await
        .unwrap()
        .id
}

/// `id` as a signed-in member who does not administer the site.
pub fn member(id: UserId) -> Viewer {
    Viewer::User { id, admin: false }
}

pub async fn space(
    store: &Arc<dyn Store>,
    slug: &str,
    visibility: Visibility,
    owner: UserId,
) -> SpaceId {
    store
        .create_space(NewSpace {
            slug: Slug::parse(slug).unwrap(),
            name: SpaceName::parse(slug).unwrap(),
            description: Description::parse("").unwrap(),
            visibility,
            join_policy: JoinPolicy::Request,
            owner,
            created_at: 1,
        })
        .await
        .unwrap()
        .id
}

/// A topic as a new one is written; change fields with `with`.
pub fn new_topic(space: SpaceId, author: UserId, title: &str) -> NewTopic {
    NewTopic {
        space_id: space,
        author,
        kind: TopicKind::Discussion,
        title: Title::parse(title).unwrap(),
        body_md: title.into(),
        body_html: format!("<p>{title}</p>"),
        tags: vec![Tag::parse("common").unwrap()],
        mentions: vec![],
        files: vec![],
        draft: false,
        publish_at: None,
        idempotency_key: None,
        joins_space: false,
        created_at: 10,
    }
}

pub async fn topic(store: &Arc<dyn Store>, new: NewTopic) -> TopicId {
    store.create_topic(new).await.unwrap().id
}

pub fn new_reply(topic: TopicId, author: UserId, parent: Option<ReplyId>) -> NewReply {
    NewReply {
        topic_id: topic,
        author,
        parent,
        body_md: "a reply".into(),
        body_html: "<p>a reply</p>".into(),
        mentions: vec![],
        files: vec![],
        idempotency_key: None,
        joins_space: false,
        created_at: 20,
    }
}
