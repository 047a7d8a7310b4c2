//! What Hearth mails and how it is written. Account mail (a reset link, an
//! invitation) is written in full when it is enqueued, in the transaction
//! of what causes it; a notification's mail is written when it goes
//! ([`crate::outbox`]), from the notification as its reader may see it
//! then.

use hearth_core::escape::escape_markup;
use hearth_core::ids::UserId;
use hearth_store::{MailContent, MailKind, NewMail};

/// How Hearth mails.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The `From` of every mail: `Name <address>`.
    pub from: String,
    /// Where the site is reached (`https://hearth.example.org`), for the
    /// links in mail, feeds and the API; without it, the request's origin.
    pub base_url: Option<String>,
    /// Where links in mail point when no base URL is set and no request
    /// tells (mail written by the outbox worker): the address served.
    pub fallback_origin: String,
    /// How long a "forgot password" link works (ms).
    pub reset_ttl_ms: i64,
    /// "Forgot password" mails one account gets in a window at most.
    pub resets_per_window: i64,
    /// That window (ms).
    pub reset_window_ms: i64,
    /// Whether this node hands mail to an SMTP server; without one, mail
    /// waits in the outbox.
    pub delivering: bool,
}

impl Default for MailConfig {
    fn default() -> Self {
        const HOUR: i64 = 3_600_000;
        Self {
            from: "Hearth <hearth@localhost>".into(),
            base_url: None,
            fallback_origin: "http://localhost".into(),
            reset_ttl_ms: HOUR,
            resets_per_window: 3,
            reset_window_ms: HOUR,
            delivering: false,
        }
    }
}

impl MailConfig {
    /// The origin of links written without a request to tell it.
    pub fn origin(&self) -> &str {
        self.base_url.as_deref().unwrap_or(&self.fallback_origin)
    }
}

/// Whether `s` is a mailbox, `Name <address>` or a bare address.
pub fn is_mailbox(s: &str) -> bool {
    s.parse::<lettre::message::Mailbox>().is_ok()
}

/// Text that goes into a header or a line of its own: line breaks and
/// other control characters become spaces, so that no name or title can
/// start a header of its own.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A mail's words: paragraphs of plain text, then a link to follow, as a
/// plain-text part and an HTML part with inline styles only (what mail
/// clients keep), no images and nothing fetched.
pub fn compose(subject: &str, paragraphs: &[String], link: (&str, &str)) -> MailContent {
    let (label, url) = link;
    let mut text = String::new();
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{label}: {url}\n"));
    let mut html = String::from(
        "<div style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;\
         font-size:15px;line-height:1.5;color:#1f2328;max-width:600px\">",
    );
    for p in paragraphs {
        html.push_str("<p style=\"margin:0 0 16px\">");
        html.push_str(&escape_markup(p).replace('\n', "<br>"));
        html.push_str("</p>");
    }
    html.push_str(&format!(
        "<p style=\"margin:0 0 16px\"><a href=\"{url}\" style=\"color:#0b57d0\">{label}</a></p></div>",
        url = escape_markup(url),
        label = escape_markup(label),
    ));
    MailContent {
        subject: one_line(subject),
        text_body: text,
        html_body: html,
    }
}

/// A mail's words: a line of introduction, a list of lines each with its
/// link, then a link to follow; written as [`compose`] writes.
pub fn compose_list(
    subject: &str,
    intro: &str,
    items: &[(String, String)],
    link: (&str, &str),
) -> MailContent {
    let mut content = compose(subject, &[intro.to_owned()], link);
    let mut text = String::new();
    let mut html = String::from("<ul style=\"margin:0 0 16px;padding-left:20px\">");
    for (line, url) in items {
        text.push_str(&format!("- {line}\n  {url}\n"));
        html.push_str(&format!(
            "<li style=\"margin:0 0 8px\"><a href=\"{}\" style=\"color:#0b57d0\">{}</a></li>",
            escape_markup(url),
            escape_markup(line),
        ));
    }
    text.push('\n');
    html.push_str("</ul>");
    // After the introduction, before the closing link.
    let text_at = content.text_body.find("\n\n").map_or(0, |i| i + 2);
    content.text_body.insert_str(text_at, &text);
    let html_at = content.html_body.find("</p>").map_or(0, |i| i + 4);
    content.html_body.insert_str(html_at, &html);
    content
}

/// Adds a closing note with a link, small and apart, to both parts.
pub fn add_footer(content: &mut MailContent, note: &str, link: (&str, &str)) {
    let (label, url) = link;
    content
        .text_body
        .push_str(&format!("\n-- \n{note}\n{label}: {url}\n"));
    content.html_body.push_str(&format!(
        "<p style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:12px;\
         color:#59636e;margin:24px 0 0\">{} <a href=\"{}\" style=\"color:#59636e\">{}</a></p>",
        escape_markup(note),
        escape_markup(url),
        escape_markup(label),
    ));
}

/// A mail to enqueue with these words.
pub(crate) fn account_mail(
    kind: MailKind,
    user: Option<UserId>,
    to: (&str, &str),
    content: MailContent,
    now: i64,
) -> NewMail {
    let (address, name) = to;
    NewMail {
        kind,
        user,
        to_address: address.to_owned(),
        to_name: one_line(name),
        subject: content.subject,
        text_body: content.text_body,
        html_body: content.html_body,
        now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_break_in_a_name_never_reaches_a_header() {
        assert_eq!(one_line("Ana\r\nBcc: x@y.z"), "Ana  Bcc: x@y.z");
        assert_eq!(one_line(" \u{0}Bo\tb "), "Bo b");
    }

    #[test]
    fn html_parts_escape_what_people_wrote() {
        let c = compose(
            "Hi <b>",
            &["<script>alert(1)</script>".into()],
            ("Open", "https://h.example/x?a=1&b=\"2\""),
        );
        assert!(!c.html_body.contains("<script>"));
        assert!(c.html_body.contains("&lt;script&gt;"));
        assert!(
            c.html_body
                .contains("href=\"https://h.example/x?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(
            c.text_body
                .contains("Open: https://h.example/x?a=1&b=\"2\"")
        );
        assert_eq!(c.subject, "Hi <b>");
    }

    #[test]
    fn a_list_sits_between_the_introduction_and_the_link() {
        let items = vec![(
            "Ana replied in <i>x</i>".to_owned(),
            "https://h.example/t/1".to_owned(),
        )];
        let c = compose_list("S", "Intro\nline", &items, ("All", "https://h.example/n"));
        let t = &c.text_body;
        let (intro, item, all) = (
            t.find("Intro").unwrap(),
            t.find("- Ana replied in <i>x</i>\n  https://h.example/t/1")
                .unwrap(),
            t.find("All: https://h.example/n").unwrap(),
        );
        assert!(intro < item && item < all, "{t}");
        let h = &c.html_body;
        assert!(
            h.contains("Ana replied in &lt;i&gt;x&lt;/i&gt;</a></li>"),
            "{h}"
        );
        let (intro, item, all) = (
            h.find("Intro").unwrap(),
            h.find("<ul").unwrap(),
            h.find(">All</a>").unwrap(),
        );
        assert!(intro < item && item < all, "{h}");
    }
}
