//! Sign-in, sign-out and registration pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::users::UserInput;
use hearth_app::{AppError, auth, invites, settings};
use hearth_core::model::Registration;
use serde::Deserialize;

use crate::cookies;
use crate::error::PageError;
use crate::extract::{PageForm, Visitor};
use crate::features::local_path;
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "auth/signin.html")]
struct SigninPage {
    chrome: Chrome,
    errors: FormErrors,
    login: String,
    next: String,
    open_registration: bool,
    /// Arrived from setting a new password with a link.
    password_reset: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    reset: Option<String>,
}

pub(crate) async fn signin_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    if visitor.who.is_some() {
        return Ok(Redirect::to(local_path(&q.next)).into_response());
    }
    let open_registration = settings::get(&state.ctx).await?.registration == Registration::Open;
    render(&SigninPage {
        chrome: Chrome::new(&state, &visitor, "Sign in").await?,
        errors: FormErrors::default(),
        login: String::new(),
        next: q.next,
        open_registration,
        password_reset: q.reset.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct SigninForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The session's cookie, and the device's, kept on for another while.
fn session_cookie(state: &AppState, visitor: &Visitor, signed_in: &auth::SignedIn) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let max_age = state.ctx.config.session_absolute_ms / 1000;
    cookies::set(
        &mut headers,
        cookies::SESSION,
        &signed_in.secret,
        max_age,
        visitor.secure,
    );
    cookies::set(
        &mut headers,
        cookies::DEVICE,
        &signed_in.device,
        hearth_app::sign_in_alerts::DEVICE_COOKIE_DAYS * 86_400,
        visitor.secure,
    );
    headers
}

pub(crate) async fn signin(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<SigninForm>,
) -> Result<Response, PageError> {
    match auth::sign_in(&state.ctx, &form.login, &form.password, &visitor.client).await {
        Ok(signed_in) => Ok((
            session_cookie(&state, &visitor, &signed_in),
            Redirect::to(local_path(&form.next)),
        )
            .into_response()),
        Err(err) => {
            let retry_after = match &err {
                AppError::TooManyRequests { retry_after } => Some(*retry_after),
                _ => None,
            };
            let (status, errors) = FormErrors::from_error(err)?;
            let open_registration =
                settings::get(&state.ctx).await?.registration == Registration::Open;
            let mut resp = render_with(
                status,
                &SigninPage {
                    chrome: Chrome::new(&state, &visitor, "Sign in").await?,
                    errors,
                    login: form.login,
                    next: form.next,
                    open_registration,
                    password_reset: false,
                },
            )?;
            if let Some(secs) = retry_after {
                resp.headers_mut().insert(header::RETRY_AFTER, secs.into());
            }
            Ok(resp)
        }
    }
}

pub(crate) async fn signout(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    if let Some(who) = &visitor.who {
        auth::sign_out(&state.ctx, who).await?;
    }
    let mut headers = HeaderMap::new();
    cookies::set(&mut headers, cookies::SESSION, "", 0, visitor.secure);
    Ok((headers, Redirect::to("/")).into_response())
}

#[derive(Template)]
#[template(path = "auth/register.html")]
struct RegisterPage {
    chrome: Chrome,
    errors: FormErrors,
    invite: String,
    invite_email: String,
    username: String,
    display_name: String,
    email: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct InviteQuery {
    #[serde(default)]
    invite: String,
}

/// The e-mail address of a valid invitation, or refuses the page when
/// registration is closed and there is no valid invitation.
async fn invited_email(state: &AppState, invite: &str) -> Result<String, PageError> {
    if hearth_app::users::needs_first_admin(&state.ctx).await? {
        return Ok(String::new());
    }
    if !invite.is_empty() {
        return match invites::by_secret(&state.ctx, invite).await? {
            Some(i) => Ok(i.email.to_string()),
            None => Err(PageError(AppError::Forbidden(
                "this invitation is not valid or has expired".into(),
            ))),
        };
    }
    if settings::get(&state.ctx).await?.registration == Registration::Open {
        Ok(String::new())
    } else {
        Err(PageError(AppError::Forbidden(
            "registration is by invitation only; ask an administrator for an invitation".into(),
        )))
    }
}

pub(crate) async fn register_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<InviteQuery>,
) -> Result<Response, PageError> {
    let invite_email = invited_email(&state, &q.invite).await?;
    render(&RegisterPage {
        chrome: Chrome::new(&state, &visitor, "Create your account").await?,
        errors: FormErrors::default(),
        invite: q.invite,
        invite_email,
        username: String::new(),
        display_name: String::new(),
        email: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct RegisterForm {
    #[serde(default)]
    invite: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<RegisterForm>,
) -> Result<Response, PageError> {
    let invite_email = invited_email(&state, &form.invite).await?;
    let input = UserInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
    };
    let registered = hearth_app::users::register(&state.ctx, &input, Some(&form.invite)).await;
    match registered {
        Ok(user) => {
            let signed_in = auth::sign_in(
                &state.ctx,
                user.username.as_str(),
                &form.password,
                &visitor.client,
            )
            .await?;
            Ok((
                session_cookie(&state, &visitor, &signed_in),
                Redirect::to("/"),
            )
                .into_response())
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            render_with(
                status,
                &RegisterPage {
                    chrome: Chrome::new(&state, &visitor, "Create your account").await?,
                    errors,
                    invite: form.invite,
                    invite_email,
                    username: form.username,
                    display_name: form.display_name,
                    email: form.email,
                },
            )
        }
    }
}
