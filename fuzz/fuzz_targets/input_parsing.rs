//! What Hearth parses from requests: names, slugs, e-mail addresses, tags,
//! titles, ids, file names and file types. Any input gets an answer (never a
//! panic), and what is accepted is already normal: parsing it again gives
//! the same value.
#![no_main]

use hearth_core::content::{Tag, Title, slugify};
use hearth_core::files::{clean_filename, detect_type};
use hearth_core::ids::TopicId;
use hearth_core::names::{DisplayName, Email, Slug, Username};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detect_type(data);
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(u) = Username::parse(s) {
        assert_eq!(
            Username::parse(u.as_str()).as_ref().map(Username::as_str),
            Ok(u.as_str())
        );
    }
    if let Ok(slug) = Slug::parse(s) {
        assert_eq!(
            Slug::parse(slug.as_str()).as_ref().map(Slug::as_str),
            Ok(slug.as_str())
        );
    }
    if let Ok(e) = Email::parse(s) {
        assert_eq!(
            Email::parse(e.as_str()).as_ref().map(Email::as_str),
            Ok(e.as_str())
        );
    }
    if let Ok(d) = DisplayName::parse(s) {
        assert!(!d.as_str().chars().any(char::is_control));
    }
    if let Ok(t) = Title::parse(s) {
        assert_eq!(
            Title::parse(t.as_str()).as_ref().map(Title::as_str),
            Ok(t.as_str())
        );
    }
    if let Ok(tags) = Tag::parse_list(s) {
        assert!(tags.len() <= 10);
        for tag in tags {
            assert_eq!(
                Tag::parse(tag.as_str()).as_ref().map(Tag::as_str),
                Ok(tag.as_str())
            );
        }
    }
    if let Ok(id) = s.parse::<TopicId>() {
        assert_eq!(id.to_string().parse::<TopicId>().ok(), Some(id));
    }
    let slug = slugify(s);
    assert!(
        slug.len() <= 60 + 1
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    );
    let name = clean_filename(s);
    assert!(!name.is_empty() && name.chars().count() <= 100);
    assert!(!name.contains(['/', '\\', '"', '<', '>']) && !name.starts_with('.'));
    assert!(!name.chars().any(char::is_control));
});
