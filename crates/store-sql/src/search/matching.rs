//! What a search matches, in each engine's syntax, and which documents
//! it ranks.

use hearth_core::search::{Clause, Query};
use hearth_store::Result;

use super::index::ID_BITS;
use crate::args;
use crate::conn::{Conn, Dialect, value_opt};
use crate::value::Args;

/// The document numbers a search ranks: one range per kind.
#[derive(Debug, Clone)]
pub(crate) struct Window(Vec<(i64, i64)>);

impl Window {
    /// Every document of `kinds`.
    pub(super) fn all(kinds: &[i64]) -> Self {
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
    pub(super) async fn newest(
        c: &mut dyn Conn,
        text: &str,
        kinds: &[i64],
        n: u32,
    ) -> Result<Self> {
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
    pub(super) fn fts5(&self) -> String {
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
    pub(super) fn tsquery(&self) -> String {
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
                        "SELECT rowid AS doc, hearth_rank(search_index, 4.0, 1.0) AS score
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
