//! Writing Atom 1.0 documents.

use std::fmt::Write;

use crate::time_fmt::rfc3339;
use hearth_core::escape::escape_markup as esc;

/// One entry of a feed.
pub(crate) struct Entry {
    pub id: String,
    pub title: String,
    pub author: String,
    pub link: String,
    pub updated: i64,
    pub html: String,
}

/// A feed: its identity, its page and its entries, newest first.
pub(crate) struct Feed {
    pub id: String,
    pub title: String,
    pub link: String,
    pub entries: Vec<Entry>,
}

impl Feed {
    /// The Atom XML document.
    pub(crate) fn render(&self) -> String {
        let updated = self.entries.iter().map(|e| e.updated).max().unwrap_or(0);
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
        );
        let _ = writeln!(out, "  <id>{}</id>", esc(&self.id));
        let _ = writeln!(out, "  <title>{}</title>", esc(&self.title));
        let _ = writeln!(out, "  <updated>{}</updated>", rfc3339(updated));
        let _ = writeln!(
            out,
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&self.link)
        );
        for e in &self.entries {
            out.push_str("  <entry>\n");
            let _ = writeln!(out, "    <id>{}</id>", esc(&e.id));
            let _ = writeln!(out, "    <title>{}</title>", esc(&e.title));
            let _ = writeln!(out, "    <updated>{}</updated>", rfc3339(e.updated));
            let _ = writeln!(out, "    <author><name>{}</name></author>", esc(&e.author));
            let _ = writeln!(
                out,
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                esc(&e.link)
            );
            let _ = writeln!(out, "    <content type=\"html\">{}</content>", esc(&e.html));
            out.push_str("  </entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_html_are_escaped() {
        let feed = Feed {
            id: "urn:x".into(),
            title: "A & <B>".into(),
            link: "https://h/s/x?a=1&b=2".into(),
            entries: vec![Entry {
                id: "urn:e".into(),
                title: "\"quoted\"\u{1}".into(),
                author: "Zoë".into(),
                link: "https://h/t/1".into(),
                updated: 0,
                html: "<p>hi</p>".into(),
            }],
        };
        let xml = feed.render();
        assert!(xml.contains("<title>A &amp; &lt;B&gt;</title>"));
        assert!(xml.contains("href=\"https://h/s/x?a=1&amp;b=2\""));
        assert!(xml.contains("<title>&quot;quoted&quot;</title>"));
        assert!(xml.contains("&lt;p&gt;hi&lt;/p&gt;"));
    }
}
