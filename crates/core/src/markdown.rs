//! Markdown → sanitized HTML, once, at write time.
//!
//! CommonMark with tables, strikethrough, task lists and autolinks (bare
//! `https://…` and `www.…` URLs too, as GFM finds them), then an
//! allow-list sanitizer: no script, no event handlers, no `javascript:` or
//! `data:` URLs, no style; every link gets `rel="nofollow ugc noopener"`.
//! `@username` in text becomes a link to the profile.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{
    CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream, html,
};

use crate::names::Username;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("nofollow ugc noopener"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .add_tags(["input"])
        // Task-list boxes only: every input becomes a disabled checkbox.
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .add_tag_attributes("code", ["class"])
        .add_allowed_classes("a", ["mention"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("code", "class") => {
                let ok = value.strip_prefix("language-").is_some_and(|lang| {
                    !lang.is_empty()
                        && lang.len() <= 32
                        && lang
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c))
                });
                ok.then_some(value.into())
            }
            // Browsers ignore control characters in some places of a URL and
            // not others; a URL that holds any is refused outright.
            (_, "href" | "src") if value.chars().any(char::is_control) => None,
            // A URL the sanitizer does not check against the allowed
            // schemes, and no browser shows: it goes.
            (_, "cite") => None,
            _ => Some(value.into()),
        });
    b
});

/// Sanitizes HTML with Hearth's allow-list. Idempotent.
pub fn sanitize(html: &str) -> String {
    // Unwrapping a refused element can leave markup that parses differently
    // the next time (`a <button><p>` leaves a `<p>` inside a `<p>`), so it
    // is cleaned again until it stays the same: what a browser reads is
    // then exactly what was checked.
    let mut out = SANITIZER.clean(html).to_string();
    for _ in 0..3 {
        let again = SANITIZER.clean(&out).to_string();
        if again == out {
            break;
        }
        out = again;
    }
    out
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Finds `@username` mentions in text: an `@` at the start or after a
/// character that cannot be part of an e-mail address's local part.
fn mention_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'@'
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || b"._-".contains(&bytes[i - 1])))
        {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] == b'-')
            {
                end += 1;
            }
            // A trailing '-' or '_' is punctuation, not part of the name.
            while end > start && (bytes[end - 1] == b'-' || bytes[end - 1] == b'_') {
                end -= 1;
            }
            if end > start && Username::parse(&text[start..end]).is_ok() {
                spans.push((i, end));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    spans
}

/// Where a bare URL starting at `at` ends, if one does: `http://`,
/// `https://` or `www.`, a valid domain, then anything up to a space or `<`,
/// less trailing punctuation (GFM's extended autolinks).
fn url_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let head = |p: &str| {
        rest.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    let (domain_from, www) = if head("https://") {
        (8, false)
    } else if head("http://") {
        (7, false)
    } else if rest.starts_with("www.") {
        (0, true)
    } else {
        return None;
    };
    let before = text[..at].chars().next_back();
    let bounded = match before {
        None => true,
        // Not `_`: it may sit inside a domain, and emphasis is parsed away anyway.
        Some(c) if www => c.is_whitespace() || "*~(".contains(c),
        Some(c) => !c.is_alphanumeric(),
    };
    if !bounded {
        return None;
    }
    // The domain is checked before the path is read, so text that only
    // looks like the start of a URL is never scanned twice.
    let domain_len = rest[domain_from..]
        .find(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)))
        .unwrap_or(rest.len() - domain_from);
    let domain = &rest[domain_from..domain_from + domain_len];
    if !valid_domain(domain.trim_end_matches(['.', '_'])) {
        return None;
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '<')
        .unwrap_or(rest.len());
    let mut link = &rest[..end];
    // Parentheses are counted once, then kept up to date as the end is cut
    // back: counting them again at each cut is quadratic in a run of `)`.
    let open = link.bytes().filter(|&b| b == b'(').count();
    let mut close = link.bytes().filter(|&b| b == b')').count();
    loop {
        match link.chars().next_back() {
            Some(c) if "?!.,:;*_~'\"".contains(c) => link = &link[..link.len() - 1],
            Some(')') if close > open => {
                link = &link[..link.len() - 1];
                close -= 1;
            }
            _ => break,
        }
    }
    let domain = &link[domain_from.min(link.len())..(domain_from + domain_len).min(link.len())];
    valid_domain(domain).then_some(at + link.len())
}

/// Segments of letters, digits, `-` and `_` joined by dots, at least two,
/// and no `_` in the last two (GFM's valid domain).
fn valid_domain(domain: &str) -> bool {
    let segments: Vec<&str> = domain.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|s| !s.is_empty())
        && segments.iter().rev().take(2).all(|s| !s.contains('_'))
}

/// Text cut into plain runs and bare URLs: (start, end, is a URL).
fn url_pieces(text: &str) -> Vec<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let (mut plain_from, mut i) = (0, 0);
    while i < bytes.len() {
        let candidate = matches!(bytes[i], b'h' | b'H' | b'w');
        match candidate.then(|| url_at(text, i)).flatten() {
            Some(end) => {
                if i > plain_from {
                    pieces.push((plain_from, i, false));
                }
                pieces.push((i, end, true));
                (plain_from, i) = (end, end);
            }
            None => i += 1,
        }
    }
    if plain_from < text.len() {
        pieces.push((plain_from, text.len(), false));
    }
    pieces
}

