//! Titles, tags and bodies that cannot be taken as they are: empty, only
//! dots, not UTF-8, a megabyte on one line, nested thousands deep. Each gets a clear 4xx
//! naming its field and writes nothing, or is stored and renders; never a
//! 5xx, and the pages around it keep rendering.

use serde_json::{Value, json};

use crate::support::app::Api;
use crate::support::markup::assert_inert;
use crate::support::{Backend, Browser, TestApp, both, spawn_app};
use crate::topics::{team, topic};

/// The fields a 400 names.
fn refused_fields(body: &Value) -> Vec<&str> {
    assert_eq!(body["error"]["code"], "invalid", "{body}");
    body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect()
}

/// How many topics the space lists, and how many replies `topic` has.
async fn written(api: &Api, space: &str, topic: &Value) -> (usize, i64) {
    let (_, list) = api.get(&format!("/api/v1/spaces/{space}/topics")).await;
    let (_, t) = api
        .get(&format!("/api/v1/topics/{}", topic["id"].as_str().unwrap()))
        .await;
    (
        list["items"].as_array().unwrap().len(),
        t["reply_count"].as_i64().unwrap(),
    )
}

/// Posts a url-encoded form body as written, with the page's CSRF token.
async fn post_raw_form(b: &Browser, form_page: &str, action: &str, rest: &[u8]) -> (u16, String) {
    let csrf = b.csrf_from(form_page).await;
    let mut body = format!("csrf={csrf}&").into_bytes();
    body.extend_from_slice(rest);
    let resp = b
        .client
        .post(b.url(action))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

async fn an_empty_title_is_refused_by_name_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "eda", &[], "desk", "public").await;
    let board = topic(&apis[0], "desk", json!({"title": "Board", "body": "x"})).await;
    for title in ["", "   "] {
        let (status, body) = apis[0]
            .post(
                "/api/v1/spaces/desk/topics",
                json!({"title": title, "body": "text"}),
            )
            .await;
        assert_eq!(status, 400, "{title:?}: {body}");
        assert_eq!(refused_fields(&body), ["title"]);
    }
    let b = app.signed_in("eda").await;
    let resp = b
        .submit(
            "/s/desk/new",
            "/s/desk/topics",
            &[("kind", "discussion"), ("title", " "), ("body", "kept")],
        )
        .await;
    assert_eq!(resp.status(), 400);
    let page = resp.text().await.unwrap();
    assert!(page.contains("<li>title: "), "the form names the title");
    assert!(page.contains(">kept</textarea>"), "and keeps the text");
    assert_eq!(written(&apis[0], "desk", &board).await, (1, 0));
}
both!(an_empty_title_is_refused_by_name_and_writes_nothing);

async fn a_tag_of_only_dots_is_refused_by_name_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ivy", &[], "desk", "public").await;
    for tags in [json!([".."]), json!(["rust", "."])] {
        let (status, body) = apis[0]
            .post(
                "/api/v1/spaces/desk/topics",
                json!({"title": "Dots", "body": "x", "tags": tags}),
            )
            .await;
        assert_eq!(status, 400, "{tags}: {body}");
        assert_eq!(refused_fields(&body), ["tags"]);
    }
    let b = app.signed_in("ivy").await;
    let resp = b
        .submit(
            "/s/desk/new",
            "/s/desk/topics",
            &[("title", "Dots"), ("body", "x"), ("tags", "rust, ..")],
        )
        .await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("<li>tags: "));
    let (_, list) = apis[0].get("/api/v1/spaces/desk/topics").await;
    assert_eq!(list["items"], json!([]), "nothing was written");

    // Dots beside anything else make a tag a link reaches.
    topic(
        &apis[0],
        "desk",
        json!({"title": "Runtime", "body": "x", "tags": [".net"]}),
    )
    .await;
    for path in ["/tags/.net", "/feeds/tags/.net"] {
        let resp = b.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        assert!(resp.text().await.unwrap().contains("Runtime"), "{path}");
    }
}
both!(a_tag_of_only_dots_is_refused_by_name_and_writes_nothing);

async fn bodies_that_are_not_utf8_are_refused_by_name_and_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "fay", &[], "desk", "public").await;
    let board = topic(&apis[0], "desk", json!({"title": "Board", "body": "x"})).await;
    let tid = board["id"].as_str().unwrap();
    let bad_json = |prefix: &str| {
        let mut raw = prefix.as_bytes().to_vec();
        raw.extend_from_slice(b"\"body\": \"caf\xe9 \xff\"}");
        raw
    };
    for (path, raw) in [
        (
            "/api/v1/spaces/desk/topics".to_owned(),
            bad_json("{\"title\": \"Latin-1\", "),
        ),
        (format!("/api/v1/topics/{tid}/replies"), bad_json("{")),
    ] {
        let (status, body) = apis[0].post_raw(&path, "application/json", raw).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(refused_fields(&body), ["body"], "{path}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("body"),
            "{body}"
        );
    }

    let b = app.signed_in("fay").await;
    let url = board["url"].as_str().unwrap();
    for (form_page, action, rest) in [
        (
            "/s/desk/new",
            "/s/desk/topics".to_owned(),
            &b"kind=discussion&title=Latin-1&body=caf%E9"[..],
        ),
        (
            "/s/desk/new",
            "/s/desk/topics".to_owned(),
            b"title=Raw&body=caf\xe9",
        ),
        (url, format!("/t/{tid}/replies"), b"body=caf%E9+%FF"),
    ] {
        let (status, page) = post_raw_form(&b, form_page, &action, rest).await;
        assert_eq!(status, 400, "{action} {rest:?}");
        assert!(
            page.contains("body: is not valid UTF-8"),
            "{action}: {page}"
        );
    }
    assert_eq!(
        written(&apis[0], "desk", &board).await,
        (1, 0),
        "nothing was written"
    );
}
both!(bodies_that_are_not_utf8_are_refused_by_name_and_write_nothing);

