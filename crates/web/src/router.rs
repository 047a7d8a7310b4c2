//! The whole application: every feature's routes and the layers around them.

use std::any::Any;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::error::{error_page, json_error};
use crate::features;
use crate::state::AppState;

/// Builds the router over `state`.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// Builds the router with `extra` routes inside the same layers; tests use
/// it to prove what the layers do (a panicking handler, for one).
#[doc(hidden)]
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .merge(extra)
        .merge(features::home::router())
        .merge(features::auth::router())
        .merge(features::password_reset::router())
        .merge(features::account::router())
        .merge(features::mail_preferences::router())
        .merge(features::spaces::router())
        .merge(features::members::router())
        .merge(features::users::router())
        .merge(features::people::router())
        .merge(features::topics::router())
        .merge(features::replies::router())
        .merge(features::likes::router())
        .merge(features::following::router())
        .merge(features::tags::router())
        .merge(features::search::router())
        .merge(features::history::router())
        .merge(features::moderation::router())
        .merge(features::feeds::router())
        .merge(features::attachments::router(
            state.ctx.config.max_attachment_bytes,
        ))
        .merge(features::admin::router())
        .merge(features::ops::router())
        .merge(crate::assets::router())
        .route("/api/v1/openapi.json", get(crate::openapi::serve))
        .route_layer(middleware::from_fn_with_state(
            std::sync::Arc::clone(&state.metrics),
            crate::metrics::layer,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn(api_panics_as_json))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::idempotency::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth_layer::layer,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.places.clone(),
            crate::overload::layer,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            close_while_draining,
        ))
        .with_state(state)
}

/// While the node drains, each answer closes its connection, so that a
/// client's next request opens a new one, to a node that serves on (the
/// process that took over the socket, or another behind the balancer),
/// rather than racing the close of an idle one.
async fn close_while_draining(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if state.is_draining() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Only `/metrics`, for a listener of its own that monitoring reaches.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(features::ops::metrics_open))
        .with_state(state)
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        json_error(StatusCode::NOT_FOUND, "not_found", "not found".into(), &[])
    } else {
        error_page(
            StatusCode::NOT_FOUND,
            "There is nothing at this address.".into(),
        )
    }
}

async fn method_not_allowed(req: Request) -> Response {
    let message = format!("{} is not allowed here", req.method());
    if req.uri().path().starts_with("/api/") {
        json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message,
            &[],
        )
    } else {
        error_page(StatusCode::METHOD_NOT_ALLOWED, message)
    }
}

/// Marks the response of a handler that panicked.
#[derive(Clone, Copy)]
struct Panicked;

fn panicked(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "a handler panicked; the node keeps serving");
    let mut resp = error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side; it has been logged.".into(),
    );
    resp.extensions_mut().insert(Panicked);
    resp
}

/// API clients get the JSON error shape for a panic too.
async fn api_panics_as_json(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if api && resp.extensions().get::<Panicked>().is_some() {
        return json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged".into(),
            &[],
        );
    }
    resp
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let sent_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let mut resp = next.run(req).await;
    let refused = resp.status().is_client_error() || resp.status().is_server_error();
    let h = resp.headers_mut();
    // A refusal may come before the body was read (too large, not signed
    // in); the server then drops the connection, so say so, or a client
    // reusing it loses its next request.
    if sent_body && refused {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp.into_response()
}
