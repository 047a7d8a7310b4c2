//! How use-case errors become responses: the status mapping in one function,
//! a JSON body for the API, an error page (or a redirect to sign in) for pages.

use askama::Template;
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hearth_app::{AppError, CurrentVersion, FieldError};
use hearth_core::model::JoinPolicy;
use serde::Serialize;
use utoipa::ToSchema;

/// The status of each error.
pub(crate) fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) | AppError::MembershipRequired { .. } => StatusCode::FORBIDDEN,
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) | AppError::StaleVersion(_) => StatusCode::CONFLICT,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) | AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn code_of(err: &AppError) -> &'static str {
    match err {
        AppError::NotFound => "not_found",
        AppError::Unauthorized(_) => "unauthorized",
        AppError::Forbidden(_) => "forbidden",
        AppError::MembershipRequired { .. } => "membership_required",
        AppError::Invalid(_) => "invalid",
        AppError::Conflict(_) => "conflict",
        AppError::StaleVersion(_) => "stale_version",
        AppError::TooLarge(_) => "too_large",
        AppError::TooManyRequests { .. } => "too_many_requests",
        AppError::Unavailable(_) => "unavailable",
        AppError::Busy { .. } => "busy",
        AppError::Internal(_) => "internal",
    }
}

/// What people and clients are told; internal details go to the log only.
pub(crate) fn message_of(err: &AppError) -> String {
    match err {
        AppError::NotFound => "not found".into(),
        AppError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::TooManyRequests { retry_after } => {
            format!("too many attempts; try again in {retry_after} seconds")
        }
        AppError::Unavailable(_) => {
            "writing is paused right now; nothing was saved. Your text is not lost: go back, and send it again in a moment".into()
        }
        AppError::Busy { retry_after } => format!(
            "the server is too busy for this right now; nothing was done. Try again in {retry_after} seconds"
        ),
        AppError::Internal(_) => "something went wrong on our side; it has been logged".into(),
        AppError::MembershipRequired { name, policy, .. } => match policy {
            JoinPolicy::Open => format!("only members of {name} can write here; join it first"),
            JoinPolicy::Request => {
                format!("only members of {name} can write here; ask to join it from its page")
            }
            JoinPolicy::Invite => format!(
                "only members of {name} can write here, and it takes new members by invitation: ask one of its moderators"
            ),
        },
        AppError::StaleVersion(current) => format!(
            "someone else changed this meanwhile; the current version is {}. Your text was not saved: merge it into the current version and save again",
            current.version
        ),
        AppError::Unauthorized(m)
        | AppError::Forbidden(m)
        | AppError::Conflict(m)
        | AppError::TooLarge(m) => m.clone(),
    }
}

fn log(err: &AppError) {
    match err {
        AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
        AppError::Unavailable(detail) => tracing::warn!(%detail, "storage unavailable"),
        _ => {}
    }
}

/// Marks a 503 that says the node is busy, not that the database refuses
/// writes: it must not raise the "writing is paused" banner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Overloaded;

fn add_retry_after(resp: &mut Response, err: &AppError) {
    if let AppError::Busy { .. } = err {
        resp.extensions_mut().insert(Overloaded);
    }
    let secs = match err {
        AppError::TooManyRequests { retry_after } | AppError::Busy { retry_after } => {
            Some(*retry_after)
        }
        AppError::Unavailable(_) => Some(5),
        _ => None,
    };
    if let Some(v) = secs.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
}

/// The JSON error body: `{"error": {"code": "...", "message": "..."}}`, with
/// `fields` for `invalid` and `current` for `stale_version`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

/// One error.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`.
    code: String,
    /// Human-readable explanation.
    message: String,
    /// The refused fields, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldJson>,
    /// For `stale_version`: the version saved meanwhile. Merge your text into
    /// it and send the edit again with its `version` as `base_version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<CurrentJson>,
}

/// The current version of what an edit was based on.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CurrentJson {
    /// The current version number.
    version: i64,
    /// The current title.
    title: String,
    /// The current Markdown body.
    body: String,
}

impl From<&CurrentVersion> for CurrentJson {
    fn from(c: &CurrentVersion) -> Self {
        Self {
            version: c.version,
            title: c.title.clone(),
            body: c.body.clone(),
        }
    }
}

/// A refused field.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldJson {
    field: String,
    message: String,
}

/// An error answered as JSON.
#[derive(Debug)]
pub(crate) struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

pub(crate) fn json_error(
    status: StatusCode,
    code: &str,
    message: String,
    fields: &[FieldError],
) -> Response {
    json_error_with(status, code, message, fields, None)
}

fn json_error_with(
    status: StatusCode,
    code: &str,
    message: String,
    fields: &[FieldError],
    current: Option<CurrentJson>,
) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message,
            fields: fields
                .iter()
                .map(|f| FieldJson {
                    field: f.field.clone(),
                    message: f.message.clone(),
                })
                .collect(),
            current,
        },
    };
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = self.0;
        log(&err);
        let fields = match &err {
            AppError::Invalid(f) => f.as_slice(),
            _ => &[],
        };
        let current = match &err {
            AppError::StaleVersion(c) => Some(CurrentJson::from(c.as_ref())),
            _ => None,
        };
        let mut resp = json_error_with(
            status_of(&err),
            code_of(&err),
            message_of(&err),
            fields,
            current,
        );
        add_retry_after(&mut resp, &err);
        resp
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: String,
    /// Where to go from here, when there is a way: (address, label).
    next: Option<(String, String)>,
}

/// An error answered as a page; "sign in first" becomes a redirect.
#[derive(Debug)]
pub(crate) struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl PageError {
    pub(crate) fn too_large() -> Self {
        Self(AppError::TooLarge("the request is too large".into()))
    }
}

/// Renders the standalone error page.
pub(crate) fn error_page(status: StatusCode, message: String) -> Response {
    error_page_with(status, message, None)
}

fn error_page_with(
    status: StatusCode,
    message: String,
    next: Option<(String, String)>,
) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
        next,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let err = self.0;
        log(&err);
        if let AppError::Unauthorized(_) = err {
            return (StatusCode::SEE_OTHER, [(LOCATION, "/signin")]).into_response();
        }
        let next = match &err {
            AppError::MembershipRequired { slug, name, policy } => {
                let label = match policy {
                    JoinPolicy::Open => format!("Join {name}"),
                    JoinPolicy::Request => format!("Ask to join {name}"),
                    JoinPolicy::Invite => format!("See who moderates {name}"),
                };
                Some((format!("/s/{slug}"), label))
            }
            _ => None,
        };
        let mut resp = error_page_with(status_of(&err), message_of(&err), next);
        add_retry_after(&mut resp, &err);
        resp
    }
}
