//! The export file: one JSON value per line, engine-neutral, versioned.
//!
//! Format (version 1):
//! - `{"format":"hearth-export","version":1,"schema":N,"created_at":MS}`,
//!   with `"space":SLUG` in the export of one space
//! - per table: `{"table":NAME,"columns":[…]}`, then one JSON array per row
//!   (integers, strings, booleans, null; bytes as `{"b64":…}`)
//! - last: `{"manifest":{TABLE:{"rows":N,"sha256":HEX},…}}`, the SHA-256 of
//!   each table's row lines (each with its newline).

use std::collections::BTreeMap;
use std::io::BufRead;

use base64::Engine as _;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use crate::export::{Kind, TABLES, Table, Value};
use crate::verify::hex;

/// The newest format this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;
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

fn header(line: Option<std::io::Result<String>>) -> Result<(), String> {
    let line = line
        .ok_or("the file is empty")?
        .map_err(|e| e.to_string())?;
    let h: Json = serde_json::from_str(&line)
        .map_err(|_| "this is not a Hearth export (no header)".to_owned())?;
    if h["format"] != FORMAT {
        return Err("this is not a Hearth export".into());
    }
    match h["version"].as_i64() {
        Some(v) if v > FORMAT_VERSION => Err(format!(
            "this export is format version {v}, newer than this release reads ({FORMAT_VERSION}); use a newer Hearth"
        )),
        Some(_) => Ok(()),
        None => Err("the export's header has no version".into()),
    }
}

/// Reads a whole export and checks its header, every row against its
/// column and every table against the manifest; returns each table's sums.
/// Any input gives an answer, never a panic: the reader is fuzzed.
pub fn check(file: impl BufRead) -> Result<BTreeMap<String, TableSum>, String> {
    let mut lines = file.lines();
    header(lines.next())?;
    let mut sums: BTreeMap<String, TableSum> = BTreeMap::new();
    let mut current: Option<(&'static Table, Sha256, u64)> = None;
    let mut manifest: Option<Json> = None;
    let mut next_table = TABLES.iter();
    for (n, line) in lines.enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", n + 2))?;
        if manifest.is_some() {
            return Err(format!("line {}: data after the manifest", n + 2));
        }
        if line.starts_with('[') {
            let (table, hash, rows) = current
                .as_mut()
                .ok_or(format!("line {}: a row before any table", n + 2))?;
            let values: Vec<Json> =
                serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", n + 2))?;
            if values.len() != table.columns.len() {
                return Err(format!(
                    "line {}: {} values for {} columns of {}",
                    n + 2,
                    values.len(),
                    table.columns.len(),
                    table.name
                ));
            }
            for (col, v) in table.columns.iter().zip(&values) {
                from_json(col.kind, col.nullable, v)
                    .map_err(|e| format!("line {}: {}.{}: {e}", n + 2, table.name, col.name))?;
            }
            hash.update(line.as_bytes());
            hash.update(b"\n");
            *rows += 1;
            continue;
        }
        let v: Json = serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", n + 2))?;
        if let Some((t, hash, rows)) = current.take() {
            sums.insert(
                t.name.to_owned(),
                TableSum {
                    rows,
                    sha256: hex(&hash.finalize()),
                },
            );
        }
        if let Some(name) = v["table"].as_str() {
            let table = next_table
                .next()
                .filter(|t| t.name == name)
                .ok_or(format!("line {}: unexpected table {name}", n + 2))?;
            current = Some((table, Sha256::new(), 0));
        } else if v.get("manifest").is_some() {
            manifest = Some(v["manifest"].clone());
        } else {
            return Err(format!(
                "line {}: not a table, a row or the manifest",
                n + 2
            ));
        }
    }
    let manifest = manifest.ok_or("the file ends before its manifest: it is truncated")?;
    for table in TABLES {
        let got = sums
            .get(table.name)
            .ok_or(format!("table {} is missing", table.name))?;
        let want = &manifest[table.name];
        if want["rows"].as_u64() != Some(got.rows)
            || want["sha256"].as_str() != Some(got.sha256.as_str())
        {
            return Err(format!(
                "table {} does not match its checksum: the file is damaged",
                table.name
            ));
        }
    }
    Ok(sums)
}
