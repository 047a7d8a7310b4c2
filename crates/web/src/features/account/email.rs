//! Confirming a new e-mail address from the link mailed to it, and asking
//! for one through the API.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::email_change;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, PageError};
use crate::extract::{ApiJson, ApiUser, PageForm, Visitor};
use crate::page::{Chrome, FormErrors, render_with};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account/confirm_email.html")]
struct ConfirmPage {
    chrome: Chrome,
    errors: FormErrors,
    token: String,
    new_email: String,
    username: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    token: String,
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    token: String,
    found: hearth_app::Result<(hearth_app::records::User, String)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(state, visitor, "Confirm your e-mail address").await?;
    let (status, errors, page) = match found {
        Ok((user, new_email)) => (
            StatusCode::OK,
            FormErrors::default(),
            ConfirmPage {
                chrome,
                errors: FormErrors::default(),
                token,
                new_email,
                username: user.username.to_string(),
            },
        ),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let page = ConfirmPage {
                chrome,
                errors: FormErrors::default(),
                token: String::new(),
                new_email: String::new(),
                username: String::new(),
            };
            (status, errors, page)
        }
    };
    let mut resp = render_with(status, &ConfirmPage { errors, ..page })?;
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(resp)
}

/// What the link would confirm, with a button: a link opened by a mail
/// scanner changes nothing.
pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<TokenForm>,
) -> Result<Response, PageError> {
    let found = email_change::pending(&state.ctx, &q.token).await;
    page(&state, &visitor, q.token, found).await
}

pub(crate) async fn confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    let origin = state.origin(&headers);
    match email_change::confirm(&state.ctx, &form.token, &origin).await {
        Ok(_) => Ok(Redirect::to("/account?email_changed=1").into_response()),
        Err(err) => page(&state, &visitor, String::new(), Err(err)).await,
    }
}

/// A new address for the caller.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewEmail {
    /// The address.
    email: String,
    /// The caller's current password.
    password: String,
}

/// Mails a link to the new address that confirms it (a day, once); the
/// address changes only then, and the old one is told. 409 when another
/// account has it; 400 names `password` when it is not the current one.
#[utoipa::path(post, path = "/api/v1/me/email", tag = "account", request_body = NewEmail,
    responses((status = 202, description = "Accepted: the confirmation link is mailed"),
              (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn request(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewEmail>,
) -> Result<StatusCode, ApiError> {
    let origin = state.origin(&headers);
    email_change::request(&state.ctx, &who, &body.email, &body.password, &origin).await?;
    Ok(StatusCode::ACCEPTED)
}
