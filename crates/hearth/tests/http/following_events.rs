//! What else is news to followers: a post when it appears (scheduled or
//! published from a draft), an answer accepted, a document's new text,
//! likes (batched), and requests to join a space and their outcome.

use serde_json::{Value, json};

use crate::following::{kinds, pair, titles, unread_on_the_bell};
use crate::support::app::Api;
use crate::support::{Backend, both, spawn_app};
use crate::topics::{reply, team, topic};

const DAY_MS: i64 = 24 * 3600 * 1000;

fn names(list: Vec<(String, i64)>) -> Vec<String> {
    list.into_iter().map(|(title, _)| title).collect()
}

async fn a_post_is_news_when_it_appears_and_activity_follows_what_happened(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let talk = topic(ann, "crew", json!({"title": "Talk", "body": "x"})).await;
    let doc = topic(
        ann,
        "crew",
        json!({"kind": "document", "title": "Handbook", "body": "v1"}),
    )
    .await;
    topic(
        ann,
        "crew",
        json!({"kind": "post", "title": "Scheduled", "body": "later",
               "publish_at": "2026-01-02T00:00:00Z"}),
    )
    .await;
    let draft = topic(
        ann,
        "crew",
        json!({"kind": "post", "title": "Draft", "body": "soon", "draft": true}),
    )
    .await;
    // Bob follows crew (he joined): nothing yet of what is not out.
    assert_eq!(
        kinds(bob).await,
        vec![pair("new_topic", "Handbook"), pair("new_topic", "Talk")]
    );
    assert_eq!(names(titles(bob, "").await), ["Handbook", "Talk"]);

    // The scheduled post appears: it is news then, at the top.
    app.clock.advance(2 * DAY_MS);
    assert_eq!(kinds(bob).await[0], pair("new_topic", "Scheduled"));
    assert_eq!(
        names(titles(bob, "").await),
        ["Scheduled", "Handbook", "Talk"]
    );
    // So is the draft once published.
    let path = |t: &Value| format!("/api/v1/topics/{}", t["id"].as_str().unwrap());
    let (status, _) = ann.patch(&path(&draft), json!({"draft": false})).await;
    assert_eq!(status, 200);
    assert_eq!(kinds(bob).await[0], pair("new_topic", "Draft"));
    assert_eq!(
        names(titles(bob, "").await)[..2],
        ["Draft".to_owned(), "Scheduled".to_owned()]
    );

    // A document's new text is news; a discussion's edit is not.
    app.clock.advance(1000);
    let (status, _) = ann.patch(&path(&talk), json!({"body": "edited"})).await;
    assert_eq!(status, 200);
    let (status, _) = ann
        .patch(&path(&doc), json!({"body": "v2", "base_version": 1}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        names(titles(bob, "").await),
        ["Handbook", "Draft", "Scheduled", "Talk"]
    );

    // An answer accepted is news.
    let q = topic(
        ann,
        "crew",
        json!({"kind": "question", "title": "Which?", "body": "?"}),
    )
    .await;
    let answer = reply(bob, &q, "This one", None).await;
    topic(ann, "crew", json!({"title": "Newer", "body": "x"})).await;
    app.clock.advance(1000);
    let (status, _) = ann
        .post(
            &format!("{}/accepted", path(&q)),
            json!({"reply": answer["id"]}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(names(titles(bob, "").await)[0], "Which?");
}
both!(a_post_is_news_when_it_appears_and_activity_follows_what_happened);

/// Who liked, "others" and whether about a reply: the liked notifications.
async fn liked(api: &Api) -> Vec<(String, i64, bool)> {
    let (_, list) = api.get("/api/v1/notifications").await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "liked")
        .map(|n| {
            (
                n["actor"]["username"].as_str().unwrap().to_owned(),
                n["others"].as_i64().unwrap(),
                n["reply_id"].is_string(),
            )
        })
        .collect()
}

fn likes(kind: &str, thing: &Value) -> String {
    format!("/api/v1/{kind}/{}/reactions", thing["id"].as_str().unwrap())
}

async fn likes_of_one_thing_are_told_as_one_notification(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob", "cy", "dee"], "crew", "public").await;
    let (ann, bob, cy, dee) = (&apis[0], &apis[1], &apis[2], &apis[3]);
    let t = topic(ann, "crew", json!({"title": "Liked", "body": "x"})).await;
    let r = likes(
        "replies",
        &reply(ann, &t, "A reply worth liking", None).await,
    );
    for api in [bob, cy, dee, ann] {
        assert_eq!(api.post(&r, json!({})).await.0, 200);
    }
    // Liking one's own writing tells nobody; three likes are one notice.
    let dee_and_two = vec![("dee".to_owned(), 2, true)];
    assert_eq!(liked(ann).await, dee_and_two);
    let b = app.signed_in("ann").await;
    let (_, page) = b.page("/notifications").await;
    assert!(page.contains("and 2 others liked your reply in"), "{page}");

    // Liked, unliked and liked again by its latest liker: nothing new.
    assert_eq!(dee.delete(&r).await.0, 200);
    assert_eq!(dee.post(&r, json!({})).await.0, 200);
    assert_eq!(liked(ann).await, dee_and_two);

    // Once read, the next like starts a new count; the topic's likes are
    // a notification of their own.
    assert_eq!(
        ann.post("/api/v1/notifications/read", json!({})).await.0,
        204
    );
    assert_eq!(bob.delete(&r).await.0, 200);
    assert_eq!(bob.post(&r, json!({})).await.0, 200);
    assert_eq!(cy.post(&likes("topics", &t), json!({})).await.0, 200);
    assert_eq!(
        liked(ann).await,
        vec![("cy".to_owned(), 0, false), ("bob".to_owned(), 0, true)]
    );
}
both!(likes_of_one_thing_are_told_as_one_notification);

async fn moderators_hear_of_requests_to_join_and_askers_of_the_outcome(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["mo", "pat"], "club", "private").await;
    let (ann, mo, pat) = (&apis[0], &apis[1], &apis[2]);
    let (status, _) = ann
        .patch("/api/v1/spaces/club", json!({"join_policy": "request"}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = ann
        .patch(
            "/api/v1/spaces/club/members/mo",
            json!({"role": "moderator"}),
        )
        .await;
    assert_eq!(status, 204);
    for asker in ["ed", "fay"] {
        app.create_user(asker, false).await;
        let b = app.signed_in(asker).await;
        assert_eq!(b.submit("/s/club", "/s/club/join", &[]).await.status(), 303);
    }
    let ed = app.api(&app.token("ed").await);
    let fay = app.api(&app.token("fay").await);

    // The owner and the moderator are told, each request once; members not.
    let asked = vec![pair("join_request", "club"), pair("join_request", "club")];
    assert_eq!(kinds(ann).await, asked);
    assert_eq!(kinds(mo).await, asked);
    assert!(kinds(pat).await.is_empty());
    let owner = app.signed_in("ann").await;
    let (_, page) = owner.page("/notifications").await;
    assert!(
        page.contains("asks to join") && page.contains(r##"href="/s/club#requests""##),
        "{page}"
    );

    // A moderator no more is told of it no more.
    let (status, _) = ann
        .patch("/api/v1/spaces/club/members/mo", json!({"role": "member"}))
        .await;
    assert_eq!(status, 204);
    assert!(kinds(mo).await.is_empty());

    // Declined and approved: the askers hear, the requests leave the bell.
    let (status, _) = ann.delete("/api/v1/spaces/club/join-requests/ed").await;
    assert_eq!(status, 204);
    let (status, _) = ann
        .post("/api/v1/spaces/club/members", json!({"username": "fay"}))
        .await;
    assert_eq!(status, 201);
    assert!(kinds(ann).await.is_empty(), "nothing is pending");
    assert_eq!(kinds(&ed).await, vec![pair("join_declined", "club")]);
    assert_eq!(kinds(&fay).await, vec![pair("join_approved", "club")]);
    assert!(unread_on_the_bell(&app, "fay").await.contains("1 unread"));
    let b = app.signed_in("ed").await;
    let (_, page) = b.page("/notifications").await;
    assert!(page.contains("declined your request to join"), "{page}");
}
both!(moderators_hear_of_requests_to_join_and_askers_of_the_outcome);
