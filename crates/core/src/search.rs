//! Search, the same on every engine: the text the index holds, what a
//! person's query means, and the snippet shown with a result.
//!
//! Both engines tokenize what they are given on their own (SQLite's FTS5,
//! PostgreSQL's text search); Hearth hands them text already folded the
//! same way, so that a word is found alike on both: lower case, accents
//! removed, and each CJK character a word of its own (Japanese and Chinese
//! put no spaces between words; a run of characters is searched as a
//! phrase of single characters).
//!
//! A query is parsed here into words, prefixes, phrases and exclusions;
//! the engines receive only that structure, rewritten in their syntax with
//! every word quoted, so no operator or column filter typed in a query
//! ever reaches an engine.

use std::fmt;
use std::ops::Range;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// The longest query taken, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most words a query may hold, phrases counted word by word.
pub const MAX_QUERY_WORDS: usize = 24;
/// The shortest prefix searched as a prefix (`de*`); a shorter one is a word.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Whether `c` is written without spaces between words: Chinese, Japanese
/// and Korean characters, indexed one by one. Unassigned code points of
/// these blocks are not letters, and separate words like punctuation.
fn is_cjk(c: char) -> bool {
    c.is_alphanumeric()
        && matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
        | '\u{20000}'..='\u{2FA1F}')
}

/// Appends `c` folded: lower case, without accents (kept whole for CJK
/// characters, whose marks change the word).
fn push_folded(out: &mut String, c: char) {
    for lower in c.to_lowercase() {
        decompose_canonical(lower, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        });
    }
}

/// `text` as the index holds it: folded, each CJK character standing alone.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            push_folded(&mut out, c);
        }
    }
    out
}

/// The words of `text`, folded, with where each stands in `text`: runs of
/// letters and digits, and each CJK character alone.
fn words_with_spans(text: &str) -> Vec<(String, Range<usize>)> {
    let mut words = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (at, c) in text.char_indices() {
        if is_cjk(c) {
            if let Some((word, start)) = current.take() {
                words.push((word, start..at));
            }
            words.push((c.to_string(), at..at + c.len_utf8()));
        } else if c.is_alphanumeric() {
            let (word, _) = current.get_or_insert_with(|| (String::new(), at));
            push_folded(word, c);
        } else if !is_combining_mark(c)
            && let Some((word, start)) = current.take()
        {
            words.push((word, start..at));
        }
    }
    if let Some((word, start)) = current {
        words.push((word, start..text.len()));
    }
    words.retain(|(w, _)| !w.is_empty());
    words
}

/// The folded words of `text`.
pub fn words(text: &str) -> Vec<String> {
    words_with_spans(text).into_iter().map(|(w, _)| w).collect()
}

/// What the directory of people finds a person by: the folded words of
/// `texts`, each after a space, so that `LIKE '% ana%'` finds a word that
/// begins with `ana`.
pub fn name_key(texts: &[&str]) -> String {
    let mut key = String::new();
    for text in texts {
        for word in words(text) {
            key.push(' ');
            key.push_str(&word);
        }
    }
    key
}

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word (the engines match its stem: `deploying` finds `deployed`).
    Word(String),
    /// The beginning of a word: `deplo*`.
    Prefix(String),
    /// Words one after another: `"blue green deploy"`, or a run of CJK
    /// characters.
    Phrase(Vec<String>),
}

impl Clause {
    fn from_words(mut words: Vec<String>, prefix: bool) -> Option<Self> {
        match words.len() {
            0 => None,
            1 => {
                let word = words.remove(0);
                Some(if prefix && word.chars().count() >= MIN_PREFIX_CHARS {
                    Clause::Prefix(word)
                } else {
                    Clause::Word(word)
                })
            }
            _ => Some(Clause::Phrase(words)),
        }
    }

    fn word_count(&self) -> usize {
        match self {
            Clause::Word(_) | Clause::Prefix(_) => 1,
            Clause::Phrase(words) => words.len(),
        }
    }
}

/// What a query may not be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    /// Longer than [`MAX_QUERY_CHARS`].
    TooLong,
    /// More than [`MAX_QUERY_WORDS`] words.
    TooManyWords,
    /// No word to look for (only punctuation, or only exclusions).
    NothingToFind,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::TooLong => {
                write!(f, "a search is at most {MAX_QUERY_CHARS} characters long")
            }
            QueryError::TooManyWords => write!(f, "a search is at most {MAX_QUERY_WORDS} words"),
            QueryError::NothingToFind => {
                f.write_str("a search needs at least one word to find (not only -excluded ones)")
            }
        }
    }
}

impl std::error::Error for QueryError {}

/// A parsed query: every clause of `include` must match, none of `exclude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub include: Vec<Clause>,
    pub exclude: Vec<Clause>,
}

