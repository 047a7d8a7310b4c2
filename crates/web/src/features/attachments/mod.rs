//! Attachments: the upload form, serving files, a topic's files, deleting
//! them, and the API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};

use crate::state::AppState;

pub(crate) fn router(max_attachment_bytes: usize) -> Router<AppState> {
    // Uploads carry files larger than the general body limit.
    let upload_limit = DefaultBodyLimit::max(max_attachment_bytes + 64 * 1024);
    Router::new()
        .route("/s/{space}/attachments/new", get(html::new))
        .route(
            "/s/{space}/attachments",
            post(html::upload).layer(upload_limit),
        )
        .route("/a/{id}/{filename}", get(html::serve))
        .route("/a/{id}/delete", post(html::delete))
        .route("/t/{id}/files", get(html::files))
        .route("/api/v1/attachments/{id}", delete(api::delete))
        .route(
            "/api/v1/spaces/{space}/attachments",
            post(api::upload).layer(upload_limit),
        )
}

/// The name of a file in its address: its public name, or the number of a
/// file uploaded before public names.
pub(crate) fn file_name(a: &hearth_app::records::Attachment) -> String {
    a.public_id.clone().unwrap_or_else(|| a.id.to_string())
}

/// The address of an attachment: its name and its file name.
pub(crate) fn attachment_url(a: &hearth_app::records::Attachment) -> String {
    format!(
        "/a/{}/{}",
        file_name(a),
        crate::extract::encode(&a.filename)
    )
}

/// A file's address as a path gives it; anything else names no file.
pub(crate) fn file_ref(s: &str) -> Result<hearth_core::files::FileRef, hearth_app::AppError> {
    hearth_core::files::FileRef::parse(s).ok_or(hearth_app::AppError::NotFound)
}

/// Markdown that shows an image inline or links any other file.
pub(crate) fn markdown_for(a: &hearth_app::records::Attachment) -> String {
    let url = attachment_url(a);
    let label = a.filename.replace(['[', ']'], "");
    if hearth_core::files::is_inline_image(&a.content_type) {
        format!("![{label}]({url})")
    } else {
        format!("[{label}]({url})")
    }
}
