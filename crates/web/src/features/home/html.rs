//! The home page: what is new in what the member follows (or in everything
//! they may read), their spaces; or an invitation to sign in.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use hearth_app::records::{Page, SpaceView};
use hearth_app::{activity, settings};
use serde::Deserialize;

use crate::features::topics::views::TopicRow;
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
    everything: bool,
    activity: Vec<ActivityRow>,
    next: Option<String>,
    open_registration: bool,
    first_run: bool,
}

/// A topic in the activity list, with what is new in it for the reader.
struct ActivityRow {
    topic: TopicRow,
    space: String,
    /// "3 new replies", "new topic", or empty.
    news: String,
}

impl ActivityRow {
    fn new(item: &activity::Item, now: i64) -> Self {
        let news = match (item.news.visited, item.news.new_replies) {
            (false, 0) => "new topic".to_owned(),
            (_, 0) => String::new(),
            (_, 1) => "1 new reply".to_owned(),
            (true, n) if n >= 100 => "99+ new replies".to_owned(),
            (_, n) => format!("{n} new replies"),
        };
        Self {
            topic: TopicRow::new(&item.topic, now),
            space: item.topic.space_slug.clone(),
            news,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HomeQuery {
    #[serde(default)]
    tab: String,
    #[serde(default)]
    after: Option<String>,
}

pub(crate) async fn home(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    let everything = q.tab == "everything";
    let (spaces, activity, next) = match &visitor.who {
        Some(who) => {
            let scope = if everything {
                activity::Scope::Everything
            } else {
                activity::Scope::Following
            };
            let items = activity::page(&state.ctx, who, scope, q.after.as_deref()).await?;
            let next = (items.len() == activity::ACTIVITY_PER_PAGE as usize)
                .then(|| {
                    items
                        .last()
                        .map(|i| hearth_app::topics::encode_cursor(&i.topic))
                })
                .flatten();
            let now = state.ctx.now();
            (
                hearth_app::spaces::mine(&state.ctx, who, Page::first(100)).await?,
                items.iter().map(|i| ActivityRow::new(i, now)).collect(),
                next,
            )
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let open_registration = settings::get(&state.ctx).await?.registration == Registration::Open;
    render(&HomePage {
        chrome: Chrome::new(&state, &visitor, "Home").await?,
        spaces,
        everything,
        activity,
        next,
        open_registration,
        // A signed-in visitor has an account, so the site has one: only
        // a visitor signed out can be the first.
        first_run: visitor.who.is_none()
            && hearth_app::users::needs_first_admin(&state.ctx).await?,
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
    /// Backups as the database records them; empty when none ran and
    /// this node takes none.
    backups: Vec<String>,
    backup_failed: bool,
}

/// The status page's sentences on backups.
fn backup_facts(b: &hearth_app::backups::BackupStatus, now: i64) -> Vec<String> {
    let when = |r: &Option<hearth_app::records::OpsRecord>| match r {
        Some(r) => crate::time_fmt::When::new(r.at, now).relative(),
        None => "not yet".to_owned(),
    };
    let ok_when =
        |r: &Option<hearth_app::records::OpsRecord>| match r.as_ref().and_then(|r| r.last_ok_at) {
            Some(at) => crate::time_fmt::When::new(at, now).relative(),
            None => "not yet".to_owned(),
        };
    let mut facts = Vec::new();
    match &b.plan {
        Some(plan) => facts.push(format!(
            "Backups are taken every {}, each verified before it counts.",
            crate::time_fmt::span(plan.every)
        )),
        None if b.backup.is_none() => {
            facts.push("Scheduled backups are not enabled on this server.".to_owned());
            return facts;
        }
        None => facts.push("Backups are taken by another server of this site.".to_owned()),
    }
    facts.push(format!("Last backup {}.", when(&b.backup)));
    facts.push(format!(
        "Last backup verified as restorable {}.",
        ok_when(&b.restore_check)
    ));
    let check = match &b.integrity_check {
        Some(r) if r.ok => format!(
            "Last integrity check of the live database {}: consistent.",
            when(&b.integrity_check)
        ),
        Some(_) => format!(
            "Last integrity check of the live database {}: problems found.",
            when(&b.integrity_check)
        ),
        None => "Last integrity check of the live database: not yet.".to_owned(),
    };
    facts.push(check);
    facts
}

pub(crate) async fn status(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let status = hearth_app::status::show(&state.ctx, visitor.viewer()).await?;
    // Members see backups (guests see only health), as every node tells.
    let (backups, backup_failed) = match &status.stats {
        Some(_) => {
            let b = hearth_app::backups::status(&state.ctx).await?;
            (backup_facts(&b, state.ctx.now()), b.last_error().is_some())
        }
        None => (Vec::new(), false),
    };
    render(&StatusPage {
        backups,
        backup_failed,
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
