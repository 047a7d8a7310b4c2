//! Search in the API: results with marked excerpts, and the topics that
//! resemble a title being written.

use axum::Json;
use axum::extract::State;
use hearth_app::records::{Space, Topic};
use hearth_app::search::{self, Found};
use hearth_core::search::Snippet;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::SearchParams;
use crate::error::ApiError;
use crate::extract::{ApiCaller, ApiQuery};
use crate::features::people::views::PersonJson;
use crate::features::topics::views::topic_url;
use crate::json::{TopicJson, UserJson};
use crate::state::AppState;
use crate::time_fmt::rfc3339;
use hearth_core::escape::escape_markup;

/// A snippet as HTML: the text escaped, the matched words in `<mark>`.
pub(crate) fn snippet_html(s: &Snippet) -> String {
    let mut out = String::with_capacity(s.text.len() + 16);
    for (text, marked) in s.parts() {
        if marked {
            out.push_str("<mark>");
            out.push_str(&escape_markup(text));
            out.push_str("</mark>");
        } else {
            out.push_str(&escape_markup(text));
        }
    }
    out
}

/// One result.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HitJson {
    /// `topic` or `reply`.
    r#type: &'static str,
    /// The page of the topic or reply.
    url: String,
    /// The topic's title.
    title: String,
    /// The title as HTML, matched words in `<mark>`; no other markup.
    title_html: String,
    /// A plain-text excerpt of what was found.
    snippet: String,
    /// The excerpt as HTML, matched words in `<mark>`; no other markup.
    snippet_html: String,
    /// Who wrote what was found.
    author: UserJson,
    /// When what was found was written.
    created_at: String,
    /// The reply's id, for a reply.
    reply: Option<String>,
    /// The topic found, or the topic of the reply found.
    topic: TopicJson,
}

impl From<&Found> for HitJson {
    fn from(f: &Found) -> Self {
        let (kind, url, author, created_at) = match &f.reply {
            Some(r) => ("reply", format!("/r/{}", r.id), &r.author, r.created_at),
            None => (
                "topic",
                topic_url(&f.topic),
                &f.topic.author,
                f.topic.created_at,
            ),
        };
        Self {
            r#type: kind,
            url,
            title: f.topic.title.as_str().to_owned(),
            title_html: snippet_html(&f.title),
            snippet: f.excerpt.text.clone(),
            snippet_html: snippet_html(&f.excerpt),
            author: UserJson::from(author),
            created_at: rfc3339(created_at),
            reply: f.reply.as_ref().map(|r| r.id.to_string()),
            topic: TopicJson::from(&f.topic),
        }
    }
}

/// A space that matches.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FoundSpaceJson {
    slug: String,
    name: String,
    description: String,
    url: String,
}

impl From<&Space> for FoundSpaceJson {
    fn from(s: &Space) -> Self {
        Self {
            slug: s.slug.clone(),
            name: s.name.to_string(),
            description: s.description.to_string(),
            url: format!("/s/{}", s.slug),
        }
    }
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SearchResultsJson {
    /// Topics and replies, best match first (or newest first).
    items: Vec<HitJson>,
    /// How many results the caller may see among the best-matching
    /// documents: of a word found in very many, the newest 200 topics and
    /// 200 replies are ranked (5,000 of each with filters).
    total: i64,
    /// Cursor for the next page, absent on the last.
    next: Option<String>,
    /// On the first page, the first spaces that match.
    spaces: Vec<FoundSpaceJson>,
    /// On the first page, the first people who match (for members).
    people: Vec<PersonJson>,
}

/// Searches topics, replies, documents, spaces and people the caller may see.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchParams),
    responses((status = 200, body = SearchResultsJson),
              (status = 400, description = "the query or a filter cannot be searched; the error names it")))]
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResultsJson>, ApiError> {
    let viewer = caller.viewer();
    let results = search::search(&state.ctx, viewer, params.input()?).await?;
    Ok(Json(SearchResultsJson {
        items: results.hits.iter().map(HitJson::from).collect(),
        total: results.total,
        next: results.next,
        spaces: results.spaces.iter().map(FoundSpaceJson::from).collect(),
        people: results
            .people
            .iter()
            .map(|p| PersonJson::new(p, viewer))
            .collect(),
    }))
}

/// The title being written, and where.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimilarParams {
    /// The title so far.
    title: String,
    /// Only topics of this space (its slug).
    space: Option<String>,
}

/// Topics that resemble a title.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SimilarJson {
    items: Vec<TopicJson>,
}

/// Topics the caller may read whose titles share words with a title being
/// written: answered questions found before they are asked again.
#[utoipa::path(get, path = "/api/v1/search/similar", tag = "search",
    params(SimilarParams),
    responses((status = 200, body = SimilarJson)))]
pub(crate) async fn similar(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<SimilarParams>,
) -> Result<Json<SimilarJson>, ApiError> {
    let topics: Vec<Topic> = search::similar(
        &state.ctx,
        caller.viewer(),
        &params.title,
        params.space.as_deref(),
    )
    .await?;
    Ok(Json(SimilarJson {
        items: topics.iter().map(TopicJson::from).collect(),
    }))
}
