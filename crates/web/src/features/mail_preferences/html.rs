//! The account's mail page, and the page an unsubscribe link opens.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::mail_preferences;
use hearth_app::records::{MailMode, NotificationKind};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;

struct Row {
    kind: &'static str,
    description: &'static str,
    immediately: bool,
}

#[derive(Template)]
#[template(path = "mail/preferences.html")]
struct PreferencesPage {
    chrome: Chrome,
    rows: Vec<Row>,
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let modes = mail_preferences::of(&state.ctx, &signed_in.who).await?;
    render(&PreferencesPage {
        chrome: Chrome::new(&state, &visitor, "Mail").await?,
        rows: modes
            .into_iter()
            .map(|(kind, mode)| Row {
                kind: kind.as_str(),
                description: kind.describe(),
                immediately: mode == MailMode::Immediately,
            })
            .collect(),
        saved: q.saved.is_some(),
    })
}

/// Each kind's box, ticked for a mail at once; a kind left out is `never`.
pub(crate) async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ticked: Vec<&str> = form
        .iter()
        .filter(|(_, v)| v == "immediately")
        .map(|(k, _)| k.as_str())
        .collect();
    let modes: Vec<(String, String)> = NotificationKind::ALL
        .iter()
        .map(|k| {
            let mode = if ticked.contains(&k.as_str()) {
                MailMode::Immediately
            } else {
                MailMode::Never
            };
            (k.as_str().to_owned(), mode.as_str().to_owned())
        })
        .collect();
    mail_preferences::set(&state.ctx, &signed_in.who, &modes).await?;
    Ok(Redirect::to("/account/mail?saved=1").into_response())
}

#[derive(Template)]
#[template(path = "mail/unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    errors: FormErrors,
    token: String,
    what: String,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    t: String,
}

async fn unsubscribe_answer(
    state: &AppState,
    visitor: &Visitor,
    token: String,
    outcome: hearth_app::Result<(NotificationKind, bool)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(state, visitor, "Unsubscribe").await?;
    match outcome {
        Ok((kind, done)) => render(&UnsubscribePage {
            chrome,
            errors: FormErrors::default(),
            token,
            what: kind.describe().to_lowercase(),
            done,
        }),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            render_with(
                status,
                &UnsubscribePage {
                    chrome,
                    errors,
                    token: String::new(),
                    what: String::new(),
                    done: false,
                },
            )
        }
    }
}

/// What the link would stop, with a button: a link opened by a mail
/// scanner changes nothing.
pub(crate) async fn unsubscribe_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let outcome = mail_preferences::unsubscribing(&state.ctx, &q.t)
        .await
        .map(|(_, kind)| (kind, false));
    unsubscribe_answer(&state, &visitor, q.t, outcome).await
}

/// The button, or a mail client's one-click POST (RFC 8058).
pub(crate) async fn unsubscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let outcome = mail_preferences::unsubscribe(&state.ctx, &q.t)
        .await
        .map(|kind| (kind, true));
    unsubscribe_answer(&state, &visitor, q.t, outcome).await
}
