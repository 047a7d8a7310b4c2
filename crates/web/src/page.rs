//! What every page's template gets: the site's name, the visitor, the CSRF
//! token for its forms, and a notice to show once.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use hearth_app::AppError;
use hearth_app::records::User;

use crate::error::PageError;
use crate::extract::Visitor;
use crate::state::AppState;

/// The frame around every page.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    pub site_name: String,
    pub me: Option<User>,
    pub csrf: String,
    pub title: String,
    /// A fresh key for this page's create forms: submitting twice writes once.
    pub form_key: String,
    /// Writing is paused (maintenance, or the database refuses writes).
    pub paused: bool,
    /// The largest file an editor may attach.
    pub max_upload_bytes: usize,
    /// The signed-in visitor's unread notifications (at most 100 counted).
    pub unread: i64,
    /// The newest live event when the page was built: its live updates
    /// start after it, so that nothing between is missed.
    pub live_after: i64,
}

impl Chrome {
    /// The frame for `visitor`, titled `title`.
    pub(crate) async fn new(
        state: &AppState,
        visitor: &Visitor,
        title: impl Into<String>,
    ) -> Result<Self, PageError> {
        let settings = hearth_app::settings::get(&state.ctx).await?;
        let (unread, live_after) = match &visitor.who {
            Some(who) => (
                hearth_app::following::unread(&state.ctx, who).await?,
                hearth_app::live::latest(&state.ctx).await?,
            ),
            None => (0, 0),
        };
        let paused = settings.read_only
            || state.writes_failing()
            || hearth_app::status::reading_from_replica(&state.ctx);
        Ok(Self {
            site_name: settings.site_name,
            me: visitor.who.as_ref().map(|w| w.user.clone()),
            csrf: visitor.csrf.clone(),
            title: title.into(),
            form_key: hearth_app::secrets::random_secret()?,
            paused,
            max_upload_bytes: state.ctx.config.max_attachment_bytes,
            unread,
            live_after,
        })
    }

    pub(crate) fn is_admin(&self) -> bool {
        self.me.as_ref().is_some_and(|u| u.is_admin)
    }
}

/// Renders a template as a 200 page.
pub(crate) fn render(t: &impl Template) -> Result<Response, PageError> {
    render_with(StatusCode::OK, t)
}

/// Renders a template with a status (a form sent back with errors is a 400).
pub(crate) fn render_with(status: StatusCode, t: &impl Template) -> Result<Response, PageError> {
    let html = t
        .render()
        .map_err(|e| PageError(AppError::Internal(e.to_string())))?;
    Ok((status, Html(html)).into_response())
}

/// Field errors of a refused form, by field name, for the template.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormErrors(pub Vec<hearth_app::FieldError>);

impl FormErrors {
    /// The message for `field`, or "".
    pub(crate) fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Whether there is any error.
    pub(crate) fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// Turns a use-case error into form errors when it is about the input;
    /// other errors stay errors.
    pub(crate) fn from_error(err: AppError) -> Result<(StatusCode, Self), PageError> {
        let one = |status, message: String| {
            Ok((
                status,
                FormErrors(vec![hearth_app::FieldError {
                    field: String::new(),
                    message,
                }]),
            ))
        };
        match err {
            AppError::Invalid(fields) => Ok((StatusCode::BAD_REQUEST, FormErrors(fields))),
            AppError::Conflict(m) => one(StatusCode::CONFLICT, m),
            stale @ AppError::StaleVersion(_) => {
                one(StatusCode::CONFLICT, crate::error::message_of(&stale))
            }
            AppError::Unauthorized(m) => one(StatusCode::UNAUTHORIZED, m),
            AppError::Forbidden(m) => one(StatusCode::FORBIDDEN, m),
            AppError::Unavailable(_) => one(
                StatusCode::SERVICE_UNAVAILABLE,
                "writing is paused right now; nothing was saved, and your text is kept below: send it again in a moment".into(),
            ),
            AppError::TooManyRequests { retry_after } => one(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many attempts; try again in {retry_after} seconds"),
            ),
            other => Err(PageError(other)),
        }
    }
}
