//! Writing: the live preview, and writes that happen once however often
//! they are sent.

use serde_json::{Value, json};

use crate::support::{Backend, both, spawn_app};
use crate::topics::{team, topic};

async fn the_preview_renders_sanitized_html_without_saving(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("zed", false).await;
    let api = app.api(&app.token("zed").await);
    let (status, body) = api
        .post(
            "/api/v1/preview",
            json!({"body": "**hi** <script>x</script> @zed"}),
        )
        .await;
    assert_eq!(status, 200);
    let html = body["html"].as_str().unwrap();
    assert!(
        html.contains("<strong>hi</strong>")
            && !html.contains("<script")
            && html.contains("/u/zed"),
        "{html}"
    );
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/preview"))
        .json(&json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "signed-in users only");
    let js = reqwest::get(app.url("/static/preview.js")).await.unwrap();
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    app.api(&app.token("zed").await)
        .post("/api/v1/spaces", json!({"slug": "pv", "name": "Pv"}))
        .await;
    let b = app.signed_in("zed").await;
    let (_, form) = b.page("/s/pv/new").await;
    assert!(form.contains("<textarea data-preview") && form.contains("src=\"/static/preview.js\""));
}
both!(the_preview_renders_sanitized_html_without_saving);

async fn a_repeated_write_with_the_same_idempotency_key_writes_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ida", &["jon"], "once", "public").await;
    let t = topic(&apis[0], "once", json!({"title": "T", "body": "b"})).await;
    let tid = t["id"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let token = app.token("jon").await;
    let post = |key: &'static str| {
        client
            .post(app.url(&format!("/api/v1/topics/{tid}/replies")))
            .bearer_auth(&token)
            .header("idempotency-key", key)
            .json(&json!({"body": "exactly once"}))
            .send()
    };
    // Ten concurrent retries of one request, and one more later.
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..10 {
        sends.spawn(post("key-1"));
    }
    let mut ids = Vec::new();
    while let Some(resp) = sends.join_next().await {
        let resp = resp.unwrap().unwrap();
        assert_eq!(resp.status(), 201);
        let body: Value = resp.json().await.unwrap();
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let again: Value = post("key-1").await.unwrap().json().await.unwrap();
    ids.push(again["id"].as_str().unwrap().to_owned());
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "one reply for one key");
    let other: Value = post("key-2").await.unwrap().json().await.unwrap();
    assert_ne!(
        other["id"].as_str().unwrap(),
        ids[0],
        "a new key writes anew"
    );
    let (_, now) = apis[0].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(now["reply_count"], 2);

    // The same key from someone else is their own write.
    let ida = client
        .post(app.url(&format!("/api/v1/topics/{tid}/replies")))
        .bearer_auth(app.token("ida").await)
        .header("idempotency-key", "key-1")
        .json(&json!({"body": "mine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ida.status(), 201);
    let ida: Value = ida.json().await.unwrap();
    assert_ne!(ida["id"].as_str().unwrap(), ids[0]);

    // A double-clicked form: the same page's key twice.
    let b = app.signed_in("jon").await;
    let (_, page) = b.page(t["url"].as_str().unwrap()).await;
    let csrf = crate::support::browser::csrf_of(&page).unwrap();
    let at = page.find("name=\"idempotency_key\" value=\"").unwrap()
        + "name=\"idempotency_key\" value=\"".len();
    let key: String = page[at..].chars().take_while(|c| *c != '"').collect();
    for _ in 0..2 {
        let resp = b
            .post_form(
                &format!("/t/{tid}/replies"),
                &[
                    ("csrf", &csrf),
                    ("idempotency_key", &key),
                    ("body", "double click"),
                ],
            )
            .await;
        assert_eq!(resp.status(), 303);
    }
    let (_, now) = apis[0].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(now["reply_count"], 4, "the double click made one reply");

    let (status, body) = apis[1]
        .post_raw(
            &format!("/api/v1/topics/{tid}/replies"),
            "application/json",
            b"{\"body\":\"x\"}".to_vec(),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}
both!(a_repeated_write_with_the_same_idempotency_key_writes_once);
