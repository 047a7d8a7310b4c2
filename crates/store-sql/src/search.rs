//! The search index, written in the transaction that writes the text it
//! indexes, and the searches, filtered by the one visibility predicate.
//!
//! Both engines keep one index of documents named `kind << 40 | id`, holding
//! only the index (FTS5 on SQLite, a `tsvector` with a GIN index on
//! PostgreSQL); what may be seen is decided when searching, by joining the
//! content as every list does, so a move, a hide, a delete or a change of
//! membership shows in the next search without touching the index.

use async_trait::async_trait;
use hearth_core::permissions::Viewer;
use hearth_core::search::{Clause, Query, index_text, name_key};
use hearth_store::{
    Person, ProfileDetails, Result, SearchHit, SearchOrder, SearchQuery, SearchResults,
    SearchStore, SimilarTopicsQuery, Space, Topic,
};

use crate::args;
use crate::conn::{Conn, Dialect, Engine, value, value_opt};
use crate::rows::{
    PERSON_COLUMNS, SPACE_COLUMNS, person, reply, reply_columns, space, topic, topic_columns,
};
use crate::store::SqlStore;
use crate::value::{Args, ReadRows};
use crate::visibility::{Reader, Scope, Seer};

/// What a document of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    Topic(i64),
    Reply(i64),
    Space(i64),
    Person(i64),
}

/// The bits of a document's number that hold the id of what it indexes;
/// the bits above hold its kind, so that each kind is one range of numbers,
/// which both engines search within without reading the others' matches.
const ID_BITS: u32 = 40;

/// The kinds of documents, as their numbers hold them.
const TOPIC: i64 = 0;
const REPLY: i64 = 1;
const SPACE: i64 = 2;
const PERSON: i64 = 3;

impl Doc {
    fn number(self) -> i64 {
        let (kind, id) = match self {
            Doc::Topic(id) => (TOPIC, id),
            Doc::Reply(id) => (REPLY, id),
            Doc::Space(id) => (SPACE, id),
            Doc::Person(id) => (PERSON, id),
        };
        (kind << ID_BITS) | id
    }
}

/// The document numbers a search ranks: one range per kind.
#[derive(Debug, Clone)]
pub(crate) struct Window(Vec<(i64, i64)>);

impl Window {
    /// Every document of `kinds`.
    fn all(kinds: &[i64]) -> Self {
        Self(
            kinds
                .iter()
                .map(|k| (k << ID_BITS, ((k + 1) << ID_BITS) - 1))
                .collect(),
        )
    }

    /// The newest `n` matches of `text` of each of `kinds` (every match of
    /// a kind with fewer). Ranking costs a step per document ranked, and
    /// counting matches costs almost nothing: a word found in a hundred
    /// thousand documents ranks the newest of them, not all.
    async fn newest(c: &mut dyn Conn, text: &str, kinds: &[i64], n: u32) -> Result<Self> {
        let sql = match c.dialect() {
            Dialect::Sqlite => {
                "SELECT rowid FROM search_index WHERE search_index MATCH $1
                 AND rowid BETWEEN $2 AND $3 ORDER BY rowid DESC LIMIT 1 OFFSET $4"
            }
            Dialect::Postgres => {
                "SELECT doc FROM search_index WHERE vector @@ to_tsquery('english', $1)
                 AND doc BETWEEN $2 AND $3 ORDER BY doc DESC LIMIT 1 OFFSET $4"
            }
        };
        let mut ranges = Vec::with_capacity(kinds.len());
        for (first, last) in Self::all(kinds).0 {
            let offset = i64::from(n.max(1) - 1);
            let cutoff: Option<i64> = value_opt(c, sql, args![text, first, last, offset]).await?;
            ranges.push((cutoff.unwrap_or(first), last));
        }
        Ok(Self(ranges))
    }
}

/// SQL for the kind of document number `doc` (0 a topic, 1 a reply, 2 a
/// space, 3 a person).
fn kind_of(doc: &str) -> String {
    format!("({doc} >> {ID_BITS})")
}

/// SQL for the id in document number `doc`.
fn id_of(doc: &str) -> String {
    format!("({doc} & {})", (1i64 << ID_BITS) - 1)
}

