//! Markdown → sanitized HTML, once, at write time.
//!
//! CommonMark with tables, strikethrough, task lists and autolinks, then an
//! allow-list sanitizer: no script, no event handlers, no `javascript:` or
//! `data:` URLs, no style; every link gets `rel="nofollow ugc noopener"`.
//! `@username` in text becomes a link to the profile.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

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

/// The usernames mentioned in a Markdown text (outside code and links), in order, once each.
pub fn mentions(markdown: &str) -> Vec<Username> {
    let mut seen = Vec::new();
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_)) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::CodeBlock) => depth = depth.saturating_sub(1),
            Event::Text(text) if depth == 0 => {
                for (s, e) in mention_spans(&text) {
                    if let Ok(u) = Username::parse(&text[s + 1..e])
                        && !seen.contains(&u)
                    {
                        seen.push(u);
                    }
                }
            }
            _ => {}
        }
    }
    seen
}

/// Renders Markdown to sanitized HTML.
pub fn render(markdown: &str) -> String {
    let mut depth = 0usize;
    let mut events = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_)) => {
                depth += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link | TagEnd::CodeBlock) => {
                depth = depth.saturating_sub(1);
                events.push(event);
            }
            Event::Text(text) if depth == 0 => {
                let spans = mention_spans(&text);
                if spans.is_empty() {
                    events.push(Event::Text(text));
                    continue;
                }
                let mut at = 0;
                for (s, e) in spans {
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
