//! `hearth export` and `hearth import`: everything, engine-neutral, in one file.
//!
//! Format (version 1), one JSON value per line:
//! - `{"format":"hearth-export","version":1,"schema":N,"created_at":MS}`
//! - per table: `{"table":NAME,"columns":[…]}`, then one JSON array per row
//!   (integers, strings, booleans, null; bytes as `{"b64":…}`)
//! - last: `{"manifest":{TABLE:{"rows":N,"sha256":HEX},…}}`, the SHA-256 of
//!   each table's row lines (each with its newline).
//!
//! The file is written to `FILE.partial`, synced, then renamed: a failed
//! export never leaves a file that looks whole. An import checks the whole
//! file before it writes anything, and only into an empty store.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use hearth_core::ids::SpaceId;
use hearth_store::Store;
use hearth_store::export::{ExportSink, Kind, TABLES, Table, Value};
use hearth_store::verify::hex;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// The newest format this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;
const FORMAT: &str = "hearth-export";
/// Rows inserted per transaction while importing.
const BATCH: usize = 500;

/// What one table holds: its row count and the hash of its row lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    pub rows: u64,
    pub sha256: String,
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(i) => json!(i),
        Value::Text(t) => json!(t),
        Value::Bool(b) => json!(b),
        Value::Blob(b) => json!({ "b64": base64::engine::general_purpose::STANDARD.encode(b) }),
    }
}

fn from_json(kind: Kind, nullable: bool, v: &Json) -> Result<Value, String> {
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

/// Writes lines and keeps each table's sums.
struct Writer {
    out: BufWriter<File>,
    current: Option<(&'static str, Sha256, u64)>,
    sums: BTreeMap<String, TableSum>,
}

impl Writer {
    fn close_table(&mut self) {
        if let Some((name, hash, rows)) = self.current.take() {
            let sha256 = hex(&hash.finalize());
            self.sums.insert(name.to_owned(), TableSum { rows, sha256 });
        }
    }
}

/// The writer, shared with the store while it exports.
struct Shared(Arc<Mutex<Writer>>);

impl ExportSink for Shared {
    fn table(&mut self, table: &'static Table) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .table(table)
    }

    fn row(&mut self, values: Vec<Value>) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).row(values)
    }
}

impl Writer {
    fn table(&mut self, table: &'static Table) -> std::io::Result<()> {
        self.close_table();
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        writeln!(
            self.out,
            "{}",
            json!({"table": table.name, "columns": columns})
        )?;
        self.current = Some((table.name, Sha256::new(), 0));
        Ok(())
    }

    fn row(&mut self, values: Vec<Value>) -> std::io::Result<()> {
        let line = format!("{}\n", Json::Array(values.iter().map(to_json).collect()));
        self.out.write_all(line.as_bytes())?;
        if let Some((_, hash, rows)) = &mut self.current {
            hash.update(line.as_bytes());
            *rows += 1;
        }
        Ok(())
    }
}

/// Exports everything to `path`, or with `space` (its id and address) one
/// space with its history, its people and their personal spaces; returns
/// each table's sums.
pub async fn export(
    store: Arc<dyn Store>,
    schema: i64,
    now: i64,
    space: Option<(SpaceId, &str)>,
    path: &Path,
) -> Result<BTreeMap<String, TableSum>, String> {
    let partial = path.with_extension("partial");
    let file =
        File::create(&partial).map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let mut out = BufWriter::new(file);
    let mut head =
        json!({"format": FORMAT, "version": FORMAT_VERSION, "schema": schema, "created_at": now});
    if let Some((_, slug)) = space {
        head["space"] = json!(slug);
    }
    writeln!(out, "{head}").map_err(|e| e.to_string())?;
    let writer = Arc::new(Mutex::new(Writer {
        out,
        current: None,
        sums: BTreeMap::new(),
    }));
    let exported = store
        .export(
            space.map(|(id, _)| id),
            Box::new(Shared(Arc::clone(&writer))),
        )
        .await;
    let finish = || -> Result<BTreeMap<String, TableSum>, String> {
        exported.map_err(|e| e.to_string())?;
        let mut writer = Arc::try_unwrap(writer)
            .map_err(|_| "internal: the export is still being written".to_owned())?
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        writer.close_table();
        let manifest: BTreeMap<&String, Json> = writer
            .sums
            .iter()
            .map(|(t, s)| (t, json!({"rows": s.rows, "sha256": s.sha256})))
            .collect();
        writeln!(writer.out, "{}", json!({ "manifest": manifest })).map_err(|e| e.to_string())?;
        let file = writer.out.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        Ok(writer.sums)
    };
    match finish() {
        Ok(sums) => {
            std::fs::rename(&partial, path).map_err(|e| e.to_string())?;
            Ok(sums)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// A checked export file: its schema and each table's rows, read lazily.
struct Checked {
    sums: BTreeMap<String, TableSum>,
}

fn open_lines(path: &Path) -> Result<std::io::Lines<BufReader<File>>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(BufReader::new(file).lines())
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

/// Reads the whole file and checks every table against the manifest,
/// without writing anything.
fn check(path: &Path) -> Result<Checked, String> {
    let mut lines = open_lines(path)?;
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
    Ok(Checked { sums })
}

/// Checks an export file end to end; returns each table's sums.
pub fn verify(path: &Path) -> Result<BTreeMap<String, TableSum>, String> {
    check(path).map(|c| c.sums)
}

/// Imports an export into an empty store, after checking the whole file.
pub async fn import(
    store: Arc<dyn Store>,
    path: &Path,
) -> Result<BTreeMap<String, TableSum>, String> {
    let checked = check(path)?;
    if !store.is_empty().await.map_err(|e| e.to_string())? {
        return Err("the target already holds data; import only into an empty store".into());
    }
    let mut lines = open_lines(path)?;
    lines.next();
    let mut table: Option<&'static Table> = None;
    let mut batch: Vec<Vec<Value>> = Vec::new();
    let flush = |store: Arc<dyn Store>, t: Option<&'static Table>, rows: Vec<Vec<Value>>| async move {
        match t {
            Some(t) if !rows.is_empty() => {
                store.import_rows(t, rows).await.map_err(|e| e.to_string())
            }
            _ => Ok(()),
        }
    };
    for line in lines {
        let line = line.map_err(|e| e.to_string())?;
        if line.starts_with('[') {
            let t = table.ok_or("a row before any table")?;
            let values: Vec<Json> = serde_json::from_str(&line).map_err(|e| e.to_string())?;
            let row = t
                .columns
                .iter()
                .zip(&values)
                .map(|(c, v)| from_json(c.kind, c.nullable, v))
                .collect::<Result<Vec<_>, _>>()?;
            batch.push(row);
            if batch.len() >= BATCH {
                flush(Arc::clone(&store), table, std::mem::take(&mut batch)).await?;
            }
            continue;
        }
        flush(Arc::clone(&store), table, std::mem::take(&mut batch)).await?;
        let v: Json = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        table = v["table"]
            .as_str()
            .and_then(|name| TABLES.iter().find(|t| t.name == name));
    }
    flush(Arc::clone(&store), table, batch).await?;
    store.finish_import().await.map_err(|e| e.to_string())?;
    Ok(checked.sums)
}
