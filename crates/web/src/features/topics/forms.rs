//! The values of the topic form, kept when it comes back with errors.

use hearth_app::topics::TopicInput;
use serde::Deserialize;

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
    #[serde(default)]
    pub(crate) base_version: Option<i64>,
    #[serde(default)]
    pub(crate) idempotency_key: String,
}

impl TopicForm {
    /// What the form asks for, as the use cases take it.
    pub(crate) fn input(&self) -> TopicInput {
        TopicInput {
            kind: Some(self.kind.clone()),
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            tags: Some(self.tags.clone()),
            draft: match (self.draft.is_some(), self.kind == "post") {
                (true, _) => Some(true),
                (false, true) => Some(false),
                (false, false) => None,
            },
            publish_at: None,
            base_version: self.base_version,
            idempotency_key: Some(self.idempotency_key.clone()),
        }
    }
}
