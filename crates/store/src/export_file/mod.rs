//! The export file: one JSON value per line, engine-neutral, versioned.
//!
//! Format (version 2; version 1 files read the same way):
//! - `{"format":"hearth-export","version":1,"schema":N,"created_at":MS}`,
//!   with `"space":SLUG` in the export of one space
//! - per table: `{"table":NAME,"columns":[…]}`, then one JSON array per row
//!   (integers, strings, booleans, null; bytes as `{"b64":…}`) with the
//!   values of those columns in that order. A nullable column added since a
//!   file was written is missing from its list, and reads as null.
//! - last: `{"manifest":{TABLE:{"rows":N,"sha256":HEX},…}}`, the SHA-256 of
//!   each table's row lines (each with its newline).

mod read;
mod write;

use base64::Engine as _;
use serde_json::{Value as Json, json};

use crate::export::{Kind, Value};

pub use read::{Reader, Record, check};
pub use write::Writer;

/// The newest format this build writes and reads. Version 2 adds columns
/// (attachments' owners) that version 1 files lack; a release that reads
/// only version 1 refuses a version 2 file by name instead of misreading it.
pub const FORMAT_VERSION: i64 = 2;
/// The first line's `format`.
pub const FORMAT: &str = "hearth-export";

/// What one table holds: its row count and the hash of its row lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    /// Rows.
    pub rows: u64,
    /// SHA-256 of its row lines (each with its newline), hex.
    pub sha256: String,
}

/// A value as it travels in a row line.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(i) => json!(i),
        Value::Text(t) => json!(t),
        Value::Bool(b) => json!(b),
        Value::Blob(b) => json!({ "b64": base64::engine::general_purpose::STANDARD.encode(b) }),
    }
}

/// A value of a row line, checked against its column.
pub fn from_json(kind: Kind, nullable: bool, v: &Json) -> Result<Value, String> {
    match (kind, v) {
        (_, Json::Null) if nullable => Ok(Value::Null),
        (Kind::Int, Json::Number(n)) => n
            .as_i64()
            .map(Value::Int)
            .ok_or_else(|| format!("{n} is not an integer")),
        (Kind::Text, Json::String(s)) => Ok(Value::Text(s.clone())),
        (Kind::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Kind::Blob, Json::Object(o)) => o
            .get("b64")
            .and_then(Json::as_str)
            .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .map(Value::Blob)
            .ok_or_else(|| "bytes are not valid base64".to_owned()),
        (k, v) => Err(format!("{v} is not a valid {k:?}")),
    }
}
