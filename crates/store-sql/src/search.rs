//! The search index, written in the transaction that writes the text it
//! indexes, and the searches, filtered by the one visibility predicate.
//!
//! Both engines keep one index of documents named `id * 4 + kind`, holding
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
use crate::conn::{Conn, Dialect, Engine, value};
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

impl Doc {
    fn number(self) -> i64 {
        match self {
            Doc::Topic(id) => id * 4,
            Doc::Reply(id) => id * 4 + 1,
            Doc::Space(id) => id * 4 + 2,
            Doc::Person(id) => id * 4 + 3,
        }
    }
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
        tracing::info!(documents, "built the search index");
        Ok(())
    }
}

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
    pub(crate) fn documents<'a>(&self, d: Dialect, q: &mut Args<'a>, text: &'a str) -> String {
        match d {
            Dialect::Sqlite => format!(
                "SELECT rowid AS doc, -bm25(search_index, 4.0, 1.0) AS score
                 FROM search_index WHERE search_index MATCH {}",
                q.arg(text)
            ),
            Dialect::Postgres => format!(
                "SELECT doc, ts_rank_cd(vector, query, 1) AS score
                 FROM search_index, to_tsquery('english', {}) query WHERE vector @@ query",
                q.arg(text)
            ),
        }
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
                let documents = matching.documents(d, &mut q, &text);
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
                let from = format!(
                    "FROM ({documents}) h
                     LEFT JOIN replies r ON h.doc % 4 = 1 AND r.id = h.doc / 4
                     JOIN topics t ON t.id = (CASE WHEN h.doc % 4 = 0 THEN h.doc / 4 ELSE r.topic_id END)
                     JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id {membership}
                     WHERE h.doc % 4 IN (0, 1) AND (r.id IS NULL OR NOT r.deleted)
                       AND {reads}{filters}",
                    membership = seer.membership(&mut q, "s"),
                    reads = seer.reads_topic(&mut q, Scope::WithOwn),
                );
                let counted = q.list().len();
                let sql = format!(
                    "SELECT {}, r.id, count(*) OVER () {from} ORDER BY {order} LIMIT {} OFFSET {}",
                    topic_columns(d),
                    q.arg(i64::from(query.limit)),
                    q.arg(i64::from(query.offset)),
                );
                let found = c
                    .query(&sql, q.list())
                    .await?
                    .read(|c| Ok((topic(c)?, c.get::<Option<i64>>()?, c.get::<i64>()?)))?;
                let total = match found.first() {
                    Some((_, _, total)) => *total,
                    None if query.offset == 0 => 0,
                    None => {
                        let sql = format!("SELECT count(*) {from}");
                        value(c, &sql, &q.list()[..counted]).await?
                    }
                };
                let reply_ids: Vec<String> = found
                    .iter()
                    .filter_map(|(_, r, _)| r.map(|id| id.to_string()))
                    .collect();
                let mut replies = Vec::new();
                if !reply_ids.is_empty() {
                    // Ids are integers read from the database: safe to list inline.
                    let sql = format!(
                        "SELECT {} FROM replies r JOIN users u ON u.id = r.author_id
                         WHERE r.id IN ({})",
                        reply_columns(),
                        reply_ids.join(", ")
                    );
                    replies = c
                        .query(&sql, args![query.viewer.user_id()])
                        .await?
                        .read(reply)?;
                }
                let hits = found
                    .into_iter()
                    .map(|(topic, reply_id, _)| SearchHit {
                        topic,
                        reply: reply_id
                            .and_then(|id| replies.iter().find(|r| r.id.0 == id).cloned()),
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
                    "SELECT {SPACE_COLUMNS} FROM ({}) h JOIN spaces s ON s.id = h.doc / 4 {}
                     WHERE h.doc % 4 = 2 AND s.kind = 'community' AND {}
                     ORDER BY h.score DESC, s.id LIMIT {}",
                    matching.documents(d, &mut q, &text),
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
                    "SELECT {PERSON_COLUMNS} FROM ({}) h JOIN users u ON u.id = h.doc / 4
                     WHERE h.doc % 4 = 3 AND u.status = 'active'
                     ORDER BY h.score DESC, u.id LIMIT {}",
                    matching.documents(d, &mut q, &text),
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
                let documents = matching.documents(d, &mut q, &text);
                let in_space = match query.space {
                    Some(space) => format!(" AND t.space_id = {}", q.arg(space)),
                    None => String::new(),
                };
                let sql = format!(
                    "SELECT {} FROM ({documents}) h JOIN topics t ON t.id = h.doc / 4
                     JOIN users u ON u.id = t.author_id
                     JOIN spaces s ON s.id = t.space_id {}
                     WHERE h.doc % 4 = 0 AND {}{in_space}
                     ORDER BY h.score DESC, t.id DESC LIMIT {}",
                    topic_columns(d),
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
