//! The account page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{AppError, auth};
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

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    chrome: Chrome,
    errors: FormErrors,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    new_token: String,
    password_changed: bool,
}

async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    visitor: &Visitor,
    status: StatusCode,
    errors: FormErrors,
    new_token: String,
    password_changed: bool,
) -> Result<Response, PageError> {
    let who = &signed_in.who;
    let current = who.session.as_ref().map(|s| s.id_hash.as_str());
    let sessions = auth::sessions(&state.ctx, who)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            current: Some(s.id_hash.as_str()) == current,
            id: s.id_hash,
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
            new_token,
            password_changed,
        },
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
) -> Result<Response, PageError> {
    page(
        &state,
        &signed_in,
        &visitor,
        StatusCode::OK,
        FormErrors::default(),
        String::new(),
        false,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    match auth::change_password(
        &state.ctx,
        &signed_in.who,
        &form.current_password,
        &form.new_password,
    )
    .await
    {
        Ok(()) => {
            page(
                &state,
                &signed_in,
                &visitor,
                StatusCode::OK,
                FormErrors::default(),
                String::new(),
                true,
            )
            .await
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            page(
                &state,
                &signed_in,
                &visitor,
                status,
                errors,
                String::new(),
                false,
            )
            .await
        }
    }
}

pub(crate) async fn revoke_session(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    auth::revoke_session(&state.ctx, &signed_in.who, &id).await?;
    let current = signed_in
        .who
        .session
        .as_ref()
        .is_some_and(|s| s.id_hash == id);
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
    match auth::issue_token(&state.ctx, &signed_in.who.user, &form.name).await {
        Ok((secret, _)) => {
            page(
                &state,
                &signed_in,
                &visitor,
                StatusCode::CREATED,
                FormErrors::default(),
                secret,
                false,
            )
            .await
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            page(
                &state,
                &signed_in,
                &visitor,
                status,
                errors,
                String::new(),
                false,
            )
            .await
        }
    }
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
