//! `hearth export` and `hearth import`: everything, engine-neutral, in one
//! file (the format: [`hearth_store::export_file`]).
//!
//! The file is written to `FILE.partial`, synced, then renamed: a failed
//! export never leaves a file that looks whole. An import checks the whole
//! file before it writes anything, and only into an empty store.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use hearth_core::ids::SpaceId;
use hearth_store::Store;
use hearth_store::export::{ExportSink, TABLES, Table, Value};
pub use hearth_store::export_file::TableSum;
use hearth_store::export_file::{self, FORMAT, FORMAT_VERSION, from_json, to_json};
use hearth_store::verify::hex;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// Rows inserted per transaction while importing.
const BATCH: usize = 500;

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

/// Reads and checks the whole export at `path`, writing nothing.
fn check(path: &Path) -> Result<BTreeMap<String, TableSum>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    export_file::check(BufReader::new(file))
}

fn open_lines(path: &Path) -> Result<std::io::Lines<BufReader<File>>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(BufReader::new(file).lines())
}

/// Checks an export file end to end; returns each table's sums.
pub fn verify(path: &Path) -> Result<BTreeMap<String, TableSum>, String> {
    check(path)
}

/// Imports an export into an empty store, after checking the whole file.
pub async fn import(
    store: Arc<dyn Store>,
    path: &Path,
) -> Result<BTreeMap<String, TableSum>, String> {
    let sums = check(path)?;
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
    Ok(sums)
}
