//! The search page: a form with filters, the results with marked excerpts,
//! and the spaces and people that match.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_app::AppError;
use hearth_app::records::Space;
use hearth_app::search::{self, Found};
use hearth_core::model::TopicKind;

use super::params::SearchParams;
use crate::error::PageError;
use crate::extract::Visitor;
use crate::features::people::views::PersonCard;
use crate::features::topics::views::topic_url;
use crate::page::{Chrome, FormErrors, render_with};
use crate::state::AppState;
use crate::time_fmt::When;

/// One result as the page shows it.
struct HitRow {
    url: String,
    title: Vec<(String, bool)>,
    excerpt: Vec<(String, bool)>,
    what: &'static str,
    kind: &'static str,
    space: String,
    author: String,
    author_username: String,
    when: When,
    answered: bool,
}

fn parts(s: &hearth_core::search::Snippet) -> Vec<(String, bool)> {
    s.parts()
        .into_iter()
        .map(|(t, m)| (t.to_owned(), m))
        .collect()
}

impl HitRow {
    fn new(f: &Found, now: i64) -> Self {
        let (what, url, author, at) = match &f.reply {
            Some(r) => ("reply in", format!("/r/{}", r.id), &r.author, r.created_at),
            None => ("", topic_url(&f.topic), &f.topic.author, f.topic.created_at),
        };
        Self {
            url,
            title: parts(&f.title),
            excerpt: parts(&f.excerpt),
            what,
            kind: f.topic.kind.as_str(),
            space: f.topic.space_slug.clone(),
            author: author.display_name.to_string(),
            author_username: author.username.to_string(),
            when: When::new(at, now),
            answered: f.topic.accepted_reply.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "search/results.html")]
struct SearchPage {
    chrome: Chrome,
    errors: FormErrors,
    params: SearchParams,
    kinds: &'static [TopicKind],
    filtered: bool,
    searched: bool,
    hits: Vec<HitRow>,
    total: i64,
    next: Option<String>,
    spaces: Vec<Space>,
    people: Vec<PersonCard>,
}

impl SearchPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

pub(crate) async fn search(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    let q = params.q.clone().unwrap_or_default();
    let title = if q.trim().is_empty() {
        "Search".to_owned()
    } else {
        format!("Search: {}", q.trim())
    };
    let mut page = SearchPage {
        chrome: Chrome::new(&state, &visitor, title).await?,
        errors: FormErrors::default(),
        filtered: params.filtered(),
        searched: false,
        kinds: TopicKind::ALL,
        hits: Vec::new(),
        total: 0,
        next: None,
        spaces: Vec::new(),
        people: Vec::new(),
        params,
    };
    let mut status = StatusCode::OK;
    if page.params.asked() {
        let found = match page.params.input() {
            Ok(input) => search::search(&state.ctx, visitor.viewer(), input).await,
            Err(e) => Err(e),
        };
        match found {
            Ok(results) => {
                page.searched = true;
                let now = state.ctx.now();
                page.hits = results.hits.iter().map(|f| HitRow::new(f, now)).collect();
                page.total = results.total;
                page.next = results.next.map(|n| page.params.next_page(&n));
                page.spaces = results.spaces;
                page.people = results
                    .people
                    .iter()
                    .map(|p| PersonCard::new(p, visitor.viewer()))
                    .collect();
            }
            Err(AppError::Invalid(fields)) => {
                status = StatusCode::BAD_REQUEST;
                page.errors = FormErrors(fields);
            }
            Err(other) => return Err(other.into()),
        }
    }
    render_with(status, &page)
}
