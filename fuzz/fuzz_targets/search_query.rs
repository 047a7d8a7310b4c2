//! Search queries: any text (split at the first NUL into a query and a
//! body) parses within the per-input time limit into words that are only
//! letters and digits, so that quoting them for an engine is always safe;
//! a snippet of any body is plain text whose marks stand on its words.
#![no_main]

use hearth_core::search::{Clause, MAX_QUERY_WORDS, Query, snippet};
use libfuzzer_sys::fuzz_target;

fn words(c: &Clause) -> Vec<&str> {
    match c {
        Clause::Word(w) | Clause::Prefix(w) => vec![w.as_str()],
        Clause::Phrase(ws) => ws.iter().map(String::as_str).collect(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (query, body) = text.split_once('\0').unwrap_or((text, ""));
    let Ok(q) = Query::parse(query) else {
        return;
    };
    assert!(!q.include.is_empty());
    let all: Vec<&str> = q.include.iter().chain(&q.exclude).flat_map(words).collect();
    assert!(all.len() <= MAX_QUERY_WORDS);
    for w in all {
        assert!(!w.is_empty());
        assert!(w.chars().all(char::is_alphanumeric), "{w:?}");
    }
    let s = snippet(body, &q, 200);
    assert!(!s.text.contains(['<', '>', '*', '`']), "{:?}", s.text);
    let mut at = 0;
    for m in &s.marks {
        assert!(m.start >= at && m.start < m.end && m.end <= s.text.len());
        assert!(s.text.is_char_boundary(m.start) && s.text.is_char_boundary(m.end));
        at = m.end;
    }
});