impl Query {
    /// Parses what a person typed: words, `"phrases"`, `prefix*` and
    /// `-excluded` words or phrases. Everything else (operators, column
    /// filters, brackets, control characters) separates words; a quote
    /// left open runs to the end.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut query = Query {
            include: Vec::new(),
            exclude: Vec::new(),
        };
        let mut rest = text;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
            if rest.is_empty() {
                break;
            }
            let negated = rest.starts_with('-');
            if negated {
                rest = &rest[1..];
            }
            let clause = if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                let phrase = &quoted[..end];
                rest = quoted.get(end + 1..).unwrap_or("");
                Clause::from_words(words(phrase), false)
            } else {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c.is_control() || c == '"')
                    .unwrap_or(rest.len());
                let raw = &rest[..end];
                rest = &rest[end..];
                Clause::from_words(words(raw), raw.ends_with('*'))
            };
            if let Some(clause) = clause {
                if negated {
                    query.exclude.push(clause);
                } else {
                    query.include.push(clause);
                }
            }
        }
        let count: usize = query
            .include
            .iter()
            .chain(&query.exclude)
            .map(Clause::word_count)
            .sum();
        if count > MAX_QUERY_WORDS {
            return Err(QueryError::TooManyWords);
        }
        if query.include.is_empty() {
            return Err(QueryError::NothingToFind);
        }
        Ok(query)
    }

    /// The words a result is highlighted for, with whether each is a prefix.
    fn marked_words(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        for clause in &self.include {
            match clause {
                Clause::Word(w) => out.push((w.as_str(), false)),
                Clause::Prefix(w) => out.push((w.as_str(), true)),
                Clause::Phrase(ws) => out.extend(ws.iter().map(|w| (w.as_str(), false))),
            }
        }
        out
    }
}

/// The words of a title, for finding topics that resemble it: any of them
/// may match. At most [`MAX_QUERY_WORDS`], none of the shortest.
pub fn resembling_words(title: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(
        title
            .get(..title.floor_char_boundary(MAX_QUERY_CHARS))
            .unwrap_or(""),
    ) {
        let long_enough = word.chars().count() >= 3 || word.chars().all(is_cjk);
        if long_enough && !out.contains(&word) && out.len() < MAX_QUERY_WORDS {
            out.push(word);
        }
    }
    out
}

/// How much of a body a snippet is looked for in: the start of a long body
/// is enough to show why it matched, and the work stays bounded.
const SNIPPET_SCAN_BYTES: usize = 32 * 1024;

/// A short plain-text excerpt of a result with the matched words marked:
/// never any markup of the body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// Plain text.
    pub text: String,
    /// Byte ranges of `text` that matched, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// The text in parts, each with whether it matched: for templates,
    /// which escape each part.
    pub fn parts(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for mark in &self.marks {
            if mark.start > at {
                out.push((&self.text[at..mark.start], false));
            }
            out.push((&self.text[mark.clone()], true));
            at = mark.end;
        }
        if at < self.text.len() {
            out.push((&self.text[at..], false));
        }
        out
    }
}

/// The root a highlighted word is compared on: common English endings
/// dropped, as the engines' stemmers would (approximately: a highlight,
/// not what decides a match).
fn root(word: &str) -> &str {
    for ending in [
        "ments", "ment", "ings", "ing", "ions", "ion", "ed", "es", "s", "ly",
    ] {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.chars().count() >= 3
        {
            return stem;
        }
    }
    word
}

fn matches(word: &str, wanted: &[(&str, bool)]) -> bool {
    wanted.iter().any(|&(w, prefix)| {
        if prefix {
            word.starts_with(w)
        } else {
            word == w || root(word) == root(w)
        }
    })
}

