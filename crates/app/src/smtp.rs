//! Mail as it goes over the wire: the SMTP server and the message with
//! its headers (both parts, threading, unsubscribing, replying; no
//! tracking).

use std::time::Duration;

use hearth_store::{MailContent, OutboxMail};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::mail::one_line;

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP server mail goes to.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp")
    }
}

impl Smtp {
    /// The server at `url`: `smtp://HOST:PORT` (plain), `smtp+starttls://`
    /// or `smtps://`, with a user and password in the URL or the password
    /// given apart.
    pub fn new(url: &str, password: Option<&str>) -> std::result::Result<Self, String> {
        let mut builder = builder(url)?.timeout(Some(SMTP_TIMEOUT));
        if let Some(password) = password {
            let rest = url.split_once("://").map_or("", |(_, rest)| rest);
            let user = rest
                .split_once('@')
                .map(|(userinfo, _)| userinfo.split(':').next().unwrap_or(""))
                .unwrap_or("");
            builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
        }
        // Pooled: connections are kept and reused (its keeper runs on the
        // runtime this is built on).
        Ok(Self {
            transport: builder.build(),
        })
    }

    /// Whether `url` names an SMTP server as [`Smtp::new`] takes it.
    pub fn check(url: &str) -> std::result::Result<(), String> {
        builder(url).map(|_| ())
    }
}

fn builder(url: &str) -> std::result::Result<AsyncSmtpTransportBuilder, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("the SMTP URL must start with smtp://, smtp+starttls:// or smtps://")?;
    let lettre_url = match scheme {
        "smtp" | "smtps" => url.to_owned(),
        "smtp+starttls" => {
            let sep = if rest.contains('?') { '&' } else { '?' };
            format!("smtp://{rest}{sep}tls=required")
        }
        other => return Err(format!("unknown SMTP scheme {other}")),
    };
    AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url)
        .map_err(|e| format!("the SMTP URL is not usable: {e}"))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no vacation replies.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// `List-Unsubscribe: <URL>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the
/// link unsubscribes with one POST, no page in between.
#[derive(Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// A mail's words and what it belongs to.
pub(crate) struct Written {
    pub content: MailContent,
    /// The topic it tells of, for threading.
    pub thread: Option<i64>,
    /// The link that stops mail of its kind.
    pub unsubscribe: Option<String>,
    /// The local part of the address a reply goes to (reply by e-mail).
    pub reply_to: Option<String>,
}

/// The domain of an address, for `Message-ID`s.
fn domain_of(mailbox: &Mailbox) -> String {
    mailbox.email.domain().to_owned()
}

/// A mail's `Message-ID`: made from its id and time, so every attempt
/// sends the same one.
pub fn message_id(mail: &OutboxMail, domain: &str) -> String {
    format!("<hearth.{}.{}@{domain}>", mail.id, mail.created_at)
}

/// What all a topic's mails name in `References`, so that they thread.
fn topic_thread(topic: i64, domain: &str) -> String {
    format!("<hearth.topic.{topic}@{domain}>")
}

/// Builds the message: both parts, threading headers, no tracking.
pub(crate) fn message(
    mail: &OutboxMail,
    written: &Written,
    from: &Mailbox,
) -> std::result::Result<Message, String> {
    let content = &written.content;
    let domain = domain_of(from);
    let address = mail
        .to_address
        .parse()
        .map_err(|e| format!("the address {} is not usable: {e}", mail.to_address))?;
    let name = one_line(&mail.to_name);
    let to = Mailbox::new((!name.is_empty()).then_some(name), address);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&content.subject))
        .message_id(Some(message_id(mail, &domain)))
        .header(AutoSubmitted);
    if let Some(topic) = written.thread {
        let root = topic_thread(topic, &domain);
        builder = builder.in_reply_to(root.clone()).references(root);
    }
    if let Some(local) = &written.reply_to {
        let address = format!("{local}@{domain}")
            .parse()
            .map_err(|e| format!("the reply address is not usable: {e}"))?;
        builder = builder.reply_to(Mailbox::new(from.name.clone(), address));
    }
    if let Some(url) = &written.unsubscribe {
        builder = builder
            .header(ListUnsubscribe(url.clone()))
            .header(OneClick);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            content.text_body.clone(),
            content.html_body.clone(),
        ))
        .map_err(|e| format!("the message could not be built: {e}"))
}

/// What became of handing a message to the server.
pub(crate) enum Sending {
    /// Accepted.
    Accepted,
    /// Refused for good (a 5xx answer).
    Refused(String),
    /// Not now: a 4xx answer, a dropped connection, a timeout.
    Failed(String),
}

impl Smtp {
    /// Hands `message` to the server, within the SMTP timeout whatever
    /// happens on the way (a connection waited for, a server that stalls):
    /// a round of mail always ends.
    pub(crate) async fn send(&self, message: Message) -> Sending {
        match tokio::time::timeout(SMTP_TIMEOUT, self.transport.send(message)).await {
            Ok(Ok(_)) => Sending::Accepted,
            Ok(Err(e)) if e.is_permanent() => Sending::Refused(e.to_string()),
            Ok(Err(e)) => Sending::Failed(e.to_string()),
            Err(_) => Sending::Failed(format!(
                "the SMTP server did not take it within {} s",
                SMTP_TIMEOUT.as_secs()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_name_how_to_reach_the_server() {
        assert!(Smtp::check("smtp://127.0.0.1:2525").is_ok());
        assert!(Smtp::check("smtp+starttls://u:p@mail.example.org").is_ok());
        assert!(Smtp::check("smtps://mail.example.org").is_ok());
        assert!(Smtp::check("http://mail.example.org").is_err());
        assert!(Smtp::check("mail.example.org").is_err());
    }
}
