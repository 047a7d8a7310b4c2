//! Following and notifications over HTTP: follows through the API and the
//! pages, topics followed by writing in them, the bell, and what a reader
//! who may not see a topic is never told.

use serde_json::json;

use crate::support::app::Api;
use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::{reply, team, topic};

pub(crate) async fn kinds(api: &Api) -> Vec<(String, String)> {
    let (status, list) = api.get("/api/v1/notifications").await;
    assert_eq!(status, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                // What it is about: a topic, or a space itself.
                n["topic_title"]
                    .as_str()
                    .or(n["space_name"].as_str())
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect()
}

/// PUTs nothing to `path`: follows what it names.
async fn put(api: &Api, path: &str) -> u16 {
    api.put_raw(path, "application/json", Vec::new()).await.0
}

pub(crate) fn pair(kind: &str, title: &str) -> (String, String) {
    (kind.to_owned(), title.to_owned())
}

pub(crate) async fn unread_on_the_bell(app: &TestApp, username: &str) -> String {
    let b = app.signed_in(username).await;
    let (_, page) = b.page("/").await;
    page.split("class=\"bell\"")
        .nth(1)
        .and_then(|rest| rest.split("</a>").next())
        .unwrap_or_default()
        .to_owned()
}

async fn replies_mentions_and_accepted_answers_notify_their_people(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob", "cy"], "crew", "public").await;
    let (ann, bob, cy) = (&apis[0], &apis[1], &apis[2]);
    let q = topic(
        ann,
        "crew",
        json!({"title": "Which printer?", "body": "Asking.", "kind": "question"}),
    )
    .await;
    let answer = reply(bob, &q, "The one upstairs. @cy knows.", None).await;
    reply(cy, &q, "Yes, upstairs.", Some(&answer)).await;

    assert_eq!(
        kinds(ann).await,
        vec![
            pair("reply_to_topic", "Which printer?"),
            pair("reply_to_topic", "Which printer?")
        ]
    );
    // Bob and Cy joined the space, so they follow it: they heard of the
    // question too.
    let asked = pair("new_topic", "Which printer?");
    assert_eq!(
        kinds(cy).await,
        vec![pair("mention", "Which printer?"), asked.clone()]
    );
    assert_eq!(
        kinds(bob).await,
        vec![pair("reply_to_reply", "Which printer?"), asked]
    );

    let (status, _) = ann
        .post(
            &format!("/api/v1/topics/{}/accepted", q["id"].as_str().unwrap()),
            json!({"reply": answer["id"]}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(kinds(bob).await[0], pair("accepted", "Which printer?"));
    assert!(unread_on_the_bell(&app, "bob").await.contains("3 unread"));

    // Read one, then all.
    let (_, list) = bob.get("/api/v1/notifications").await;
    let first = list["items"][0]["id"].clone();
    let (status, _) = bob
        .post("/api/v1/notifications/read", json!({"ids": [first]}))
        .await;
    assert_eq!(status, 204);
    let (_, unread) = bob.get("/api/v1/notifications?unread=true").await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 2);
    let (status, _) = bob.post("/api/v1/notifications/read", json!({})).await;
    assert_eq!(status, 204);
    let (_, unread) = bob.get("/api/v1/notifications?unread=true").await;
    assert!(unread["items"].as_array().unwrap().is_empty());
    assert!(!unread_on_the_bell(&app, "bob").await.contains("unread"));

    // Someone else's notifications cannot be marked.
    let (_, list) = cy.get("/api/v1/notifications").await;
    let theirs = list["items"][0]["id"].clone();
    bob.post("/api/v1/notifications/read", json!({"ids": [theirs]}))
        .await;
    let (_, unread) = cy.get("/api/v1/notifications?unread=true").await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 2);
}
both!(replies_mentions_and_accepted_answers_notify_their_people);

async fn a_deleted_reply_is_neither_listed_nor_counted_until_restored(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let t = topic(ann, "crew", json!({"title": "Lunch?", "body": "Where?"})).await;
    let r = reply(bob, &t, "The usual place.", None).await;
    let told = vec![pair("reply_to_topic", "Lunch?")];
    assert_eq!(kinds(ann).await, told);
    assert!(unread_on_the_bell(&app, "ann").await.contains("1 unread"));

    let path = format!("/api/v1/replies/{}", r["id"].as_str().unwrap());
    assert_eq!(bob.delete(&path).await.0, 204);
    assert!(kinds(ann).await.is_empty());
    assert!(!unread_on_the_bell(&app, "ann").await.contains("unread"));

    let (status, _) = ann.post(&format!("{path}/restore"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(kinds(ann).await, told);
    assert!(unread_on_the_bell(&app, "ann").await.contains("1 unread"));
}
both!(a_deleted_reply_is_neither_listed_nor_counted_until_restored);

async fn followers_of_a_space_person_or_tag_hear_of_new_topics(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    // Bob joined: he follows the space; he stops, then follows a tag and Ann.
    let (_, f) = bob.get("/api/v1/follows/spaces/crew").await;
    assert_eq!(f["following"], true, "joining follows the space");
    assert_eq!(bob.delete("/api/v1/follows/spaces/crew").await.0, 204);
    topic(ann, "crew", json!({"title": "Unheard", "body": "x"})).await;
    assert!(kinds(bob).await.is_empty(), "he stopped following");
    for path in ["/api/v1/follows/tags/release", "/api/v1/follows/people/ann"] {
        assert_eq!(put(bob, path).await, 204, "{path}");
    }
    topic(
        ann,
        "crew",
        json!({"title": "Version 2", "body": "x", "tags": ["release"]}),
    )
    .await;
    assert_eq!(kinds(bob).await, vec![pair("new_topic", "Version 2")]);
    let (_, followed) = bob.get("/api/v1/follows").await;
    let names: Vec<&str> = followed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["person", "tag"], "{followed}");

    // Writing in a topic follows it; the author follows their own.
    let t = topic(ann, "crew", json!({"title": "Lunch", "body": "x"})).await;
    let key = format!("/api/v1/follows/topics/{}", t["id"].as_str().unwrap());
    assert_eq!(ann.get(&key).await.1["following"], true);
    assert_eq!(bob.get(&key).await.1["following"], false);
    reply(bob, &t, "Me too", None).await;
    assert_eq!(bob.get(&key).await.1["following"], true);
    assert_eq!(bob.delete(&key).await.0, 204);
    reply(bob, &t, "Again", None).await;
    assert_eq!(
        bob.get(&key).await.1["following"],
        false,
        "stopping holds when writing again"
    );

    // Bad input is refused.
    assert_eq!(put(bob, "/api/v1/follows/planets/mars").await, 400);
    assert_eq!(put(bob, "/api/v1/follows/spaces/nowhere").await, 404);
}
both!(followers_of_a_space_person_or_tag_hear_of_new_topics);

async fn a_private_topic_never_reaches_a_non_member(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "inner", "private").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    app.create_user("eve", false).await;
    let eve = app.api(&app.token("eve").await);
    // Eve follows Ann and is mentioned, but may not read the space.
    assert_eq!(put(&eve, "/api/v1/follows/people/ann").await, 204);
    assert_eq!(put(&eve, "/api/v1/follows/spaces/inner").await, 403);
    topic(
        ann,
        "inner",
        json!({"title": "Secret plans", "body": "Dear @eve and @bob."}),
    )
    .await;
    assert!(kinds(&eve).await.is_empty());
    assert!(!unread_on_the_bell(&app, "eve").await.contains("unread"));
    assert_eq!(kinds(bob).await, vec![pair("mention", "Secret plans")]);

    // Bob leaves: what he was told is no longer shown nor counted.
    let (status, _) = ann.delete("/api/v1/spaces/inner/members/bob").await;
    assert_eq!(status, 204);
    assert!(kinds(bob).await.is_empty());
    assert!(!unread_on_the_bell(&app, "bob").await.contains("unread"));
    let b = app.signed_in("bob").await;
    let (_, page) = b.page("/notifications").await;
    assert!(!page.contains("Secret plans"), "{page}");
}
both!(a_private_topic_never_reaches_a_non_member);

async fn the_follow_buttons_and_the_notifications_page_work_without_scripts(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let t = topic(&apis[0], "crew", json!({"title": "Roof", "body": "Leaks."})).await;
    let url = t["url"].as_str().unwrap();
    let bob = app.signed_in("bob").await;
    let (_, page) = bob.page(url).await;
    assert!(
        page.contains(r#"aria-pressed="false">Follow</button>"#),
        "{page}"
    );
    let id = t["id"].as_str().unwrap();
    let resp = bob
        .submit(
            url,
            "/follows",
            &[("kind", "topics"), ("key", id), ("on", "1")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, page) = bob.page(url).await;
    assert!(page.contains(r#"aria-pressed="true">Following</button>"#));

    reply(&apis[0], &t, "Fixed it. @bob", None).await;
    let (_, page) = bob.page("/notifications").await;
    assert!(page.contains("mentioned you in"), "{page}");
    let resp = bob
        .submit("/notifications", "/notifications/read", &[])
        .await;
    assert_eq!(resp.status(), 303);
    let (_, page) = bob.page("/notifications?unread=1").await;
    assert!(page.contains("Nothing unread."), "{page}");
}
both!(the_follow_buttons_and_the_notifications_page_work_without_scripts);

pub(crate) async fn titles(api: &Api, query: &str) -> Vec<(String, i64)> {
    let (status, list) = api.get(&format!("/api/v1/activity{query}")).await;
    assert_eq!(status, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["topic"]["title"].as_str().unwrap().to_owned(),
                i["new_replies"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn the_home_page_shows_what_is_new_in_what_one_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let inner = team(&app, "ivy", &[], "inner", "private").await;
    topic(
        &inner[0],
        "inner",
        json!({"title": "Private plans", "body": "x"}),
    )
    .await;
    app.create_user("dan", false).await;
    let dan = app.api(&app.token("dan").await);
    topic(
        &dan,
        "~dan",
        json!({"title": "Dan's own blog", "body": "x", "kind": "post"}),
    )
    .await;
    let t = topic(ann, "crew", json!({"title": "Roadmap", "body": "x"})).await;
    reply(ann, &t, "First point", None).await;
    reply(ann, &t, "Second point", None).await;

    // Bob follows crew (he joined); he has not read Roadmap yet.
    assert_eq!(titles(bob, "").await, vec![("Roadmap".to_owned(), 2)]);
    let b = app.signed_in("bob").await;
    let (_, home) = b.page("/").await;
    assert!(
        home.contains("Roadmap") && home.contains("2 new replies"),
        "{home}"
    );
    assert!(!home.contains("Dan&#x27;s own blog") && !home.contains("Dan's own blog"));
    b.page(t["url"].as_str().unwrap()).await;
    reply(ann, &t, "Third point", None).await;
    assert_eq!(titles(bob, "").await, vec![("Roadmap".to_owned(), 1)]);

    // Everything he may read: the blog too, never the private space.
    let everything = titles(bob, "?scope=everything").await;
    let names: Vec<&str> = everything.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(names, ["Roadmap", "Dan's own blog"], "{everything:?}");
    let (_, page) = b.page("/?tab=everything").await;
    assert!(!page.contains("Private plans"));

    // A reader removed from a space no longer sees its activity.
    let (status, _) = ann.delete("/api/v1/spaces/crew/members/bob").await;
    assert_eq!(status, 204);
    let (status, _) = ann
        .patch("/api/v1/spaces/crew", json!({"visibility": "private"}))
        .await;
    assert_eq!(status, 200);
    assert!(titles(bob, "").await.is_empty());
    assert_eq!(bob.get("/api/v1/activity?scope=all").await.0, 400);
    let (_, home) = b.page("/").await;
    assert!(home.contains("Nothing new in what you follow"), "{home}");
}
both!(the_home_page_shows_what_is_new_in_what_one_follows);

async fn muting_stops_notifications_and_a_profile_lists_what_its_member_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let inner = team(&app, "ivy", &[], "inner", "private").await;
    let (status, _) = inner[0]
        .post("/api/v1/spaces/inner/members", json!({"username": "bob"}))
        .await;
    assert_eq!(status, 201);
    let t = topic(bob, "crew", json!({"title": "Noisy", "body": "x"})).await;
    let key = format!("/api/v1/follows/topics/{}", t["id"].as_str().unwrap());
    assert_eq!(put(bob, &format!("{key}/mute")).await, 204);
    assert_eq!(bob.get(&key).await.1["muted"], true);
    reply(ann, &t, "Hello @bob", None).await;
    assert!(kinds(bob).await.is_empty(), "a muted topic tells nothing");
    assert_eq!(bob.delete(&format!("{key}/mute")).await.0, 204);
    reply(ann, &t, "Again", None).await;
    assert_eq!(kinds(bob).await, vec![pair("reply_to_topic", "Noisy")]);
    // Only topics and spaces are muted.
    assert_eq!(put(bob, "/api/v1/follows/people/ann/mute").await, 400);

    // Bob's page shows what he follows, as far as its reader may see it.
    let ann_browser = app.signed_in("ann").await;
    let (_, page) = ann_browser.page("/u/bob").await;
    assert!(page.contains(r#"<a href="/s/crew">crew</a>"#), "{page}");
    assert!(!page.contains("/s/inner"), "Ann may not read inner");
    let ivy = app.signed_in("ivy").await;
    let (_, page) = ivy.page("/u/bob").await;
    assert!(page.contains(r#"<a href="/s/inner">inner</a>"#), "{page}");
}
both!(muting_stops_notifications_and_a_profile_lists_what_its_member_follows);
