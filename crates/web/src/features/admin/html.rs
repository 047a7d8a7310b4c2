//! The administration page and its forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::records::{Invite, SiteSettings, User};
use hearth_app::settings::SettingsInput;
use hearth_app::users::{self, UserInput};
use hearth_app::{AppError, invites, settings};
use hearth_core::ids::{InviteId, UserId};
use hearth_core::model::{Registration, UserStatus};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{PageForm, SignedIn, Visitor};
use crate::features::PageQuery;
use crate::page::{Chrome, FormErrors, render_with};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/show.html")]
struct AdminPage {
    chrome: Chrome,
    errors: FormErrors,
    users: Vec<User>,
    next: Option<String>,
    invites: Vec<Invite>,
    settings: SiteSettings,
    invite_link: String,
    registrations: &'static [Registration],
    time_zones: Vec<String>,
    audit: Vec<AuditRow>,
    backup_error: Option<String>,
    data_migrations: Vec<DataMigrationRow>,
}

/// A long data migration and how far it has got.
struct DataMigrationRow {
    what: String,
    percent: i64,
    rows: String,
    state: String,
}

impl DataMigrationRow {
    fn new(m: &hearth_app::records::DataMigration, now: i64) -> Self {
        use hearth_app::data_migrations::{describe, percent};
        let rows = match m.total {
            Some(total) => format!("{} of {} rows", m.done, total),
            None => "not begun".into(),
        };
        let state = match (&m.finished_at, &m.held) {
            (Some(at), _) => format!("finished {}", crate::time_fmt::When::new(*at, now)),
            (None, Some((holder, until))) if *until > now => format!("running on node {holder}"),
            (None, _) => "waiting for a node to run it".into(),
        };
        Self {
            what: describe(&m.name).to_owned(),
            percent: percent(m),
            rows,
            state,
        }
    }
}

struct AuditRow {
    when: crate::time_fmt::When,
    actor: String,
    action: String,
    target: String,
    before: String,
    after: String,
}

struct Notice {
    status: StatusCode,
    errors: FormErrors,
    invite_link: String,
}

async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    visitor: &Visitor,
    q: PageQuery,
    notice: Notice,
) -> Result<Response, PageError> {
    let page = q.page()?;
    let users = users::list(&state.ctx, &signed_in.who, page).await?;
    let next = crate::features::next_cursor(&users, page, |u| u.id.0);
    render_with(
        notice.status,
        &AdminPage {
            chrome: Chrome::new(state, visitor, "Administration").await?,
            errors: notice.errors,
            users,
            next,
            invites: invites::pending(&state.ctx, &signed_in.who).await?,
            settings: settings::get(&state.ctx).await?,
            invite_link: notice.invite_link,
            registrations: Registration::ALL,
            time_zones: hearth_app::digests::time_zones(),
            backup_error: hearth_app::backups::status(&state.ctx).await?.last_error(),
            data_migrations: hearth_app::data_migrations::all(&state.ctx)
                .await?
                .iter()
                .map(|m| DataMigrationRow::new(m, state.ctx.now()))
                .collect(),
            audit: hearth_app::audit::list(&state.ctx, &signed_in.who, None, 50)
                .await?
                .into_iter()
                .map(|e| AuditRow {
                    when: crate::time_fmt::When::new(e.at, state.ctx.now()),
                    actor: e.actor.username.to_string(),
                    action: e.action.as_str().to_owned(),
                    target: e.target,
                    before: e.before.unwrap_or_default(),
                    after: e.after.unwrap_or_default(),
                })
                .collect(),
        },
    )
}

fn ok() -> Notice {
    Notice {
        status: StatusCode::OK,
        errors: FormErrors::default(),
        invite_link: String::new(),
    }
}

async fn refused(
    state: &AppState,
    signed_in: &SignedIn,
    visitor: &Visitor,
    err: AppError,
) -> Result<Response, PageError> {
    let (status, errors) = FormErrors::from_error(err)?;
    page(
        state,
        signed_in,
        visitor,
        PageQuery::default(),
        Notice {
            status,
            errors,
            invite_link: String::new(),
        },
    )
    .await
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    users::require_admin(&signed_in.who)?;
    page(&state, &signed_in, &visitor, q, ok()).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    admin: Option<String>,
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<CreateUserForm>,
) -> Result<Response, PageError> {
    let input = UserInput {
        username: form.username,
        display_name: form.display_name,
        email: form.email,
        password: form.password,
    };
    match users::create_by_admin(&state.ctx, &signed_in.who, &input, form.admin.is_some()).await {
        Ok(_) => Ok(Redirect::to("/admin").into_response()),
        Err(err) => refused(&state, &signed_in, &visitor, err).await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChangeUserForm {
    #[serde(default)]
    action: String,
}

pub(crate) async fn change_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(id): Path<String>,
    PageForm(form): PageForm<ChangeUserForm>,
) -> Result<Response, PageError> {
    let id: UserId = id.parse().map_err(|_| AppError::NotFound)?;
    let who = &signed_in.who;
    let done = match form.action.as_str() {
        "lock" => users::set_status(&state.ctx, who, id, UserStatus::Locked).await,
        "unlock" => users::set_status(&state.ctx, who, id, UserStatus::Active).await,
        "delete" => users::set_status(&state.ctx, who, id, UserStatus::Deleted).await,
        "make_admin" => users::set_admin(&state.ctx, who, id, true).await,
        "revoke_admin" => users::set_admin(&state.ctx, who, id, false).await,
        _ => Err(AppError::invalid("action", "is not a known action")),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/admin").into_response()),
        Err(err) => refused(&state, &signed_in, &visitor, err).await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    email: String,
}

pub(crate) async fn invite(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    headers: HeaderMap,
    PageForm(form): PageForm<InviteForm>,
) -> Result<Response, PageError> {
    let origin = state.origin(&headers);
    match invites::create(&state.ctx, &signed_in.who, &form.email, &origin).await {
        Ok((_, secret)) => {
            let notice = Notice {
                status: StatusCode::CREATED,
                errors: FormErrors::default(),
                invite_link: format!("/register?invite={secret}"),
            };
            page(&state, &signed_in, &visitor, PageQuery::default(), notice).await
        }
        Err(err) => refused(&state, &signed_in, &visitor, err).await,
    }
}

pub(crate) async fn revoke_invite(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: InviteId = id.parse().map_err(|_| AppError::NotFound)?;
    invites::revoke(&state.ctx, &signed_in.who, id).await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    site_name: String,
    #[serde(default)]
    registration: String,
    #[serde(default)]
    guest_access: Option<String>,
    #[serde(default)]
    read_only: Option<String>,
    /// Left out: kept.
    #[serde(default)]
    time_zone: Option<String>,
}

pub(crate) async fn save_settings(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    PageForm(form): PageForm<SettingsForm>,
) -> Result<Response, PageError> {
    let input = SettingsInput {
        site_name: Some(form.site_name),
        registration: Some(form.registration),
        guest_access: Some(form.guest_access.is_some()),
        read_only: Some(form.read_only.is_some()),
        time_zone: form.time_zone,
    };
    match settings::update(&state.ctx, &signed_in.who, &input).await {
        Ok(_) => Ok(Redirect::to("/admin").into_response()),
        Err(err) => refused(&state, &signed_in, &visitor, err).await,
    }
}
