//! What Hearth parses from requests: names, slugs, e-mail addresses, tags,
//! titles, bodies, kinds and roles, ids, list cursors, file names and file
//! types. Any input gets an answer (never a panic), what is accepted keeps
//! its promises (length, characters), and it is already normal: parsing it
//! again gives the same value.
#![no_main]

use hearth_core::content::{Tag, Title, check_body, slugify};
use hearth_core::files::{clean_filename, detect_type, is_inline_image};
use hearth_core::ids::{AttachmentId, InviteId, ReplyId, SpaceId, TokenId, TopicId, UserId};
use hearth_core::model::{
    JoinPolicy, Registration, Role, SpaceKind, TopicKind, TopicState, UserStatus, Visibility,
};
use hearth_core::names::{Description, DisplayName, Email, RESERVED, Slug, SpaceName, Username};
use hearth_store::TopicCursor;
use libfuzzer_sys::fuzz_target;

/// `parse` accepts what it gave: `$parse(x.$as_str()) == x`.
macro_rules! normal {
    ($s:expr, $parse:path, $as_str:ident) => {
        if let Ok(v) = $parse($s) {
            let again = $parse(v.$as_str());
            assert!(again.as_ref().ok() == Some(&v), "{:?} became {v:?}", $s);
            Some(v)
        } else {
            None
        }
    };
}

fuzz_target!(|data: &[u8]| {
    // An SVG or an HTML page is never shown inline as an image.
    assert!(!(is_inline_image(detect_type(data)) && data.starts_with(b"<")));
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    for name in [
        normal!(s, Username::parse, as_str).map(|n| n.to_string()),
        normal!(s, Slug::parse, as_str).map(|n| n.to_string()),
    ]
    .into_iter()
    .flatten()
    {
        let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        assert!(name.len() >= 2 && name.chars().all(ok) && !RESERVED.contains(&name.as_str()));
    }
    if let Some(e) = normal!(s, Email::parse, as_str) {
        assert!(e.as_str().len() <= 254 && e.as_str().matches('@').count() == 1);
    }
    for (text, max) in [
        normal!(s, DisplayName::parse, as_str).map(|n| (n.to_string(), 64)),
        normal!(s, SpaceName::parse, as_str).map(|n| (n.to_string(), 80)),
        normal!(s, Title::parse, as_str).map(|t| (t.to_string(), 200)),
    ]
    .into_iter()
    .flatten()
    {
        // One line: names and titles end up in e-mail headers and <title>.
        assert!(!text.is_empty() && text.chars().count() <= max);
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    if let Some(d) = normal!(s, Description::parse, as_str) {
        assert!(d.as_str().chars().count() <= 2000);
    }
    if check_body("body", s, true).is_ok() {
        assert!(!s.chars().any(|c| c.is_control() && !"\n\r\t".contains(c)));
    }

    if let Ok(tags) = Tag::parse_list(s) {
        assert!(tags.len() <= 10);
        for (i, tag) in tags.iter().enumerate() {
            assert!(!tags[..i].contains(tag), "{tag} twice");
            assert!(!tag.as_str().contains([',', ' ']), "{tag:?}");
            assert_eq!(Tag::parse(tag.as_str()).as_ref(), Ok(tag));
        }
    }
    if let Some(tag) = normal!(s, Tag::parse, as_str) {
        // "." and ".." are path segments a browser resolves: no URL reaches
        // such a tag's page or feed.
        assert!(!tag.as_str().chars().all(|c| c == '.'), "{tag:?}");
    }

    normal!(s, SpaceKind::parse, as_str);
    normal!(s, Visibility::parse, as_str);
    normal!(s, JoinPolicy::parse, as_str);
    normal!(s, Role::parse, as_str);
    normal!(s, UserStatus::parse, as_str);
    normal!(s, Registration::parse, as_str);
    normal!(s, TopicKind::parse, as_str);
    normal!(s, TopicState::parse, as_str);

    ids(s);
    if let Some(cursor) = TopicCursor::parse(s) {
        assert_eq!(TopicCursor::parse(&cursor.to_string()), Some(cursor));
    }

    let slug = slugify(s);
    assert!(!slug.is_empty() && slug.len() <= 60 + 1, "{slug:?}");
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    assert!(slug.chars().all(ok), "{slug:?}");

    // File names go into Content-Disposition headers and file systems.
    let name = clean_filename(s);
    assert!(!name.is_empty() && name.chars().count() <= 100, "{name:?}");
    assert!(!name.contains(['/', '\\', '"', '<', '>']) && !name.starts_with('.'));
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert_eq!(clean_filename(&name), name);
});

/// Every id type: positive, and written back as it reads.
fn ids(s: &str) {
    macro_rules! id {
        ($($t:ty),*) => {$(
            if let Ok(id) = s.parse::<$t>() {
                assert!(id.0 > 0);
                assert_eq!(id.to_string().parse::<$t>().ok(), Some(id));
            }
        )*};
    }
    id!(
        UserId,
        SpaceId,
        TokenId,
        InviteId,
        TopicId,
        ReplyId,
        AttachmentId
    );
}
