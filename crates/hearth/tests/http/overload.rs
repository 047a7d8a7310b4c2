//! Graceful overload: requests past the node's places or their deadline get
//! 503 with Retry-After at once, while health and readiness keep answering.

use std::sync::Arc;
use std::time::Duration;

use hearth_web::OverloadLimits;
use tokio::sync::Notify;

use crate::support::app::spawn_app_routes;
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
