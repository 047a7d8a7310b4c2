//! `hearth serve`: open the store, listen, and shut down gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hearth_app::{Ctx, SystemClock};
use hearth_web::AppState;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::config::ServeConfig;
use crate::handover::{self, Listeners};

/// Serves until SIGTERM or SIGINT, then stops accepting, answers `/readyz`
/// with 503, finishes in-flight requests (up to the shutdown timeout) and
/// closes the store. On SIGUSR2 it hands its sockets to a new process
/// (the binary now at its path) and, once that one serves, drains and exits.
pub async fn run(config: ServeConfig) -> Result<(), String> {
    let store = crate::storage::open(&config.storage)
        .await
        .map_err(|e| e.to_string())?;
    let (listeners, origin) = handover::take(config.listen, config.metrics_listen)?;
    let kept = listeners
        .try_clone()
        .map_err(|e| format!("cannot keep the listening sockets: {e}"))?;
    let Listeners { main, metrics } = listeners;
    let listener = tokio_listener(main)?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let mut app = config.app.clone();
    app.mail.fallback_origin = format!("http://{local}");
    app.mail.delivering = config.smtp.is_some();
    let ctx = Ctx::new(store, Arc::new(SystemClock), app)
        .map_err(|e| format!("cannot start the work threads: {e}"))?;
    let outbox = crate::mail::start_outbox(&ctx, config.smtp.as_ref())?;
    let (stop_migrations, migrations_stop) = watch::channel(false);
    let holder = format!("{}-{}", std::process::id(), crate::mail::random_suffix());
    let migrations = tokio::spawn(hearth_app::data_migrations::run(
        ctx.clone(),
        holder,
        migrations_stop,
    ));
    let backups = match config.backups.clone() {
        Some(plan) => {
            tracing::info!(dir = %plan.dir.display(), every_secs = plan.every.as_secs(), keep = plan.keep, "scheduled backups on");
            let scheduled = crate::backup::schedule(ctx.clone(), plan)
                .map_err(|e| format!("cannot start scheduled backups: {e}"))?;
            Some(scheduled)
        }
        None => {
            tracing::warn!(
                "scheduled backups are off: give --backup-dir (PostgreSQL), or drop --backup-every off"
            );
            None
        }
    };
    if let Err(e) = hearth_web::assets::keep(&ctx).await {
        tracing::warn!(error = %e, "cannot keep this release's stylesheets and scripts in the database: nodes of other releases will not serve them");
    }
    let state = AppState::new(ctx, config.web.clone());
    if let Some(metrics) = metrics {
        let metrics = tokio_listener(metrics)?;
        if let Ok(addr) = metrics.local_addr() {
            tracing::info!(listen = %addr, "metrics listener ready");
        }
        let router = hearth_web::metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let router = hearth_web::router(state.clone());
    let handed_over = Arc::new(Notify::new());
    // Watched before the process says it is ready: SIGUSR2 unwatched
    // would end it.
    let usr2 = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined2())
        .map_err(|e| format!("cannot watch for SIGUSR2: {e}"))?;
    tokio::spawn(hand_over_on_usr2(usr2, kept, Arc::clone(&handed_over)));
    handover::announce_ready(origin, config.pid_file.as_deref());
    tracing::info!(
        listen = %local,
        storage = %config.storage.describe(),
        release = %config.web.release,
        "hearth is ready"
    );
    let stop = async move {
        tokio::select! {
            () = shutdown_signal() => Stop::Terminate,
            () = handed_over.notified() => Stop::HandedOver,
        }
    };
    let drain = Drain {
        delay: Duration::from_secs(config.drain_delay_secs),
        grace: Duration::from_secs(config.shutdown_timeout_secs),
    };
    serve_until(listener, state, router, drain, stop).await;
    if let Some(outbox) = outbox {
        outbox.stop().await;
    }
    // A batch in hand is one short transaction: let it finish.
    let _ = stop_migrations.send(true);
    let _ = migrations.await;
    if let Some(backups) = backups {
        // Its hold on the store goes, so that the store closes cleanly.
        let _ = tokio::task::spawn_blocking(move || backups.stop()).await;
    }
    if let Some(path) = &config.pid_file {
        handover::remove_pid_file(path);
    }
    tracing::info!("stopped");
    Ok(())
}

fn tokio_listener(listener: std::net::TcpListener) -> Result<TcpListener, String> {
    listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener))
        .map_err(|e| format!("cannot listen: {e}"))
}

