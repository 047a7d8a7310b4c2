//! Uploaded files: their addresses, cleaning their names and telling their
//! types from their bytes.

/// How a file is named in its address `/a/{name}/{filename}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileRef {
    /// 32 hex characters: 128 random bits, which nobody guesses.
    Public(String),
    /// The number of a file uploaded before files had public names.
    Numbered(i64),
}

/// Length of a file's public name.
pub const PUBLIC_NAME_LEN: usize = 32;

impl FileRef {
    /// Reads the name part of a file's address.
    pub fn parse(s: &str) -> Option<Self> {
        if s.len() == PUBLIC_NAME_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Some(Self::Public(s.to_owned()))
        } else if !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok().filter(|n| *n > 0).map(Self::Numbered)
        } else {
            None
        }
    }
}

/// At most this many files of one text are claimed for it.
const MAX_FILES_PER_TEXT: usize = 100;

/// The public names of the files a Markdown text links (`/a/{name}/`), in
/// order, once each: the files a topic or reply claims when it is saved.
pub fn linked_files(markdown: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find("/a/") {
        rest = &rest[at + 3..];
        let Some(name) = rest.get(..PUBLIC_NAME_LEN) else {
            continue;
        };
        if rest[PUBLIC_NAME_LEN..].starts_with('/')
            && let Some(FileRef::Public(name)) = FileRef::parse(name)
            && !names.contains(&name)
        {
            names.push(name);
            if names.len() == MAX_FILES_PER_TEXT {
                break;
            }
        }
    }
    names
}

/// A file name safe to store and to send back: the last path component,
/// without control characters or quotes, at most 100 characters.
pub fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | '<' | '>' | ':' | '*' | '?' | '|'))
        .take(100)
        .collect();
    // No leading dots or spaces, however they alternate ("... ." is not a name).
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end()
        .to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// The type of a file, decided by its bytes, never by what the client claims:
/// the common image formats, PDF, UTF-8 text; anything else is opaque bytes.
pub fn detect_type(bytes: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
    ];
    if let Some((_, t)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return t;
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return "image/webp";
    }
    if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
        return "text/plain; charset=utf-8";
    }
    "application/octet-stream"
}

/// Whether a type may be shown inline in a page (raster images only; never SVG).
pub fn is_inline_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_addresses_are_public_names_or_old_numbers() {
        let name = "0123456789abcdef0123456789abcdef";
        assert_eq!(FileRef::parse(name), Some(FileRef::Public(name.into())));
        assert_eq!(FileRef::parse("42"), Some(FileRef::Numbered(42)));
        for bad in [
            "",
            "0",
            "-1",
            "0123456789ABCDEF0123456789ABCDEF",
            "12a",
            "99999999999999999999",
        ] {
            assert_eq!(FileRef::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_text_claims_the_files_it_links_once_each() {
        let a = "0123456789abcdef0123456789abcdef";
        let b = "fedcba9876543210fedcba9876543210";
        let md = format!(
            "![x](/a/{a}/x.png) é [y](https://h/a/{b}/y.pdf) again /a/{a}/x.png, /a/12/old.png, /a/{a}"
        );
        assert_eq!(linked_files(&md), [a, b]);
        let many: String = (0..150).map(|i| format!("/a/{i:032x}/f ")).collect();
        assert_eq!(linked_files(&many).len(), 100);
        assert!(linked_files("/a/é").is_empty());
    }

    #[test]
    fn path_tricks_and_control_characters_are_removed_from_names() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\x\\evil.exe"), "evil.exe");
        assert_eq!(clean_filename("a\u{0}b\n\"c\".txt"), "abc.txt");
        assert_eq!(clean_filename(".htaccess"), "htaccess");
        assert_eq!(clean_filename("///"), "file");
        // Found by fuzzing: dots and spaces that alternate.
        assert_eq!(clean_filename("... ."), "file");
        assert_eq!(clean_filename(". .x"), "x");
        assert_eq!(clean_filename(&"x".repeat(300)).len(), 100);
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(detect_type(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(
            detect_type(b"<svg onload=alert(1)>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(detect_type(&[0, 159, 146, 150]), "application/octet-stream");
        assert!(!is_inline_image("image/svg+xml"));
    }
}
