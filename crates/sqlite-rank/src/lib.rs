//! `hearth_rank(search_index, w0, w1, …)`: SQLite FTS5's BM25, except that
//! the documents holding each searched phrase are counted only up to
//! [`COUNT_BOUND`].
//!
//! FTS5's own `bm25()` counts, once per statement, every document that
//! holds each phrase, to weigh rare words above common ones. For a word in
//! half a million documents that walk costs far more than the ranking of the
//! few hundred documents a search ranks, and any member can ask for it
//! again and again. Here the count stops at the bound: a word held by more
//! documents than that weighs as one held by exactly that many. Below the
//! bound the score is `bm25()`'s, with its sign turned so that higher is
//! better.

use std::ffi::{c_int, c_void};
use std::ptr;

use rusqlite::{Connection, ffi};

/// How many documents holding a phrase are counted at most.
pub const COUNT_BOUND: i64 = 2_000;

/// BM25's constants, as FTS5 sets them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `hearth_rank` on `conn`, for its FTS5 tables.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is used only for the calls below, while `conn`
    // is borrowed, and on this thread.
    let db = unsafe { conn.handle() };
    let api = fts5_api(db)?;
    // SAFETY: `api` is the live FTS5 API of this connection, and the
    // function name is a NUL-terminated constant.
    let rc = unsafe {
        match (*api).xCreateFunction {
            Some(create) => create(
                api,
                c"hearth_rank".as_ptr(),
                ptr::null_mut(),
                Some(rank),
                None,
            ),
            None => ffi::SQLITE_MISUSE,
        }
    };
    check(db, rc)
}

/// The connection's FTS5 API, which SQLite hands out through a pointer
/// bound to `SELECT fts5(?)`.
fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
    // SAFETY: `db` is open; the statement is finalized before returning,
    // and `api` outlives it.
    unsafe {
        let rc = ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        );
        check(db, rc)?;
        let mut rc = ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&raw mut api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        if rc == ffi::SQLITE_OK {
            rc = ffi::sqlite3_step(stmt);
            if rc == ffi::SQLITE_ROW {
                rc = ffi::SQLITE_OK;
            }
        }
        ffi::sqlite3_finalize(stmt);
        check(db, rc)?;
    }
    if api.is_null() {
        return Err(rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_ERROR),
            Some("this SQLite has no FTS5".into()),
        ));
    }
    Ok(api)
}

fn check(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Result<()> {
    if rc == ffi::SQLITE_OK {
        return Ok(());
    }
    // SAFETY: `db` is open; the message is copied before the next call.
    let message = unsafe {
        let text = ffi::sqlite3_errmsg(db);
        (!text.is_null()).then(|| {
            std::ffi::CStr::from_ptr(text)
                .to_string_lossy()
                .into_owned()
        })
    };
    Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message))
}

/// What a statement's first ranked row works out for the rest: each
/// phrase's weight and the mean document length.
struct Weights {
    idf: Vec<f64>,
    mean_length: f64,
}

impl Weights {
    fn compute(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context) -> Result<Self, c_int> {
        let (Some(row_count), Some(total_size), Some(phrase_count), Some(query_phrase)) = (
            api.xRowCount,
            api.xColumnTotalSize,
            api.xPhraseCount,
            api.xQueryPhrase,
        ) else {
            return Err(ffi::SQLITE_MISUSE);
        };
        let (mut rows, mut tokens) = (0i64, 0i64);
        // SAFETY: `fts` is the context SQLite passed to this call.
        unsafe {
            ok(row_count(fts, &mut rows))?;
            ok(total_size(fts, -1, &mut tokens))?;
        }
        let rows = rows.max(1) as f64;
        // SAFETY: as above.
        let phrases = unsafe { phrase_count(fts) };
        let mut idf = Vec::with_capacity(phrases.max(0) as usize);
        for phrase in 0..phrases {
            let mut holding = 0i64;
            // SAFETY: `holding` outlives the walk, which `count` stops at
            // the bound.
            unsafe {
                ok(query_phrase(
                    fts,
                    phrase,
                    (&raw mut holding).cast(),
                    Some(count),
                ))?;
            }
            let n = holding as f64;
            // FTS5's bm25(): a word in more than half the documents still
            // weighs a little.
            let weight = ((rows - n + 0.5) / (n + 0.5)).ln();
            idf.push(if weight > 0.0 { weight } else { 1e-6 });
        }
        Ok(Self {
            idf,
            mean_length: tokens as f64 / rows,
        })
    }
}

fn ok(rc: c_int) -> Result<(), c_int> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

