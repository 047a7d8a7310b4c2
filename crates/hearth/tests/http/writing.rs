//! Writing: the live preview, and writes that happen once however often
//! they are sent.

use serde_json::{Value, json};

use crate::support::browser::hidden;
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
    let script = format!("src=\"{}\"", hearth_web::assets::url("preview.js"));
    assert!(form.contains("<textarea data-preview") && form.contains(&script));
}
both!(the_preview_renders_sanitized_html_without_saving);

async fn a_topic_body_keeps_its_markdown_in_the_page_and_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let _ = team(&app, "mara", &["nils"], "docs", "public").await;
    let mara = app.signed_in("mara").await;
    let body = "| tool | verdict |\n|---|---|\n| cargo | ~~slow~~ fast |\n\n\
                - [x] read https://example.com/guide.\n- [ ] visit www.example.org\n\n\
                ```rust\nlet url = \"https://not.a.link/\";\n```";
    let resp = mara
        .submit(
            "/s/docs/new",
            "/s/docs/topics",
            &[
                ("kind", "discussion"),
                ("title", "Markdown tour"),
                ("body", body),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let url = resp.headers()["location"].to_str().unwrap().to_owned();
    let id = url.split('/').nth(2).unwrap().to_owned();

    let (status, page) = app.signed_in("nils").await.page(&url).await;
    assert_eq!(status, 200);
    let (status, t) = app
        .api(&app.token("nils").await)
        .get(&format!("/api/v1/topics/{id}"))
        .await;
    assert_eq!(status, 200, "{t}");
    let api_html = t["body_html"].as_str().unwrap();
    let page_body = page
        .split("<div class=\"body\">")
        .nth(1)
        .and_then(|b| b.split("</div>").next())
        .unwrap_or_else(|| panic!("no body in {page}"));
    for html in [page_body, api_html] {
        for expected in [
            "<table>",
            "<td>cargo</td>",
            "<del>slow</del>",
            "<a href=\"https://example.com/guide\" rel=\"nofollow ugc noopener\">https://example.com/guide</a>.",
            "<a href=\"http://www.example.org\" rel=\"nofollow ugc noopener\">www.example.org</a>",
            "<code class=\"language-rust\">",
        ] {
            assert!(html.contains(expected), "{expected} missing from {html}");
        }
        assert!(
            !html.contains("href=\"https://not.a.link/"),
            "code stays code: {html}"
        );
        // The sanitizer writes these attributes in no fixed order.
        let boxes: Vec<&str> = html
            .split("<input ")
            .skip(1)
            .map(|i| i.split('>').next().unwrap())
            .collect();
        assert_eq!(boxes.len(), 2, "{html}");
        assert!(
            boxes
                .iter()
                .all(|b| b.contains("type=\"checkbox\"") && b.contains("disabled"))
        );
        assert!(
            boxes[0].contains("checked") && !boxes[1].contains("checked"),
            "{html}"
        );
    }
}
both!(a_topic_body_keeps_its_markdown_in_the_page_and_the_api);

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

/// Sends `method path` with `body` as `token`, with an `Idempotency-Key`.
async fn keyed(
    app: &crate::support::TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: Value,
) -> (u16, Option<String>, Value) {
    let r = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let replayed = r
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, replayed, r.json().await.unwrap_or(Value::Null))
}

/// Every API write takes an `Idempotency-Key`: a retry gets the first answer
/// (an edit is not refused as stale, a space is not "taken"), the key reused
/// for another write is refused and writes nothing, and keys are per user.
async fn every_api_write_answers_a_retry_with_its_first_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ida", &["jon"], "retry", "public").await;
    let ida = app.token("ida").await;
    let jon = app.token("jon").await;
    let post = reqwest::Method::POST;

    let space = json!({"slug": "garden", "name": "Garden"});
    let first = keyed(
        &app,
        &ida,
        post.clone(),
        "/api/v1/spaces",
        "k-space",
        space.clone(),
    )
    .await;
    assert_eq!((first.0, first.1.as_deref()), (201, None), "{}", first.2);
    let again = keyed(
        &app,
        &ida,
        post.clone(),
        "/api/v1/spaces",
        "k-space",
        space.clone(),
    )
    .await;
    assert_eq!((again.0, again.1.as_deref()), (201, Some("true")));
    assert_eq!(again.2, first.2, "the retry got another answer");
    let unkeyed = apis[0].post("/api/v1/spaces", space).await;
    assert_eq!(
        unkeyed.0, 409,
        "without a key, the same write is refused as taken"
    );

    // An edit from version 1, retried: the first answer, not "stale version".
    let t = topic(
        &apis[0],
        "retry",
        json!({"kind": "document", "title": "Plan", "body": "v1"}),
    )
    .await;
    let path = format!("/api/v1/topics/{}", t["id"].as_str().unwrap());
    let edit = json!({"body": "v2", "base_version": 1});
    let patch = reqwest::Method::PATCH;
    let first = keyed(&app, &ida, patch.clone(), &path, "k-edit", edit.clone()).await;
    assert_eq!(first.0, 200, "{}", first.2);
    let again = keyed(&app, &ida, patch.clone(), &path, "k-edit", edit.clone()).await;
    assert_eq!((again.0, again.2.clone()), (200, first.2.clone()));
    let (_, revisions) = apis[0].get(&format!("{path}/revisions")).await;
    assert_eq!(revisions.as_array().map(Vec::len), Some(2), "{revisions}");

    // The key used again for another write: refused, and nothing written.
    let other = keyed(
        &app,
        &ida,
        post.clone(),
        "/api/v1/spaces",
        "k-space",
        json!({"slug": "orchard", "name": "Orchard"}),
    )
    .await;
    assert_eq!(other.0, 422, "{}", other.2);
    assert_eq!(other.2["error"]["code"], "idempotency_key_reused");
    assert_eq!(apis[0].get("/api/v1/spaces/orchard").await.0, 404);

    // Another user's same key is theirs alone.
    let jons = keyed(
        &app,
        &jon,
        post.clone(),
        "/api/v1/spaces",
        "k-space",
        json!({"slug": "jons", "name": "Jon's"}),
    )
    .await;
    assert_eq!((jons.0, jons.1), (201, None), "{}", jons.2);

    // A key that is not visible ASCII, or too long: 400, nothing written.
    for bad in ["", &"k".repeat(256), "with space"] {
        let r = keyed(
            &app,
            &ida,
            post.clone(),
            "/api/v1/spaces",
            bad,
            json!({"slug": "bad-key", "name": "Bad"}),
        )
        .await;
        assert_eq!(r.0, 400, "key {bad:?}: {}", r.2);
    }
    assert_eq!(apis[0].get("/api/v1/spaces/bad-key").await.0, 404);
}
both!(every_api_write_answers_a_retry_with_its_first_answer);

