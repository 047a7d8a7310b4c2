//! The shared SQL on a PostgreSQL connection or transaction: arguments are
//! bound as the type each parameter was inferred to be, and values are
//! read by each column's type.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use futures_util::TryStreamExt;
use hearth_store::export::Value;
use hearth_store::{Result, StoreError};
use hearth_store_sql::{Arg, Conn, Dialect, Row};
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::error::map_err;

/// A connection or transaction lent to shared SQL for one job.
pub(crate) struct PgConn<'a, C>(pub &'a C);

/// An argument bound as whatever its parameter is: integers narrow to the
/// column's width, everything else as it is.
#[derive(Debug)]
struct PgArg<'a>(&'a Arg<'a>);

impl ToSql for PgArg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self.0 {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Arg::Int(i) if *ty == Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
            Arg::Int(i) => i.to_sql(ty, out),
            Arg::Bool(b) => b.to_sql(ty, out),
            Arg::Text(t) => t.to_sql(ty, out),
            Arg::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn value(row: &tokio_postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_();
    let read = |e: tokio_postgres::Error| StoreError::Other(e.to_string());
    Ok(if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)
            .map_err(read)?
            .map_or(Value::Null, Value::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)
            .map_err(read)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if *ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)
            .map_err(read)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)
            .map_err(read)?
            .map_or(Value::Null, Value::Bool)
    } else if *ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)
            .map_err(read)?
            .map_or(Value::Null, Value::Blob)
    } else if [Type::TEXT, Type::VARCHAR, Type::NAME, Type::BPCHAR].contains(ty) {
        row.try_get::<_, Option<String>>(i)
            .map_err(read)?
            .map_or(Value::Null, Value::Text)
    } else {
        // Functions of no declared type (setval, pg_advisory_xact_lock)
        // are run for their effect; their value is not read.
        Value::Null
    })
}

fn row_of(row: &tokio_postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        values.push(value(row, i)?);
    }
    Ok(Row(values))
}

#[async_trait]
impl<C: GenericClient + Send + Sync> Conn for PgConn<'_, C> {
    async fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.batch_execute(sql).await.map_err(map_err)
    }

    async fn lock_keys(&mut self, keys: &[&str]) -> Result<()> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            self.0
                .execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    &[&key],
                )
                .await
                .map_err(map_err)?;
        }
        Ok(())
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn run(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut (dyn FnMut(Row) -> Result<()> + Send),
    ) -> Result<u64> {
        let stmt = self.0.prepare_cached(sql).await.map_err(map_err)?;
        let rows = self.0.query_raw(&stmt, args.iter().map(PgArg)).await;
        let mut rows = std::pin::pin!(rows.map_err(map_err)?);
        while let Some(row) = rows.try_next().await.map_err(map_err)? {
            each(row_of(&row)?)?;
        }
        Ok(rows.rows_affected().unwrap_or(0))
    }
}
