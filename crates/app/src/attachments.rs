//! Attachments: uploading files into a space and reading them back.

use hearth_core::files::{clean_filename, detect_type};
use hearth_core::ids::AttachmentId;
use hearth_core::permissions::{Decision, SpaceAccess, SpaceAction, Viewer, decide};
use hearth_store::{Attachment, NewAttachment};

use crate::auth::Authenticated;
use crate::spaces::{find, guest_access};
use crate::{AppError, Ctx, Result};

/// Stores a file in a space the uploader may write in. Its type is read from
/// its bytes; its name is cleaned of paths and control characters.
pub async fn upload(
    ctx: &Ctx,
    who: &Authenticated,
    space_slug: &str,
    filename: &str,
    data: Vec<u8>,
) -> Result<Attachment> {
    let space = find(ctx, who.viewer(), space_slug, SpaceAction::Write).await?;
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
    let hash = hearth_store::verify::sha256_hex(&data);
    let attachment = ctx
        .store
        .create_attachment(NewAttachment {
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

/// An attachment and its bytes, for those who may read its space.
pub async fn get(ctx: &Ctx, viewer: Viewer, id: AttachmentId) -> Result<(Attachment, Vec<u8>)> {
    let guest_access = guest_access(ctx, viewer).await?;
    let (attachment, space) = ctx
        .store
        .attachment(id, viewer.user_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let access = SpaceAccess {
        kind: space.space.kind,
        visibility: space.space.visibility,
        join_policy: space.space.join_policy,
        role: space.role,
        guest_access,
    };
    if decide(viewer, &access, SpaceAction::Read) != Decision::Allow {
        return Err(AppError::NotFound);
    }
    let data = ctx.store.blob(&attachment.hash).await?.ok_or_else(|| {
        AppError::Internal(format!(
            "blob {} of attachment {id} is missing",
            attachment.hash
        ))
    })?;
    Ok((attachment, data))
}
