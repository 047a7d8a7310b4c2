//! Extractors: who is asking, typed ids from the path, and request bodies
//! whose rejections speak Hearth's error format.

use std::str::FromStr;

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
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

/// A typed id from the path: the parameter named `id`, or the only one. An
/// id that does not parse names nothing: 404, as the JSON error under
/// `/api/` and as the error page elsewhere.
pub(crate) struct Id<T>(pub T);

impl<S: Send + Sync, T: FromStr + Send> FromRequestParts<S> for Id<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let raw = match params.as_slice() {
            [(_, only)] => Some(only),
            all => all.iter().find(|(name, _)| name == "id").map(|(_, v)| v),
        };
        let err = match raw {
            Some(raw) => match raw.parse() {
                Ok(id) => return Ok(Id(id)),
                Err(_) => AppError::NotFound,
            },
            None => AppError::Internal("the route has no `id` parameter".into()),
        };
        Err(if parts.uri.path().starts_with("/api/") {
            ApiError(err).into_response()
        } else {
            PageError(err).into_response()
        })
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

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode, header};
    use axum::routing::get;
    use hearth_core::ids::TopicId;
    use tower::ServiceExt;

    use super::Id;

    async fn id(Id(id): Id<TopicId>) -> String {
        id.to_string()
    }

    async fn get_path(path: &str) -> (StatusCode, String, String) {
        let app = Router::new()
            .route("/t/{id}", get(id))
            .route("/t/{id}/{slug}", get(id))
            .route("/api/v1/topics/{id}", get(id));
        let req = Request::get(path).body(Body::empty()).unwrap();
        let resp = app.oneshot(req).await.unwrap();
        let status = resp.status();
        let kind = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        (status, kind, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn reads_the_id_parameter() {
        assert_eq!(get_path("/t/7").await.2, "7");
        assert_eq!(get_path("/t/7/a-title").await.2, "7");
        assert_eq!(get_path("/api/v1/topics/7").await.2, "7");
    }

    #[tokio::test]
    async fn an_id_that_does_not_parse_is_not_found() {
        let (status, kind, body) = get_path("/api/v1/topics/seven").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(kind.starts_with("application/json"), "{kind}");
        assert_eq!(
            body,
            r#"{"error":{"code":"not_found","message":"not found"}}"#
        );
        for page in ["/t/seven", "/t/0/a-title", "/t/-1"] {
            let (status, kind, _) = get_path(page).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
            assert!(kind.starts_with("text/html"), "{page}: {kind}");
        }
    }
}
