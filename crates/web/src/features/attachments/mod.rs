//! Attachments: the upload form, serving files, and the upload API.

pub(crate) mod api;
pub(crate) mod html;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

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
        .route(
            "/api/v1/spaces/{space}/attachments",
            post(api::upload).layer(upload_limit),
        )
}

/// The address of an attachment: its id and its name.
pub(crate) fn attachment_url(a: &hearth_store::Attachment) -> String {
    format!("/a/{}/{}", a.id, crate::extract::encode(&a.filename))
}

/// Markdown that shows an image inline or links any other file.
pub(crate) fn markdown_for(a: &hearth_store::Attachment) -> String {
    let url = attachment_url(a);
    let label = a.filename.replace(['[', ']'], "");
    if hearth_core::files::is_inline_image(&a.content_type) {
        format!("![{label}]({url})")
    } else {
        format!("[{label}]({url})")
    }
}
