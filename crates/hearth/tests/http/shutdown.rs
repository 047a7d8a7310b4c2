//! Graceful shutdown: stop accepting, finish what is in flight, within a bound.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use hearth_app::{AppConfig, Ctx, ManualClock};
use hearth_web::{AppState, WebConfig};
use tokio::sync::{Notify, oneshot};

use crate::support::app::{T0, fresh_storage};
use crate::support::{Backend, both};

/// A server over a fresh store with `extra` routes, stopped by the sender it
/// returns, draining for at most `grace`. The handle ends when `serve` does.
async fn server(
    backend: Backend,
    extra: axum::Router<AppState>,
    grace: Duration,
) -> (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
    crate::support::app::DbGuard,
) {
    let (storage, guard) = fresh_storage(backend).await;
    let store = hearth::storage::open(&storage).await.expect("open");
    let ctx = Ctx::new(store, Arc::new(ManualClock::new(T0)), AppConfig::default()).expect("ctx");
    let state = AppState::new(ctx, WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let router = hearth_web::router_with(state.clone(), extra);
    let serving = tokio::spawn(hearth::serve::serve(
        listener,
        state,
        router,
        grace,
        async move {
            let _ = stopped.await;
        },
    ));
    (format!("http://{addr}"), stop, serving, guard)
}

/// A route that answers once `release` is notified, saying when it started.
fn held_route(entered: Arc<Notify>, release: Arc<Notify>) -> axum::Router<AppState> {
    axum::Router::new().route(
        "/held",
        get(move || async move {
            entered.notify_one();
            release.notified().await;
            "finished"
        }),
    )
}

/// A new connection (no pooled one) to `base`, as a new client makes.
async fn connects(base: &str) -> bool {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_ok()
}

/// Waits until the held request is in its handler; fails if it was answered
/// without getting there.
async fn started(
    entered: &Notify,
    in_flight: &tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>,
) {
    tokio::select! {
        () = entered.notified() => {}
        () = async { while !in_flight.is_finished() { tokio::task::yield_now().await } } => {
            panic!("the held request was answered before its handler ran")
        }
    }
}

async fn shutdown_finishes_in_flight_requests_and_accepts_no_new_ones(backend: Backend) {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let extra = held_route(entered.clone(), release.clone());
    let (base, stop, serving, _db) = server(backend, extra, Duration::from_secs(30)).await;
    let in_flight = tokio::spawn(reqwest::get(format!("{base}/held")));
    started(&entered, &in_flight).await;

    stop.send(()).unwrap();
    // The listener closes once the shutdown has begun.
    let mut refused = false;
    for _ in 0..500 {
        if !connects(&base).await {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "new connections are refused while draining");
    assert!(!serving.is_finished(), "the server waits for the request");

    release.notify_one();
    let resp = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "finished");
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("the server stops once nothing is in flight")
        .unwrap();
}
both!(shutdown_finishes_in_flight_requests_and_accepts_no_new_ones);

async fn shutdown_waits_no_longer_than_its_bound(backend: Backend) {
    let (entered, never) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let extra = held_route(entered.clone(), never);
    let (base, stop, serving, _db) = server(backend, extra, Duration::from_millis(200)).await;
    let in_flight = tokio::spawn(reqwest::get(format!("{base}/held")));
    started(&entered, &in_flight).await;

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("the server stops after its grace period though a request hangs")
        .unwrap();
    // `hearth serve` returns from here and the process ends, taking the
    // hanging connection with it; in this test process it would linger.
    assert!(!in_flight.is_finished(), "the request was still hanging");
    in_flight.abort();
}
both!(shutdown_waits_no_longer_than_its_bound);
