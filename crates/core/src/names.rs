//! Parsed names: usernames, space slugs, e-mail addresses, display names.
//!
//! Parse, don't validate: a `Username` exists only if it is acceptable.

use crate::CoreError;

/// Words that cannot be a username or a space slug because paths use them.
pub const RESERVED: &[&str] = &[
    "admin",
    "api",
    "static",
    "assets",
    "signin",
    "signout",
    "register",
    "account",
    "settings",
    "search",
    "notifications",
    "status",
    "healthz",
    "readyz",
    "metrics",
    "new",
    "tags",
    "spaces",
    "s",
    "t",
    "u",
    "feeds",
    "system",
    "root",
    "hearth",
    "me",
    "edit",
    "invite",
    "invites",
];

fn slug_like(field: &'static str, s: &str, min: usize, max: usize) -> Result<String, CoreError> {
    let s = s.trim().to_ascii_lowercase();
    let len = s.chars().count();
    if len < min || len > max {
        return Err(CoreError::invalid(
            field,
            format!("must be {min} to {max} characters long"),
        ));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(CoreError::invalid(
            field,
            "may contain only letters a-z, digits, '-' and '_'",
        ));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(CoreError::invalid(
            field,
            "must start with a letter or digit",
        ));
    }
    if RESERVED.contains(&s.as_str()) {
        return Err(CoreError::invalid(field, format!("{s:?} is reserved")));
    }
    Ok(s)
}

/// Refuses the Unicode format characters that make a one-line text read
/// otherwise than it is written: bidirectional embeddings, overrides and
/// isolates (which turn what follows around), line and paragraph
/// separators, invisible spaces and marks, and joiners at either edge
/// (inside a word, joiners shape scripts and emoji, and are kept).
pub(crate) fn check_format_characters(field: &'static str, s: &str) -> Result<(), CoreError> {
    let refused = |c: char| {
        matches!(c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}'
            | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}')
    };
    let joiner = |c: char| matches!(c, '\u{200C}' | '\u{200D}' | '\u{034F}');
    if s.chars().any(refused) || s.starts_with(joiner) || s.ends_with(joiner) {
        return Err(CoreError::invalid(
            field,
            "must not contain invisible or direction-changing characters",
        ));
    }
    Ok(())
}

/// Text without control characters; `lines` allows line breaks and tabs
/// (a description), otherwise it is one line (a name, which also ends up
/// in e-mail headers).
fn plain_text(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
    lines: bool,
) -> Result<String, CoreError> {
    let s = s.trim();
    let len = s.chars().count();
    if len < min || len > max {
        return Err(CoreError::invalid(
            field,
            format!("must be {min} to {max} characters long"),
        ));
    }
    if s.chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(CoreError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    if !lines {
        check_format_characters(field, s)?;
    }
    Ok(s.to_owned())
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The parsed text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps text that was parsed before (read back from the store).
            pub fn from_trusted(s: String) -> Self {
                Self(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_newtype!(
    /// A login name: 2–32 of a-z, 0-9, '-', '_', lower-cased, not reserved.
    Username
);
string_newtype!(
    /// A community space's short name in its URL: 2–48 of a-z, 0-9, '-', '_', not reserved.
    Slug
);
string_newtype!(
    /// An e-mail address, lower-cased; checked for shape only.
    Email
);
string_newtype!(
    /// A human name shown beside content: 1–64 characters, no control characters.
    DisplayName
);
string_newtype!(
    /// A space's title: 1–80 characters.
    SpaceName
);
string_newtype!(
    /// A space's description: up to 2,000 characters.
    Description
);

impl Username {
    /// Parses a username typed by a person.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        slug_like("username", s, 2, 32).map(Self)
    }
}

impl Slug {
    /// Parses a community space's slug.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        slug_like("slug", s, 2, 48).map(Self)
    }

    /// The slug of a user's personal space; `~` keeps it apart from community slugs.
    pub fn personal(username: &Username) -> Self {
        Self(format!("~{}", username.as_str()))
    }
}

impl Email {
    /// Parses an e-mail address: one '@', a dot in the domain, no spaces, at most 254 characters.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let s = s.trim().to_lowercase();
        let valid = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Self(s))
        } else {
            Err(CoreError::invalid("email", "is not an e-mail address"))
        }
    }
}

impl DisplayName {
    /// Parses a display name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        plain_text("display_name", s, 1, 64, false).map(Self)
    }
}

impl SpaceName {
    /// Parses a space's name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        plain_text("name", s, 1, 80, false).map(Self)
    }
}

