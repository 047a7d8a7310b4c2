//! The engine-neutral description of everything an export holds: tables in
//! an order that satisfies their references, columns with portable kinds.
//! Sessions and tokens are left out: people sign in again after a move.

/// How a column's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A 64-bit integer.
    Int,
    /// UTF-8 text.
    Text,
    /// True or false (an integer in SQLite).
    Bool,
    /// Bytes.
    Blob,
}

/// One column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// Its kind.
    pub kind: Kind,
    /// Whether it may be null.
    pub nullable: bool,
}

/// One table, exported in `order_by` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns.
    pub columns: &'static [Column],
    /// A total order of its rows.
    pub order_by: &'static str,
    /// Whether its `id` comes from a sequence that must follow an import.
    pub serial_id: bool,
}

const fn c(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        nullable: false,
    }
}

const fn n(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        nullable: true,
    }
}

use Kind::{Blob, Bool, Int, Text};

/// Every exported table, parents before children.
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            c("id", Int),
            c("username", Text),
            c("display_name", Text),
            c("email", Text),
            c("password_hash", Text),
            c("is_admin", Bool),
            c("status", Text),
            c("created_at", Int),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "spaces",
        columns: &[
            c("id", Int),
            c("slug", Text),
            c("name", Text),
            c("description", Text),
            c("kind", Text),
            c("visibility", Text),
            c("join_policy", Text),
            c("created_at", Int),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "memberships",
        columns: &[
            c("space_id", Int),
            c("user_id", Int),
            c("role", Text),
            c("joined_at", Int),
        ],
        order_by: "space_id, user_id",
        serial_id: false,
    },
    Table {
        name: "join_requests",
        columns: &[
            c("space_id", Int),
            c("user_id", Int),
            c("requested_at", Int),
        ],
        order_by: "space_id, user_id",
        serial_id: false,
    },
    Table {
        name: "invites",
        columns: &[
            c("id", Int),
            c("email", Text),
            c("token_hash", Text),
            c("invited_by", Int),
            c("created_at", Int),
            c("expires_at", Int),
            n("accepted_at", Int),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "settings",
        columns: &[c("key", Text), c("value", Text)],
        order_by: "key",
        serial_id: false,
    },
    Table {
        name: "topics",
        columns: &[
            c("id", Int),
            c("space_id", Int),
            c("author_id", Int),
            c("kind", Text),
            c("title", Text),
            c("body_md", Text),
            c("body_html", Text),
            c("state", Text),
            c("pinned", Bool),
            n("accepted_reply_id", Int),
            c("draft", Bool),
            n("publish_at", Int),
            c("version", Int),
            c("reply_count", Int),
            c("like_count", Int),
            c("created_at", Int),
            c("updated_at", Int),
            c("last_activity_at", Int),
            n("idempotency_key", Text),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "topic_tags",
        columns: &[c("topic_id", Int), c("tag", Text)],
        order_by: "topic_id, tag",
        serial_id: false,
    },
    Table {
        name: "replies",
        columns: &[
            c("id", Int),
            c("topic_id", Int),
            c("author_id", Int),
            n("parent_id", Int),
            c("thread_path", Text),
            c("depth", Int),
            c("body_md", Text),
            c("body_html", Text),
            c("deleted", Bool),
            c("edited", Bool),
            c("like_count", Int),
            c("version", Int),
            c("created_at", Int),
            c("updated_at", Int),
            n("idempotency_key", Text),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "revisions",
        columns: &[
            c("id", Int),
            c("topic_id", Int),
            n("reply_id", Int),
            c("version", Int),
            c("author_id", Int),
            n("title", Text),
            c("body_md", Text),
            c("created_at", Int),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "mentions",
        columns: &[c("topic_id", Int), n("reply_id", Int), c("user_id", Int)],
        order_by: "topic_id, reply_id, user_id",
        serial_id: false,
    },
    Table {
        name: "reactions",
        columns: &[
            c("target_kind", Text),
            c("target_id", Int),
            c("user_id", Int),
            c("created_at", Int),
        ],
        order_by: "target_kind, target_id, user_id",
        serial_id: false,
    },
    Table {
        name: "blobs",
        columns: &[
            c("hash", Text),
            c("size", Int),
            c("data", Blob),
            c("created_at", Int),
        ],
        order_by: "hash",
        serial_id: false,
    },
    Table {
        name: "attachments",
        columns: &[
            c("id", Int),
            c("space_id", Int),
            c("uploader_id", Int),
            c("blob_hash", Text),
            c("filename", Text),
            c("content_type", Text),
            c("size", Int),
            c("created_at", Int),
        ],
        order_by: "id",
        serial_id: true,
    },
    Table {
        name: "audit_events",
        columns: &[
            c("id", Int),
            c("at", Int),
            c("actor_id", Int),
            c("action", Text),
            c("target", Text),
            n("space_id", Int),
            n("before", Text),
            n("after", Text),
        ],
        order_by: "id",
        serial_id: true,
    },
];

/// One value of one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Null.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// Bytes.
    Blob(Vec<u8>),
}

impl Table {
    /// The comma-separated column names.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Receives an export: each table, then its rows.
pub trait ExportSink: Send {
    /// A table begins.
    fn table(&mut self, table: &'static Table) -> std::io::Result<()>;
    /// One row of the current table.
    fn row(&mut self, values: Vec<Value>) -> std::io::Result<()>;
}
