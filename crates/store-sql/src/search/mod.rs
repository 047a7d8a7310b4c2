//! The search index, written in the transaction that writes the text it
//! indexes, and the searches, filtered by the one visibility predicate.
//!
//! Both engines keep one index of documents named `kind << 40 | id`, holding
//! only the index (FTS5 on SQLite, a `tsvector` with a GIN index on
//! PostgreSQL); what may be seen is decided when searching, by joining the
//! content as every list does, so a move, a hide, a delete or a change of
//! membership shows in the next search without touching the index.

mod index;
mod matching;

use async_trait::async_trait;
use hearth_core::permissions::Viewer;
use hearth_core::search::Query;
use hearth_store::{
    Person, Result, SearchHit, SearchOrder, SearchQuery, SearchResults, SearchStore,
    SimilarTopicsQuery, Space, Topic,
};

pub(crate) use index::{
    Doc, REBUILD_STEPS, index, person_text, profile_text, rebuild_batch, rebuild_total, space_text,
};
use index::{PERSON, REPLY, SPACE, TOPIC, id_of, kind_of};
use matching::{Match, Window};

use crate::args;
use crate::conn::{Engine, value};
use crate::rows::{
    PERSON_COLUMNS, SPACE_COLUMNS, person, reply, reply_columns, space, topic, topic_columns,
};
use crate::store::SqlStore;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

/// How many of the newest matches of each kind a search without filters
/// ranks, and how many of them it keeps: a word found in a hundred thousand
/// documents ranks and counts a few hundred of them, and its pages reach as
/// far (ten pages of twenty).
const UNFILTERED_CANDIDATES: u32 = 200;

/// How many a search with filters (a space, an author, dates…) considers:
/// more, since the filters pass only some of them.
const FILTERED_CANDIDATES: u32 = 5_000;

/// How many of the newest topics whose titles share words with a title
/// being written are ranked.
const SIMILAR_WINDOW: u32 = 300;

/// How many spaces, people or similar topics are considered for the few
/// shown beside results or under a title being written.
const SIDE_CANDIDATES: u32 = 100;

#[async_trait]
impl<E: Engine> SearchStore for SqlStore<E> {
    async fn search(&self, query: SearchQuery) -> Result<SearchResults> {
        self.read(move |c| {
            Box::pin(async move {
                let d = c.dialect();
                let matching = Match::All(&query.query);
                let text = matching.text(d);
                let seer = Seer::new(query.viewer, query.now, Reader::Search);
                let mut q = Args::new();
                let filtered = query.space.is_some()
                    || query.kind.is_some()
                    || query.author.is_some()
                    || query.tag.is_some()
                    || query.since.is_some()
                    || query.until.is_some()
                    || query.answered.is_some();
                let candidates = if filtered {
                    FILTERED_CANDIDATES
                } else {
                    UNFILTERED_CANDIDATES
                };
                let window = Window::newest(c, &text, &[TOPIC, REPLY], candidates).await?;
                let documents = matching.documents(d, &mut q, &text, &window, candidates);
                let created = "coalesce(r.created_at, t.created_at)";
                let mut filters = String::new();
                if let Some(space) = query.space {
                    filters += &format!(" AND t.space_id = {}", q.arg(space));
                }
                if let Some(kind) = query.kind {
                    filters += &format!(" AND t.kind = {}", q.arg(kind.as_str()));
                }
                if let Some(author) = query.author {
                    filters += &format!(
                        " AND coalesce(r.author_id, t.author_id) = {}",
                        q.arg(author)
                    );
                }
                if let Some(tag) = &query.tag {
                    filters += &format!(
                        " AND EXISTS (SELECT 1 FROM topic_tags g WHERE g.topic_id = t.id AND g.tag = {})",
                        q.arg(tag.as_str())
                    );
                }
                if let Some(since) = query.since {
                    filters += &format!(" AND {created} >= {}", q.arg(since));
                }
                if let Some(until) = query.until {
                    filters += &format!(" AND {created} < {}", q.arg(until));
                }
                if let Some(answered) = query.answered {
                    filters += &format!(
                        " AND t.kind = 'question' AND (t.accepted_reply_id IS NOT NULL) = {}",
                        q.arg(answered)
                    );
                }
                let order = match query.order {
                    SearchOrder::Relevance => format!("h.score DESC, {created} DESC, h.doc DESC"),
                    SearchOrder::Newest => format!("{created} DESC, h.doc DESC"),
                };
                // The page is chosen from thin rows (ids and sort keys), and
                // only its topics are read whole: a word found in thousands
                // of documents sorts ids, not bodies and tag lists.
                let from = format!(
                    "FROM ({documents}) h
                     LEFT JOIN replies r ON {kind} = 1 AND r.id = {id}
                     JOIN topics t ON t.id = (CASE WHEN {kind} = 0 THEN {id} ELSE r.topic_id END)
                     JOIN spaces s ON s.id = t.space_id {membership}
                     WHERE (r.id IS NULL OR NOT r.deleted) AND {reads}{filters}",
                    kind = kind_of("h.doc"),
                    id = id_of("h.doc"),
                    membership = seer.membership(&mut q, "s"),
                    reads = seer.reads_topic(&mut q, Scope::WithOwn),
                );
                let counted = q.list().len();
                let sql = format!(
                    "SELECT t.id, r.id, count(*) OVER () {from} ORDER BY {order} LIMIT {} OFFSET {}",
                    q.arg(i64::from(query.limit)),
                    q.arg(i64::from(query.offset)),
                );
                let found = c.query(&sql, q.list()).await?.read(|c| {
                    Ok((c.get::<i64>()?, c.get::<Option<i64>>()?, c.get::<i64>()?))
                })?;
                let total = match found.first() {
                    Some((_, _, total)) => *total,
                    None if query.offset == 0 => 0,
                    None => {
                        let sql = format!("SELECT count(*) {from}");
                        value(c, &sql, &q.list()[..counted]).await?
                    }
                };
                // Ids are integers read from the database: safe to list inline.
                let list = |ids: &mut dyn Iterator<Item = i64>| {
                    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
                };
                let mut topics = Vec::new();
                if !found.is_empty() {
                    let sql = format!(
                        "SELECT {} FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id IN ({})",
                        topic_columns(d),
                        list(&mut found.iter().map(|(t, _, _)| *t))
                    );
                    topics = c.query(&sql, &[]).await?.read(topic)?;
                }
                let mut replies = Vec::new();
                if found.iter().any(|(_, r, _)| r.is_some()) {
                    let sql = format!(
                        "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN ({})",
                        reply_columns(),
                        list(&mut found.iter().filter_map(|(_, r, _)| *r))
                    );
                    replies = c
                        .query(&sql, args![query.viewer.user_id()])
                        .await?
                        .read(reply)?;
                }
                let hits = found
                    .into_iter()
                    .filter_map(|(topic_id, reply_id, _)| {
                        Some(SearchHit {
                            topic: topics.iter().find(|t| t.id.0 == topic_id)?.clone(),
                            reply: reply_id
                                .and_then(|id| replies.iter().find(|r| r.id.0 == id).cloned()),
                        })
                    })
                    .collect();
                Ok(SearchResults { hits, total })
            })
        })
        .await
    }

