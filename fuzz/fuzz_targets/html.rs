//! A strict reader of the sanitizer's output. Its serializer writes tags one
//! way only (`<name attr="value">`, `"`, `<` and `>` escaped inside values and
//! text), so anything else is a failure too.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// What Hearth's sanitizer lets through: ammonia's defaults, task-list
/// boxes, code languages, mention classes and the links' `rel`.
struct Allowed {
    tags: HashSet<&'static str>,
    generic: HashSet<&'static str>,
    by_tag: HashMap<&'static str, HashSet<&'static str>>,
}

static ALLOWED: LazyLock<Allowed> = LazyLock::new(|| {
    let defaults = ammonia::Builder::default();
    let mut by_tag = defaults.clone_tag_attributes();
    for (tag, attr) in [
        ("input", "type"),
        ("input", "checked"),
        ("input", "disabled"),
        ("code", "class"),
        ("a", "class"),
        ("a", "rel"),
    ] {
        by_tag.entry(tag).or_default().insert(attr);
    }
    let mut tags = defaults.clone_tags();
    tags.insert("input");
    Allowed {
        tags,
        generic: defaults.clone_generic_attributes(),
        by_tag,
    }
});

/// Attributes a browser or a feed reader may follow as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "data",
    "poster",
    "ping",
    "longdesc",
    "background",
    "srcset",
    "xlink:href",
];

/// Panics unless `html` holds only what Hearth allows.
pub fn check(html: &str) {
    let mut rest = html;
    while let Some(at) = rest.find(['<', '>']) {
        assert!(rest[at..].starts_with('<'), "a bare '>' in {html:?}");
        let end = match rest[at..].find('>') {
            Some(end) => at + end,
            None => panic!("an unclosed tag in {html:?}"),
        };
        let tag = &rest[at + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert!(ALLOWED.tags.contains(name), "</{name}> in {html:?}");
            continue;
        }
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(ALLOWED.tags.contains(name), "<{name}> in {html:?}");
        let attrs = attributes(attrs, html);
        for (attr, value) in &attrs {
            check_attribute(name, attr, value, html);
        }
        let get = |a: &str| attrs.iter().find(|(n, _)| *n == a).map(|(_, v)| v.as_str());
        if name == "a" && get("href").is_some() {
            assert_eq!(get("rel"), Some("nofollow ugc noopener"), "{html:?}");
        }
        if name == "input" {
            assert_eq!(get("type"), Some("checkbox"), "{html:?}");
            assert_eq!(get("disabled"), Some(""), "{html:?}");
        }
    }
}

fn check_attribute(tag: &str, attr: &str, value: &str, html: &str) {
    assert!(!attr.starts_with("on"), "event handler {attr} in {html:?}");
    assert!(attr != "style", "style in {html:?}");
    let allowed =
        ALLOWED.generic.contains(attr) || ALLOWED.by_tag.get(tag).is_some_and(|a| a.contains(attr));
    assert!(allowed, "<{tag} {attr}> in {html:?}");
    if URL_ATTRIBUTES.contains(&attr)
        && let Some(scheme) = scheme(value)
    {
        assert!(
            matches!(scheme.as_str(), "http" | "https" | "mailto"),
            "{attr} with scheme {scheme:?} in {html:?}"
        );
    }
    if attr == "class" {
        let ok = match tag {
            "a" => value.is_empty() || value == "mention",
            "code" => value
                .strip_prefix("language-")
                .is_some_and(|l| !l.is_empty()),
            _ => false,
        };
        assert!(ok, "<{tag} class={value:?}> in {html:?}");
    }
}

/// The `name="value"` pairs of a tag, values unescaped.
fn attributes(mut s: &str, html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let Some((name, after)) = s.split_once("=\"") else {
            panic!("an attribute without a quoted value in {html:?}");
        };
        let Some((value, after)) = after.split_once('"') else {
            panic!("an unclosed attribute value in {html:?}");
        };
        assert!(
            !name.is_empty() && !name.contains([' ', '<', '\'', '/']),
            "{html:?}"
        );
        assert!(
            !value.contains(['<', '>']),
            "an unescaped value in {html:?}"
        );
        out.push((name.to_owned(), unescape(value)));
        s = after.strip_prefix(' ').unwrap_or(after);
        assert!(after.is_empty() || after.starts_with(' '), "{html:?}");
    }
    out
}

/// The scheme a browser reads from a URL, lower-cased; `None` if relative.
fn scheme(url: &str) -> Option<String> {
    // Browsers trim C0 controls and spaces, then drop every tab and newline.
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Character references decoded once, as a browser reads an attribute.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{a0}'),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => numeric(name),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn numeric(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let n = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(n)
}
