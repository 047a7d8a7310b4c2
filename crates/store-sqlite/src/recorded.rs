//! The statements a release runs, recorded so that the next release can
//! prove it keeps them working: release N's code must run on release
//! N+1's schema while nodes upgrade one at a time.
//!
//! `HEARTH_RECORD_QUERIES=FILE` makes every process append each statement
//! it prepares, once, to FILE (`scripts/record-queries` runs the test suite
//! so and keeps the result as `crates/store-sql/queries/sqlite.sql`). A
//! test prepares every recorded statement on a store of this release's
//! schema: a dropped or renamed table or column fails it.

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// What separates recorded statements in the file (statements span lines).
pub(crate) const SEPARATOR: &str = "\n-- end of statement\n";

struct Recorder {
    file: std::fs::File,
    seen: HashSet<String>,
}

static RECORDER: OnceLock<Option<Mutex<Recorder>>> = OnceLock::new();

/// Records `sql` if this process records statements.
pub(crate) fn note(sql: &str) {
    let recorder = RECORDER.get_or_init(|| {
        let path = std::env::var_os("HEARTH_RECORD_QUERIES")?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        Some(Mutex::new(Recorder {
            file,
            seen: HashSet::new(),
        }))
    });
    let Some(recorder) = recorder else {
        return;
    };
    let mut r = recorder.lock().unwrap_or_else(|e| e.into_inner());
    if r.seen.insert(sql.to_owned()) {
        // One write per statement: appends from several processes do not
        // interleave.
        let _ = r.file.write_all(format!("{sql}{SEPARATOR}").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::SEPARATOR;

    /// Every statement the release before ran still prepares on this
    /// release's schema.
    #[tokio::test]
    async fn the_release_befores_statements_run_on_this_schema() {
        let recorded = include_str!("../../store-sql/queries/sqlite.sql");
        let statements: Vec<&str> = recorded
            .split(SEPARATOR)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert!(statements.len() > 100, "{} statements", statements.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        drop(crate::open(&path).await.unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        hearth_sqlite_rank::register(&conn).unwrap();
        let broken: Vec<String> = statements
            .iter()
            .filter_map(|sql| conn.prepare(sql).err().map(|e| format!("{e}: {sql}")))
            .collect();
        assert!(
            broken.is_empty(),
            "{} statements of the release before no longer run on this schema; \
             keep what they use until a later release (expand, then contract):\n{}",
            broken.len(),
            broken.join("\n\n")
        );
    }
}