/// Sends `body` as a topic and as a reply, through the API and the forms of
/// `user`; each is refused with 400 or 413, or stored and its page renders.
async fn write_everywhere(app: &TestApp, user: &str, board: &Value, body: &str) {
    let what = format!("{}… ({} bytes)", &body[..20], body.len());
    let api = app.api(&app.token(user).await);
    let tid = board["id"].as_str().unwrap();
    let url = board["url"].as_str().unwrap();
    let mut pages = Vec::new();
    for (path, req) in [
        (
            "/api/v1/spaces/desk/topics".to_owned(),
            json!({"title": "Big", "body": body}),
        ),
        (
            format!("/api/v1/topics/{tid}/replies"),
            json!({"body": body}),
        ),
    ] {
        let (status, resp) = api.post(&path, req).await;
        match status {
            201 => pages.push(resp["url"].as_str().unwrap().to_owned()),
            400 => assert_eq!(refused_fields(&resp), ["body"], "{what}"),
            413 => assert_eq!(resp["error"]["code"], "too_large", "{what}"),
            _ => panic!("{what} to {path}: {status} {resp}"),
        }
    }
    for (form_page, action, fields) in [
        (
            "/s/desk/new",
            "/s/desk/topics".to_owned(),
            vec![("kind", "discussion"), ("title", "Big"), ("body", body)],
        ),
        (url, format!("/t/{tid}/replies"), vec![("body", body)]),
    ] {
        // A browser of its own: the server answers 413 before it has read
        // the body, and the connection is then closed under the next request.
        let b = app.signed_in(user).await;
        let resp = b.submit(form_page, &action, &fields).await;
        let status = resp.status().as_u16();
        match status {
            303 => pages.push(resp.headers()["location"].to_str().unwrap().to_owned()),
            400 => assert!(
                resp.text().await.unwrap().contains("<li>body: "),
                "{what}: the form names the body"
            ),
            413 => {}
            _ => panic!("{what} to {action}: {status}"),
        }
    }
    pages.extend(["/s/desk".to_owned(), url.to_owned()]);
    let reader = app.signed_in(user).await;
    for page in pages {
        let resp = reader.get(&page).await;
        let resp = if resp.status() == 303 {
            reader
                .get(resp.headers()["location"].to_str().unwrap())
                .await
        } else {
            resp
        };
        assert_eq!(resp.status(), 200, "{page} after {what}");
        assert_inert(&resp.text().await.unwrap(), &page);
    }
}

async fn a_megabyte_on_one_line_is_refused_and_the_pages_still_render(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "gus", &[], "desk", "public").await;
    let board = topic(&apis[0], "desk", json!({"title": "Board", "body": "x"})).await;
    for unit in ["x", "*a_", "[a](", "<b>"] {
        let body = unit.repeat(1_000_000 / unit.len());
        write_everywhere(&app, "gus", &board, &body).await;
    }
    let (_, list) = apis[0].get("/api/v1/spaces/desk/topics").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "none was stored"
    );
    // The longest body taken, on one line, is stored and renders.
    let longest = "*a_[b](".repeat(hearth_core::content::MAX_BODY_CHARS / 7);
    let t = topic(
        &apis[0],
        "desk",
        json!({"title": "Longest", "body": longest}),
    )
    .await;
    let b = app.signed_in("gus").await;
    let (status, page) = b.page(t["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(page.len() > longest.len(), "the body is on the page");
}
both!(a_megabyte_on_one_line_is_refused_and_the_pages_still_render);

async fn bodies_nested_five_thousand_deep_are_refused_and_pages_still_render(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "hal", &[], "desk", "public").await;
    let board = topic(&apis[0], "desk", json!({"title": "Board", "body": "x"})).await;
    let deep = 5_000;
    for body in [
        format!("{}deep", "> ".repeat(deep)),
        format!("{}deep", "- ".repeat(deep)),
        format!("{}deep", "1. ".repeat(deep)),
        format!("{}deep", "> - ".repeat(deep)),
        format!("{}deep{}", "*".repeat(deep), "*".repeat(deep)),
        format!("{}deep{}", "[".repeat(deep), "](x)".repeat(deep)),
        format!("{}deep", "<div>".repeat(deep)),
    ] {
        write_everywhere(&app, "hal", &board, &body).await;
    }
    let (status, body) = apis[0]
        .post(
            "/api/v1/spaces/desk/topics",
            json!({"title": "Deep", "body": format!("{}deep", "> - ".repeat(deep))}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(refused_fields(&body), ["body"]);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("nest"),
        "{body}"
    );

    // As deep as people write: stored, and shown as deep as written.
    let t = topic(
        &apis[0],
        "desk",
        json!({"title": "Quoted", "body": format!("{}- - fifty", "> ".repeat(50))}),
    )
    .await;
    let b = app.signed_in("hal").await;
    let (status, page) = b.page(t["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(page.matches("<blockquote>").count(), 50);
    assert!(page.contains("<li>fifty</li>"), "{page}");
}
both!(bodies_nested_five_thousand_deep_are_refused_and_pages_still_render);
