//! Markdown as Hearth stores it: rendered once, at write time, with
//! `@name` linked only where it names someone.

use hearth_core::{content, files, markdown};

use crate::work::Work;
use crate::{AppError, Ctx, Result};

/// At most this many different names of a text are looked up; any further
/// `@name` stays text, so that a text of ten thousand names costs no more
/// than a normal one.
const MAX_MENTIONS: usize = 100;

/// A body rendered for storing.
pub(crate) struct Rendered {
    /// The sanitized HTML.
    pub html: String,
    /// The usernames it mentions that belong to someone.
    pub mentions: Vec<String>,
    /// The public names of the files it links.
    pub files: Vec<String>,
}

/// Renders `body`, linking and returning the mentions of existing people.
/// Refuses a body nested too deep. The caller has made the quick checks
/// ([`hearth_core::content::check_body_size`]); the parsing and rendering
/// run on the work threads.
pub(crate) async fn render(ctx: &Ctx, body: &str) -> Result<Rendered> {
    let body = std::sync::Arc::<str>::from(body);
    let parsed = std::sync::Arc::clone(&body);
    let (names, files) = ctx
        .work
        .run(Work::Markup, move || {
            content::check_nesting("body", &parsed)?;
            Ok::<_, AppError>((markdown::mentions(&parsed), files::linked_files(&parsed)))
        })
        .await??;
    let mut people = Vec::new();
    for name in names.into_iter().take(MAX_MENTIONS) {
        if ctx.store.user_by_username(&name).await?.is_some() {
            people.push(name.to_string());
        }
    }
    let (html, people) = ctx
        .work
        .run(Work::Markup, move || {
            let html = markdown::render_for(&body, |name| people.iter().any(|p| p == name));
            (html, people)
        })
        .await?;
    Ok(Rendered {
        html,
        mentions: people,
        files,
    })
}

/// What `body` would look like once saved, for the editor's preview.
pub async fn preview(ctx: &Ctx, body: &str) -> Result<String> {
    content::check_body_size("body", body, true)?;
    Ok(render(ctx, body).await?.html)
}
