//! Parsed content values: titles, Markdown bodies, tags, URL slugs.

use crate::CoreError;

/// A topic's title: 1–200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// Parses a title typed by a person.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let s = s.trim();
        let len = s.chars().count();
        if len == 0 || len > 200 {
            return Err(CoreError::invalid(
                "title",
                "must be 1 to 200 characters long",
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "title",
                "must not contain control characters",
            ));
        }
        crate::names::check_format_characters("title", s)?;
        Ok(Self(s.to_owned()))
    }

    /// Wraps a title read back from the store.
    pub fn from_trusted(s: String) -> Self {
        Self(s)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Title {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The most characters a Markdown body may have.
pub const MAX_BODY_CHARS: usize = 100_000;

/// How deep quotes, lists, emphasis and HTML elements may nest in a body.
/// Sanitizing costs the square of the depth: thousands of levels would
/// hold a node for minutes.
pub const MAX_BODY_NESTING: usize = 100;

/// Checks a Markdown body: at most [`MAX_BODY_CHARS`], nested at most
/// [`MAX_BODY_NESTING`] deep, and not empty unless `may_be_empty`.
pub fn check_body(field: &'static str, s: &str, may_be_empty: bool) -> Result<(), CoreError> {
    check_body_size(field, s, may_be_empty)?;
    check_nesting(field, s)
}

/// The quick checks of a body, each one pass over its characters: not
/// empty unless `may_be_empty`, at most [`MAX_BODY_CHARS`], no control
/// characters.
pub fn check_body_size(field: &'static str, s: &str, may_be_empty: bool) -> Result<(), CoreError> {
    if !may_be_empty && s.trim().is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    if s.chars().count() > MAX_BODY_CHARS {
        return Err(CoreError::invalid(
            field,
            format!("must be at most {MAX_BODY_CHARS} characters long"),
        ));
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CoreError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Checks that a body nests at most [`MAX_BODY_NESTING`] deep. It parses
/// the Markdown, so it belongs with rendering, off the async workers.
pub fn check_nesting(field: &'static str, s: &str) -> Result<(), CoreError> {
    if crate::markdown::nesting(s) > MAX_BODY_NESTING {
        return Err(CoreError::invalid(
            field,
            format!("must not nest quotes, lists or elements more than {MAX_BODY_NESTING} deep"),
        ));
    }
    Ok(())
}

/// A tag: lower-case, 1–32 of letters, digits, '-', '_', '.', '+', '#'; spaces become '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    /// Normalizes and checks one tag.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        // Leading '#'s and spaces go however they alternate, so that a tag
        // parses to itself again.
        let norm: String = s
            .trim_start_matches(|c: char| c == '#' || c.is_whitespace())
            .trim_end()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let len = norm.chars().count();
        if len == 0 || len > 32 {
            return Err(CoreError::invalid(
                "tags",
                "each tag must be 1 to 32 characters long",
            ));
        }
        if !norm
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.+#".contains(c))
        {
            return Err(CoreError::invalid(
                "tags",
                format!("{norm:?} may contain only letters, digits and - _ . + #"),
            ));
        }
        // Browsers resolve a path segment of "." or ".." before sending it,
        // so no link could reach such a tag's page or feed.
        if norm.chars().all(|c| c == '.') {
            return Err(CoreError::invalid(
                "tags",
                format!("{norm:?} needs a letter, digit or one of - _ + #"),
            ));
        }
        Ok(Self(norm))
    }

    /// Parses a comma-separated list: at most 10 tags, duplicates dropped.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, CoreError> {
        let mut tags: Vec<Tag> = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let tag = Tag::parse(part)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > 10 {
            return Err(CoreError::invalid("tags", "at most 10 tags"));
        }
        Ok(tags)
    }

    /// Wraps a tag read back from the store.
    pub fn from_trusted(s: String) -> Self {
        Self(s)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The readable part of a topic's URL: lower-case ASCII words joined by '-'.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        out.push_str("topic");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_parses_to_itself_again() {
        // Found by fuzzing: "#   #" became the tag "#", which did not parse.
        assert!(Tag::parse("#     #    ").is_err());
        let tag = Tag::parse("# #Rust lang").map(|t| t.0);
        assert_eq!(tag, Ok("rust-lang".to_owned()));
        assert_eq!(Tag::parse("rust-lang").map(|t| t.0), tag);
    }

    #[test]
    fn tags_are_normalized_and_limited() {
        let tags = Tag::parse_list(" Rust, #rust , web Dev,c++ ")
            .map(|t| t.into_iter().map(|t| t.0).collect::<Vec<_>>());
        assert_eq!(
            tags,
            Ok(vec![
                "rust".to_owned(),
                "web-dev".to_owned(),
                "c++".to_owned()
            ])
        );
        assert!(Tag::parse("<script>").is_err());
        for dots in [".", "..", "...", "# ..", " . ", "#."] {
            let Err(CoreError::Invalid { field, .. }) = Tag::parse(dots) else {
                panic!("{dots:?} became a tag no URL reaches");
            };
            assert_eq!(field, "tags");
        }
        assert!(Tag::parse_list("rust, ..").is_err());
        for fine in [".net", "v1.2", "..-", "node.js"] {
            assert_eq!(Tag::parse(fine).map(|t| t.0), Ok(fine.to_owned()));
        }
        assert!(
            Tag::parse_list(
                &(0..11)
                    .map(|i| format!("t{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .is_err()
        );
    }

    #[test]
    fn titles_and_bodies_are_checked() {
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse(&"x".repeat(201)).is_err());
        assert!(Title::parse("a\u{7}b").is_err());
        assert!(Title::parse("invoice\u{202E}fdp.exe").is_err());
        assert!(check_body("body", "", false).is_err());
        assert!(check_body("body", "", true).is_ok());
        assert!(check_body("body", &"x".repeat(MAX_BODY_CHARS + 1), false).is_err());
    }

    #[test]
    fn bodies_nested_past_the_limit_are_refused_by_name() {
        let quoted = |depth: usize| format!("{}deep", "> ".repeat(depth));
        // A quote holds a paragraph, one level more.
        assert!(check_body("body", &quoted(MAX_BODY_NESTING - 1), false).is_ok());
        let Err(CoreError::Invalid { field, message }) =
            check_body("body", &quoted(MAX_BODY_NESTING), false)
        else {
            panic!("{MAX_BODY_NESTING} quotes and a paragraph were taken");
        };
        assert_eq!(field, "body");
        assert!(message.contains("nest"), "{message}");
        for deep in [
            quoted(5_000),
            format!("{}x", "> - ".repeat(5_000)),
            format!("{}x", "1. ".repeat(5_000)),
            format!("{}x", "<div>".repeat(5_000)),
            format!("a {}x", "<b><i>".repeat(60)),
        ] {
            assert!(check_body("body", &deep, false).is_err(), "{}", &deep[..20]);
        }
        // Elements that close themselves, or that their siblings close, do
        // not nest however many there are.
        for flat in [
            "<p>x".repeat(1_000),
            "<br>".repeat(1_000),
            format!("<ul>{}</ul>", "<li>x".repeat(1_000)),
            "<div>x</div>\n\n".repeat(1_000),
            "- x\n".repeat(1_000),
            "*a* ".repeat(1_000),
        ] {
            assert_eq!(check_body("body", &flat, false), Ok(()), "{}", &flat[..20]);
        }
    }

    #[test]
    fn slugs_are_readable_and_never_empty() {
        assert_eq!(
            slugify("Hello, World! How's it going?"),
            "hello-world-how-s-it-going"
        );
        assert_eq!(slugify("¿¡!"), "topic");
    }
}