/// Whether an event opens (1), closes (-1) or leaves alone (0) a place
/// where text stays as written: links, images, code blocks and raw `<a>`.
fn verbatim_change(event: &Event<'_>) -> isize {
    match event {
        Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => 1,
        Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => -1,
        Event::InlineHtml(h) | Event::Html(h) => {
            let h = h.to_ascii_lowercase();
            let tag = |p: &str| {
                h.strip_prefix(p)
                    .is_some_and(|r| r.starts_with(|c: char| c == '>' || c.is_ascii_whitespace()))
            };
            if tag("<a") {
                1
            } else if tag("</a") {
                -1
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// The Markdown's events, text merged, with whether each is outside every
/// place where text stays as written.
fn walk(markdown: &str) -> impl Iterator<Item = (Event<'_>, bool)> {
    let mut depth = 0isize;
    TextMergeStream::new(Parser::new_ext(markdown, options())).map(move |event| {
        depth = (depth + verbatim_change(&event)).max(0);
        (event, depth == 0)
    })
}

/// The usernames mentioned in a Markdown text (outside code, links and
/// URLs), in order, once each.
pub fn mentions(markdown: &str) -> Vec<Username> {
    let mut seen = Vec::new();
    for (event, free) in walk(markdown) {
        let Event::Text(text) = event else { continue };
        if !free {
            continue;
        }
        for (from, to, _) in url_pieces(&text).into_iter().filter(|p| !p.2) {
            let plain = &text[from..to];
            for (s, e) in mention_spans(plain) {
                if let Ok(u) = Username::parse(&plain[s + 1..e])
                    && !seen.contains(&u)
                {
                    seen.push(u);
                }
            }
        }
    }
    seen
}

/// Pushes plain text with the mentions of people (`is_person`) made
/// profile links; other `@name`s stay text.
fn push_plain<'a>(events: &mut Vec<Event<'a>>, text: &str, is_person: &impl Fn(&str) -> bool) {
    let mut at = 0;
    for (s, e) in mention_spans(text) {
        if !is_person(&text[s + 1..e].to_ascii_lowercase()) {
            continue;
        }
        if s > at {
            events.push(Event::Text(CowStr::from(text[at..s].to_owned())));
        }
        let name = &text[s + 1..e];
        events.push(Event::InlineHtml(CowStr::from(format!(
            "<a class=\"mention\" href=\"/u/{}\">@{}</a>",
            name.to_ascii_lowercase(),
            name
        ))));
        at = e;
    }
    if at < text.len() {
        events.push(Event::Text(CowStr::from(text[at..].to_owned())));
    }
}

/// Elements that hold nothing, and elements a sibling of their kind closes:
/// neither nests.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
];

/// Raw HTML's effect on how many elements are open: `depth` after it, and
/// the most open within it.
fn html_nesting(html: &str, mut depth: usize) -> (usize, usize) {
    let mut deepest = depth;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest[usize::from(closing)..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !NOT_NESTING.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    (depth, deepest)
}

/// How deep a Markdown text nests: its blocks and inline spans with the raw
/// HTML elements inside them, as a browser would open them (near enough).
/// Linear in the text's length, unlike sanitizing what it renders to.
pub fn nesting(markdown: &str) -> usize {
    let (mut blocks, mut html, mut deepest) = (0usize, 0usize, 0usize);
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(_) => blocks += 1,
            Event::End(_) => blocks = blocks.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => {
                let (after, most) = html_nesting(&h, html);
                deepest = deepest.max(blocks + most);
                html = after;
            }
            _ => {}
        }
        deepest = deepest.max(blocks + html);
    }
    deepest
}

/// Renders Markdown to sanitized HTML, every `@name` a profile link.
pub fn render(markdown: &str) -> String {
    render_for(markdown, |_| true)
}

/// Renders Markdown to sanitized HTML, linking the mentions of the people
/// `is_person` knows (it is given lowercase usernames).
pub fn render_for(markdown: &str, is_person: impl Fn(&str) -> bool) -> String {
    let mut events = Vec::new();
    for (event, free) in walk(markdown) {
        match event {
            Event::Text(text) if free => {
                for (from, to, url) in url_pieces(&text) {
                    let piece = &text[from..to];
                    if !url {
                        push_plain(&mut events, piece, &is_person);
                        continue;
                    }
                    let href = if piece.starts_with("www.") {
                        format!("http://{piece}")
                    } else {
                        piece.to_owned()
                    };
                    events.push(Event::Start(Tag::Link {
                        link_type: LinkType::Autolink,
                        dest_url: CowStr::from(href),
                        title: CowStr::from(""),
                        id: CowStr::from(""),
                    }));
                    events.push(Event::Text(CowStr::from(piece.to_owned())));
                    events.push(Event::End(TagEnd::Link));
                }
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    sanitize(&out)
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
