//! Atom feeds: what each holds, and that each holds only what its reader may read.

use serde_json::json;

use crate::support::{Backend, TestApp, both, spawn_app};

/// Creates the user's feed token on the account page and returns it.
async fn feed_token(app: &TestApp, username: &str) -> String {
    let b = app.signed_in(username).await;
    let resp = b.submit("/account", "/account/feed-token", &[]).await;
    assert_eq!(resp.status(), 201);
    let html = resp.text().await.unwrap();
    let at = html.find("?token=").expect("token shown") + "?token=".len();
    html[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let r = reqwest::get(app.url(path)).await.unwrap();
    let status = r.status().as_u16();
    if status == 200 {
        assert_eq!(
            r.headers()["content-type"],
            "application/atom+xml; charset=utf-8"
        );
    }
    (status, r.text().await.unwrap())
}

async fn feeds_hold_what_their_reader_may_read(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("bob", false).await;
    let ann = app.api(&app.token("ann").await);
    ann.post(
        "/api/v1/spaces",
        json!({"slug": "inner", "name": "Inner", "visibility": "private"}),
    )
    .await;
    ann.post("/api/v1/spaces", json!({"slug": "outer", "name": "Outer"}))
        .await;
    let (_, t) = ann
        .post(
            "/api/v1/spaces/inner/topics",
            json!({"title": "Board <minutes>", "body": "**secret** & stuff", "tags": ["q3"]}),
        )
        .await;
    ann.post(
        "/api/v1/spaces/outer/topics",
        json!({"title": "Town hall", "body": "open", "tags": ["q3"]}),
    )
    .await;
    let tid = t["id"].as_str().unwrap();
    ann.post(
        &format!("/api/v1/topics/{tid}/replies"),
        json!({"body": "first reply"}),
    )
    .await;

    let (status, _) = get(&app, "/feeds/s/inner").await;
    assert_eq!(status, 401, "no session, no token");
    let token = feed_token(&app, "ann").await;
    let (status, xml) = get(&app, &format!("/feeds/s/inner?token={token}")).await;
    assert_eq!(status, 200);
    assert!(
        xml.starts_with("<?xml") && xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    assert!(
        xml.contains("<title>Board &lt;minutes&gt;</title>"),
        "{xml}"
    );
    assert!(
        xml.contains("&lt;strong&gt;secret&lt;/strong&gt; &amp;amp; stuff"),
        "{xml}"
    );
    let (_, replies) = get(&app, &format!("/feeds/t/{tid}?token={token}")).await;
    assert!(replies.contains("first reply"));

    let bob_token = feed_token(&app, "bob").await;
    let (status, _) = get(&app, &format!("/feeds/s/inner?token={bob_token}")).await;
    assert_eq!(status, 403, "bob may not read the private space");
    let (status, _) = get(&app, &format!("/feeds/t/{tid}?token={bob_token}")).await;
    assert_eq!(status, 404);
    let (_, tagged) = get(&app, &format!("/feeds/tags/q3?token={bob_token}")).await;
    assert!(
        tagged.contains("Town hall") && !tagged.contains("Board"),
        "{tagged}"
    );

    let b = app.signed_in("ann").await;
    assert_eq!(
        b.submit("/account", "/account/feed-token/revoke", &[])
            .await
            .status(),
        303
    );
    let (status, _) = get(&app, &format!("/feeds/s/inner?token={token}")).await;
    assert_eq!(status, 401, "a revoked token stops working");
    let (status, _) = get(&app, "/feeds/s/inner?token=not-a-token").await;
    assert_eq!(status, 401);
}
both!(feeds_hold_what_their_reader_may_read);

async fn a_blog_feed_holds_published_posts_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("cleo", false).await;
    let cleo = app.api(&app.token("cleo").await);
    cleo.post(
        "/api/v1/spaces/~cleo/topics",
        json!({"kind": "post", "title": "Hello world", "body": "first post"}),
    )
    .await;
    cleo.post(
        "/api/v1/spaces/~cleo/topics",
        json!({"kind": "post", "title": "Unfinished", "body": "wip", "draft": true}),
    )
    .await;
    cleo.post(
        "/api/v1/spaces/~cleo/topics",
        json!({"kind": "discussion", "title": "Not a post", "body": "x"}),
    )
    .await;
    let token = feed_token(&app, "cleo").await;
    let (status, xml) = get(&app, &format!("/feeds/u/cleo?token={token}")).await;
    assert_eq!(status, 200);
    assert!(xml.contains("Hello world"));
    assert!(!xml.contains("Unfinished"), "drafts stay out of feeds");
    assert!(!xml.contains("Not a post"));
    let (status, _) = get(&app, &format!("/feeds/u/nobody?token={token}")).await;
    assert_eq!(status, 404);
}
both!(a_blog_feed_holds_published_posts_only);

async fn a_topic_feed_holds_the_newest_replies_wherever_they_sit_in_the_thread(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = crate::topics::team(&app, "dora", &[], "long", "public").await;
    let t = crate::topics::topic(
        &apis[0],
        "long",
        json!({"title": "Busy", "body": "many replies"}),
    )
    .await;
    let mut replies = Vec::new();
    for i in 0..60 {
        app.clock.advance(1000);
        replies.push(crate::topics::reply(&apis[0], &t, &format!("reply number {i}."), None).await);
    }
    app.clock.advance(1000);
    let late = crate::topics::reply(
        &apis[0],
        &t,
        "a late answer to the first",
        Some(&replies[0]),
    )
    .await;
    app.clock.advance(1000);
    let gone = crate::topics::reply(&apis[0], &t, "soon deleted", Some(&replies[1])).await;
    let (status, _) = apis[0]
        .delete(&format!("/api/v1/replies/{}", gone["id"].as_str().unwrap()))
        .await;
    assert!(status == 200 || status == 204, "{status}");

    let token = feed_token(&app, "dora").await;
    let tid = t["id"].as_str().unwrap();
    let (status, xml) = get(&app, &format!("/feeds/t/{tid}?token={token}")).await;
    assert_eq!(status, 200);
    let entries: Vec<&str> = xml.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 30, "a feed holds 30 entries");
    assert!(
        entries[0].contains(&format!("/r/{}<", late["id"].as_str().unwrap()))
            && entries[0].contains("a late answer to the first"),
        "the newest reply comes first: {}",
        entries[0]
    );
    assert!(!xml.contains("soon deleted"), "deleted replies stay out");
    assert!(entries[1].contains("reply number 59."));
    assert!(entries[29].contains("reply number 31."));
    assert!(!xml.contains("reply number 30."), "older replies fall off");
}
both!(a_topic_feed_holds_the_newest_replies_wherever_they_sit_in_the_thread);
