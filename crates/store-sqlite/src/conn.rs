//! The shared SQL on a SQLite connection: `$n` placeholders are bound by
//! name, arguments and values cross as SQLite's own types, and the futures of the
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

/// Binds `args` to the statement's `$1`, `$2`, …. SQLite reads `$1` as a
/// parameter named "$1" (numbered by where it first appears, not by its
/// digits), so each argument is bound by name, and the shared SQL text is
/// prepared and cached as written, with no copy rewritten per statement.
fn bind(stmt: &mut rusqlite::Statement<'_>, args: &[Arg<'_>]) -> Result<()> {
    for (at, arg) in args.iter().enumerate() {
        let named;
        let name = match PARAMETER_NAMES.get(at) {
            Some(name) => name.as_str(),
            None => {
                named = format!("${}", at + 1);
                named.as_str()
            }
        };
        // An argument the text does not use is not bound; PostgreSQL,
        // which runs the same text, refuses it.
        if let Some(index) = stmt.parameter_index(name).map_err(map_err)? {
            stmt.raw_bind_parameter(index, SqlArg(arg))
                .map_err(map_err)?;
        }
    }
    Ok(())
}

/// `$1` to `$256`, named once rather than on every bind.
static PARAMETER_NAMES: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (1..=256).map(|n| format!("${n}")).collect());

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
        let mut stmt = self.0.prepare_cached(sql).map_err(map_err)?;
        bind(&mut stmt, args)?;
        let width = stmt.column_count();
        if width == 0 {
            return Ok(stmt.raw_execute().map_err(map_err)? as u64);
        }
        let mut rows = stmt.raw_query();
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
    use super::*;

    fn run(conn: &mut Connection, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        let mut c = SqliteConn(conn);
        finish(Box::pin(async move { c.query(sql, args).await }))
    }

    #[test]
    fn arguments_are_bound_by_their_number_wherever_they_appear() {
        let mut conn = Connection::open_in_memory().unwrap();
        let rows = run(
            &mut conn,
            "SELECT $2 - $1, $1, '$1', $2",
            &[Arg::Int(1), Arg::Int(10)],
        )
        .unwrap();
        assert_eq!(
            rows[0].0,
            [
                Value::Int(9),
                Value::Int(1),
                Value::Text("$1".into()),
                Value::Int(10)
            ]
        );
        // Past the names made ahead of time.
        let sql = format!("SELECT ${}", 300);
        let args: Vec<Arg<'_>> = (1..=300).map(Arg::Int).collect();
        assert_eq!(run(&mut conn, &sql, &args).unwrap()[0].0, [Value::Int(300)]);
    }
}
