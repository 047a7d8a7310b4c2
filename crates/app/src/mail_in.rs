//! Reply by e-mail. A notification mail about a topic carries a
//! `Reply-To` address with a signed, per-recipient, per-topic token that
//! expires; a reply to it reaches `hearth mail-in` through the mail
//! server, and its new text (quoted text and signature cut) is posted as
//! that member, with the same permission check as the page.

use hearth_core::ids::{ReplyId, TopicId, UserId};
use hearth_core::inbound_mail::{InboundError, REPLY_PREFIX, read_reply};
use hearth_core::model::UserStatus;

use crate::auth::Authenticated;
use crate::{AppError, Ctx, signing};

/// How long a reply address works.
const TOKEN_DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;
pub use hearth_core::inbound_mail::MAX_MAIL_BYTES;

/// Why a mail was not posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailInError {
    /// The mail cannot be read, or says nothing new: the sender is told.
    Unreadable(String),
    /// The address is forged or expired, the mail was posted already, or
    /// the member may not reply there: the sender is told.
    Refused(String),
    /// Hearth cannot take it now; the mail server tries again later.
    Later(String),
}

impl std::fmt::Display for MailInError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailInError::Unreadable(m) | MailInError::Refused(m) | MailInError::Later(m) => {
                f.write_str(m)
            }
        }
    }
}

impl From<AppError> for MailInError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unavailable(_) | AppError::Busy { .. } | AppError::Internal(_) => {
                MailInError::Later(e.to_string())
            }
            AppError::Invalid(fields) => MailInError::Unreadable(
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::NotFound => {
                MailInError::Refused("the topic is gone, or you may no longer see it".into())
            }
            other => MailInError::Refused(other.to_string()),
        }
    }
}

/// The local part of the address a reply to `user`'s mail about `topic`
/// goes to, signed with `key`, working for 30 days from `now`.
pub(crate) fn reply_local_part(
    key: &[u8],
    user: UserId,
    topic: i64,
    now: i64,
) -> crate::Result<String> {
    let until_day = now / DAY_MS + TOKEN_DAYS;
    let token = signing::sign(key, &format!("{}.{topic}.{until_day}", user.0))?;
    Ok(format!("{REPLY_PREFIX}{token}"))
}

/// Whom and where a reply address lets post, if Hearth signed it and it
/// has not expired.
fn read_token(key: &[u8], local: &str, now: i64) -> Result<(UserId, TopicId), MailInError> {
    let forged = || MailInError::Refused("this reply address is not one Hearth made".into());
    let token = local.strip_prefix(REPLY_PREFIX).ok_or_else(forged)?;
    let payload = signing::verify(key, token).ok_or_else(forged)?;
    let mut parts = payload.split('.');
    let mut number = || {
        parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(forged)
    };
    let (user, topic, until_day) = (number()?, number()?, number()?);
    if now / DAY_MS > until_day {
        return Err(MailInError::Refused(
            "this reply address has expired: reply on the site".into(),
        ));
    }
    Ok((UserId(user), TopicId(topic)))
}

/// What was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The new reply.
    pub reply: ReplyId,
    /// Its topic.
    pub topic: TopicId,
    /// Who wrote it.
    pub username: String,
}

/// Posts one mail (RFC 5322, at most [`MAX_MAIL_BYTES`]) as a reply.
/// `recipient` is the envelope's, when the mail server gives it; otherwise
/// the reply address is looked for in the headers.
pub async fn post(ctx: &Ctx, raw: &[u8], recipient: Option<&str>) -> Result<Posted, MailInError> {
    let mail = read_reply(raw, recipient).map_err(|e| match e {
        InboundError::Unreadable(why) => MailInError::Unreadable(why),
        InboundError::NotAReply => {
            MailInError::Refused("the mail is not addressed to a reply address".into())
        }
    })?;
    let key = signing::key(ctx).await?;
    let (user, topic) = read_token(&key, &mail.reply_address, ctx.now())?;
    let user = ctx
        .store
        .user(user)
        .await
        .map_err(AppError::from)?
        .filter(|u| u.status == UserStatus::Active)
        .ok_or_else(|| MailInError::Refused("the account cannot post".into()))?;
    if !mail.from.eq_ignore_ascii_case(user.email.as_str()) {
        return Err(MailInError::Refused(
            "the mail is not from the address this reply address was sent to".into(),
        ));
    }
    if ctx
        .store
        .mail_reply(&mail.message_id)
        .await
        .map_err(AppError::from)?
        .is_some()
    {
        return Err(MailInError::Refused("this mail was posted already".into()));
    }
    // Keyed by the mail, so that a crash before it is recorded below and
    // the mail server's retry post it once.
    let key = format!(
        "mail-{}",
        &hearth_store::verify::sha256_hex(mail.message_id.as_bytes())[..40]
    );
    let who = Authenticated {
        user: user.clone(),
        session: None,
    };
    let posted = crate::replies::create(ctx, &who, topic, None, &mail.text, Some(&key)).await?;
    let reply = posted.item.id;
    ctx.store
        .record_mail_reply(&mail.message_id, reply, ctx.now())
        .await
        .map_err(AppError::from)?;
    tracing::info!(user = %user.username, topic = %topic, reply = %reply, "reply posted by e-mail");
    Ok(Posted {
        reply,
        topic,
        username: user.username.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_addresses_are_signed_per_member_and_topic_and_expire() {
        let now = 100 * DAY_MS;
        let local = reply_local_part(b"k", UserId(7), 42, now).unwrap();
        assert!(local.len() <= 64, "{local}");
        assert_eq!(read_token(b"k", &local, now), Ok((UserId(7), TopicId(42))));
        assert!(read_token(b"k", &local, now + 30 * DAY_MS).is_ok());
        assert!(
            matches!(read_token(b"k", &local, now + 31 * DAY_MS), Err(MailInError::Refused(m)) if m.contains("expired"))
        );
        assert!(read_token(b"other", &local, now).is_err());
        assert!(read_token(b"k", &local.replace("+7.", "+8."), now).is_err());
        assert!(read_token(b"k", "reply+nonsense", now).is_err());
    }
}
