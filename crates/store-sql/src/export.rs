//! Export from one consistent snapshot, and import of exported rows.

use async_trait::async_trait;
use hearth_core::ids::SpaceId;
use hearth_store::export::{ExportSink, Kind, TABLES, Table, Value};
use hearth_store::verify::RECOUNT_MEMBERS;
use hearth_store::{ExportStore, Result, StoreError};

use crate::conn::{Dialect, Engine, value};
use crate::store::SqlStore;
use crate::value::{Arg, Row};

fn io(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("writing the export failed: {e}"))
}

/// A row as the export file holds it: booleans as booleans, though SQLite
/// keeps them as integers.
fn exported(table: &Table, row: Row) -> Vec<Value> {
    table
        .columns
        .iter()
        .zip(row.0)
        .map(|(col, v)| match (col.kind, v) {
            (Kind::Bool, Value::Int(i)) => Value::Bool(i != 0),
            (_, v) => v,
        })
        .collect()
}

#[async_trait]
impl<E: Engine> ExportStore for SqlStore<E> {
    async fn export(&self, space: Option<SpaceId>, mut sink: Box<dyn ExportSink>) -> Result<()> {
        self.snapshot(move |c| {
            Box::pin(async move {
                let byte_order = c.dialect().byte_order();
                for table in TABLES {
                    sink.table(table).map_err(io)?;
                    let Some(sql) = table.select(space.map(|_| "$1"), byte_order) else {
                        continue;
                    };
                    let args: Vec<Arg<'_>> = space.map(Arg::from).into_iter().collect();
                    c.for_each(&sql, &args, &mut |row| {
                        sink.row(exported(table, row)).map_err(io)
                    })
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn is_empty(&self) -> Result<bool> {
        self.read(|c| {
            Box::pin(async move {
                let n: i64 = value(
                    c,
                    "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM spaces)",
                    &[],
                )
                .await?;
                Ok(n == 0)
            })
        })
        .await
    }

    async fn import_rows(&self, table: &'static Table, rows: Vec<Vec<Value>>) -> Result<()> {
        self.write(move |c| {
            Box::pin(async move {
                let marks: Vec<String> =
                    (1..=table.columns.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    table.name,
                    table.column_list(),
                    marks.join(", ")
                );
                for row in &rows {
                    let args: Vec<Arg<'_>> = row.iter().map(Arg::from).collect();
                    c.execute(&sql, &args).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn finish_import(&self) -> Result<()> {
        self.write(|c| {
            Box::pin(async move {
                // SQLite's integer keys continue after the largest by
                // themselves; PostgreSQL's sequences are moved past them.
                if c.dialect() == Dialect::Postgres {
                    for table in TABLES.iter().filter(|t| t.serial_id) {
                        let sql = format!(
                            "SELECT setval(pg_get_serial_sequence('{0}', 'id'),
                                           coalesce((SELECT max(id) FROM {0}), 0) + 1, false)",
                            table.name
                        );
                        c.query(&sql, &[]).await?;
                    }
                }
                // Member counts and the search index are derived, not exported.
                c.execute(RECOUNT_MEMBERS, &[]).await?;
                crate::data_migrations::ask(c, crate::data_migrations::SEARCH_INDEX).await
            })
        })
        .await?;
        self.finish_data_migrations().await
    }
}
