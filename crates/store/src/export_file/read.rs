//! Reading an export: record by record, checked as it goes.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::{FORMAT, FORMAT_VERSION, TableSum, from_json};
use crate::export::{TABLES, Table, Value};
use crate::verify::hex;

fn header(line: Option<std::io::Result<String>>) -> Result<(), String> {
    let line = line.ok_or("the file is empty: it is not a Hearth export")?;
    let line = line.map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => {
            "this is not a Hearth export (it is not text)".to_owned()
        }
        kind => format!("cannot read the file: {kind}"),
    })?;
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

/// Where each column a table's header names sits among the table's
/// columns. Every column of the table must be there, but for nullable ones
/// added since the file was written; none may be unknown or repeated.
fn carried_columns(table: &Table, header: &Json) -> Result<Vec<usize>, String> {
    let names = header
        .as_array()
        .ok_or("the table's columns are not listed")?;
    let mut carried = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_str().ok_or("a column name is not text")?;
        let at = table
            .columns
            .iter()
            .position(|c| c.name == name)
            .ok_or(format!("unknown column {name}"))?;
        if carried.contains(&at) {
            return Err(format!("column {name} is listed twice"));
        }
        carried.push(at);
    }
    for (at, col) in table.columns.iter().enumerate() {
        if !col.nullable && !carried.contains(&at) {
            return Err(format!("column {} is missing", col.name));
        }
    }
    Ok(carried)
}

/// One record of an export after its header.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A table begins; its rows follow.
    Table(&'static Table),
    /// A row of the current table, checked against its columns.
    Row(Vec<Value>),
}

/// Reads an export record by record and checks it as it goes: the header
/// first, every row against its column, and at the end every table against
/// the manifest. Any input gives an answer, never a panic: it is fuzzed.
pub struct Reader<R> {
    lines: std::io::Lines<R>,
    /// The number of the last line read.
    line: usize,
    next_table: std::slice::Iter<'static, Table>,
    current: Option<(&'static Table, Sha256, u64)>,
    /// For each column the file's rows carry, its place among the current
    /// table's columns: a file written before a column was added lacks it,
    /// and its rows read as null there.
    carried: Vec<usize>,
    sums: BTreeMap<String, TableSum>,
    manifest: Option<Json>,
}

impl<R: BufRead> Reader<R> {
    /// Starts reading `file` after checking its header.
    pub fn new(file: R) -> Result<Self, String> {
        let mut lines = file.lines();
        header(lines.next())?;
        Ok(Self {
            lines,
            line: 1,
            next_table: TABLES.iter(),
            current: None,
            carried: Vec::new(),
            sums: BTreeMap::new(),
            manifest: None,
        })
    }

    /// The next table or row; `None` at the end of a whole file, once every
    /// table matched the manifest.
    pub fn next_record(&mut self) -> Result<Option<Record>, String> {
        loop {
            let Some(line) = self.lines.next() else {
                return self.finish().map(|()| None);
            };
            self.line += 1;
            let n = self.line;
            let line = line.map_err(|e| format!("line {n}: {e}"))?;
            if self.manifest.is_some() {
                return Err(format!("line {n}: data after the manifest"));
            }
            if line.starts_with('[') {
                return self.row(&line).map(|row| Some(Record::Row(row)));
            }
            let mut v: Json = serde_json::from_str(&line).map_err(|e| format!("line {n}: {e}"))?;
            self.close_table();
            if let Some(name) = v["table"].as_str() {
                let table = self
                    .next_table
                    .next()
                    .filter(|t| t.name == name)
                    .ok_or(format!("line {n}: unexpected table {name}"))?;
                self.carried = carried_columns(table, &v["columns"])
                    .map_err(|e| format!("line {n}: {}: {e}", table.name))?;
                self.current = Some((table, Sha256::new(), 0));
                return Ok(Some(Record::Table(table)));
            }
            match v.get_mut("manifest") {
                Some(m) => self.manifest = Some(m.take()),
                None => return Err(format!("line {n}: not a table, a row or the manifest")),
            }
        }
    }

    /// Each table's sums: whole once [`Reader::next_record`] gave `None`.
    pub fn sums(&self) -> &BTreeMap<String, TableSum> {
        &self.sums
    }

    fn row(&mut self, line: &str) -> Result<Vec<Value>, String> {
        let n = self.line;
        let (table, hash, rows) = self
            .current
            .as_mut()
            .ok_or(format!("line {n}: a row before any table"))?;
        let values: Vec<Json> = serde_json::from_str(line).map_err(|e| format!("line {n}: {e}"))?;
        if values.len() != self.carried.len() {
            return Err(format!(
                "line {n}: {} values for {} columns of {}",
                values.len(),
                self.carried.len(),
                table.name
            ));
        }
        let mut row = vec![Value::Null; table.columns.len()];
        for (&at, v) in self.carried.iter().zip(&values) {
            let col = &table.columns[at];
            row[at] = from_json(col.kind, col.nullable, v)
                .map_err(|e| format!("line {n}: {}.{}: {e}", table.name, col.name))?;
        }
        hash.update(line.as_bytes());
        hash.update(b"\n");
        *rows += 1;
        Ok(row)
    }

    fn close_table(&mut self) {
        if let Some((t, hash, rows)) = self.current.take() {
            let sha256 = hex(&hash.finalize());
            self.sums
                .insert(t.name.to_owned(), TableSum { rows, sha256 });
        }
    }

    fn finish(&self) -> Result<(), String> {
        let manifest = self
            .manifest
            .as_ref()
            .ok_or("the file ends before its manifest: it is truncated")?;
        for table in TABLES {
            let got = self
                .sums
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
        Ok(())
    }
}

/// Reads a whole export and checks it (see [`Reader`]); returns each
/// table's sums.
pub fn check(file: impl BufRead) -> Result<BTreeMap<String, TableSum>, String> {
    let mut reader = Reader::new(file)?;
    while reader.next_record()?.is_some() {}
    Ok(reader.sums)
}
