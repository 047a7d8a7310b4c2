//! A notification's mail, written when it goes from the notification as
//! its reader may see it then: nothing they read on the site meanwhile,
//! nothing they may no longer see.

use hearth_store::{NotificationsQuery, OutboxMail, User};

use crate::auth::viewer_of;
use crate::mail::{add_footer, compose};
use crate::smtp::Written;
use crate::{Ctx, Result};

/// The active account a mail written when it goes is for; or why it goes
/// unsent.
pub(crate) async fn recipient(
    ctx: &Ctx,
    mail: &OutboxMail,
) -> Result<std::result::Result<User, String>> {
    let Some(user) = mail.user else {
        return Ok(Err("it names no account".into()));
    };
    let Some(user) = ctx.store.user(user).await? else {
        return Ok(Err("its account is gone".into()));
    };
    if user.status != hearth_core::model::UserStatus::Active {
        return Ok(Err("its account is not active".into()));
    }
    Ok(Ok(user))
}

/// A notification's mail, written now from what its reader may see; or
/// why it goes unsent.
pub(crate) async fn notification_mail(
    ctx: &Ctx,
    mail: &OutboxMail,
) -> Result<std::result::Result<Written, String>> {
    let Some(id) = mail.notification else {
        return Ok(Err("it names no notification".into()));
    };
    let user = match recipient(ctx, mail).await? {
        Ok(user) => user,
        Err(reason) => return Ok(Err(reason)),
    };
    let now = ctx.now();
    let found = ctx
        .store
        .notifications(NotificationsQuery {
            viewer: viewer_of(&user),
            unread_only: false,
            before: None,
            only: Some(id),
            in_mail: None,
            limit: 1,
            now,
        })
        .await?;
    let Some(n) = found.into_iter().next() else {
        return Ok(Err("its reader may no longer see it, or it is gone".into()));
    };
    if n.read {
        return Ok(Err("its reader read it on the site".into()));
    }
    let mut paragraphs = vec![format!("{} {} {}.", n.actors(), n.action(), n.about())];
    if let Some(reply) = n.reply_id {
        let shown = ctx.store.reply(reply, Some(user.id)).await?;
        if let Some(reply) = shown.filter(|r| !r.deleted) {
            paragraphs.push(reply.body_md);
        }
    }
    let site = crate::settings::get(ctx).await?.site_name;
    let subject = match (n.topic_id, n.reply_id) {
        (Some(_), Some(_)) => format!("Re: {}", n.about()),
        (Some(_), None) => n.about(),
        (None, _) => format!("{} {} {} on {site}", n.actors(), n.action(), n.about()),
    };
    let origin = ctx.config.mail.origin();
    let url = format!("{origin}{}", n.path());
    let mut content = compose(&subject, &paragraphs, ("Open it on the site", &url));
    let token = crate::mail_preferences::unsubscribe_token(
        ctx,
        user.id,
        crate::mail_preferences::Unsubscribing::Kind(n.kind),
    )
    .await?;
    let unsubscribe = format!("{origin}/mail/unsubscribe?t={token}");
    let reply_to = match n.topic_id {
        Some(topic) => {
            let key = crate::signing::key(ctx).await?;
            Some(crate::mail_in::reply_local_part(
                &key, user.id, topic.0, now,
            )?)
        }
        None => None,
    };
    let replying = if reply_to.is_some() {
        " Reply to this mail to post your answer."
    } else {
        ""
    };
    let note = format!(
        "You get this mail for {} on {site}; choose what you are mailed on {origin}/account/mail.{replying}",
        n.kind.describe().to_lowercase()
    );
    add_footer(&mut content, &note, ("Stop these mails", &unsubscribe));
    Ok(Ok(Written {
        content,
        thread: n.topic_id.map(|t| t.0),
        unsubscribe: Some(unsubscribe),
        reply_to,
    }))
}
