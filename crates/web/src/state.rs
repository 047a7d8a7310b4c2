//! The state every handler gets.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::{HeaderMap, header};
use hearth_app::Ctx;
use tokio::sync::watch;

use crate::metrics::Metrics;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Mark cookies `Secure` (set when served over TLS or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` from the proxy in front.
    pub trust_proxy: bool,
    /// The running release, shown on the status page.
    pub release: String,
    /// SHA-256 (hex) of the bearer token `/metrics` asks for; without one,
    /// `/metrics` answers loopback clients only.
    pub metrics_token_hash: Option<String>,
    /// How much the node takes on at once.
    pub overload: crate::overload::OverloadLimits,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            secure_cookies: false,
            trust_proxy: false,
            release: env!("CARGO_PKG_VERSION").into(),
            metrics_token_hash: None,
            overload: crate::overload::OverloadLimits::default(),
        }
    }
}

/// Shared by all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The use cases' context.
    pub ctx: Ctx,
    /// HTTP settings.
    pub config: Arc<WebConfig>,
    /// Request counters and latencies.
    pub metrics: Arc<Metrics>,
    pub(crate) places: crate::overload::Places,
    /// Whether the node is draining; live streams watch it, to end at once.
    draining: Arc<watch::Sender<bool>>,
    /// Set while the database refuses writes (a write answered 503), cleared
    /// by the next write that succeeds.
    writes_failing: Arc<AtomicBool>,
}

impl AppState {
    /// State over a context and settings.
    pub fn new(ctx: Ctx, config: WebConfig) -> Self {
        Self {
            ctx,
            places: crate::overload::Places::new(config.overload),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            draining: Arc::new(watch::Sender::new(false)),
            writes_failing: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Where the site is reached, for absolute links (feeds, mail): the
    /// configured base URL, or else the request's `Host` and scheme.
    pub(crate) fn origin(&self, headers: &HeaderMap) -> String {
        if let Some(base) = &self.ctx.config.mail.base_url {
            return base.clone();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .unwrap_or("localhost");
        let https = self.config.secure_cookies
            || (self.config.trust_proxy
                && headers
                    .get("x-forwarded-proto")
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")));
        format!("{}://{host}", if https { "https" } else { "http" })
    }

    /// Marks the node as draining: `/readyz` answers 503 from now on.
    pub fn start_draining(&self) {
        self.draining.send_replace(true);
    }

    /// Records whether the last write went through.
    pub(crate) fn note_write(&self, ok: bool) {
        self.writes_failing.store(!ok, Ordering::SeqCst);
    }

    /// Whether writes are failing right now.
    pub(crate) fn writes_failing(&self) -> bool {
        self.writes_failing.load(Ordering::SeqCst)
    }

    /// Whether the node is draining.
    pub fn is_draining(&self) -> bool {
        *self.draining.borrow()
    }

    /// Turns true when the node starts draining.
    pub(crate) fn draining_signal(&self) -> watch::Receiver<bool> {
        self.draining.subscribe()
    }
}
