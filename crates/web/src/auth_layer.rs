//! Who is asking, and CSRF: resolved once per request by a middleware and
//! put into the request's extensions for the extractors.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_app::auth::{self, Authenticated, Client};
use hearth_app::secrets::random_secret;

use crate::cookies;
use crate::error::{ApiError, PageError};
use crate::state::AppState;

/// What the middleware learnt about the request.
#[derive(Debug, Clone)]
pub(crate) struct RequestAuth {
    /// The signed-in user, if any.
    pub who: Option<Authenticated>,
    /// The CSRF token this request's forms must carry.
    pub csrf: String,
    /// Where the request comes from.
    pub client: Client,
    /// Whether cookies must be marked `Secure`: configured so, or the
    /// trusted proxy in front says the client used HTTPS.
    pub secure: bool,
}

fn secure_of(state: &AppState, req: &Request) -> bool {
    state.config.secure_cookies
        || (state.config.trust_proxy
            && req
                .headers()
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")))
}

pub(crate) fn client_of(state: &AppState, req: &Request) -> Client {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    // The trusted proxy appends the address it saw to whatever the client
    // sent, so only the last entry is the proxy's word; earlier ones are the
    // client's and would let it pick its own rate-limit bucket.
    let forwarded = state
        .config
        .trust_proxy
        .then(|| req.headers().get_all("x-forwarded-for").iter().next_back())
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok())
        .map(|ip| ip.to_string());
    Client {
        address: forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
        user_agent: req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        device: crate::cookies::get(req.headers(), crate::cookies::DEVICE).map(str::to_owned),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn is_api(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
}

fn refuse(api: bool, err: hearth_app::AppError) -> Response {
    if api {
        ApiError(err).into_response()
    } else {
        PageError(err).into_response()
    }
}

/// Resolves the user, checks CSRF on every state-changing request, keeps the
/// visitor's CSRF cookie, and notes whether writes go through.
pub(crate) async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let resp = handle(&state, req, next).await;
    if unsafe_method {
        let status = resp.status();
        let overloaded = resp
            .extensions()
            .get::<crate::error::Overloaded>()
            .is_some();
        if status == StatusCode::SERVICE_UNAVAILABLE && !overloaded {
            state.note_write(false);
        } else if status.is_success() || status.is_redirection() {
            state.note_write(true);
        }
    }
    resp
}

async fn handle(state: &AppState, req: Request, next: Next) -> Response {
    // Operations endpoints serve load balancers and monitoring, not people:
    // no session, no CSRF, and a bearer token there is the metrics token.
    if matches!(req.uri().path(), "/healthz" | "/readyz" | "/metrics") {
        return next.run(req).await;
    }
    let api = is_api(&req);
    let client = client_of(state, &req);
    let secure = secure_of(state, &req);
    let headers = req.headers();
    let token = bearer(headers).map(str::to_owned);
    let session_secret = cookies::get(headers, cookies::SESSION).map(str::to_owned);
    let visitor_csrf = cookies::get(headers, cookies::CSRF).map(str::to_owned);

    let who = match (&token, &session_secret) {
        (Some(token), _) => match auth::token(&state.ctx, token).await {
            Ok(Some(who)) => Some(who),
            Ok(None) => {
                return refuse(
                    true,
                    hearth_app::AppError::Unauthorized("the token is not valid".into()),
                );
            }
            Err(e) => return refuse(api, e),
        },
        (None, Some(secret)) => match auth::session(&state.ctx, secret).await {
            Ok(who) => who,
            Err(e) => return refuse(api, e),
        },
        (None, None) => None,
    };
    let session_csrf = who
        .as_ref()
        .and_then(|w| w.session.as_ref())
        .map(|s| s.csrf_token.clone());
    let mut new_visitor_csrf = None;
    let csrf = match (&session_csrf, &visitor_csrf) {
        (Some(t), _) => t.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => match random_secret() {
            Ok(t) => {
                new_visitor_csrf = Some(t.clone());
                t
            }
            Err(e) => return refuse(api, e),
        },
    };
    let stale_session = session_secret.is_some() && who.is_none();

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // An unsubscribe link is its own proof (a signed token), and mail
    // clients post it with no cookie at all (RFC 8058).
    let signed_link = req.uri().path() == "/mail/unsubscribe";
    let req = if unsafe_method && token.is_none() && !signed_link {
        match check_csrf(state, req, &csrf, api, who.is_some()).await {
            Ok(req) => req,
            Err(resp) => return resp,
        }
    } else {
        req
    };

    if unsafe_method
        && !writes_allowed_in_maintenance(req.uri().path())
        && let Ok(settings) = hearth_app::settings::get(&state.ctx).await
        && settings.read_only
    {
        return refuse(api, hearth_app::AppError::Unavailable("maintenance".into()));
    }
    let mut req = req;
    req.extensions_mut().insert(RequestAuth {
        who,
        csrf,
        client,
        secure,
    });
    let mut resp = next.run(req).await;
    if let Some(t) = new_visitor_csrf {
        cookies::set(resp.headers_mut(), cookies::CSRF, &t, 30 * 86_400, secure);
    }
    if stale_session {
        cookies::set(resp.headers_mut(), cookies::SESSION, "", 0, secure);
    }
    resp
}

/// Writes that stay possible while the site is paused for maintenance:
/// signing in and out (to read), and the switch that ends the pause.
fn writes_allowed_in_maintenance(path: &str) -> bool {
    matches!(
        path,
        "/signin" | "/signout" | "/admin/settings" | "/api/v1/settings" | "/api/v1/tokens"
    )
}

/// API calls signed in by cookie must send `X-CSRF-Token`; forms must carry
/// a `csrf` field. Returns the request with its body intact.
async fn check_csrf(
    state: &AppState,
    req: Request,
    expected: &str,
    api: bool,
    signed_in: bool,
) -> Result<Request, Response> {
    let forbidden = |api| {
        refuse(
            api,
            hearth_app::AppError::Forbidden(
                "the form has expired or did not come from this site; reload the page and try again".into(),
            ),
        )
    };
    if api {
        if !signed_in {
            return Ok(req);
        }
        let sent = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        return match sent {
            Some(sent) if same(sent, expected) => Ok(req),
            _ => Err(forbidden(true)),
        };
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "forms must be sent url-encoded or as multipart",
        )
            .into_response());
    }
    // Uploads may be as large as an attachment; other forms, multipart or
    // not, as large as a body.
    let upload = multipart && req.uri().path().ends_with("/attachments");
    let limit = if upload {
        state.ctx.config.max_attachment_bytes + 64 * 1024
    } else {
        state.config.max_body_bytes
    };
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Err(PageError::too_large().into_response()),
    };
    let sent = if multipart {
        multipart_field(&parts, bytes.clone(), "csrf").await
    } else {
        form_urlencoded_field(&bytes, "csrf")
    };
    match sent {
        Some(sent) if same(&sent, expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(forbidden(false)),
    }
}

/// The text of field `name` of a multipart form, which must come before any file.
async fn multipart_field(
    parts: &axum::http::request::Parts,
    bytes: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let mut copy = Request::new(Body::from(bytes));
    *copy.headers_mut() = parts.headers.clone();
    let mut form = axum::extract::Multipart::from_request(copy, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.file_name().is_some() {
            return None;
        }
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}
