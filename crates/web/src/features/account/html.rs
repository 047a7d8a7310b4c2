//! The account page: sessions, API tokens, the feed token, the password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{AppError, auth, email_change, feeds};
use hearth_core::ids::TokenId;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render_with};
use crate::state::AppState;
use crate::time_fmt::human;

struct SessionRow {
    id: String,
    user_agent: String,
    created: String,
    last_seen: String,
    current: bool,
}

struct TokenRow {
    id: String,
    name: String,
    created: String,
    last_used: String,
}

/// What the page shows once, after an action.
#[derive(Default)]
struct Shown {
    api_token: String,
    feed_token: String,
    password_changed: bool,
    email_mailed: bool,
    email_changed: bool,
}

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    chrome: Chrome,
    errors: FormErrors,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    username: String,
    shown: Shown,
}

async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    visitor: &Visitor,
    status: StatusCode,
    errors: FormErrors,
    shown: Shown,
) -> Result<Response, PageError> {
    let who = &signed_in.who;
    let current = who.session.as_ref().map(|s| s.id_hash.as_str());
    let sessions = auth::sessions(&state.ctx, who)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            current: Some(s.id_hash.as_str()) == current,
            id: auth::session_id(&s),
            user_agent: s.user_agent,
            created: human(s.created_at),
            last_seen: human(s.last_seen_at),
        })
        .collect();
    let tokens = auth::tokens(&state.ctx, who)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            created: human(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "never".into(), human),
        })
        .collect();
    render_with(
        status,
        &AccountPage {
            chrome: Chrome::new(state, visitor, "Your account").await?,
            errors,
            sessions,
            tokens,
            username: who.user.username.to_string(),
            shown,
        },
    )
}

/// The page after an action that may have been refused for its input.
async fn after(
    state: &AppState,
    signed_in: &SignedIn,
    visitor: &Visitor,
    done: Result<(StatusCode, Shown), AppError>,
) -> Result<Response, PageError> {
    match done {
        Ok((status, shown)) => {
            page(
                state,
                signed_in,
                visitor,
                status,
                FormErrors::default(),
                shown,
            )
            .await
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            page(state, signed_in, visitor, status, errors, Shown::default()).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    email_changed: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let shown = Shown {
        email_changed: q.email_changed.is_some(),
        ..Shown::default()
    };
    page(
        &state,
        &signed_in,
        &visitor,
        StatusCode::OK,
        FormErrors::default(),
        shown,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    /// "on" when the API tokens should end too.
    #[serde(default)]
    end_tokens: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn change_email(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    headers: HeaderMap,
    PageForm(form): PageForm<EmailForm>,
) -> Result<Response, PageError> {
    let origin = state.origin(&headers);
    let who = &signed_in.who;
    let done = email_change::request(&state.ctx, who, &form.email, &form.password, &origin)
        .await
        .map(|()| {
            let shown = Shown {
                email_mailed: true,
                ..Shown::default()
            };
            (StatusCode::OK, shown)
        });
    after(&state, &signed_in, &visitor, done).await
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    let done = auth::change_password(
        &state.ctx,
        &signed_in.who,
        &form.current_password,
        &form.new_password,
        form.end_tokens.is_some(),
    )
    .await
    .map(|()| {
        let shown = Shown {
            password_changed: true,
            ..Shown::default()
        };
        (StatusCode::OK, shown)
    });
    after(&state, &signed_in, &visitor, done).await
}

pub(crate) async fn revoke_session(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ended = auth::revoke_session(&state.ctx, &signed_in.who, &id).await?;
    let current = signed_in
        .who
        .session
        .as_ref()
        .is_some_and(|s| s.id_hash == ended.id_hash);
    Ok(Redirect::to(if current { "/" } else { "/account" }).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    name: String,
}

pub(crate) async fn create_token(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    let done = auth::issue_token(&state.ctx, &signed_in.who.user, &form.name)
        .await
        .map(|(secret, _)| {
            let shown = Shown {
                api_token: secret,
                ..Shown::default()
            };
            (StatusCode::CREATED, shown)
        });
    after(&state, &signed_in, &visitor, done).await
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: TokenId = id.parse().map_err(AppError::from)?;
    auth::revoke_token(&state.ctx, &signed_in.who, id).await?;
    Ok(Redirect::to("/account").into_response())
}

pub(crate) async fn create_feed_token(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let done = feeds::new_token(&state.ctx, &signed_in.who)
        .await
        .map(|secret| {
            let shown = Shown {
                feed_token: secret,
                ..Shown::default()
            };
            (StatusCode::CREATED, shown)
        });
    after(&state, &signed_in, &visitor, done).await
}

pub(crate) async fn revoke_feed_token(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    feeds::revoke_token(&state.ctx, &signed_in.who).await?;
    Ok(Redirect::to("/account").into_response())
}
