//! The upload page and file downloads.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hearth_app::AppError;
use hearth_core::ids::TopicId;
use hearth_core::permissions::SpaceAction;

use super::{attachment_url, file_name, file_ref, markdown_for};
use crate::error::PageError;
use crate::extract::{Id, SignedIn, Visitor};
use crate::page::{Chrome, render, render_with};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "attachments/new.html")]
struct UploadPage {
    chrome: Chrome,
    space_slug: String,
    space_name: String,
    max_mib: usize,
    uploaded: Option<Uploaded>,
}

struct Uploaded {
    url: String,
    filename: String,
    markdown: String,
    image: bool,
}

pub(crate) async fn new(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let space = hearth_app::spaces::find(
        &state.ctx,
        signed_in.who.viewer(),
        &slug,
        SpaceAction::Write,
    )
    .await?;
    render(&UploadPage {
        chrome: Chrome::new(&state, &visitor, "Upload a file").await?,
        space_name: space.view.space.name.to_string(),
        space_slug: slug,
        max_mib: state.ctx.config.max_attachment_bytes / (1024 * 1024),
        uploaded: None,
    })
}

fn unreadable(e: impl std::fmt::Display) -> PageError {
    PageError(AppError::invalid(
        "file",
        format!("the upload could not be read: {e}"),
    ))
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Path(slug): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("file").to_owned();
            let data = field.bytes().await.map_err(unreadable)?;
            file = Some((name, data.to_vec()));
        }
    }
    let (name, data) =
        file.ok_or_else(|| PageError(AppError::invalid("file", "choose a file to upload")))?;
    let a = hearth_app::attachments::upload(&state.ctx, &signed_in.who, &slug, &name, data).await?;
    let space = hearth_app::spaces::find(
        &state.ctx,
        signed_in.who.viewer(),
        &slug,
        SpaceAction::Write,
    )
    .await?;
    render_with(
        StatusCode::CREATED,
        &UploadPage {
            chrome: Chrome::new(&state, &visitor, "File uploaded").await?,
            space_name: space.view.space.name.to_string(),
            space_slug: slug,
            max_mib: state.ctx.config.max_attachment_bytes / (1024 * 1024),
            uploaded: Some(Uploaded {
                url: attachment_url(&a),
                markdown: markdown_for(&a),
                image: hearth_core::files::is_inline_image(&a.content_type),
                filename: a.filename,
            }),
        },
    )
}

/// A file, for readers of its space: images inline, everything else as a
/// download; sandboxed, never sniffed.
pub(crate) async fn serve(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, _name)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (a, data) =
        hearth_app::attachments::get(&state.ctx, visitor.viewer(), &file_ref(&id)?).await?;
    let disposition = if hearth_core::files::is_inline_image(&a.content_type) {
        "inline".to_owned()
    } else {
        let ascii: String = a
            .filename
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!(
            "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
            crate::extract::encode(&a.filename)
        )
    };
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    let value = |s: &str| {
        HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    h.insert(header::CONTENT_TYPE, value(&a.content_type));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(resp)
}

#[derive(Template)]
#[template(path = "attachments/files.html")]
struct FilesPage {
    chrome: Chrome,
    topic_url: String,
    files_url: String,
    title: String,
    moderator: bool,
    files: Vec<FileRow>,
}

struct FileRow {
    url: String,
    name: String,
    filename: String,
    size: String,
    when: crate::time_fmt::When,
}

/// A topic's files with a button to delete each: all of them for its
/// moderators, their own for everyone else.
pub(crate) async fn files(
    State(state): State<AppState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Id(id): Id<TopicId>,
) -> Result<Response, PageError> {
    let topic = hearth_app::topics::find_topic(
        &state.ctx,
        signed_in.who.viewer(),
        id,
        hearth_core::topic_rules::TopicAction::Read,
    )
    .await?;
    let files = hearth_app::attachments::of_topic(&state.ctx, &signed_in.who, &topic).await?;
    let t = &topic.view.topic;
    render(&FilesPage {
        chrome: Chrome::new(&state, &visitor, format!("Files of {}", t.title.as_str())).await?,
        topic_url: crate::features::topics::views::topic_url(t),
        files_url: format!("/t/{}/files", t.id),
        title: t.title.as_str().to_owned(),
        moderator: topic.can.moderate,
        files: files
            .iter()
            .map(|a| FileRow {
                url: attachment_url(a),
                name: file_name(a),
                filename: a.filename.clone(),
                size: format!("{:.1} KiB", a.size as f64 / 1024.0),
                when: crate::time_fmt::When::new(a.created_at, state.ctx.now()),
            })
            .collect(),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct DeleteForm {
    /// Where to go afterwards: a path of this site.
    #[serde(default)]
    next: String,
}

/// Deletes a file from its topic's files page.
pub(crate) async fn delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    crate::extract::PageForm(form): crate::extract::PageForm<DeleteForm>,
) -> Result<Response, PageError> {
    hearth_app::attachments::delete(&state.ctx, &signed_in.who, &file_ref(&id)?).await?;
    Ok(axum::response::Redirect::to(crate::features::local_path(&form.next)).into_response())
}
