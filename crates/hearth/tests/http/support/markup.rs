//! A strict reader of served HTML that fails on anything executable: script
//! elements, event-handler attributes, style, or script URLs.
//!
//! Text in Hearth's pages is escaped, so every `<` starts a real tag; this
//! scanner walks the tags, respecting quoted attribute values.

/// Elements that run code or load active content.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style",
    "base", "template", "noscript",
];

/// Elements that page chrome uses but user content never may.
const CHROME_ONLY: &[&str] = &[
    "form", "button", "textarea", "select", "meta", "link", "title", "head", "body", "html",
];

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "srcset",
    "poster",
    "background",
];

/// One tag: its name and attributes (name, value).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let closing = i < bytes.len() && bytes[i] == b'/';
        if closing {
            i += 1;
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'>'
            && bytes[i] != b'/'
        {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i])
            {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let q = bytes[i];
                    i += 1;
                    let v = i;
                    while i < bytes.len() && bytes[i] != q {
                        i += 1;
                    }
                    value = html[v..i.min(bytes.len())].to_owned();
                    i += 1;
                } else {
                    let v = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_owned();
                }
            }
            attrs.push((attr, value));
        }
        if !closing {
            out.push((name, attrs));
        }
    }
    out
}

/// The URL as a browser's URL parser sees it: character references decoded,
/// leading and trailing C0 controls and spaces trimmed, tabs and newlines
/// removed anywhere.
fn url_scheme(value: &str) -> String {
    let decoded = value
        .replace("&amp;", "&")
        .replace("&#58;", ":")
        .replace("&#x3a;", ":")
        .replace("&colon;", ":");
    decoded
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Why `html` could execute, if it could.
fn executable(html: &str, content: bool) -> Option<String> {
    for (name, attrs) in tags(html) {
        // Hearth's own scripts, from its own origin, are the only ones allowed.
        let own_script = name == "script"
            && !content
            && attrs
                .iter()
                .any(|(a, v)| a == "src" && v.starts_with("/static/"));
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) && !own_script {
            return Some(format!("<{name}> element"));
        }
        if content && CHROME_ONLY.contains(&name.as_str()) {
            return Some(format!("<{name}> in user content"));
        }
        if content && name == "input" && !attrs.iter().any(|(a, v)| a == "type" && v == "checkbox")
        {
            return Some("a non-checkbox <input> in user content".into());
        }
        if name == "link"
            && !attrs
                .iter()
                .any(|(a, v)| a == "href" && *v == hearth_web::assets::url("hearth.css"))
        {
            return Some("a <link> that is not Hearth's stylesheet".into());
        }
        for (attr, value) in &attrs {
            if attr.starts_with("on") || attr == "style" || attr == "srcdoc" {
                return Some(format!("{attr}= on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                let scheme = url_scheme(value);
                if ["javascript:", "vbscript:", "data:", "livescript:"]
                    .iter()
                    .any(|b| scheme.starts_with(b))
                {
                    return Some(format!("{attr}={value:?} on <{name}>"));
                }
            }
        }
    }
    None
}

/// Fails the test if a served page holds anything that could execute.
pub fn assert_inert(html: &str, context: &str) {
    if let Some(why) = executable(html, false) {
        panic!("{context}: {why}");
    }
}

/// Like [`assert_inert`], for sanitized user content (`body_html`): no forms,
/// no page structure, and only checkbox inputs (task lists).
pub fn assert_inert_content(html: &str, context: &str) {
    if let Some(why) = executable(html, true) {
        panic!("{context}: {why}");
    }
}

#[test]
fn the_scanner_catches_what_it_must() {
    for bad in [
        "<script>x</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=' javascript:alert(1)'>x</a>",
        "<a href=\"javascript&#58;alert(1)\">",
        "<p style=\"x\">",
        "<svg/onload=alert(1)>",
    ] {
        assert!(executable(bad, false).is_some(), "{bad} was not caught");
    }
    assert!(executable("<form><input type=text></form>", true).is_some());
    let fine =
        "<p>&lt;script&gt; <a href=\"/u/x\" rel=\"nofollow\">x</a> <code>onerror=1</code></p>";
    assert_eq!(executable(fine, true), None);
}
