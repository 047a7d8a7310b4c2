//! `hearth serve`: open the store, listen, and shut down gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hearth_app::{Ctx, SystemClock};
use hearth_web::AppState;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::ServeConfig;

/// Serves until SIGTERM or SIGINT, then stops accepting, answers `/readyz`
/// with 503, finishes in-flight requests (up to the shutdown timeout) and
/// closes the store.
pub async fn run(config: ServeConfig) -> Result<(), String> {
    let store = crate::storage::open(&config.storage)
        .await
        .map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let ctx = Ctx::new(store, Arc::new(SystemClock), config.app.clone())
        .map_err(|e| format!("cannot start the work threads: {e}"))?;
    match config.backups.clone() {
        Some(plan) => {
            tracing::info!(dir = %plan.dir.display(), every_secs = plan.every.as_secs(), keep = plan.keep, "scheduled backups on");
            crate::backup::schedule(ctx.clone(), plan)
                .map_err(|e| format!("cannot start scheduled backups: {e}"))?;
        }
        None => tracing::warn!(
            "scheduled backups are off: give --backup-dir (PostgreSQL), or drop --backup-every off"
        ),
    }
    let state = AppState::new(ctx, config.web.clone());
    if let Some(addr) = config.metrics_listen {
        let metrics = TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen for metrics on {addr}: {e}"))?;
        tracing::info!(listen = %addr, "metrics listener ready");
        let router = hearth_web::metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    tracing::info!(
        listen = %local,
        storage = %config.storage.describe(),
        release = %config.web.release,
        "hearth is ready"
    );
    let router = hearth_web::router(state.clone());
    serve(
        listener,
        state,
        router,
        Duration::from_secs(config.shutdown_timeout_secs),
        shutdown_signal(),
    )
    .await;
    tracing::info!("stopped");
    Ok(())
}

/// Serves `router` on `listener` until `stop` completes, then drains for at most `grace`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    router: axum::Router,
    grace: Duration,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    let stopping = Arc::new(Notify::new());
    let notify = Arc::clone(&stopping);
    let draining = state.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop.await;
        draining.start_draining();
        tracing::info!("shutting down: finishing in-flight requests");
        notify.notify_one();
    });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => {
            if let Err(e) = result {
                tracing::error!(error = %e, "server error");
            }
        }
        () = async { stopping.notified().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(seconds = grace.as_secs(), "in-flight requests did not finish in time; stopping anyway");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