    async fn search_spaces(&self, viewer: Viewer, query: Query, limit: u32) -> Result<Vec<Space>> {
        self.read(move |c| {
            Box::pin(async move {
                let d = c.dialect();
                let matching = Match::All(&query);
                let text = matching.text(d);
                let seer = Seer::new(viewer, 0, Reader::SearchSpaces);
                let mut q = Args::new();
                let sql = format!(
                    "SELECT {SPACE_COLUMNS} FROM ({}) h JOIN spaces s ON s.id = {} {}
                     WHERE s.kind = 'community' AND {}
                     ORDER BY h.score DESC, s.id LIMIT {}",
                    matching.documents(d, &mut q, &text, &Window::all(&[SPACE]), SIDE_CANDIDATES),
                    id_of("h.doc"),
                    seer.membership(&mut q, "s"),
                    seer.sees_space(&mut q),
                    q.arg(i64::from(limit)),
                );
                c.query(&sql, q.list()).await?.read(space)
            })
        })
        .await
    }

    async fn search_people(&self, query: Query, limit: u32) -> Result<Vec<Person>> {
        self.read(move |c| {
            Box::pin(async move {
                let d = c.dialect();
                let matching = Match::All(&query);
                let text = matching.text(d);
                let mut q = Args::new();
                let sql = format!(
                    "SELECT {PERSON_COLUMNS} FROM ({}) h JOIN users u ON u.id = {}
                     WHERE u.status = 'active'
                     ORDER BY h.score DESC, u.id LIMIT {}",
                    matching.documents(d, &mut q, &text, &Window::all(&[PERSON]), SIDE_CANDIDATES),
                    id_of("h.doc"),
                    q.arg(i64::from(limit)),
                );
                c.query(&sql, q.list()).await?.read(person)
            })
        })
        .await
    }

    async fn similar_topics(&self, query: SimilarTopicsQuery) -> Result<Vec<Topic>> {
        if query.words.is_empty() {
            return Ok(Vec::new());
        }
        self.read(move |c| {
            Box::pin(async move {
                let d = c.dialect();
                let matching = Match::AnyInTitle(&query.words);
                let text = matching.text(d);
                let seer = Seer::new(query.viewer, query.now, Reader::SimilarTopics);
                let mut q = Args::new();
                let window = Window::newest(c, &text, &[TOPIC], SIMILAR_WINDOW).await?;
                let documents = matching.documents(d, &mut q, &text, &window, SIDE_CANDIDATES);
                let in_space = match query.space {
                    Some(space) => format!(" AND t.space_id = {}", q.arg(space)),
                    None => String::new(),
                };
                let sql = format!(
                    "SELECT {} FROM ({documents}) h JOIN topics t ON t.id = {}
                     JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id {}
                     WHERE {}{in_space}
                     ORDER BY h.score DESC, t.id DESC LIMIT {}",
                    topic_columns(d),
                    id_of("h.doc"),
                    seer.membership(&mut q, "s"),
                    seer.reads_topic(&mut q, Scope::Live),
                    q.arg(i64::from(query.limit)),
                );
                c.query(&sql, q.list()).await?.read(topic)
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_reach_the_engines_as_quoted_words_only() {
        let q = Query::parse(r#"deplo* "blue green" -rollback NEAR(x"#).unwrap();
        let m = Match::All(&q);
        assert_eq!(
            m.fts5(),
            r#"("deplo"* AND "blue green" AND "near x") NOT "rollback""#
        );
        assert_eq!(
            m.tsquery(),
            "'deplo':* & ('blue' <-> 'green') & ('near' <-> 'x') & !'rollback'"
        );
        let words = vec!["how".to_owned(), "deploy".to_owned()];
        let m = Match::AnyInTitle(&words);
        assert_eq!(m.fts5(), r#"{title} : ("how" OR "deploy")"#);
        assert_eq!(m.tsquery(), "'how':A | 'deploy':A");
    }
}