/// Writes one document of the index, replacing what it held.
pub(crate) async fn index(c: &mut dyn Conn, doc: Doc, title: &str, body: &str) -> Result<()> {
    let (title, body) = (index_text(title), index_text(body));
    let doc = doc.number();
    match c.dialect() {
        Dialect::Sqlite => {
            c.execute("DELETE FROM search_index WHERE rowid = $1", args![doc])
                .await?;
            c.execute(
                "INSERT INTO search_index (rowid, title, body) VALUES ($1, $2, $3)",
                args![doc, &title, &body],
            )
            .await?;
        }
        Dialect::Postgres => {
            c.execute(
                "INSERT INTO search_index (doc, vector)
                 VALUES ($1, setweight(to_tsvector('english', $2), 'A')
                             || setweight(to_tsvector('english', $3), 'B'))
                 ON CONFLICT (doc) DO UPDATE SET vector = excluded.vector",
                args![doc, &title, &body],
            )
            .await?;
        }
    }
    Ok(())
}

/// The text a space is found by: its name, then its description and slug.
pub(crate) fn space_text(name: &str, description: &str, slug: &str) -> (String, String) {
    (name.to_owned(), format!("{description} {slug}"))
}

/// The text a person is found by: their display name and username, then
/// what their profile says (`about`: title, department, location and the
/// about text, one after another).
pub(crate) fn person_text(display_name: &str, username: &str, about: &str) -> (String, String) {
    (format!("{display_name} {username}"), about.to_owned())
}

/// What a profile says, as [`person_text`] takes it.
pub(crate) fn profile_text(d: &ProfileDetails) -> String {
    format!("{} {} {} {}", d.title, d.department, d.location, d.about_md)
}

/// A document of one kind, from its id.
type DocOf = fn(i64) -> Doc;

/// Where the index is built from, kind by kind: each row is an id and
/// four texts, read in id order from after `$1`.
const SOURCES: &[(DocOf, &str)] = &[
    (
        Doc::Topic,
        "SELECT id, title, body_md, '', '' FROM topics WHERE id > $1 ORDER BY id LIMIT 500",
    ),
    (
        Doc::Reply,
        "SELECT id, '', body_md, '', '' FROM replies WHERE id > $1 ORDER BY id LIMIT 500",
    ),
    (
        Doc::Space,
        "SELECT id, name, description, slug, '' FROM spaces
         WHERE id > $1 AND kind = 'community' ORDER BY id LIMIT 500",
    ),
    (
        Doc::Person,
        "SELECT id, display_name, username,
                COALESCE(title, '') || ' ' || COALESCE(department, '') || ' '
                || COALESCE(location, ''),
                COALESCE(about_md, '')
         FROM users WHERE id > $1 ORDER BY id LIMIT 500",
    ),
];

/// The four texts a source reads.
type Texts = (String, String, String, String);

/// Writes the document of `doc`'s kind from the texts its source read; a
/// person's directory key is written with it.
async fn rebuild_document(c: &mut dyn Conn, doc: Doc, (a, b, x, y): Texts) -> Result<()> {
    let (title, body) = match doc {
        Doc::Topic(_) | Doc::Reply(_) => (a, b),
        Doc::Space(_) => space_text(&a, &b, &x),
        Doc::Person(id) => {
            let key = name_key(&[&a, &b, &x]);
            c.execute(
                "UPDATE users SET name_key = $2 WHERE id = $1",
                args![id, &key],
            )
            .await?;
            person_text(&a, &b, &format!("{x} {y}"))
        }
    };
    index(c, doc, &title, &body).await
}

impl<E: Engine> SqlStore<E> {
    /// Builds the index again from the content when asked to (by a
    /// migration, or an import), in batches of one transaction each.
    pub(crate) async fn rebuild_search_index_if_asked(&self) -> Result<()> {
        let asked: i64 = self
            .read(|c| {
                Box::pin(async move { value(c, "SELECT count(*) FROM search_rebuild", &[]).await })
            })
            .await?;
        if asked == 0 {
            return Ok(());
        }
        self.write(|c| Box::pin(async move { c.execute("DELETE FROM search_index", &[]).await }))
            .await?;
        let mut documents = 0u64;
        for &(doc, sql) in SOURCES {
            let mut after = 0i64;
            loop {
                let (last, written) = self
                    .write(move |c| {
                        Box::pin(async move {
                            let rows = c.query(sql, args![after]).await?.read(|r| {
                                let id: i64 = r.get()?;
                                Ok((id, (r.get()?, r.get()?, r.get()?, r.get()?)))
                            })?;
                            let mut last = None;
                            for (id, texts) in rows.iter().cloned() {
                                rebuild_document(c, doc(id), texts).await?;
                                last = Some(id);
                            }
                            Ok((last, rows.len() as u64))
                        })
                    })
                    .await?;
                documents += written;
                match last {
                    Some(id) => after = id,
                    None => break,
                }
            }
        }
        self.write(|c| Box::pin(async move { c.execute("DELETE FROM search_rebuild", &[]).await }))
            .await?;
        if documents > 0 {
            tracing::info!(documents, "built the search index");
        }
        Ok(())
    }
}

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

