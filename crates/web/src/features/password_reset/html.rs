//! The "forgot password" pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::password_reset;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, Visitor};
use crate::page::{Chrome, FormErrors, render_with};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct AskPage {
    chrome: Chrome,
    errors: FormErrors,
    email: String,
    sent: bool,
}

pub(crate) async fn ask_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    render_with(
        StatusCode::OK,
        &AskPage {
            chrome: Chrome::new(&state, &visitor, "Forgot your password?").await?,
            errors: FormErrors::default(),
            email: String::new(),
            sent: false,
        },
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct AskForm {
    #[serde(default)]
    email: String,
}

/// The same page whether the address is known or not.
pub(crate) async fn ask(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    PageForm(form): PageForm<AskForm>,
) -> Result<Response, PageError> {
    let origin = state.origin(&headers);
    let (status, errors, sent) =
        match password_reset::request(&state.ctx, &form.email, &origin).await {
            Ok(_) => (StatusCode::OK, FormErrors::default(), true),
            Err(err) => {
                let (status, errors) = FormErrors::from_error(err)?;
                (status, errors, false)
            }
        };
    render_with(
        status,
        &AskPage {
            chrome: Chrome::new(&state, &visitor, "Forgot your password?").await?,
            errors,
            email: form.email,
            sent,
        },
    )
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    chrome: Chrome,
    errors: FormErrors,
    token: String,
    username: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The page a link opens; it keeps its secret out of `Referer`.
async fn reset_page(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    errors: FormErrors,
    token: String,
    username: String,
) -> Result<Response, PageError> {
    let mut resp = render_with(
        status,
        &ResetPage {
            chrome: Chrome::new(state, visitor, "Set a new password").await?,
            errors,
            token,
            username,
        },
    )?;
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(resp)
}

pub(crate) async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    match password_reset::account(&state.ctx, &q.token).await {
        Ok(user) => {
            let (status, errors) = (StatusCode::OK, FormErrors::default());
            let username = user.username.to_string();
            reset_page(&state, &visitor, status, errors, q.token, username).await
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            reset_page(
                &state,
                &visitor,
                status,
                errors,
                String::new(),
                String::new(),
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<ResetForm>,
) -> Result<Response, PageError> {
    match password_reset::reset(&state.ctx, &form.token, &form.password).await {
        Ok(_) => Ok(Redirect::to("/signin?reset=1").into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let username = match password_reset::account(&state.ctx, &form.token).await {
                Ok(user) => user.username.to_string(),
                Err(_) => String::new(),
            };
            let token = if username.is_empty() {
                String::new()
            } else {
                form.token
            };
            reset_page(&state, &visitor, status, errors, token, username).await
        }
    }
}
