//! Graceful overload: requests past the node's places or their deadline get
//! 503 with Retry-After at once, while health and readiness keep answering;
//! writers stuck on a lock leave database connections for reads.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth::config::Storage;
use hearth_web::OverloadLimits;
use serde_json::json;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::support::app::{postgres_client, spawn_app, spawn_app_routes};
use crate::support::{Backend, both};

/// A route that signals when it is entered and then never finishes.
fn stuck(entered: Arc<Notify>) -> axum::Router<hearth_web::AppState> {
    let handler = move || {
        let entered = Arc::clone(&entered);
        async move {
            entered.notify_one();
            std::future::pending::<&'static str>().await
        }
    };
    axum::Router::new()
        .route("/stuck", axum::routing::get(handler.clone()))
        .route("/api/v1/stuck", axum::routing::get(handler))
}

async fn a_full_node_answers_503_at_once_and_stays_healthy(backend: Backend) {
    let entered = Arc::new(Notify::new());
    let app = spawn_app_routes(
        backend,
        |_, web| {
            web.overload = OverloadLimits {
                in_flight: 1,
                queue_wait: Duration::from_millis(100),
                request_timeout: Duration::from_secs(60),
            }
        },
        stuck(Arc::clone(&entered)),
    )
    .await;
    let holder = tokio::spawn(reqwest::get(app.url("/stuck")));
    entered.notified().await;

    let page = reqwest::get(app.url("/signin")).await.unwrap();
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "2");
    let api = reqwest::get(app.url("/api/v1/me")).await.unwrap();
    assert_eq!(api.status(), 503);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "busy");
    for ops in ["/healthz", "/readyz", "/metrics"] {
        let r = reqwest::get(app.url(ops)).await.unwrap();
        assert_eq!(r.status(), 200, "{ops}");
    }
    // A write refused for being busy is not the database refusing writes:
    // no "writing is paused" banner afterwards.
    let write = reqwest::Client::new()
        .post(app.url("/api/v1/spaces"))
        .bearer_auth("hth_not_even_checked")
        .json(&serde_json::json!({"slug": "busy", "name": "Busy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 503);
    holder.abort();
    let _ = holder.await;
    let (_, html) = app.browser().page("/signin").await;
    assert!(!html.contains("Writing is paused"), "{html}");
}
both!(a_full_node_answers_503_at_once_and_stays_healthy);

async fn a_request_past_its_deadline_gets_503(backend: Backend) {
    let app = spawn_app_routes(
        backend,
        |_, web| {
            web.overload = OverloadLimits {
                request_timeout: Duration::from_millis(300),
                ..OverloadLimits::default()
            }
        },
        stuck(Arc::new(Notify::new())),
    )
    .await;
    let r = reqwest::get(app.url("/api/v1/stuck")).await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    // The place it held is free again.
    assert_eq!(
        reqwest::get(app.url("/signin")).await.unwrap().status(),
        200
    );
}
both!(a_request_past_its_deadline_gets_503);

/// Holds `signin_attempts`' write lock from outside the node while it lives.
enum LockHolder {
    Sqlite(#[allow(dead_code)] rusqlite::Connection),
    Postgres(#[allow(dead_code)] tokio_postgres::Client),
}

async fn hold_the_signin_write_lock(storage: &Storage) -> LockHolder {
    match storage {
        Storage::Sqlite(dir) => {
            let c = rusqlite::Connection::open(dir.join("hearth.db")).unwrap();
            c.execute_batch("BEGIN IMMEDIATE; DELETE FROM signin_attempts;")
                .unwrap();
            LockHolder::Sqlite(c)
        }
        Storage::Postgres(url, ..) => {
            let c = postgres_client(url).await;
            c.batch_execute("BEGIN; LOCK TABLE signin_attempts IN EXCLUSIVE MODE")
                .await
                .unwrap();
            LockHolder::Postgres(c)
        }
    }
}

async fn writes_waiting_on_a_lock_leave_reads_served(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ana", false).await;
    let api = app.api(&app.token("ana").await);
    let holder = hold_the_signin_write_lock(&app.storage).await;
    // More sign-ins than the node has database connections, each stuck
    // behind the lock once it has a turn to write.
    let mut stuck = JoinSet::new();
    for i in 0..20 {
        let url = app.url("/api/v1/tokens");
        stuck.spawn(async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&json!({"username": format!("nobody{i}"), "password": "not it"}))
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        });
    }
    if let Storage::Postgres(url, ..) = &app.storage {
        // Every turn to write is taken: three quarters of the pool of 8.
        // (Asked on a connection of its own: within the lock holder's
        // transaction, the activity view would not change.)
        let c = postgres_client(url).await;
        let waiting = "SELECT count(*) FROM pg_stat_activity
                       WHERE datname = current_database() AND wait_event_type = 'Lock'";
        let started = Instant::now();
        while c.query_one(waiting, &[]).await.unwrap().get::<_, i64>(0) < 6 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the writers never queued"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let read = tokio::time::timeout(Duration::from_secs(10), api.get("/api/v1/me")).await;
    let (status, me) = read.expect("a read waited for writers stuck on a lock");
    assert_eq!(status, 200);
    assert_eq!(me["username"], "ana");
    drop(holder);
    for status in stuck.join_all().await {
        assert!([401, 503].contains(&status), "{status}");
    }
}
both!(writes_waiting_on_a_lock_leave_reads_served);
