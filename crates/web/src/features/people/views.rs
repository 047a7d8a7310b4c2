//! How people look on pages and in the API: a picture or initials on a
//! colour, a card for lists, and the API's shape of a person.

use hearth_app::people::shown_email;
use hearth_app::records::{AvatarSize, Person};
use hearth_core::permissions::Viewer;
use serde::Serialize;
use utoipa::ToSchema;

use crate::json::UserJson;

/// How many colours initials are shown on (`.av0` … `.av7` in the style sheet).
const AVATAR_COLOURS: u32 = 8;

/// The address of one size of a person's picture; the version in the query
/// changes with the picture, so that it may be kept long.
pub(crate) fn avatar_url(person: &Person, size: AvatarSize) -> Option<String> {
    let size = match size {
        AvatarSize::Small => "small",
        AvatarSize::Large => "large",
    };
    person.avatar.as_ref().map(|hash| {
        let version = hash.get(..16).unwrap_or(hash);
        format!("/u/{}/avatar/{size}?v={version}", person.user.username)
    })
}

/// A person's picture, or their initials on a colour of their own.
pub(crate) struct AvatarView {
    /// The picture's address, when they have one.
    pub url: Option<String>,
    /// One or two letters.
    pub initials: String,
    /// The colour's class.
    pub colour: String,
}

impl AvatarView {
    pub(crate) fn new(person: &Person, size: AvatarSize) -> Self {
        let name = person.user.display_name.as_str();
        let initials: String = name
            .split_whitespace()
            .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .flat_map(char::to_uppercase)
            .collect();
        let initials = if initials.is_empty() {
            person.user.username.as_str().chars().take(1).collect()
        } else {
            initials
        };
        // The colour follows the username, so that it stays when names change.
        let hue = person
            .user
            .username
            .as_str()
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        Self {
            url: avatar_url(person, size),
            initials,
            colour: format!("av{}", hue % AVATAR_COLOURS),
        }
    }
}

/// A person in a list: picture, name and what their profile says.
pub(crate) struct PersonCard {
    pub username: String,
    pub display_name: String,
    pub title: String,
    pub department: String,
    pub location: String,
    pub email: Option<String>,
    pub avatar: AvatarView,
}

impl PersonCard {
    pub(crate) fn new(person: &Person, viewer: Viewer) -> Self {
        let d = &person.details;
        Self {
            username: person.user.username.to_string(),
            display_name: person.user.display_name.to_string(),
            title: d.title.clone(),
            department: d.department.clone(),
            location: d.location.clone(),
            email: shown_email(person, viewer).map(ToString::to_string),
            avatar: AvatarView::new(person, AvatarSize::Small),
        }
    }

    /// Title, department and location, as far as given.
    pub(crate) fn role(&self) -> String {
        [&self.title, &self.department, &self.location]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A person with their profile, as the caller may see them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PersonJson {
    #[serde(flatten)]
    user: UserJson,
    /// What they do.
    title: String,
    /// Where in the organisation they work.
    department: String,
    /// Where they are.
    location: String,
    /// A few words about them, in Markdown.
    about: String,
    /// The same, as sanitized HTML.
    about_html: String,
    /// Their e-mail address: when they show it, and to themselves and
    /// administrators.
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// Whether they show their e-mail address to others.
    show_email: bool,
    /// Their picture for lists (96 × 96), absent when they have none.
    avatar_small_url: Option<String>,
    /// Their picture for the profile (320 × 320).
    avatar_large_url: Option<String>,
}

impl PersonJson {
    pub(crate) fn new(person: &Person, viewer: Viewer) -> Self {
        let d = &person.details;
        Self {
            user: UserJson::from(&person.user),
            title: d.title.clone(),
            department: d.department.clone(),
            location: d.location.clone(),
            about: d.about_md.clone(),
            about_html: d.about_html.clone(),
            email: shown_email(person, viewer).map(ToString::to_string),
            show_email: d.show_email,
            avatar_small_url: avatar_url(person, AvatarSize::Small),
            avatar_large_url: avatar_url(person, AvatarSize::Large),
        }
    }
}
