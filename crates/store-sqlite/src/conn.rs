//! The shared SQL on a SQLite connection: `$n` placeholders become `?n`,
//! arguments and values cross as SQLite's own types, and the futures of the
//! shared code, which never wait on this connection, finish in one poll.

use std::task::{Context, Poll, Waker};

use async_trait::async_trait;
use hearth_store::export::Value;
use hearth_store::{Result, StoreError};
use hearth_store_sql::{Arg, BoxFuture, Conn, Dialect, Row};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};

use crate::error::map_err;

/// A connection lent to shared SQL for one job.
pub(crate) struct SqliteConn<'a>(pub &'a mut Connection);

/// Runs a job of the shared SQL to its end on this thread: every await in
/// it is on a SQLite statement, which is ready at once.
pub(crate) fn finish<T>(mut job: BoxFuture<'_, Result<T>>) -> Result<T> {
    match job.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(StoreError::Other(
            "a SQLite job waited on something other than SQLite".into(),
        )),
    }
}

/// `$1` as SQLite numbers parameters: `?1`.
pub(crate) fn placeholders(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut start = 0;
    for (at, pair) in bytes.windows(2).enumerate() {
        if pair[0] == b'$' && pair[1].is_ascii_digit() {
            out.push_str(&sql[start..at]);
            out.push('?');
            start = at + 1;
        }
    }
    out.push_str(&sql[start..]);
    out
}

struct SqlArg<'a>(&'a Arg<'a>);

impl ToSql for SqlArg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self.0 {
            Arg::Null => ValueRef::Null,
            Arg::Int(i) => ValueRef::Integer(i),
            Arg::Bool(b) => ValueRef::Integer(i64::from(b)),
            Arg::Text(t) => ValueRef::Text(t.as_bytes()),
            Arg::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn value(v: ValueRef<'_>) -> Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Text(t) => Value::Text(
            String::from_utf8(t.to_vec()).map_err(|e| StoreError::Other(e.to_string()))?,
        ),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        ValueRef::Real(r) => return Err(StoreError::Other(format!("unexpected real {r}"))),
    })
}

#[async_trait]
impl Conn for SqliteConn<'_> {
    async fn run(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut (dyn FnMut(Row) -> Result<()> + Send),
    ) -> Result<u64> {
        crate::recorded::note(sql);
        let mut stmt = self.0.prepare_cached(&placeholders(sql)).map_err(map_err)?;
        let args = rusqlite::params_from_iter(args.iter().map(SqlArg));
        let width = stmt.column_count();
        if width == 0 {
            return Ok(stmt.execute(args).map_err(map_err)? as u64);
        }
        let mut rows = stmt.query(args).map_err(map_err)?;
        while let Some(r) = rows.next().map_err(map_err)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(value(r.get_ref(i).map_err(map_err)?)?);
            }
            each(Row(values))?;
        }
        drop(rows);
        drop(stmt);
        // What an INSERT, UPDATE or DELETE with RETURNING changed.
        Ok(self.0.changes())
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql).map_err(map_err)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_numbered_the_sqlite_way() {
        assert_eq!(
            placeholders("SELECT $1, '$', $12 FROM t WHERE a = $2"),
            "SELECT ?1, '$', ?12 FROM t WHERE a = ?2"
        );
    }
}
