//! Idempotent API writes: a signed-in client's write sent with an
//! `Idempotency-Key` header runs once; a retry with the same key gets the
//! first answer (marked `Idempotent-Replayed: true`), the same key while the
//! first is still running gets 409, and the key reused for another write 422.
//! Forms carry their own key for topics and replies (see the topic handlers).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_app::idempotency::{Begin, begin};

use crate::auth_layer::RequestAuth;
use crate::error::{ApiError, json_error};
use crate::state::AppState;

pub(crate) async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let path = req.uri().path();
    // Creating a token answers with its secret, which is never stored.
    if !write || !path.starts_with("/api/v1/") || path == "/api/v1/tokens" {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get("idempotency-key") else {
        return next.run(req).await;
    };
    let Ok(key) = key.to_str().map(str::to_owned) else {
        return ApiError(hearth_app::AppError::invalid(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        ))
        .into_response();
    };
    let Some(user) = req
        .extensions()
        .get::<RequestAuth>()
        .and_then(|a| a.who.as_ref())
        .map(|w| w.user.id)
    else {
        return next.run(req).await;
    };

    let request = format!("{} {}", req.method(), req.uri());
    let (parts, body) = req.into_parts();
    let limit = state
        .config
        .max_body_bytes
        .max(state.ctx.config.max_attachment_bytes + 1024 * 1024);
    let Ok(body) = to_bytes(body, limit).await else {
        return json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is too large".into(),
            &[],
        );
    };
    let running = match begin(&state.ctx, user, &key, &request, &body).await {
        Ok(Begin::Run(running)) => running,
        Ok(Begin::Answered(kept)) => {
            let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
            let mut resp = (status, kept.body).into_response();
            if let Ok(ct) = HeaderValue::from_str(&kept.content_type) {
                resp.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            resp.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return resp;
        }
        Ok(Begin::InProgress) => {
            let mut resp = json_error(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "a write with this Idempotency-Key is still running; retry in a moment".into(),
                &[],
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return resp;
        }
        Ok(Begin::Reused) => {
            return json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for another request; use a new key".into(),
                &[],
            );
        }
        Err(e) => return ApiError(e).into_response(),
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
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let Err(e) = running
        .finish(status.as_u16(), content_type, bytes.to_vec())
        .await
    {
        // The write itself went through; only its replay is not kept.
        tracing::warn!(error = %e, "keeping an idempotent answer failed");
    }
    Response::from_parts(parts, Body::from(bytes))
}
