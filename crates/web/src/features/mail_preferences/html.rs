//! The account's mail page, and the page an unsubscribe link opens.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::digests;
use hearth_app::mail_preferences::{self, SIGN_IN_ALERTS, Unsubscribing};
use hearth_app::records::{MailMode, MailSchedule, NotificationKind};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::page::{Chrome, FormErrors, render, render_with};
use crate::state::AppState;

struct Row {
    kind: &'static str,
    description: &'static str,
    mode: &'static str,
}

#[derive(Template)]
#[template(path = "mail/preferences.html")]
struct PreferencesPage {
    chrome: Chrome,
    errors: FormErrors,
    rows: Vec<Row>,
    modes: [(&'static str, &'static str); 4],
    schedule: MailSchedule,
    time_zones: Vec<String>,
    hours: Vec<u8>,
    weekdays: [(u8, &'static str); 7],
    sign_in_alerts: bool,
    saved: bool,
}

const MODES: [(&str, &str); 4] = [
    ("immediately", "At once"),
    ("daily", "In a daily digest"),
    ("weekly", "In a weekly digest"),
    ("never", "Never"),
];

const WEEKDAYS: [(u8, &str); 7] = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
];

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The page as it stands, or as sent back with what was wrong.
async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    visitor: &Visitor,
    errors: FormErrors,
    sent: Option<MailSchedule>,
    saved: bool,
) -> Result<PreferencesPage, PageError> {
    let ctx = &state.ctx;
    let who = &signed_in.who;
    let modes = mail_preferences::of(ctx, who).await?;
    let schedule = match sent {
        Some(sent) => sent,
        None => digests::schedule(ctx, who.user.id).await?,
    };
    Ok(PreferencesPage {
        chrome: Chrome::new(state, visitor, "Mail").await?,
        errors,
        rows: modes
            .into_iter()
            .map(|(kind, mode)| Row {
                kind: kind.as_str(),
                description: kind.describe(),
                mode: mode.as_str(),
            })
            .collect(),
        modes: MODES,
        schedule,
        time_zones: digests::time_zones(),
        hours: (0..24).collect(),
        weekdays: WEEKDAYS,
        sign_in_alerts: mail_preferences::sign_in_alerts(ctx, who).await?,
        saved,
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let saved = q.saved.is_some();
    render(
        &page(
            &state,
            &signed_in,
            &visitor,
            FormErrors::default(),
            None,
            saved,
        )
        .await?,
    )
}

/// Each kind's mode and the digests' time (a field left out keeps its
/// value), and the sign-in alert's box (unticked: `never`). A wrong time
/// zone, hour or weekday changes nothing.
pub(crate) async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    // A field left out keeps its value; one that is not a number is out
    // of range, and refused.
    let number = |name: &str, kept: u8| field(name).map_or(kept, |v| v.parse().unwrap_or(u8::MAX));
    let kept = digests::schedule(&state.ctx, signed_in.who.user.id).await?;
    let schedule = MailSchedule {
        time_zone: field("time_zone").unwrap_or_else(|| kept.time_zone.clone()),
        hour: number("hour", kept.hour),
        weekday: number("weekday", kept.weekday),
    };
    let mut modes: Vec<(String, String)> = NotificationKind::ALL
        .iter()
        .filter_map(|k| Some((k.as_str().to_owned(), field(k.as_str())?)))
        .collect();
    let alerts = if field(SIGN_IN_ALERTS).is_some() {
        MailMode::Immediately
    } else {
        MailMode::Never
    };
    modes.push((SIGN_IN_ALERTS.to_owned(), alerts.as_str().to_owned()));
    let ctx = &state.ctx;
    let who = &signed_in.who;
    // Checked before anything is written. A schedule left as it was is
    // not saved: a member who never chose one keeps following the site's
    // time zone, and a digest waiting keeps its time.
    let saved = match digests::check_schedule(&schedule) {
        Ok(()) => match mail_preferences::set(ctx, who, &modes).await {
            Ok(()) if schedule != kept => {
                digests::set_schedule(ctx, who.user.id, schedule.clone()).await
            }
            done => done,
        },
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(Redirect::to("/account/mail?saved=1").into_response()),
        Err(err) => {
            let (status, errors) = FormErrors::from_error(err)?;
            let page = page(&state, &signed_in, &visitor, errors, Some(schedule), false).await?;
            render_with(status, &page)
        }
    }
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
    outcome: hearth_app::Result<(Unsubscribing, bool)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(state, visitor, "Unsubscribe").await?;
    match outcome {
        Ok((what, done)) => render(&UnsubscribePage {
            chrome,
            errors: FormErrors::default(),
            token,
            what: what.describe(),
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
        .map(|(_, what)| (what, false));
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
        .map(|what| (what, true));
    unsubscribe_answer(&state, &visitor, q.t, outcome).await
}
