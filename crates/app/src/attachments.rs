//! Attachments: uploading files, reading them back, deleting them. A file
//! belongs to its uploader until a topic or reply that links it is saved,
//! then to that topic or reply, and is exactly as private as it is: a
//! draft's file is its author's, a hidden or deleted topic's file its
//! moderators', a moved topic's file follows it to its new space.

use hearth_core::files::{FileRef, clean_filename, detect_type};
use hearth_core::model::{AuditAction, UserStatus};
use hearth_core::permissions::{SpaceAction, Viewer};
use hearth_core::topic_rules::TopicAction;
use hearth_store::{Attachment, NewAttachment};

use crate::access::{VisibleTopic, find_topic};
use crate::access::{find, guest_access};
use crate::auth::Authenticated;
use crate::replies::find_reply;
use crate::secrets::random_secret;
use crate::{AppError, Ctx, Result};

/// Stores a file in a space the uploader may write in, under a public name
/// of 128 random bits. Its type is read from its bytes; its name is cleaned
/// of paths and control characters.
pub async fn upload(
    ctx: &Ctx,
    who: &Authenticated,
    space_slug: &str,
    filename: &str,
    data: Vec<u8>,
) -> Result<Attachment> {
    // Whoever may post here may attach: in an open space, before the post
    // that makes them a member.
    let space = find(ctx, who.viewer(), space_slug, SpaceAction::See).await?;
    space.require_contributor(who.viewer())?;
    let max = ctx.config.max_attachment_bytes;
    if data.len() > max {
        return Err(AppError::TooLarge(format!(
            "files may be at most {} MiB",
            max / (1024 * 1024)
        )));
    }
    if data.is_empty() {
        return Err(AppError::invalid("file", "is empty"));
    }
    let mut public_id = random_secret()?;
    public_id.truncate(hearth_core::files::PUBLIC_NAME_LEN);
    let hash = hearth_store::verify::sha256_hex(&data);
    let attachment = ctx
        .store
        .create_attachment(NewAttachment {
            public_id,
            space_id: space.view.space.id,
            uploader: who.user.id,
            hash,
            filename: clean_filename(filename),
            content_type: detect_type(&data).to_owned(),
            data,
            created_at: ctx.now(),
        })
        .await?;
    tracing::info!(by = %who.user.username, attachment = %attachment.id, size = attachment.size, "file uploaded");
    Ok(attachment)
}

/// What a file belongs to, as the viewer may see it.
enum Owner {
    /// Nothing yet: its uploader's alone.
    Uploader,
    /// Its uploader's profile.
    Profile,
    /// A topic, or a reply in it.
    Topic(Box<VisibleTopic>),
}

/// The file at `file` and what it belongs to, if the viewer may read it;
/// "not found" otherwise (or "sign in" for guests), whatever the reason.
async fn readable(ctx: &Ctx, viewer: Viewer, file: &FileRef) -> Result<(Attachment, Owner)> {
    let hidden = || match viewer {
        Viewer::Guest => AppError::Unauthorized("sign in to continue".into()),
        _ => AppError::NotFound,
    };
    let a = ctx.store.attachment(file).await?.ok_or_else(hidden)?;
    let owner = match (a.topic_id, a.reply_id) {
        (_, Some(reply)) => {
            let (reply, topic) = find_reply(ctx, viewer, reply).await?;
            let own = viewer.user_id() == Some(reply.author.id);
            if reply.deleted && !own && !topic.can.moderate {
                return Err(hidden());
            }
            Owner::Topic(Box::new(topic))
        }
        (Some(topic), None) => Owner::Topic(Box::new(
            find_topic(ctx, viewer, topic, TopicAction::Read).await?,
        )),
        (None, None) if viewer.user_id() == Some(a.uploader) => Owner::Uploader,
        (None, None) if a.on_profile => {
            // As readable as the profile that shows it.
            guest_access(ctx, viewer).await?;
            let owner = ctx.store.user(a.uploader).await?;
            if owner.is_none_or(|u| u.status == UserStatus::Deleted) {
                return Err(hidden());
            }
            Owner::Profile
        }
        (None, None) => return Err(hidden()),
    };
    Ok((a, owner))
}

/// A file and its bytes, for those who may read what it belongs to.
pub async fn get(ctx: &Ctx, viewer: Viewer, file: &FileRef) -> Result<(Attachment, Vec<u8>)> {
    let (a, _) = readable(ctx, viewer, file).await?;
    let data = ctx.store.blob(&a.hash).await?.ok_or_else(|| {
        AppError::Internal(format!("blob {} of attachment {} is missing", a.hash, a.id))
    })?;
    Ok((a, data))
}

/// Its uploader or a moderator of what it belongs to deletes a file; its
/// bytes go too once no other file names them. Audited.
pub async fn delete(ctx: &Ctx, who: &Authenticated, file: &FileRef) -> Result<Attachment> {
    let viewer = who.viewer();
    let (a, owner) = readable(ctx, viewer, file).await?;
    let space = match &owner {
        Owner::Topic(topic) => Some(topic.view.topic.space_id),
        Owner::Uploader | Owner::Profile => Some(a.space_id),
    };
    let moderator = matches!(&owner, Owner::Topic(topic) if topic.can.moderate);
    if a.uploader != who.user.id && !moderator && !who.user.is_admin {
        return Err(AppError::Forbidden(
            "only its uploader or a moderator may delete a file".into(),
        ));
    }
    let audit = crate::audit::event(
        ctx,
        who,
        AuditAction::AttachmentDelete,
        format!("attachment:{}", a.id),
        space,
        Some(a.filename.clone()),
        None,
    );
    if !ctx.store.delete_attachment(a.id, audit).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(by = %who.user.username, attachment = %a.id, "file deleted");
    Ok(a)
}

/// The files of a topic and its replies, for its moderators (who may
/// delete any of them) and for their uploaders (their own only).
pub async fn of_topic(
    ctx: &Ctx,
    who: &Authenticated,
    topic: &VisibleTopic,
) -> Result<Vec<Attachment>> {
    let files = ctx.store.topic_attachments(topic.view.topic.id).await?;
    Ok(files
        .into_iter()
        .filter(|a| topic.can.moderate || a.uploader == who.user.id)
        .collect())
}
