//! Typed ids. They are integers inside the store and opaque strings outside.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        /// A typed row id; shown to clients as an opaque string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(into = "String", try_from = "String")]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = crate::CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map($name)
                    .ok_or_else(|| crate::CoreError::invalid("id", "not a valid id"))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::CoreError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
    )*};
}

id_type!(
    UserId,
    SpaceId,
    TokenId,
    InviteId,
    TopicId,
    ReplyId,
    AttachmentId
);
