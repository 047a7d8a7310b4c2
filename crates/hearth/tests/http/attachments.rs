//! Attachments: uploads through the page and the API, types from bytes,
//! clean names, one blob per content, privacy, limits.

use hearth_core::files::FileRef;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::support::app::spawn_app_with;
use crate::support::{Backend, TestApp, both, spawn_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

async fn upload(
    app: &TestApp,
    token: &str,
    space: &str,
    filename: &str,
    content_type: &str,
    data: &[u8],
) -> (u16, serde_json::Value) {
    app.api(token)
        .post_raw(
            &format!(
                "/api/v1/spaces/{space}/attachments?filename={}",
                crate::support::browser::encode(filename)
            ),
            content_type,
            data.to_vec(),
        )
        .await
}

async fn images_show_inline_and_other_files_download(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    let token = app.token("ann").await;
    app.api(&token)
        .post("/api/v1/spaces", json!({"slug": "pics", "name": "Pics"}))
        .await;

    let (status, img) = upload(&app, &token, "pics", "cat.png", "image/png", PNG).await;
    assert_eq!(status, 201, "{img}");
    assert_eq!(img["content_type"], "image/png");
    assert!(
        img["markdown"]
            .as_str()
            .unwrap()
            .starts_with("![cat.png](/a/")
    );
    let b = app.signed_in("ann").await;
    let resp = b.get(img["url"].as_str().unwrap()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.headers()["content-disposition"], "inline");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PNG);

    let (status, fake) = upload(
        &app,
        &token,
        "pics",
        "../../evil.png",
        "image/png",
        b"<script>alert(1)</script>",
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(fake["filename"], "evil.png", "path tricks are removed");
    assert_eq!(
        fake["content_type"], "text/plain; charset=utf-8",
        "the claim is not believed"
    );
    let resp = b.get(fake["url"].as_str().unwrap()).await;
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"evil.png\""),
        "{disposition}"
    );
    assert!(
        resp.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );

    let (status, svg) = upload(
        &app,
        &token,
        "pics",
        "x.svg",
        "image/svg+xml",
        b"<svg onload=alert(1)/>",
    )
    .await;
    assert_eq!(status, 201);
    assert_ne!(svg["content_type"], "image/svg+xml");

    let (_, topic) = app
        .api(&token)
        .post(
            "/api/v1/spaces/pics/topics",
            json!({"title": "Look", "body": img["markdown"]}),
        )
        .await;
    let (_, html) = b.page(topic["url"].as_str().unwrap()).await;
    assert!(
        html.contains(&format!("<img src=\"{}\"", img["url"].as_str().unwrap())),
        "{html}"
    );
}
both!(images_show_inline_and_other_files_download);

async fn the_same_content_is_stored_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ben", false).await;
    let token = app.token("ben").await;
    app.api(&token)
        .post("/api/v1/spaces", json!({"slug": "s1", "name": "S"}))
        .await;
    let (_, a) = upload(&app, &token, "s1", "a.txt", "text/plain", b"same bytes").await;
    let (_, b) = upload(&app, &token, "s1", "b.txt", "text/plain", b"same bytes").await;
    assert_ne!(a["id"], b["id"]);
    let ha = app
        .ctx
        .store
        .attachment(&FileRef::parse(a["id"].as_str().unwrap()).unwrap())
        .await
        .unwrap()
        .unwrap()
        .hash;
    let hb = app
        .ctx
        .store
        .attachment(&FileRef::parse(b["id"].as_str().unwrap()).unwrap())
        .await
        .unwrap()
        .unwrap()
        .hash;
    assert_eq!(ha, hb, "one blob, named by its SHA-256");
    assert_eq!(ha.len(), 64);
}
both!(the_same_content_is_stored_once);

async fn an_attachment_is_as_private_as_its_space(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("cat", false).await;
    app.create_user("dog", false).await;
    let token = app.token("cat").await;
    app.api(&token)
        .post(
            "/api/v1/spaces",
            json!({"slug": "vault", "name": "Vault", "visibility": "private"}),
        )
        .await;
    let (_, file) = upload(
        &app,
        &token,
        "vault",
        "plan.pdf",
        "application/pdf",
        b"%PDF-1.4 secret",
    )
    .await;
    assert_eq!(file["id"].as_str().unwrap().len(), 32, "128 random bits");
    app.api(&token)
        .post(
            "/api/v1/spaces/vault/topics",
            json!({"title": "Plan", "body": file["markdown"]}),
        )
        .await;
    let url = file["url"].as_str().unwrap();
    assert_eq!(app.signed_in("cat").await.get(url).await.status(), 200);
    assert_eq!(app.signed_in("dog").await.get(url).await.status(), 404);
    assert_eq!(
        app.browser().get(url).await.status(),
        303,
        "guests sign in first"
    );
    let dog = app.token("dog").await;
    let (status, _) = upload(&app, &dog, "vault", "x.txt", "text/plain", b"x").await;
    assert_eq!(status, 403, "non-members cannot upload");
}
both!(an_attachment_is_as_private_as_its_space);

async fn uploads_through_the_page_carry_csrf_and_respect_the_size_limit(backend: Backend) {
    let app = spawn_app_with(backend, |cfg, _| cfg.max_attachment_bytes = 64 * 1024).await;
    app.create_user("eve", false).await;
    let token = app.token("eve").await;
    app.api(&token)
        .post("/api/v1/spaces", json!({"slug": "up", "name": "Up"}))
        .await;
    let b = app.signed_in("eve").await;
    let csrf = b.csrf_from("/s/up/attachments/new").await;

    let form = Form::new().text("csrf", csrf.clone()).part(
        "file",
        Part::bytes(PNG.to_vec())
            .file_name("dot.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let resp = b
        .client
        .post(b.url("/s/up/attachments"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let html = resp.text().await.unwrap();
    assert!(html.contains("![dot.png](/a/"), "{html}");

    let form = Form::new().part("file", Part::bytes(PNG.to_vec()).file_name("dot.png"));
    let resp = b
        .client
        .post(b.url("/s/up/attachments"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403, "no CSRF token");

    let big = vec![b'x'; 100 * 1024];
    let form = Form::new()
        .text("csrf", csrf.clone())
        .part("file", Part::bytes(big.clone()).file_name("big.txt"));
    let resp = b
        .client
        .post(b.url("/s/up/attachments"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let (status, body) = upload(&app, &token, "up", "big.txt", "text/plain", &big).await;
    assert_eq!(status, 413, "{body}");
    let (status, _) = upload(&app, &token, "up", "empty.txt", "text/plain", b"").await;
    assert_eq!(status, 400);
}
both!(uploads_through_the_page_carry_csrf_and_respect_the_size_limit);
