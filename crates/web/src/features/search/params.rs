//! A search's parameters, the same in the page's address and the API's.

use hearth_app::AppError;
use hearth_app::search::SearchInput;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::time_fmt::parse_date;

/// One day in milliseconds.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What to search for and the filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchParams {
    /// Words to find; `"a phrase"`, `prefix*` and `-excluded` words too.
    pub(crate) q: Option<String>,
    /// Only in this space (its slug).
    pub(crate) space: Option<String>,
    /// Only in topics of this kind: discussion, question, post or document.
    pub(crate) kind: Option<String>,
    /// Only written by this member (a username).
    pub(crate) author: Option<String>,
    /// Only in topics with this tag.
    pub(crate) tag: Option<String>,
    /// Only written on or after this day (YYYY-MM-DD, UTC).
    pub(crate) since: Option<String>,
    /// Only written on or before this day (YYYY-MM-DD, UTC).
    pub(crate) until: Option<String>,
    /// `yes`: questions with an accepted answer; `no`: questions without.
    pub(crate) answered: Option<String>,
    /// `relevance` (the default) or `newest`.
    pub(crate) order: Option<String>,
    /// The `next` value of the previous page.
    pub(crate) after: Option<String>,
    /// How many results, 1 to 50 (default 20).
    pub(crate) limit: Option<u32>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn day(field: &str, v: &Option<String>) -> Result<Option<i64>, AppError> {
    some(v)
        .map(|d| {
            parse_date(&d).ok_or_else(|| AppError::invalid(field, "is not a day (YYYY-MM-DD)"))
        })
        .transpose()
}

impl SearchParams {
    /// Whether anything was asked.
    pub(crate) fn asked(&self) -> bool {
        some(&self.q).is_some()
    }

    /// Whether a filter is set, so that the page shows them open.
    pub(crate) fn filtered(&self) -> bool {
        [
            &self.kind,
            &self.author,
            &self.tag,
            &self.since,
            &self.until,
            &self.answered,
            &self.order,
        ]
        .iter()
        .any(|v| some(v).is_some())
    }

    /// The search as the use case takes it.
    pub(crate) fn input(&self) -> Result<SearchInput, AppError> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=50).contains(&limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 50"));
        }
        let answered = match some(&self.answered).as_deref() {
            None => None,
            Some("yes") => Some(true),
            Some("no") => Some(false),
            Some(_) => return Err(AppError::invalid("answered", "is yes or no")),
        };
        Ok(SearchInput {
            q: self.q.clone().unwrap_or_default(),
            space: some(&self.space),
            kind: some(&self.kind),
            author: some(&self.author),
            tag: some(&self.tag),
            since: day("since", &self.since)?,
            until: day("until", &self.until)?.map(|d| d + DAY_MS),
            answered,
            order: some(&self.order),
            after: some(&self.after),
            limit,
        })
    }

    /// The address of the same search continuing after `next`.
    pub(crate) fn next_page(&self, next: &str) -> String {
        let fields = [
            ("q", &self.q),
            ("space", &self.space),
            ("kind", &self.kind),
            ("author", &self.author),
            ("tag", &self.tag),
            ("since", &self.since),
            ("until", &self.until),
            ("answered", &self.answered),
            ("order", &self.order),
        ];
        let mut pairs: Vec<(&str, String)> = fields
            .into_iter()
            .filter_map(|(name, value)| some(value).map(|v| (name, v)))
            .collect();
        pairs.push(("after", next.to_owned()));
        format!(
            "/search?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}
