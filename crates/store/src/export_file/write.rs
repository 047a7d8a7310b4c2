//! Writing an export: the header, each table and its rows, the manifest.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use super::{FORMAT, FORMAT_VERSION, TableSum, to_json};
use crate::export::{ExportSink, Table, Value};
use crate::verify::hex;

/// Writes an export line by line and keeps each table's sums.
pub struct Writer<W> {
    out: W,
    current: Option<(&'static str, Sha256, u64)>,
    sums: BTreeMap<String, TableSum>,
}

impl<W: Write> Writer<W> {
    /// Writes the header of an export of schema version `schema` made at
    /// `now` (ms); `space` is the slug of the one space it holds, if any.
    pub fn new(mut out: W, schema: i64, now: i64, space: Option<&str>) -> std::io::Result<Self> {
        let mut head = json!({"format": FORMAT, "version": FORMAT_VERSION, "schema": schema, "created_at": now});
        if let Some(slug) = space {
            head["space"] = json!(slug);
        }
        writeln!(out, "{head}")?;
        Ok(Self {
            out,
            current: None,
            sums: BTreeMap::new(),
        })
    }

    /// Starts `table`; its rows follow.
    pub fn table(&mut self, table: &'static Table) -> std::io::Result<()> {
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

    /// Writes one row of the current table.
    pub fn row(&mut self, values: &[Value]) -> std::io::Result<()> {
        let line = format!("{}\n", Json::Array(values.iter().map(to_json).collect()));
        self.out.write_all(line.as_bytes())?;
        if let Some((_, hash, rows)) = &mut self.current {
            hash.update(line.as_bytes());
            *rows += 1;
        }
        Ok(())
    }

    /// Writes the manifest; returns the output, not yet flushed, and each
    /// table's sums.
    pub fn finish(mut self) -> std::io::Result<(W, BTreeMap<String, TableSum>)> {
        self.close_table();
        let manifest: BTreeMap<&String, Json> = self
            .sums
            .iter()
            .map(|(t, s)| (t, json!({"rows": s.rows, "sha256": s.sha256})))
            .collect();
        writeln!(self.out, "{}", json!({ "manifest": manifest }))?;
        Ok((self.out, self.sums))
    }

    fn close_table(&mut self) {
        if let Some((name, hash, rows)) = self.current.take() {
            let sha256 = hex(&hash.finalize());
            self.sums.insert(name.to_owned(), TableSum { rows, sha256 });
        }
    }
}

impl<W: Write + Send> ExportSink for Writer<W> {
    fn table(&mut self, table: &'static Table) -> std::io::Result<()> {
        Writer::table(self, table)
    }

    fn row(&mut self, values: Vec<Value>) -> std::io::Result<()> {
        Writer::row(self, &values)
    }
}
