//! Export from one consistent snapshot, and import of exported rows.

use async_trait::async_trait;
use hearth_core::ids::SpaceId;
use hearth_store::export::{ExportSink, Kind, TABLES, Table, Value};
use hearth_store::{ExportStore, Result, StoreError};
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, Row};

use crate::PostgresStore;
use crate::error::map_err;
use hearth_store::verify::RECOUNT_MEMBERS;

/// Rows fetched per round trip while exporting.
const BATCH: i32 = 1000;

fn read(row: &Row, i: usize, kind: Kind) -> std::result::Result<Value, tokio_postgres::Error> {
    Ok(match kind {
        Kind::Int => row
            .try_get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Int),
        Kind::Text => row
            .try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text),
        Kind::Bool => row
            .try_get::<_, Option<bool>>(i)?
            .map_or(Value::Null, Value::Bool),
        Kind::Blob => row
            .try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Value::Null, Value::Blob),
    })
}

/// A parameter of the column's own type, null included.
fn param(kind: Kind, v: Value) -> Box<dyn ToSql + Sync + Send> {
    match (kind, v) {
        (_, Value::Int(i)) => Box::new(Some(i)),
        (_, Value::Text(t)) => Box::new(Some(t)),
        (_, Value::Bool(b)) => Box::new(Some(b)),
        (_, Value::Blob(b)) => Box::new(Some(b)),
        (Kind::Int, Value::Null) => Box::new(None::<i64>),
        (Kind::Text, Value::Null) => Box::new(None::<String>),
        (Kind::Bool, Value::Null) => Box::new(None::<bool>),
        (Kind::Blob, Value::Null) => Box::new(None::<Vec<u8>>),
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("writing the export failed: {e}"))
}

#[async_trait]
impl ExportStore for PostgresStore {
    async fn export(&self, space: Option<SpaceId>, mut sink: Box<dyn ExportSink>) -> Result<()> {
        let mut c = self.client().await?;
        // Repeatable read: one snapshot for every table, while writers go on.
        let tx = c
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(map_err)?;
        for table in TABLES {
            sink.table(table).map_err(io)?;
            let Some(sql) = table.select(space.map(|_| "$1"), "\"C\"") else {
                continue;
            };
            let space_id = space.map(|s| s.0);
            let params: Vec<&(dyn ToSql + Sync)> = match &space_id {
                Some(id) => vec![id],
                None => Vec::new(),
            };
            let stmt = tx.prepare(&sql).await.map_err(map_err)?;
            let portal = tx.bind(&stmt, &params).await.map_err(map_err)?;
            loop {
                let rows = tx.query_portal(&portal, BATCH).await.map_err(map_err)?;
                for row in &rows {
                    let values = table
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, col)| read(row, i, col.kind))
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(map_err)?;
                    sink.row(values).map_err(io)?;
                }
                if rows.len() < BATCH as usize {
                    break;
                }
            }
        }
        tx.commit().await.map_err(map_err)
    }

    async fn is_empty(&self) -> Result<bool> {
        let c = self.client().await?;
        let n: i64 = c
            .query_one(
                "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM spaces)",
                &[],
            )
            .await
            .map_err(map_err)?
            .get(0);
        Ok(n == 0)
    }

    async fn import_rows(&self, table: &'static Table, rows: Vec<Vec<Value>>) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_err)?;
        let marks: Vec<String> = (1..=table.columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            table.column_list(),
            marks.join(", ")
        );
        let stmt = tx.prepare(&sql).await.map_err(map_err)?;
        for row in rows {
            let params: Vec<Box<dyn ToSql + Sync + Send>> = table
                .columns
                .iter()
                .zip(row)
                .map(|(col, v)| param(col.kind, v))
                .collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params
                .iter()
                .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                .collect();
            tx.execute(&stmt, &refs).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn finish_import(&self) -> Result<()> {
        let c = self.client().await?;
        for table in TABLES.iter().filter(|t| t.serial_id) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), coalesce((SELECT max(id) FROM {0}), 0) + 1, false)",
                table.name
            );
            c.execute(&sql, &[]).await.map_err(map_err)?;
        }
        // Member counts are derived, not exported.
        c.batch_execute(RECOUNT_MEMBERS).await.map_err(map_err)?;
        Ok(())
    }
}