/// Counts one more document holding a phrase; stops at the bound.
unsafe extern "C" fn count(
    _api: *const ffi::Fts5ExtensionApi,
    _fts: *mut ffi::Fts5Context,
    holding: *mut c_void,
) -> c_int {
    // SAFETY: `holding` is the counter `Weights::compute` passed.
    let holding = unsafe { &mut *holding.cast::<i64>() };
    *holding += 1;
    if *holding >= COUNT_BOUND {
        ffi::SQLITE_DONE
    } else {
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn drop_weights(weights: *mut c_void) {
    // SAFETY: the pointer is a `Box<Weights>` given to xSetAuxdata.
    drop(unsafe { Box::from_raw(weights.cast::<Weights>()) });
}

/// The function itself: one call per ranked row.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite passes its live API, this row's context and `n_args`
    // argument values.
    unsafe {
        let column_weights: Vec<f64> = (0..n_args.max(0) as usize)
            .map(|i| ffi::sqlite3_value_double(*args.add(i)))
            .collect();
        match score(&*api, fts, &column_weights) {
            Ok(score) => ffi::sqlite3_result_double(ctx, score),
            Err(rc) => ffi::sqlite3_result_error_code(ctx, rc),
        }
    }
}

/// BM25 of the current row, higher for a better match.
///
/// # Safety
/// `fts` must be the context SQLite passed to this call of the function.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    column_weights: &[f64],
) -> Result<f64, c_int> {
    let (Some(get_aux), Some(set_aux), Some(inst_count), Some(inst), Some(column_size)) = (
        api.xGetAuxdata,
        api.xSetAuxdata,
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY (whole block): `fts` is live for this call; the auxiliary data
    // is only ever a `Box<Weights>` set here, freed by SQLite with the
    // statement's cursor.
    unsafe {
        let mut weights = get_aux(fts, 0).cast::<Weights>();
        if weights.is_null() {
            let boxed = Box::into_raw(Box::new(Weights::compute(api, fts)?));
            // On failure SQLite frees the data itself.
            ok(set_aux(fts, boxed.cast(), Some(drop_weights)))?;
            weights = boxed;
        }
        let weights = &*weights;
        let mut frequency = vec![0.0f64; weights.idf.len()];
        let mut instances = 0;
        ok(inst_count(fts, &mut instances))?;
        for i in 0..instances {
            let (mut phrase, mut column, mut offset) = (0, 0, 0);
            ok(inst(fts, i, &mut phrase, &mut column, &mut offset))?;
            let weight = column_weights.get(column as usize).copied().unwrap_or(1.0);
            if let Some(f) = frequency.get_mut(phrase as usize) {
                *f += weight;
            }
        }
        let mut length = 0;
        ok(column_size(fts, -1, &mut length))?;
        let length_norm =
            1.0 - B + B * f64::from(length) / weights.mean_length.max(f64::MIN_POSITIVE);
        Ok(weights
            .idf
            .iter()
            .zip(&frequency)
            .map(|(idf, f)| idf * (f * (K1 + 1.0)) / (f + K1 * length_norm))
            .sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(docs: &[(&str, &str)]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(title, body)")
            .unwrap();
        for (title, body) in docs {
            conn.execute("INSERT INTO t (title, body) VALUES (?1, ?2)", [title, body])
                .unwrap();
        }
        conn
    }

    fn scores(conn: &Connection, query: &str) -> Vec<(i64, f64, f64)> {
        let mut stmt = conn
            .prepare(
                "SELECT rowid, hearth_rank(t, 4.0, 1.0), -bm25(t, 4.0, 1.0) FROM t
                 WHERE t MATCH ?1 ORDER BY rowid",
            )
            .unwrap();
        stmt.query_map([query], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn below_the_bound_it_is_fts5s_bm25() {
        let conn = index(&[
            ("deploy notes", "how we deploy on friday"),
            ("lunch", "deploy deploy deploy and lunch"),
            (
                "friday",
                "nothing about it, a long body of many words that says little",
            ),
        ]);
        let rows = scores(&conn, "deploy OR friday");
        assert_eq!(rows.len(), 3);
        for (rowid, ours, fts5) in rows {
            assert!(
                (ours - fts5).abs() < 1e-9,
                "row {rowid}: {ours} against {fts5}"
            );
        }
    }

    #[test]
    fn a_word_past_the_bound_weighs_as_one_at_the_bound() {
        let common = COUNT_BOUND as usize * 3;
        let mut docs = vec![("rare", "common")];
        docs.extend(std::iter::repeat_n(("other", "common"), common - 1));
        let conn = index(&docs);
        let rows = scores(&conn, "common");
        assert_eq!(rows.len(), common);
        let (_, ours, fts5) = rows[0];
        // Held by every document: bm25() gives it the floor weight, the
        // bound a real one.
        assert!(ours > fts5 * 100.0, "{ours} against {fts5}");
        let rows = common as f64;
        let n = COUNT_BOUND as f64;
        let idf = ((rows - n + 0.5) / (n + 0.5)).ln();
        assert!(ours > 0.0 && ours < idf * (K1 + 1.0), "{ours}");
    }

    #[test]
    fn column_weights_may_be_left_out() {
        let conn = index(&[("a", "b")]);
        let score: f64 = conn
            .query_row("SELECT hearth_rank(t) FROM t WHERE t MATCH 'a'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(score > 0.0);
    }
}
