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

/// The users a space export holds: everyone who belongs to, asked to join,
/// wrote, was mentioned, reacted or uploaded in the space.
const SPACE_USERS: &str = "SELECT user_id FROM memberships WHERE space_id = {space} \
    UNION SELECT user_id FROM join_requests WHERE space_id = {space} \
    UNION SELECT author_id FROM topics WHERE space_id = {space} \
    UNION SELECT r.author_id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = {space} \
    UNION SELECT v.author_id FROM revisions v JOIN topics t ON t.id = v.topic_id WHERE t.space_id = {space} \
    UNION SELECT m.user_id FROM mentions m JOIN topics t ON t.id = m.topic_id WHERE t.space_id = {space} \
    UNION SELECT x.user_id FROM reactions x WHERE (x.target_kind = 'topic' AND x.target_id IN \
        (SELECT id FROM topics WHERE space_id = {space})) \
        OR (x.target_kind = 'reply' AND x.target_id IN \
        (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = {space})) \
    UNION SELECT uploader_id FROM attachments WHERE space_id = {space}";

/// The spaces a space export holds: the space, and the personal spaces of
/// its users (every account has one).
const SPACE_SPACES: &str = "SELECT id FROM spaces WHERE id = {space} UNION SELECT s.id FROM spaces s \
    JOIN memberships m ON m.space_id = s.id AND m.role = 'owner' \
    WHERE s.kind = 'personal' AND m.user_id IN (SPACE_USERS)";

