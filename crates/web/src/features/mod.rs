//! One module per feature, each with its own `router()`.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod attachments;
pub(crate) mod auth;
pub(crate) mod feeds;
pub(crate) mod following;
pub(crate) mod history;
pub(crate) mod home;
pub(crate) mod likes;
pub(crate) mod mail_preferences;
pub(crate) mod members;
pub(crate) mod moderation;
pub(crate) mod ops;
pub(crate) mod password_reset;
pub(crate) mod people;
pub(crate) mod replies;
pub(crate) mod search;
pub(crate) mod spaces;
pub(crate) mod tags;
pub(crate) mod topics;
pub(crate) mod users;

/// Paging parameters shared by list endpoints.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageQuery {
    /// Cursor: the `next` value of the previous page.
    pub after: Option<String>,
    /// How many items, 1 to 100 (default 50).
    pub limit: Option<u32>,
}

impl PageQuery {
    pub(crate) fn page(&self) -> Result<hearth_app::records::Page, hearth_app::AppError> {
        let after = match self.after.as_deref() {
            None | Some("") => 0,
            Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                hearth_app::AppError::invalid("after", "is not a cursor from this API")
            })?,
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(hearth_app::AppError::invalid(
                "limit",
                "must be between 1 and 100",
            ));
        }
        Ok(hearth_app::records::Page { after, limit })
    }
}

/// The cursor of the page after `items`, if it was full.
pub(crate) fn next_cursor<T>(
    items: &[T],
    page: hearth_app::records::Page,
    id: impl Fn(&T) -> i64,
) -> Option<String> {
    (items.len() == page.limit as usize)
        .then(|| items.last().map(|t| id(t).to_string()))
        .flatten()
}

/// One page of a short list the use case gives whole (a user's tokens,
/// pending invitations, join requests), which is in `id` order, ascending or,
/// when `newest_first`, descending. The cursor is the last id shown; `next`
/// is absent when nothing follows.
pub(crate) fn page_of<T>(
    items: Vec<T>,
    page: hearth_app::records::Page,
    newest_first: bool,
    id: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    let mut rest = items
        .into_iter()
        .filter(|t| match (page.after, newest_first) {
            (0, _) => true,
            (after, true) => id(t) < after,
            (after, false) => id(t) > after,
        })
        .peekable();
    let shown: Vec<T> = rest.by_ref().take(page.limit as usize).collect();
    let next = rest
        .peek()
        .and(shown.last())
        .map(|last| id(last).to_string());
    (shown, next)
}

/// A redirect target from a form: only a path of this site, never another
/// site. Browsers drop tabs and line breaks from a URL and read `\` as `/`,
/// so `/\t/evil.example` would leave as `//evil.example`: a target with any
/// control character, whitespace or backslash, or that starts with `//`, is
/// refused for the home page.
pub(crate) fn local_path(next: &str) -> &str {
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if same_site { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_redirect_targets() {
        for ok in ["/", "/t/1/a-topic", "/s/eng?tab=blog#x", "/u/ada%20b"] {
            assert_eq!(local_path(ok), ok);
        }
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/\u{2028}/evil.example",
            "/x\\y",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }
}
