//! Records of search: what is asked and what is found.

use hearth_core::content::Tag;
use hearth_core::ids::{SpaceId, UserId};
use hearth_core::model::TopicKind;
use hearth_core::permissions::Viewer;
use hearth_core::search::Query;

use crate::content::{Reply, Topic};

/// The most results a search pages through; past it, a narrower search.
pub const MAX_SEARCH_RESULTS: u32 = 1000;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first, newer first among equals.
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// A search of topics and replies, as one reader may see them.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// Who asks: only what they may read is found, counted or shown.
    pub viewer: Viewer,
    /// Now, for scheduled posts.
    pub now: i64,
    /// What to look for.
    pub query: Query,
    /// Only in this space.
    pub space: Option<SpaceId>,
    /// Only in topics of this kind.
    pub kind: Option<TopicKind>,
    /// Only written by this member.
    pub author: Option<UserId>,
    /// Only in topics with this tag.
    pub tag: Option<Tag>,
    /// Only written at or after this time (ms).
    pub since: Option<i64>,
    /// Only written before this time (ms).
    pub until: Option<i64>,
    /// Only in questions with (true) or without (false) an accepted answer.
    pub answered: Option<bool>,
    /// The order.
    pub order: SearchOrder,
    /// How many results to skip.
    pub offset: u32,
    /// How many at most.
    pub limit: u32,
}

/// One result: a topic, or a reply in its topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The topic found, or the topic of the reply found.
    pub topic: Topic,
    /// The reply found, if a reply was.
    pub reply: Option<Reply>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchResults {
    /// The results of this page.
    pub hits: Vec<SearchHit>,
    /// How many results the reader may see among the documents the search
    /// ranked: of a word found in very many, the newest few hundred of each
    /// kind (more with filters).
    pub total: i64,
}

/// A search for topics that resemble a title being written.
#[derive(Debug, Clone)]
pub struct SimilarTopicsQuery {
    /// Who asks.
    pub viewer: Viewer,
    /// Now, for scheduled posts.
    pub now: i64,
    /// The words of the title; a topic with any of them in its title matches.
    pub words: Vec<String>,
    /// Only in this space.
    pub space: Option<SpaceId>,
    /// How many at most.
    pub limit: u32,
}
