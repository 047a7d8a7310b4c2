//! People as the directory and profiles show them.

use hearth_core::ids::{SpaceId, UserId};
use hearth_core::names::{DisplayName, Email};

use crate::User;

/// What a person tells others about themselves; an empty text is not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDetails {
    /// What they do ("Site reliability engineer").
    pub title: String,
    /// Where in the organisation they work.
    pub department: String,
    /// Where they are.
    pub location: String,
    /// A few words about them, in Markdown.
    pub about_md: String,
    /// The same, rendered and sanitized.
    pub about_html: String,
    /// Whether others see their e-mail address.
    pub show_email: bool,
}

/// An account with its profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The account.
    pub user: User,
    /// What they tell about themselves.
    pub details: ProfileDetails,
    /// The hash of their large avatar file, which names its version; none
    /// when they have no picture.
    pub avatar: Option<String>,
}

/// A profile as it is to be written, every field given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChange {
    /// The shown name (their personal space is named after it too).
    pub display_name: DisplayName,
    /// The e-mail address.
    pub email: Email,
    /// The rest.
    pub details: ProfileDetails,
    /// Public names of the files its "about" links: those its owner
    /// uploaded that belong to nothing yet become the profile's.
    pub about_files: Vec<String>,
}

/// A page of the directory of people, in the order of their names.
#[derive(Debug, Clone)]
pub struct PeopleQuery {
    /// Only people with a word that begins with each of these, in their
    /// name, username, title, department or location (folded words, see
    /// [`hearth_core::search::words`]).
    pub words: Vec<String>,
    /// Only members of this space (one the reader may see).
    pub space: Option<SpaceId>,
    /// Locked and deleted accounts too (for administrators).
    pub any_status: bool,
    /// The last person of the page before.
    pub after: Option<UserId>,
    /// How many at most.
    pub limit: u32,
}

/// One size of an avatar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarSize {
    /// For lists and cards.
    Small,
    /// For the profile.
    Large,
}

/// An avatar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarFile {
    /// The hash of its bytes.
    pub hash: String,
    /// The JPEG file.
    pub bytes: Vec<u8>,
}
