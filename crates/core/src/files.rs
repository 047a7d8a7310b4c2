//! Uploaded files: cleaning their names and telling their types from their bytes.

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
