//! Reading a reply that came by e-mail: its `Message-ID`, its sender, the
//! reply address it was sent to, and its new text (quoted text and the
//! signature cut). Bounded: at most [`MAX_MAIL_BYTES`] are read, and the
//! parser (mail-parser) limits how deep encodings nest.

use mail_parser::MessageParser;

/// The largest mail taken: a reply's text, with room for quoted text.
pub const MAX_MAIL_BYTES: usize = 1024 * 1024;
/// The local part every reply address starts with.
pub const REPLY_PREFIX: &str = "reply+";

/// A reply as read from its mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundReply {
    /// Its `Message-ID`, without the angle brackets.
    pub message_id: String,
    /// The address in `From`.
    pub from: String,
    /// The local part of the reply address it was sent to.
    pub reply_address: String,
    /// What it says that the mail it answers did not.
    pub text: String,
}

/// Why a mail is not a reply Hearth can post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundError {
    /// It cannot be read, or says nothing new.
    Unreadable(String),
    /// It is not sent to a reply address.
    NotAReply,
}

/// Reads `raw` as a reply; `recipient` is the envelope's, when the mail
/// server gives it (else `To` and `Cc` are searched for a reply address).
pub fn read_reply(raw: &[u8], recipient: Option<&str>) -> Result<InboundReply, InboundError> {
    let unreadable = |why: &str| InboundError::Unreadable(why.to_owned());
    if raw.len() > MAX_MAIL_BYTES {
        return Err(InboundError::Unreadable(format!(
            "the mail is larger than {} KB",
            MAX_MAIL_BYTES / 1024
        )));
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| unreadable("this is not a mail"))?;
    let message_id = message
        .message_id()
        .filter(|id| !id.is_empty() && id.len() <= 998)
        .ok_or_else(|| unreadable("the mail has no Message-ID"))?
        .to_owned();
    let mut candidates: Vec<String> = recipient.map(str::to_owned).into_iter().collect();
    for header in [message.to(), message.cc()].into_iter().flatten() {
        candidates.extend(header.iter().filter_map(|a| a.address()).map(str::to_owned));
    }
    let reply_address = candidates
        .iter()
        .filter_map(|a| a.split_once('@').map(|(local, _)| local))
        .find(|local| local.to_ascii_lowercase().starts_with(REPLY_PREFIX))
        .ok_or(InboundError::NotAReply)?
        .to_owned();
    let from = message
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    let text = new_text(&message.body_text(0).unwrap_or_default());
    if text.is_empty() {
        return Err(unreadable("the mail has no new text to post"));
    }
    Ok(InboundReply {
        message_id,
        from,
        reply_address,
        text,
    })
}

/// The new text of a reply: what comes before the quoted mail ("On …
/// wrote:", "-----Original Message") and the signature (`-- `), without
/// the lines quoted with `>`.
pub fn new_text(body: &str) -> String {
    let mut kept = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim_end();
        let quote_header = trimmed.starts_with("On ") && trimmed.ends_with("wrote:");
        if matches!(trimmed, "--" | "-- ")
            || quote_header
            || trimmed.starts_with("-----Original Message")
        {
            break;
        }
        // Quoted, however indented.
        if !trimmed.trim_start().starts_with('>') {
            kept.push(trimmed);
        }
    }
    kept.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_and_signatures_are_cut() {
        let body = "Sounds good.\nSee you.\n\nOn Tue, 1 Dec 2026, Ann wrote:\n> Where?\n> -- \n";
        assert_eq!(new_text(body), "Sounds good.\nSee you.");
        assert_eq!(new_text("Yes.\n-- \nBo, Finance"), "Yes.");
        assert_eq!(new_text("> only quoted\n>more"), "");
        assert_eq!(new_text("Inline\n> quote\nanswer"), "Inline\nanswer");
        assert_eq!(new_text(" >indented quote\n\nb"), "b");
    }

    #[test]
    fn a_reply_is_found_by_its_address_and_read_for_its_new_text() {
        let raw = b"From: Ann <ann@example.org>\r\nTo: Hearth <reply+1.2.3.abc@h.example>\r\n\
            Message-ID: <m1@client>\r\nSubject: Re: x\r\n\r\nYes!\r\n> quoted\r\n";
        let reply = read_reply(raw, None).unwrap();
        assert_eq!(reply.message_id, "m1@client");
        assert_eq!(reply.from, "ann@example.org");
        assert_eq!(reply.reply_address, "reply+1.2.3.abc");
        assert_eq!(reply.text, "Yes!");
        let envelope = read_reply(raw, Some("reply+9.9.9.f@h.example")).unwrap();
        assert_eq!(
            envelope.reply_address, "reply+9.9.9.f",
            "the envelope first"
        );
        let no_id = b"From: a@b.c\r\nTo: reply+1@h\r\n\r\nYes";
        assert!(matches!(
            read_reply(no_id, None),
            Err(InboundError::Unreadable(_))
        ));
        let elsewhere = b"From: a@b.c\r\nTo: ann@h.example\r\nMessage-ID: <x@y>\r\n\r\nYes";
        assert_eq!(read_reply(elsewhere, None), Err(InboundError::NotAReply));
        let huge = vec![b'a'; MAX_MAIL_BYTES + 1];
        assert!(matches!(
            read_reply(&huge, None),
            Err(InboundError::Unreadable(_))
        ));
    }
}
