//! Finding what colleagues wrote: topics, replies, spaces and people,
//! only as far as the reader may see them, with a highlighted snippet each.

use hearth_core::content::Tag;
use hearth_core::model::TopicKind;
use hearth_core::names::Username;
use hearth_core::permissions::{SpaceAction, Viewer};
use hearth_core::search::{Query, Snippet, resembling_words, snippet};
use hearth_store::{
    MAX_SEARCH_RESULTS, Person, Reply, SearchOrder, SearchQuery, SimilarTopicsQuery, Space, Topic,
};

use crate::access::{self, guest_access};
use crate::work::Work;
use crate::{AppError, Ctx, Result};

/// How many characters of a body a snippet shows.
const SNIPPET_CHARS: usize = 220;
/// How many spaces and people a search shows beside its results.
const SIDE_RESULTS: u32 = 5;
/// How many topics are suggested for a title being written.
const SIMILAR_TOPICS: u32 = 5;

/// A search as a person asks for it; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    /// What to look for.
    pub q: String,
    /// A space's slug.
    pub space: Option<String>,
    /// A kind of topic.
    pub kind: Option<String>,
    /// An author's username.
    pub author: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// Written at or after (Unix ms).
    pub since: Option<i64>,
    /// Written before (Unix ms).
    pub until: Option<i64>,
    /// Questions with an accepted answer (true) or without (false).
    pub answered: Option<bool>,
    /// `relevance` (the default) or `newest`.
    pub order: Option<String>,
    /// The cursor of the next page, from the previous one.
    pub after: Option<String>,
    /// How many results at most.
    pub limit: u32,
}

/// One result, with its title and an excerpt, matched words marked.
#[derive(Debug, Clone)]
pub struct Found {
    /// The topic found, or the topic of the reply found.
    pub topic: Topic,
    /// The reply found, if a reply was.
    pub reply: Option<Reply>,
    /// The topic's title, marked.
    pub title: Snippet,
    /// An excerpt of the body found, marked.
    pub excerpt: Snippet,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Results {
    /// This page.
    pub hits: Vec<Found>,
    /// How many results the reader may see in all.
    pub total: i64,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// The first spaces that match, on the first page.
    pub spaces: Vec<Space>,
    /// The first people who match, on the first page (for members only).
    pub people: Vec<Person>,
}

/// The query of `text`, or why it cannot be searched.
pub fn parse_query(text: &str) -> Result<Query> {
    Query::parse(text).map_err(|e| AppError::invalid("q", e.to_string()))
}

fn offset_of(after: Option<&str>) -> Result<u32> {
    match after.filter(|a| !a.is_empty()) {
        None => Ok(0),
        Some(a) => a
            .parse::<u32>()
            .ok()
            .filter(|o| *o < MAX_SEARCH_RESULTS)
            .ok_or_else(|| AppError::invalid("after", "is not a cursor from this search")),
    }
}

/// Searches topics and replies (and, on the first page, spaces and
/// people) for `viewer`.
pub async fn search(ctx: &Ctx, viewer: Viewer, input: SearchInput) -> Result<Results> {
    guest_access(ctx, viewer).await?;
    let query = parse_query(&input.q)?;
    let space = match input.space.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(slug) => Some(
            access::find(ctx, viewer, slug, SpaceAction::Read)
                .await
                .map_err(|e| match e {
                    AppError::NotFound | AppError::Forbidden(_) | AppError::Unauthorized(_) => {
                        AppError::invalid("space", "is not a space you can search")
                    }
                    other => other,
                })?
                .view
                .space
                .id,
        ),
    };
    let kind = match input.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(
            TopicKind::parse(k).map_err(|_| AppError::invalid("kind", "is not a kind of topic"))?,
        ),
    };
    let author = match input.author.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(name) => {
            let name = Username::parse(name.trim_start_matches('@'))
                .map_err(|_| AppError::invalid("author", "is not a username"))?;
            let user = ctx.store.user_by_username(&name).await?;
            Some(
                user.ok_or_else(|| AppError::invalid("author", "no member has this name"))?
                    .id,
            )
        }
    };
    let tag = input
        .tag
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(Tag::parse)
        .transpose()
        .map_err(|_| AppError::invalid("tag", "is not a tag"))?;
    let order = match input.order.as_deref() {
        None | Some("") | Some("relevance") => SearchOrder::Relevance,
        Some("newest") => SearchOrder::Newest,
        Some(_) => return Err(AppError::invalid("order", "is relevance or newest")),
    };
    let offset = offset_of(input.after.as_deref())?;
    let limit = input.limit.clamp(1, 50).min(MAX_SEARCH_RESULTS - offset);
    let found = ctx
        .store
        .search(SearchQuery {
            viewer,
            now: ctx.now(),
            query: query.clone(),
            space,
            kind,
            author,
            tag,
            since: input.since,
            until: input.until,
            answered: input.answered,
            order,
            offset,
            limit,
        })
        .await?;
    let end = offset + found.hits.len() as u32;
    let next = (found.hits.len() as u32 == limit
        && i64::from(end) < found.total
        && end < MAX_SEARCH_RESULTS)
        .then(|| end.to_string());
    let (spaces, people) = if offset == 0 && space.is_none() {
        let spaces = ctx
            .store
            .search_spaces(viewer, query.clone(), SIDE_RESULTS)
            .await?;
        // The directory of people is for members; guests find content only.
        let people = match viewer {
            Viewer::Guest => Vec::new(),
            _ => ctx.store.search_people(query.clone(), SIDE_RESULTS).await?,
        };
        (spaces, people)
    } else {
        (Vec::new(), Vec::new())
    };
    // Excerpts scan a bounded start of each body, on a work thread.
    let hits = ctx
        .work
        .run(Work::Markup, move || {
            found
                .hits
                .into_iter()
                .map(|hit| {
                    let body = hit
                        .reply
                        .as_ref()
                        .map_or(&hit.topic.body_md, |r| &r.body_md);
                    let excerpt = snippet(body, &query, SNIPPET_CHARS);
                    let title = snippet(hit.topic.title.as_str(), &query, usize::MAX);
                    Found {
                        topic: hit.topic,
                        reply: hit.reply,
                        title,
                        excerpt,
                    }
                })
                .collect()
        })
        .await?;
    Ok(Results {
        hits,
        total: found.total,
        next,
        spaces,
        people,
    })
}

/// Topics the viewer may read whose titles share words with `title`, as
/// it is being written: answered questions found before they are asked
/// again. Optionally only in the space `space`.
pub async fn similar(
    ctx: &Ctx,
    viewer: Viewer,
    title: &str,
    space: Option<&str>,
) -> Result<Vec<Topic>> {
    guest_access(ctx, viewer).await?;
    let space = match space.filter(|s| !s.is_empty()) {
        None => None,
        Some(slug) => Some(
            access::find(ctx, viewer, slug, SpaceAction::Read)
                .await?
                .view
                .space
                .id,
        ),
    };
    Ok(ctx
        .store
        .similar_topics(SimilarTopicsQuery {
            viewer,
            now: ctx.now(),
            words: resembling_words(title),
            space,
            limit: SIMILAR_TOPICS,
        })
        .await?)
}
