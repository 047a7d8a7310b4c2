//! Extractors: who is asking, and request bodies whose rejections speak
//! Hearth's error format.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::AppError;
use hearth_app::auth::{Authenticated, Client};
use hearth_core::permissions::Viewer;
use serde::de::DeserializeOwned;

use crate::auth_layer::RequestAuth;
use crate::error::{ApiError, PageError};

fn request_auth(parts: &Parts) -> Result<RequestAuth, AppError> {
    parts
        .extensions
        .get::<RequestAuth>()
        .cloned()
        .ok_or_else(|| AppError::Internal("the auth layer did not run".into()))
}

/// The visitor, signed in or not, with the CSRF token for the page's forms.
#[derive(Debug, Clone)]
pub(crate) struct Visitor {
    pub who: Option<Authenticated>,
    pub csrf: String,
    pub client: Client,
    /// Whether cookies set in the answer must be `Secure`.
    pub secure: bool,
}

impl Visitor {
    pub(crate) fn viewer(&self) -> Viewer {
        self.who
            .as_ref()
            .map_or(Viewer::Guest, Authenticated::viewer)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let auth = request_auth(parts)?;
        Ok(Visitor {
            who: auth.who,
            csrf: auth.csrf,
            client: auth.client,
            secure: auth.secure,
        })
    }
}

/// A page that needs a signed-in user; others are sent to sign in and back.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    pub who: Authenticated,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let auth = request_auth(parts).map_err(|e| PageError(e).into_response())?;
        match auth.who {
            Some(who) => Ok(SignedIn { who }),
            None => {
                let path = parts.uri.path();
                let next = if path.starts_with('/') && !path.starts_with("//") {
                    format!("/signin?next={}", encode(path))
                } else {
                    "/signin".into()
                };
                Err(Redirect::to(&next).into_response())
            }
        }
    }
}

/// Percent-encodes text for a path segment or a query value.
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An API caller, signed in or not.
#[derive(Debug, Clone)]
pub(crate) struct ApiCaller {
    pub who: Option<Authenticated>,
    pub client: Client,
}

impl ApiCaller {
    pub(crate) fn viewer(&self) -> Viewer {
        self.who
            .as_ref()
            .map_or(Viewer::Guest, Authenticated::viewer)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let auth = request_auth(parts)?;
        Ok(ApiCaller {
            who: auth.who,
            client: auth.client,
        })
    }
}

/// An API caller that must be signed in (401 otherwise).
#[derive(Debug, Clone)]
pub(crate) struct ApiUser(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        request_auth(parts)?.who.map(ApiUser).ok_or_else(|| {
            ApiError(AppError::Unauthorized(
                "sign in or send a bearer token".into(),
            ))
        })
    }
}

fn rejection(status: StatusCode, text: String) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("the request body is too large".into())
    } else {
        AppError::invalid("body", text)
    }
}

/// A JSON body; unreadable ones get a 400 naming the field, oversize ones 413.
pub(crate) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError(rejection(e.status(), e.body_text()))),
        }
    }
}

/// A url-encoded form body; unreadable ones get a 400 page, oversize ones 413.
pub(crate) struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let urlencoded = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(PageError(AppError::invalid(
                "body",
                "this form must be sent url-encoded",
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| PageError(rejection(e.status(), e.body_text())))?;
        // The decoder would quietly replace bytes that are not UTF-8; a form
        // that sends them is broken, and storing U+FFFD in their place would
        // change what the person wrote.
        if let Some(field) = field_not_utf8(&bytes) {
            return Err(PageError(AppError::invalid(&field, "is not valid UTF-8")));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(PageForm)
            .map_err(|e| PageError(AppError::invalid("body", e.to_string())))
    }
}

/// The name of the first field whose name or value does not decode to UTF-8.
fn field_not_utf8(body: &[u8]) -> Option<String> {
    let decode = |s: &[u8]| {
        let plus_as_space: Vec<u8> = s
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus_as_space)
            .decode_utf8()
            .map(|s| s.into_owned())
            .ok()
    };
    body.split(|&b| b == b'&').find_map(|pair| {
        let mut kv = pair.splitn(2, |&b| b == b'=');
        let (name, value) = (kv.next().unwrap_or_default(), kv.next().unwrap_or_default());
        match (decode(name), decode(value)) {
            (Some(_), Some(_)) => None,
            (Some(name), None) => Some(name),
            (None, _) => Some("body".to_owned()),
        }
    })
}

/// A query string for the API; unreadable ones get a 400.
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError(AppError::invalid("query", e.body_text()))),
        }
    }
}

/// The `Idempotency-Key` header of an API write, if sent.
pub(crate) struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(v) => v
                .to_str()
                .map(|k| IdempotencyKey(Some(k.to_owned())))
                .map_err(|_| {
                    ApiError(AppError::invalid(
                        "Idempotency-Key",
                        "must be visible ASCII",
                    ))
                }),
        }
    }
}
