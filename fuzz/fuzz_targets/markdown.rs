//! Markdown → sanitized HTML: whatever a member types, the stored HTML has
//! no script, no event handler, no style and no link to a script URL.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = hearth_core::markdown::render(text);
    check(&html);
    // Sanitizing is idempotent on its own output.
    check(&hearth_core::markdown::sanitize(&html));
    for name in hearth_core::markdown::mentions(text) {
        assert!(hearth_core::names::Username::parse(name.as_str()).is_ok());
    }
});

/// Checks every tag of `html`: allowed names only, no `on…` attribute, no
/// `style`, URLs only of safe schemes.
fn check(html: &str) {
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math", "<form",
    ] {
        assert!(!lower.contains(banned), "{banned} in {html}");
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start + 1..tag_end];
        for attr in attributes(tag) {
            let (name, value) = attr.split_once('=').unwrap_or((attr, ""));
            let name = name.trim();
            assert!(!name.starts_with("on"), "event handler {name} in {html}");
            assert!(name != "style", "style attribute in {html}");
            if matches!(name, "href" | "src") {
                let url: String = value
                    .trim_matches(|c| c == '"' || c == '\'')
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                let url = url.replace("&#58;", ":").replace("&colon;", ":");
                // Only what a browser reads as a scheme (a letter, then
                // letters, digits, '+', '-', '.'); anything else is a path.
                if let Some((scheme, _)) = url.split_once(':')
                    && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                {
                    assert!(
                        matches!(scheme, "http" | "https" | "mailto"),
                        "{name} with scheme {scheme:?} in {html}"
                    );
                }
            }
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
}

/// The `name="value"` pieces of a tag's inside, split outside quotes.
fn attributes(tag: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ' | '\n' | '\t' | '/') => {
                if i > start {
                    out.push(&tag[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < tag.len() {
        out.push(&tag[start..]);
    }
    // The first piece is the tag's name.
    out.into_iter().skip(1).collect()
}