/// One table, exported in `order_by` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns.
    pub columns: &'static [Column],
    /// A total order of its rows, the same on every engine: a nullable
    /// column takes part only through `COALESCE` (SQLite sorts nulls first,
    /// PostgreSQL last).
    pub order_by: &'static str,
    /// Whether its `id` comes from a sequence that must follow an import.
    pub serial_id: bool,
    /// Which rows belong to one space's export (`{space}` is its id); the
    /// empty string: none. The audit log is left out: its hash chain cannot
    /// be cut into pieces.
    pub space_filter: &'static str,
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
            n("title", Text),
            n("department", Text),
            n("location", Text),
            n("about_md", Text),
            n("about_html", Text),
            n("show_email", Bool),
            n("avatar_small", Text),
            n("avatar_large", Text),
        ],
        order_by: "id",
        serial_id: true,
        space_filter: "id IN (SPACE_USERS)",
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
        space_filter: "id IN (SPACE_SPACES)",
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
        space_filter: "space_id IN (SPACE_SPACES) AND user_id IN (SPACE_USERS)",
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
        space_filter: "space_id = {space}",
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
        space_filter: "",
    },
    Table {
        name: "settings",
        columns: &[c("key", Text), c("value", Text)],
        order_by: "key",
        serial_id: false,
        space_filter: "",
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
            n("moderation_note", Text),
        ],
        order_by: "id",
        serial_id: true,
        space_filter: "space_id = {space}",
    },
    Table {
        name: "topic_tags",
        columns: &[c("topic_id", Int), c("tag", Text)],
        order_by: "topic_id, tag",
        serial_id: false,
        space_filter: "topic_id IN (SELECT id FROM topics WHERE space_id = {space})",
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
        space_filter: "topic_id IN (SELECT id FROM topics WHERE space_id = {space})",
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
        space_filter: "topic_id IN (SELECT id FROM topics WHERE space_id = {space})",
    },
    Table {
        name: "mentions",
        columns: &[c("topic_id", Int), n("reply_id", Int), c("user_id", Int)],
        order_by: "topic_id, COALESCE(reply_id, 0), user_id",
        serial_id: false,
        space_filter: "topic_id IN (SELECT id FROM topics WHERE space_id = {space})",
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
        space_filter: "(target_kind = 'topic' AND target_id IN (SELECT id FROM topics WHERE space_id = {space})) \
            OR (target_kind = 'reply' AND target_id IN \
            (SELECT r.id FROM replies r JOIN topics t ON t.id = r.topic_id WHERE t.space_id = {space}))",
    },
    Table {
        name: "topic_visits",
        columns: &[
            c("user_id", Int),
            c("topic_id", Int),
            c("last_reply_id", Int),
            c("visited_at", Int),
        ],
        order_by: "user_id, topic_id",
        serial_id: false,
        space_filter: "topic_id IN (SELECT id FROM topics WHERE space_id = {space}) \
            AND user_id IN (SPACE_USERS)",
    },
    Table {
        name: "follows",
        columns: &[
            c("user_id", Int),
            c("target_kind", Text),
            c("target_id", Int),
            c("tag", Text),
            c("active", Bool),
            c("muted", Bool),
            c("created_at", Int),
        ],
        order_by: "user_id, target_kind, target_id, tag",
        serial_id: false,
        space_filter: "user_id IN (SPACE_USERS) AND ((target_kind = 'space' AND target_id = {space}) \
            OR (target_kind = 'topic' AND target_id IN (SELECT id FROM topics WHERE space_id = {space})))",
    },
    Table {
        name: "mail_preferences",
        columns: &[c("user_id", Int), c("kind", Text), c("mode", Text)],
        order_by: "user_id, kind",
        serial_id: false,
        space_filter: "user_id IN (SPACE_USERS)",
    },
    Table {
        name: "mail_schedules",
        columns: &[
            c("user_id", Int),
            c("time_zone", Text),
            c("hour", Int),
            c("weekday", Int),
        ],
        order_by: "user_id",
        serial_id: false,
        space_filter: "user_id IN (SPACE_USERS)",
    },
    Table {
        name: "notifications",
        columns: &[
            c("id", Int),
            c("user_id", Int),
            c("kind", Text),
            n("space_id", Int),
            n("topic_id", Int),
            n("reply_id", Int),
            c("actor_id", Int),
            c("created_at", Int),
            n("read_at", Int),
            n("others", Int),
        ],
        order_by: "id",
        serial_id: true,
        space_filter: "user_id IN (SPACE_USERS) AND actor_id IN (SPACE_USERS) \
            AND (space_id IS NULL OR space_id = {space}) \
            AND (topic_id IS NULL OR topic_id IN (SELECT id FROM topics WHERE space_id = {space})) \
            AND (reply_id IS NULL OR reply_id IN (SELECT r.id FROM replies r \
                JOIN topics t ON t.id = r.topic_id WHERE t.space_id = {space}))",
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
        space_filter: "hash IN (SELECT blob_hash FROM attachments WHERE space_id = {space}) \
            OR hash IN (SELECT avatar_small FROM users WHERE id IN (SPACE_USERS)) \
            OR hash IN (SELECT avatar_large FROM users WHERE id IN (SPACE_USERS))",
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
            n("public_id", Text),
            n("topic_id", Int),
            n("reply_id", Int),
            n("on_profile", Bool),
        ],
        order_by: "id",
        serial_id: true,
        space_filter: "space_id = {space} \
            AND (topic_id IS NULL OR topic_id IN (SELECT id FROM topics WHERE space_id = {space})) \
            AND (reply_id IS NULL OR reply_id IN (SELECT r.id FROM replies r \
                JOIN topics t ON t.id = r.topic_id WHERE t.space_id = {space}))",
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
        space_filter: "",
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
    /// The query that reads this table in order; with `space` (how the
    /// engine writes the space id's parameter: `?1`, `$1`), only the rows of
    /// that space's export, or `None` if the table has none. `byte_order` is
    /// how the engine names the collation that compares text byte by byte
    /// (SQLite's default `BINARY`, PostgreSQL's `"C"`): a database's own
    /// collation may follow a language's rules, and the order must not.
    pub fn select(&self, space: Option<&str>, byte_order: &str) -> Option<String> {
        let mut sql = format!("SELECT {} FROM {}", self.column_list(), self.name);
        if let Some(param) = space {
            if self.space_filter.is_empty() {
                return None;
            }
            let filter = self
                .space_filter
                .replace("SPACE_SPACES", SPACE_SPACES)
                .replace("SPACE_USERS", SPACE_USERS)
                .replace("{space}", param);
            sql.push_str(&format!(" WHERE {filter}"));
        }
        let order: Vec<String> = self
            .order_by
            .split(',')
            .map(str::trim)
            .map(|term| match self.columns.iter().find(|c| c.name == term) {
                Some(c) if c.kind == Kind::Text => format!("{term} COLLATE {byte_order}"),
                _ => term.to_owned(),
            })
            .collect();
        sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
        Some(sql)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keys_are_ordered_byte_by_byte() {
        let tags = TABLES.iter().find(|t| t.name == "topic_tags").unwrap();
        let sql = tags.select(None, "\"C\"").unwrap();
        assert!(
            sql.ends_with("ORDER BY topic_id, tag COLLATE \"C\""),
            "{sql}"
        );
    }

    #[test]
    fn no_table_is_ordered_by_a_bare_nullable_column() {
        for table in TABLES {
            for term in table.order_by.split(',').map(str::trim) {
                let column = table.columns.iter().find(|c| c.name == term);
                assert!(
                    column.is_none_or(|c| !c.nullable),
                    "{}: {term} orders nulls differently on each engine",
                    table.name
                );
            }
        }
    }
}