/// Body text as plain words: HTML tags go, Markdown's emphasis marks go,
/// its other punctuation becomes space, and runs of space one space.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(SNIPPET_SCAN_BYTES));
    let mut space = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!'))
        {
            // A tag, to its end: each character is looked at once.
            for t in chars.by_ref() {
                if t == '>' {
                    break;
                }
            }
            continue;
        }
        if matches!(c, '*' | '_' | '`' | '~') {
            continue;
        }
        let blank = c.is_whitespace()
            || c.is_control()
            || matches!(c, '#' | '>' | '<' | '|' | '[' | ']' | '\\');
        if blank {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The snippet of `text` for `query`: about `width` characters around the
/// first match (or the start when the match is past what is scanned), the
/// matched words marked.
pub fn snippet(text: &str, query: &Query, width: usize) -> Snippet {
    let scanned = &text[..text.floor_char_boundary(SNIPPET_SCAN_BYTES)];
    let plain = plain(scanned);
    let wanted = query.marked_words();
    let words = words_with_spans(&plain);
    let first = words
        .iter()
        .find(|(w, _)| matches(w, &wanted))
        .map_or(0, |(_, span)| span.start);
    // Start a little before the first match, at a word's beginning.
    let lead = width / 4;
    let mut start = plain[..first]
        .char_indices()
        .rev()
        .nth(lead)
        .map_or(0, |(at, _)| at);
    if start > 0 {
        start = plain[start..]
            .find(' ')
            .map_or(first, |space| (start + space + 1).min(first));
    }
    let end = plain[start..]
        .char_indices()
        .nth(width)
        .map_or(plain.len(), |(at, _)| start + at);
    let end = if end < plain.len() {
        plain[start..end]
            .rfind(' ')
            .map_or(end, |space| start + space)
    } else {
        end
    };
    let mut snippet = Snippet::default();
    if start > 0 {
        snippet.text.push_str("… ");
    }
    let offset = snippet.text.len();
    snippet.text.push_str(&plain[start..end]);
    snippet.marks = words
        .iter()
        .filter(|(w, span)| span.start >= start && span.end <= end && matches(w, &wanted))
        .map(|(_, span)| span.start - start + offset..span.end - start + offset)
        .collect();
    if end < plain.len() {
        snippet.text.push_str(" …");
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Query {
        Query::parse(text).unwrap()
    }

    fn word(w: &str) -> Clause {
        Clause::Word(w.into())
    }

    #[test]
    fn words_are_folded_and_cjk_stands_alone() {
        assert_eq!(index_text("Müller ÉTÉ"), "muller ete");
        assert_eq!(words("Straße Привет"), ["straße", "привет"]);
        assert_eq!(words("東京の天気"), ["東", "京", "の", "天", "気"]);
        assert_eq!(words("deploy-script v2.1"), ["deploy", "script", "v2", "1"]);
        // Kana keep their voicing marks: が is not か.
        assert_eq!(index_text("が"), " が ");
        assert_eq!(name_key(&["Zoë O'Neil", "zoe", ""]), " zoe o neil zoe");
        // An unassigned code point of a CJK block is no word.
        assert_eq!(words("a\u{faec}b"), ["a", "b"]);
    }

    #[test]
    fn queries_have_words_prefixes_phrases_and_exclusions() {
        let q = parse(r#"deplo* "blue  green" -rollback -"big bang" Café"#);
        assert_eq!(
            q.include,
            [
                Clause::Prefix("deplo".into()),
                Clause::Phrase(vec!["blue".into(), "green".into()]),
                word("cafe"),
            ]
        );
        assert_eq!(
            q.exclude,
            [
                word("rollback"),
                Clause::Phrase(vec!["big".into(), "bang".into()])
            ]
        );
    }

    #[test]
    fn engine_syntax_in_a_query_is_only_words() {
        let q = parse(r#"title:secret NEAR(a b) OR x AND "unbalanced"#);
        assert_eq!(
            q.include,
            [
                Clause::Phrase(vec!["title".into(), "secret".into()]),
                Clause::Phrase(vec!["near".into(), "a".into()]),
                word("b"),
                word("or"),
                word("x"),
                word("and"),
                word("unbalanced"),
            ]
        );
        assert_eq!(parse("\0a\u{1}b").include, [word("a"), word("b")]);
        assert_eq!(
            parse("東京").include,
            [Clause::Phrase(vec!["東".into(), "京".into()])]
        );
        assert_eq!(parse("a*").include, [word("a")]);
    }

    #[test]
    fn queries_without_words_or_too_long_are_refused() {
        for nothing in ["", "*", "  \"\" ", "-x", "-\"a b\"", "()", "\0"] {
            assert_eq!(
                Query::parse(nothing),
                Err(QueryError::NothingToFind),
                "{nothing:?}"
            );
        }
        assert_eq!(Query::parse(&"a".repeat(10_000)), Err(QueryError::TooLong));
        assert_eq!(
            Query::parse(&"a ".repeat(MAX_QUERY_WORDS + 1)),
            Err(QueryError::TooManyWords)
        );
        assert!(Query::parse(&"a ".repeat(MAX_QUERY_WORDS)).is_ok());
    }

    #[test]
    fn snippets_are_plain_text_around_the_match() {
        let body = format!(
            "{} We **deployed** the <script>alert(1)</script> service on Friday. {}",
            "Intro words. ".repeat(30),
            "Closing words. ".repeat(30)
        );
        let s = snippet(&body, &parse("deploying"), 80);
        assert!(s.text.starts_with("… "), "{}", s.text);
        assert!(s.text.ends_with(" …"), "{}", s.text);
        assert!(!s.text.contains('<') && !s.text.contains('*'), "{}", s.text);
        let marked: Vec<&str> = s.marks.iter().map(|m| &s.text[m.clone()]).collect();
        assert_eq!(marked, ["deployed"]);
        assert!(s.text.chars().count() < 100);
    }

    #[test]
    fn snippets_mark_prefixes_phrases_and_accented_words() {
        let s = snippet(
            "Déploiement à Zürich: blue green rollout",
            &parse("zurich \"blue green\" roll*"),
            200,
        );
        let marked: Vec<&str> = s.marks.iter().map(|m| &s.text[m.clone()]).collect();
        assert_eq!(marked, ["Zürich", "blue", "green", "rollout"]);
        assert_eq!(s.parts().len(), 8);
        let s = snippet("今日は東京で会議", &parse("東京"), 200);
        let marked: Vec<&str> = s.marks.iter().map(|m| &s.text[m.clone()]).collect();
        assert_eq!(marked, ["東", "京"]);
    }

    #[test]
    fn resembling_words_skip_short_words_and_repeats() {
        assert_eq!(
            resembling_words("How to deploy to the staging deploy?"),
            ["how", "deploy", "the", "staging"]
        );
    }
}
