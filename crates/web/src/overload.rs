//! Graceful overload: at most so many requests are served at once, a
//! request waits only briefly for its turn, and none runs past its
//! deadline. Whatever does not fit is answered 503 with `Retry-After` at
//! once, instead of queueing until every client times out; health,
//! readiness and metrics are always answered.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_app::AppError;
use tokio::sync::Semaphore;

use crate::error::{ApiError, PageError};

/// How much a node takes on at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverloadLimits {
    /// Requests served at once.
    pub in_flight: usize,
    /// How long a request waits for one of those places.
    pub queue_wait: Duration,
    /// How long a request may take before it is answered 503.
    pub request_timeout: Duration,
}

impl Default for OverloadLimits {
    fn default() -> Self {
        Self {
            in_flight: 1024,
            queue_wait: Duration::from_secs(2),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The places for requests, shared by every request of a node, and how
/// long each may wait and run.
#[derive(Debug, Clone)]
pub(crate) struct Places {
    free: Arc<Semaphore>,
    limits: OverloadLimits,
}

impl Places {
    pub(crate) fn new(limits: OverloadLimits) -> Self {
        Self {
            free: Arc::new(Semaphore::new(limits.in_flight.max(1))),
            limits,
        }
    }
}

fn busy(api: bool, why: &str) -> Response {
    tracing::warn!(why, "request refused: the node is overloaded");
    let err = AppError::Busy { retry_after: 2 };
    if api {
        ApiError(err).into_response()
    } else {
        PageError(err).into_response()
    }
}

pub(crate) async fn layer(State(places): State<Places>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if matches!(path, "/healthz" | "/readyz" | "/metrics") {
        return next.run(req).await;
    }
    let api = path.starts_with("/api/");
    let limits = places.limits;
    let place =
        tokio::time::timeout(limits.queue_wait, Arc::clone(&places.free).acquire_owned()).await;
    let Ok(Ok(_place)) = place else {
        return busy(api, "no place in time");
    };
    match tokio::time::timeout(limits.request_timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => busy(api, "the request ran past its deadline"),
    }
}
