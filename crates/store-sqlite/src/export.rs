//! Export from one consistent snapshot, and import of exported rows.

use async_trait::async_trait;
use hearth_core::ids::SpaceId;
use hearth_store::export::{ExportSink, Kind, TABLES, Table, Value};
use hearth_store::{ExportStore, Result, StoreError};
use rusqlite::Row;
use rusqlite::types::Value as SqlValue;

use crate::SqliteStore;
use hearth_store::verify::RECOUNT_MEMBERS;

fn read(row: &Row<'_>, i: usize, kind: Kind) -> rusqlite::Result<Value> {
    Ok(match kind {
        Kind::Int => row
            .get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Int),
        Kind::Text => row
            .get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text),
        Kind::Bool => row
            .get::<_, Option<i64>>(i)?
            .map_or(Value::Null, |v| Value::Bool(v != 0)),
        Kind::Blob => row
            .get::<_, Option<Vec<u8>>>(i)?
            .map_or(Value::Null, Value::Blob),
    })
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("writing the export failed: {e}"))
}

#[async_trait]
impl ExportStore for SqliteStore {
    async fn export(&self, space: Option<SpaceId>, mut sink: Box<dyn ExportSink>) -> Result<()> {
        self.db
            .read(move |c| {
                // One read transaction: a snapshot that writers do not disturb.
                c.execute_batch("BEGIN")?;
                for table in TABLES {
                    sink.table(table).map_err(io)?;
                    let Some(sql) = table.select(space.map(|_| "?1"), "BINARY") else {
                        continue;
                    };
                    let mut stmt = c.prepare(&sql)?;
                    let mut rows = stmt.query(rusqlite::params_from_iter(space.map(|s| s.0)))?;
                    while let Some(row) = rows.next()? {
                        let values = table
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(i, col)| read(row, i, col.kind))
                            .collect::<rusqlite::Result<Vec<_>>>()?;
                        sink.row(values).map_err(io)?;
                    }
                }
                c.execute_batch("COMMIT")?;
                Ok(())
            })
            .await
    }

    async fn is_empty(&self) -> Result<bool> {
        self.db
            .read(|c| {
                let n: i64 = c.query_row(
                    "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM spaces)",
                    [],
                    |r| r.get(0),
                )?;
                Ok(n == 0)
            })
            .await
    }

    async fn import_rows(&self, table: &'static Table, rows: Vec<Vec<Value>>) -> Result<()> {
        self.db
            .write(move |c| {
                let marks: Vec<String> =
                    (1..=table.columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    table.name,
                    table.column_list(),
                    marks.join(", ")
                );
                let mut stmt = c.prepare_cached(&sql)?;
                for row in rows {
                    let values = row.into_iter().map(|v| match v {
                        Value::Null => SqlValue::Null,
                        Value::Int(i) => SqlValue::Integer(i),
                        Value::Text(t) => SqlValue::Text(t),
                        Value::Bool(b) => SqlValue::Integer(i64::from(b)),
                        Value::Blob(b) => SqlValue::Blob(b),
                    });
                    stmt.execute(rusqlite::params_from_iter(values))?;
                }
                Ok(())
            })
            .await
    }

    async fn finish_import(&self) -> Result<()> {
        // INTEGER PRIMARY KEY continues after the largest id by itself;
        // member counts are derived, not exported.
        self.db
            .write(|c| {
                c.execute_batch(RECOUNT_MEMBERS)?;
                Ok(())
            })
            .await
    }
}
