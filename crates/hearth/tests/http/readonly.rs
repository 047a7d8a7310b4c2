//! Read-only instead of an error page: in maintenance, or when the database
//! refuses writes, every page still renders with a banner, writes get a
//! retryable 503, nothing is half-written, and writing resumes by itself.

use serde_json::json;

use crate::support::{Backend, both, spawn_app};

async fn maintenance_pauses_writes_but_not_reading(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    app.create_user("mia", false).await;
    let mia_api = app.api(&app.token("mia").await);
    mia_api
        .post("/api/v1/spaces", json!({"slug": "calm", "name": "Calm"}))
        .await;
    let (_, t) = mia_api
        .post(
            "/api/v1/spaces/calm/topics",
            json!({"title": "Quiet", "body": "b"}),
        )
        .await;
    let tid = t["id"].as_str().unwrap().to_owned();
    let url = t["url"].as_str().unwrap().to_owned();
    let mia = app.signed_in("mia").await;
    let admin = app.signed_in("boss").await;
    let pause = |on: bool| {
        let mut fields = vec![("site_name", "Hearth"), ("registration", "invite_only")];
        if on {
            fields.push(("read_only", "on"));
        }
        fields
    };
    assert_eq!(
        admin
            .submit("/admin", "/admin/settings", &pause(true))
            .await
            .status(),
        303
    );

    let (status, page) = mia.page(&url).await;
    assert_eq!(status, 200);
    assert!(page.contains("Writing is paused"), "a banner says so");
    let resp = mia
        .submit(
            &url,
            &format!("/t/{tid}/replies"),
            &[("body", "my careful words")],
        )
        .await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
    assert!(resp.text().await.unwrap().contains("not lost"));
    let (status, body) = mia_api
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "x"}),
        )
        .await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "unavailable");
    assert_eq!(
        app.signed_in("boss").await.get("/account").await.status(),
        200,
        "signing in still works"
    );
    let (_, now) = mia_api.get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(now["reply_count"], 0, "nothing was written");

    assert_eq!(
        admin
            .submit("/admin", "/admin/settings", &pause(false))
            .await
            .status(),
        303
    );
    let (status, _) = mia_api
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "again"}),
        )
        .await;
    assert_eq!(status, 201, "writing resumed");
    let (_, page) = mia.page(&url).await;
    assert!(!page.contains("Writing is paused"));
}
both!(maintenance_pauses_writes_but_not_reading);

/// A PostgreSQL database that turns read-only (as a replica does after a lost
/// primary) keeps the site readable and resumes writing when it recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_refuses_writes_leaves_the_site_readable() {
    let app = spawn_app(Backend::Postgres).await;
    app.create_user("ned", false).await;
    let api = app.api(&app.token("ned").await);
    api.post("/api/v1/spaces", json!({"slug": "ro", "name": "Ro"}))
        .await;
    let (_, t) = api
        .post(
            "/api/v1/spaces/ro/topics",
            json!({"title": "Still here", "body": "b"}),
        )
        .await;
    let tid = t["id"].as_str().unwrap().to_owned();
    let b = app.signed_in("ned").await;

    let (url, db) = app.postgres_admin_url();
    let (admin, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let flip = |on: bool| {
        format!(
            "ALTER DATABASE {db} SET default_transaction_read_only = {on};
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid();"
        )
    };
    admin.batch_execute(&flip(true)).await.unwrap();

    let mut status = 0;
    for _ in 0..3 {
        // The pool replaces the connections that were cut.
        let (s, _) = api
            .post(
                &format!("/api/v1/topics/{tid}/replies"),
                json!({"body": "lost?"}),
            )
            .await;
        status = s;
        if s == 503 {
            break;
        }
    }
    assert_eq!(status, 503, "writes are refused with a retryable error");
    let (page_status, page) = b.page(t["url"].as_str().unwrap()).await;
    assert_eq!(page_status, 200, "reading goes on");
    assert!(
        page.contains("Still here") && page.contains("Writing is paused"),
        "{page}"
    );

    admin.batch_execute(&flip(false)).await.unwrap();
    let mut status = 0;
    for _ in 0..3 {
        let (s, _) = api
            .post(
                &format!("/api/v1/topics/{tid}/replies"),
                json!({"body": "back"}),
            )
            .await;
        status = s;
        if s == 201 {
            break;
        }
    }
    assert_eq!(status, 201, "writing resumes by itself");
    let (_, now) = api.get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(now["reply_count"], 1, "only the accepted write is there");
    let (_, page) = b.page(t["url"].as_str().unwrap()).await;
    assert!(!page.contains("Writing is paused"));
}