/// Hands the sockets over on each SIGUSR2 until one hand-over succeeds.
async fn hand_over_on_usr2(
    mut usr2: tokio::signal::unix::Signal,
    kept: Listeners,
    handed_over: Arc<Notify>,
) {
    while usr2.recv().await.is_some() {
        tracing::info!("SIGUSR2: starting a new process to take over the sockets");
        match handover::hand_over(&kept).await {
            Ok(pid) => {
                tracing::info!(pid, "the new process serves: draining and stopping");
                handed_over.notify_one();
                return;
            }
            Err(e) => tracing::error!(error = %e, "hand-over failed: serving on"),
        }
    }
}

/// Why a server stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Asked to (SIGTERM, SIGINT): stop accepting at once.
    Terminate,
    /// Another process serves the same sockets now.
    HandedOver,
}

/// How long a process that handed over goes on answering requests on the
/// connections it has, each answer closing its connection, before it
/// closes the idle ones: clients move to the new process as they ask,
/// rather than finding their idle connection closed under a request.
const LINGER: Duration = Duration::from_secs(2);

/// How a server stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drain {
    /// After SIGTERM, how long it goes on accepting and serving while
    /// `/readyz` answers 503: a load balancer that checks readiness takes
    /// it out of rotation meanwhile, so that no new connection finds the
    /// socket closed.
    pub delay: Duration,
    /// How long in-flight requests have to finish once it stops accepting.
    pub grace: Duration,
}

/// Serves `router` on `listener` until `stop` completes, then drains for at most `grace`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    router: axum::Router,
    grace: Duration,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let drain = Drain {
        delay: Duration::ZERO,
        grace,
    };
    serve_until(listener, state, router, drain, async move {
        stop.await;
        Stop::Terminate
    })
    .await;
}

/// Serves `router` on `listener` until `stop` says why it stops, then
/// drains as `drain` says (after a hand-over, first lingers).
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    router: axum::Router,
    drain: Drain,
    stop: impl std::future::Future<Output = Stop> + Send + 'static,
) {
    let Drain { delay, grace } = drain;
    let (accepting, paused) = watch::channel(true);
    let mut listener = Pausable {
        inner: listener,
        accepting: paused,
    };
    // Connections end gracefully once this turns true; each holds a
    // receiver, so that the sender's `closed()` says all have ended.
    let (ending, end) = watch::channel(false);
    let stopping = async move {
        let why = stop.await;
        state.start_draining();
        if why == Stop::Terminate && !delay.is_zero() {
            tracing::info!(
                seconds = delay.as_secs(),
                "stopping: /readyz answers 503 while requests are still served, then draining"
            );
            tokio::time::sleep(delay).await;
        }
        if why == Stop::HandedOver {
            // The new process accepts from the same queue from now on.
            let _ = accepting.send(false);
            tracing::info!(
                "handed over: answering on open connections, each answer closing its own"
            );
            tokio::time::sleep(LINGER.min(grace)).await;
        }
    };
    let mut stopping = std::pin::pin!(stopping);
    loop {
        tokio::select! {
            () = &mut stopping => break,
            (io, remote) = axum::serve::Listener::accept(&mut listener) => {
                tokio::spawn(serve_connection(io, remote, router.clone(), end.clone()));
            }
        }
    }
    drop(listener);
    drop(end);
    tracing::info!("shutting down: finishing in-flight requests");
    let _ = ending.send(true);
    if tokio::time::timeout(grace, ending.closed()).await.is_err() {
        tracing::warn!(
            seconds = grace.as_secs(),
            "in-flight requests did not finish in time; stopping anyway"
        );
    }
}

/// One HTTP/1.1 connection, until the client closes it or, once `end`
/// turns true, its in-flight request is answered. HTTP/1.1 alone, without
/// sniffing for HTTP/2 first: the sniffed bytes made hyper's read buffer
/// grow to 16 KB on every connection, where 8 KB serve, and an idle live
/// stream holds its connection for hours.
async fn serve_connection(
    io: tokio::net::TcpStream,
    remote: SocketAddr,
    router: axum::Router,
    mut end: watch::Receiver<bool>,
) {
    use tower::ServiceExt;
    let service = router.map_request(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(remote));
        req.map(axum::body::Body::new)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
    let mut conn = std::pin::pin!(conn);
    let mut ending = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(error = %e, "a connection ended with an error");
                }
                return;
            }
            _ = end.wait_for(|end| *end), if !ending => {
                ending = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A listener that stops accepting when told, leaving the connections
/// queued on its socket to the process that shares it.
struct Pausable {
    inner: TcpListener,
    accepting: watch::Receiver<bool>,
}

impl axum::serve::Listener for Pausable {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let Pausable { inner, accepting } = self;
        let paused = async {
            let _ = accepting.wait_for(|accepting| !accepting).await;
        };
        tokio::select! {
            biased;
            () = paused => std::future::pending().await,
            accepted = axum::serve::Listener::accept(inner) => accepted,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
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