impl Description {
    /// Parses a space's description (may be empty).
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        plain_text("description", s, 0, 2000, true).map(Self)
    }
}

/// The longest title, department or location of a profile.
pub const MAX_PROFILE_LINE_CHARS: usize = 100;

/// The longest "about" text of a profile.
pub const MAX_ABOUT_CHARS: usize = 5_000;

/// Parses one line of a profile (a title, department or location): up to
/// 100 characters, trimmed, possibly empty.
pub fn profile_line(field: &'static str, s: &str) -> Result<String, CoreError> {
    plain_text(field, s, 0, MAX_PROFILE_LINE_CHARS, false)
}

/// The longest reason a moderator gives.
pub const MAX_REASON_CHARS: usize = 500;

/// Parses the reason a moderator gives for hiding, locking or pinning: one
/// line of up to 500 characters, trimmed; empty is no reason.
pub fn moderation_reason(s: &str) -> Result<Option<String>, CoreError> {
    let reason = plain_text("reason", s, 0, MAX_REASON_CHARS, false)?;
    Ok(Some(reason).filter(|r| !r.is_empty()))
}

/// Checks a profile's "about" text (Markdown): up to 5,000 characters.
pub fn check_about(s: &str) -> Result<(), CoreError> {
    if s.chars().count() > MAX_ABOUT_CHARS {
        return Err(CoreError::invalid(
            "about",
            format!("must be at most {MAX_ABOUT_CHARS} characters long"),
        ));
    }
    crate::content::check_body_size("about", s, true)
}

/// Checks a new password: 10 to 1,000 characters. Returns it unchanged.
pub fn check_new_password(s: &str) -> Result<&str, CoreError> {
    let len = s.chars().count();
    if !(10..=1000).contains(&len) {
        return Err(CoreError::invalid(
            "password",
            "must be 10 to 1000 characters long",
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_line_and_descriptions_may_have_lines() {
        // Found by fuzzing: a name with a line break (an e-mail header
        // injection waiting to happen) was accepted.
        for bad in ["x\n\n{", "Ada\r\nBcc: all@example.org", "tab\there"] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
            assert!(SpaceName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Description::parse("two\nlines\tand a tab").is_ok());
        assert!(Description::parse("bell\u{7}").is_err());
    }

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(Username::parse(" Alice ").map(|u| u.0), Ok("alice".into()));
        for bad in [
            "a",
            "admin",
            "API",
            "-x",
            "al ice",
            "ålice",
            &"x".repeat(33),
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} was accepted");
        }
        for good in ["al", "bob_2", "x-y", "9lives"] {
            assert!(Username::parse(good).is_ok(), "{good:?} was refused");
        }
    }

    #[test]
    fn slugs_refuse_reserved_words_and_tildes() {
        assert!(Slug::parse("static").is_err());
        assert!(Slug::parse("~bob").is_err());
        assert_eq!(
            Slug::parse("Engineering").map(|s| s.0),
            Ok("engineering".into())
        );
        let bob = Username::parse("bob").map(|u| Slug::personal(&u).0);
        assert_eq!(bob, Ok("~bob".into()));
    }

    #[test]
    fn emails_need_one_at_and_a_dotted_domain() {
        assert_eq!(Email::parse("A@B.io").map(|e| e.0), Ok("a@b.io".into()));
        for bad in [
            "", "a", "a@b", "a@@b.io", "@b.io", "a b@c.io", "a@.io", "a@b.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn display_names_refuse_control_characters_and_empty_text() {
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(DisplayName::parse("Zoë O'Brien").is_ok());
    }

    #[test]
    fn one_line_names_refuse_format_characters() {
        for name in [
            "ab\u{202E}cd",
            "\u{2066}x",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{200B}da",
            "\u{200D}ada",
            "ada\u{200C}",
            "\u{FEFF}ada",
        ] {
            let e = DisplayName::parse(name).unwrap_err();
            assert!(e.to_string().contains("invisible"), "{name:?}: {e}");
            assert!(SpaceName::parse(name).is_err(), "{name:?}");
        }
        // Joiners inside a word shape emoji and scripts.
        assert!(DisplayName::parse("Ana 👩\u{200D}").is_err());
        assert!(DisplayName::parse("👩\u{200D}💻 Ana").is_ok());
        assert!(DisplayName::parse("می\u{200C}خواهم").is_ok());
        assert!(Description::parse("line\u{2028}break").is_ok());
    }

    #[test]
    fn passwords_have_a_minimum_length() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough pass").is_ok());
    }
}
