//! The values of the topic form, kept when it comes back with errors.

use hearth_app::AppError;
use hearth_app::topics::TopicInput;
use serde::Deserialize;

use crate::time_fmt::parse_datetime_local;

/// The topic form: writing a new topic, or editing one.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TopicForm {
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) body: String,
    #[serde(default)]
    pub(crate) tags: String,
    #[serde(default)]
    pub(crate) draft: Option<String>,
    /// A post's publish date, `datetime-local` in UTC; empty for none.
    #[serde(default)]
    pub(crate) publish_at: Option<String>,
    #[serde(default)]
    pub(crate) base_version: Option<i64>,
    #[serde(default)]
    pub(crate) idempotency_key: String,
}

impl TopicForm {
    /// What the form asks for, as the use cases take it; a malformed
    /// publish date is refused naming `publish_at`.
    pub(crate) fn input(&self) -> Result<TopicInput, AppError> {
        let publish_at = match self.publish_at.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(at) => Some(Some(parse_datetime_local(at).ok_or_else(|| {
                AppError::invalid(
                    "publish_at",
                    "must be a date and time in UTC, like 2026-01-31T09:00",
                )
            })?)),
        };
        Ok(TopicInput {
            kind: Some(self.kind.clone()),
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            tags: Some(self.tags.clone()),
            draft: match (self.draft.is_some(), self.kind == "post") {
                (true, _) => Some(true),
                (false, true) => Some(false),
                (false, false) => None,
            },
            publish_at,
            base_version: self.base_version,
            idempotency_key: Some(self.idempotency_key.clone()),
        })
    }
}