/// What a search matches.
pub(crate) enum Match<'a> {
    /// Every clause of a query, in titles and bodies.
    All(&'a Query),
    /// Any of these words, in titles.
    AnyInTitle(&'a [String]),
}

impl Match<'_> {
    /// The match in FTS5's syntax: every word quoted, so that nothing typed
    /// is read as an operator.
    fn fts5(&self) -> String {
        fn clause(c: &Clause) -> String {
            match c {
                Clause::Word(w) => format!("\"{w}\""),
                Clause::Prefix(w) => format!("\"{w}\"*"),
                Clause::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            }
        }
        match self {
            Match::All(q) => {
                let all: Vec<String> = q.include.iter().map(clause).collect();
                let mut out = format!("({})", all.join(" AND "));
                for c in &q.exclude {
                    out.push_str(" NOT ");
                    out.push_str(&clause(c));
                }
                out
            }
            Match::AnyInTitle(words) => {
                let any: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("{{title}} : ({})", any.join(" OR "))
            }
        }
    }

    /// The match as a PostgreSQL `tsquery`: every word quoted.
    fn tsquery(&self) -> String {
        fn clause(c: &Clause) -> String {
            match c {
                Clause::Word(w) => format!("'{w}'"),
                Clause::Prefix(w) => format!("'{w}':*"),
                Clause::Phrase(ws) => {
                    let words: Vec<String> = ws.iter().map(|w| format!("'{w}'")).collect();
                    format!("({})", words.join(" <-> "))
                }
            }
        }
        match self {
            Match::All(q) => {
                let mut parts: Vec<String> = q.include.iter().map(clause).collect();
                parts.extend(q.exclude.iter().map(|c| format!("!{}", clause(c))));
                parts.join(" & ")
            }
            Match::AnyInTitle(words) => {
                let any: Vec<String> = words.iter().map(|w| format!("'{w}':A")).collect();
                any.join(" | ")
            }
        }
    }

    /// A subquery of the matching documents, `doc`, with their `score`
    /// (higher is better); `text` is the match, given as an argument.
    /// The matching documents of `window`, the best `candidates` of them.
    /// Each range of the window is read on its own, so that the engines
    /// seek into it rather than filter every match.
    pub(crate) fn documents<'a>(
        &self,
        d: Dialect,
        q: &mut Args<'a>,
        text: &'a str,
        window: &Window,
        candidates: u32,
    ) -> String {
        let text = q.arg(text);
        let ranges: Vec<String> = window
            .0
            .iter()
            .map(|(first, last)| {
                let (first, last) = (q.arg(*first), q.arg(*last));
                match d {
                    Dialect::Sqlite => format!(
                        "SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                         FROM search_index
                         WHERE search_index MATCH {text} AND rowid BETWEEN {first} AND {last}"
                    ),
                    Dialect::Postgres => format!(
                        "SELECT doc, ts_rank_cd(vector, query, 1) AS score
                         FROM search_index, to_tsquery('english', {text}) query
                         WHERE vector @@ query AND doc BETWEEN {first} AND {last}"
                    ),
                }
            })
            .collect();
        format!(
            "SELECT doc, score FROM ({}) w ORDER BY score DESC, doc DESC LIMIT {}",
            ranges.join(" UNION ALL "),
            q.arg(i64::from(candidates))
        )
    }

    pub(crate) fn text(&self, d: Dialect) -> String {
        match d {
            Dialect::Sqlite => self.fts5(),
            Dialect::Postgres => self.tsquery(),
        }
    }
}

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
