//! Idempotent writes. A signed-in client's write that carries a key (the
//! `Idempotency-Key` header of an API call, or the hidden `idempotency_key`
//! field of a form) runs once: a retry or a double click gets the first
//! answer (an API replay is marked `Idempotent-Replayed: true`), a retry
//! racing the first waits for it, and a key reused for another write is
//! refused with 422.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_app::idempotency::{Begin, begin};

use crate::auth_layer::RequestAuth;
use crate::error::{ApiError, error_page, json_error};
use crate::state::AppState;

/// Writes whose answers are never kept: they show a secret once (a token,
/// an invitation link) or are about signing in.
const NEVER_KEPT: &[&str] = &[
    "/api/v1/tokens",
    "/api/v1/me/feed-token",
    "/account/tokens",
    "/account/feed-token",
    "/account/password",
    "/admin/invites",
    "/api/v1/invites",
    "/signin",
    "/signout",
    "/register",
    "/forgot-password",
    "/reset-password",
    "/api/v1/password-resets",
    "/api/v1/password-resets/use",
    "/account/email/confirm",
];

pub(crate) async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let path = req.uri().path();
    let api = path.starts_with("/api/");
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let header_key = req.headers().get("idempotency-key").cloned();
    let user = req
        .extensions()
        .get::<RequestAuth>()
        .and_then(|a| a.who.as_ref())
        .map(|w| w.user.id);
    let (Some(user), true) = (user, write && !NEVER_KEPT.contains(&path)) else {
        return next.run(req).await;
    };
    if (api && header_key.is_none()) || (!api && !form) {
        return next.run(req).await;
    }

    let request = format!("{} {}", req.method(), req.uri());
    let (parts, body) = req.into_parts();
    let limit = state
        .config
        .max_body_bytes
        .max(state.ctx.config.max_attachment_bytes + 1024 * 1024);
    let Ok(body) = to_bytes(body, limit).await else {
        return refuse(
            api,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is too large",
        );
    };
    let key = if let Some(header) = &header_key {
        // Bytes that are not visible ASCII fail the key's check in `begin`.
        String::from_utf8_lossy(header.as_bytes()).into_owned()
    } else {
        match form_key(&body) {
            Some(k) => k,
            None => return next.run(Request::from_parts(parts, Body::from(body))).await,
        }
    };

    let running = match begin(&state.ctx, user, &key, &request, &body).await {
        Ok(Begin::Run(running)) => running,
        Ok(Begin::Answered(kept)) => {
            let mut resp = replay(&kept);
            resp.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return resp;
        }
        Ok(Begin::InProgress) => {
            let mut resp = refuse(
                api,
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "this is still being saved; try again in a moment",
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return resp;
        }
        Ok(Begin::Reused) => {
            return refuse(
                api,
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for another request; use a new key",
            );
        }
        Err(e) if api => return ApiError(e).into_response(),
        Err(e) => return crate::error::PageError(e).into_response(),
    };

    let resp = next.run(Request::from_parts(parts, Body::from(body))).await;
    let status = resp.status();
    // Failures a retry may not repeat are not kept: server errors, and
    // being told to wait.
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let header_text = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let head = KeptHead {
        status: status.as_u16(),
        content_type: header_text(header::CONTENT_TYPE).unwrap_or_default(),
        location: header_text(header::LOCATION),
    };
    if let Err(e) = running.finish(head.encode(&bytes)).await {
        // The write itself went through; only its replay is not kept.
        tracing::warn!(error = %e, "keeping an idempotent answer failed");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What is kept of an answer besides its body: one line of JSON before it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct KeptHead {
    status: u16,
    content_type: String,
    location: Option<String>,
}

impl KeptHead {
    fn encode(&self, body: &[u8]) -> Vec<u8> {
        let mut kept = serde_json::to_vec(self).unwrap_or_default();
        kept.push(b'\n');
        kept.extend_from_slice(body);
        kept
    }
}

/// The answer kept for a retry, as it was first given.
fn replay(kept: &[u8]) -> Response {
    let (head, body) = match kept.iter().position(|&b| b == b'\n') {
        Some(at) => (&kept[..at], &kept[at + 1..]),
        None => (kept, &[][..]),
    };
    let Ok(head) = serde_json::from_slice::<KeptHead>(head) else {
        tracing::warn!("a kept answer could not be read; answering 500");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let status = StatusCode::from_u16(head.status).unwrap_or(StatusCode::OK);
    let mut resp = (status, body.to_vec()).into_response();
    let headers = resp.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(&head.content_type) {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    if let Some(Ok(location)) = head.location.as_deref().map(HeaderValue::from_str) {
        headers.insert(header::LOCATION, location);
    }
    resp
}

/// The `idempotency_key` field of a form body, if it has one.
fn form_key(body: &Bytes) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "idempotency_key")
        .map(|(_, key)| key)
}

fn refuse(api: bool, status: StatusCode, code: &str, message: &str) -> Response {
    if api {
        json_error(status, code, message.into(), &[])
    } else {
        error_page(status, message.into())
    }
}
