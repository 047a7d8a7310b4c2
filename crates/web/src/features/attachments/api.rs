//! Uploading through the API: the request body is the file.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{attachment_url, file_name, file_ref, markdown_for};
use crate::error::ApiError;
use crate::extract::{ApiQuery, ApiUser};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The file's name.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadQuery {
    /// The file's name (paths are removed).
    filename: String,
}

/// An uploaded file. It is its uploader's until a topic or reply whose
/// text links it (its `markdown`) is saved, then as private as that.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttachmentJson {
    /// Its public name (128 random bits), as in its `url`.
    id: String,
    filename: String,
    /// The type found in its bytes.
    content_type: String,
    size: i64,
    created_at: String,
    /// Markdown that shows or links it.
    markdown: String,
    url: String,
}

/// Uploads a file into a space; the body is the file's bytes.
#[utoipa::path(post, path = "/api/v1/spaces/{space}/attachments", tag = "attachments",
    params(("space" = String, Path, description = "the space's slug"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentJson), (status = 413, body = crate::error::ErrorBody)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<AttachmentJson>), ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge("the file is too large".into())
        } else {
            AppError::invalid("body", e.body_text())
        }
    })?;
    let a = hearth_app::attachments::upload(&state.ctx, &who, &slug, &q.filename, body.to_vec())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentJson {
            id: file_name(&a),
            markdown: markdown_for(&a),
            url: attachment_url(&a),
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            created_at: rfc3339(a.created_at),
        }),
    ))
}

/// Deletes a file: its uploader, or a moderator of the topic it belongs to.
/// Its bytes go too once no other file names them.
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "attachments",
    params(("id" = String, Path, description = "the file's public name, as in its url")),
    responses((status = 204, description = "Deleted"),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    hearth_app::attachments::delete(&state.ctx, &who, &file_ref(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
