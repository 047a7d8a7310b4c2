//! The home page: the visitor's spaces, or an invitation to sign in.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use hearth_app::records::{Page, SpaceView};
use hearth_app::settings;
use hearth_core::model::Registration;

use crate::error::PageError;
use crate::extract::Visitor;
use crate::page::{Chrome, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    spaces: Vec<SpaceView>,
    open_registration: bool,
    first_run: bool,
}

pub(crate) async fn home(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let spaces = match &visitor.who {
        Some(who) => hearth_app::spaces::mine(&state.ctx, who, Page::first(100)).await?,
        None => Vec::new(),
    };
    let open_registration = settings::get(&state.ctx).await?.registration == Registration::Open;
    render(&HomePage {
        chrome: Chrome::new(&state, &visitor, "Home").await?,
        spaces,
        open_registration,
        first_run: hearth_app::users::needs_first_admin(&state.ctx).await?,
    })
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    chrome: Chrome,
    status: hearth_app::status::Status,
    engine: &'static str,
    release: String,
    migrated: String,
    backups: hearth_app::backups::BackupState,
    last_backup: String,
    last_verified: String,
}

pub(crate) async fn status(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let status = hearth_app::status::show(&state.ctx, visitor.viewer()).await?;
    let backups = state.ctx.backups.get();
    let when = |t: Option<i64>| {
        t.map(crate::time_fmt::human)
            .unwrap_or_else(|| "not yet".into())
    };
    render(&StatusPage {
        last_backup: when(backups.last_backup_at),
        last_verified: when(backups.last_verified_restore_at),
        backups,
        chrome: Chrome::new(&state, &visitor, "Status").await?,
        migrated: status
            .stats
            .map(|s| crate::time_fmt::human(s.migrated_at))
            .unwrap_or_default(),
        status,
        engine: hearth_app::status::pool(&state.ctx).0,
        release: state.config.release.clone(),
    })
}