/// Forms carry a key too: a double-submitted form writes once and both
/// submissions land where the first did, even an edit, whose second copy
/// would otherwise find its base version stale. The forms that show a
/// secret once are never replayed.
async fn a_double_submitted_form_writes_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ida", true).await;
    let b = app.signed_in("ida").await;
    let twice = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let mut answers = Vec::new();
            for _ in 0..2 {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = b.post_form(path, &pairs).await;
                let location = r
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_owned());
                answers.push((r.status().as_u16(), location));
            }
            assert_eq!(answers[0].0, 303, "{path}: {answers:?}");
            assert_eq!(
                answers[0], answers[1],
                "{path}: the second submission got another answer"
            );
        }
    };

    let (_, form) = b.page("/spaces/new").await;
    twice(
        "/spaces",
        vec![
            ("csrf", hidden(&form, "csrf").unwrap()),
            ("idempotency_key", hidden(&form, "idempotency_key").unwrap()),
            ("slug", "twice".into()),
            ("name", "Twice".into()),
            ("visibility", "public".into()),
            ("join_policy", "open".into()),
        ],
    )
    .await;

    let api = app.api(&app.token("ida").await);
    let doc = topic(
        &api,
        "twice",
        json!({"kind": "document", "title": "Plan", "body": "v1"}),
    )
    .await;
    let id = doc["id"].as_str().unwrap().to_owned();
    let (_, form) = b.page(&format!("/t/{id}/edit")).await;
    let edit_path: &'static str = Box::leak(format!("/t/{id}/edit").into_boxed_str());
    twice(
        edit_path,
        vec![
            ("csrf", hidden(&form, "csrf").unwrap()),
            ("idempotency_key", hidden(&form, "idempotency_key").unwrap()),
            ("kind", "document".into()),
            ("base_version", hidden(&form, "base_version").unwrap()),
            ("title", "Plan".into()),
            ("body", "v2".into()),
            ("tags", String::new()),
        ],
    )
    .await;
    let (_, revisions) = api.get(&format!("/api/v1/topics/{id}/revisions")).await;
    assert_eq!(
        revisions.as_array().map(Vec::len),
        Some(2),
        "one edit, not two"
    );

    let (_, form) = b.page("/admin").await;
    twice(
        "/admin/users",
        vec![
            ("csrf", hidden(&form, "csrf").unwrap()),
            ("idempotency_key", hidden(&form, "idempotency_key").unwrap()),
            ("username", "newbie".into()),
            ("display_name", "Newbie".into()),
            ("email", "newbie@example.org".into()),
            ("password", "a long enough password".into()),
        ],
    )
    .await;
    assert_eq!(api.get("/api/v1/users/newbie").await.0, 200);

    // A token is shown once: a key on its form is ignored, never replayed.
    let (_, form) = b.page("/account").await;
    let csrf = hidden(&form, "csrf").unwrap();
    let mut pages = Vec::new();
    for _ in 0..2 {
        let r = b
            .post_form(
                "/account/tokens",
                &[
                    ("csrf", csrf.as_str()),
                    ("idempotency_key", "same"),
                    ("name", "ci"),
                ],
            )
            .await;
        pages.push(r.text().await.unwrap());
    }
    assert_ne!(pages[0], pages[1], "a token page was replayed");
}
both!(a_double_submitted_form_writes_once);
