//! `hearth export` and `hearth import`: everything, engine-neutral, in one
//! file (the format: [`hearth_store::export_file`]).
//!
//! The file is written to `FILE.partial`, synced, then renamed: a failed
//! export never leaves a file that looks whole. An import checks the whole
//! file before it writes anything, and only into an empty store.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::sync::{Arc, Mutex};

use hearth_core::ids::SpaceId;
use hearth_store::Store;
use hearth_store::export::{ExportSink, Table, Value};
pub use hearth_store::export_file::TableSum;
use hearth_store::export_file::{self, Reader, Record, Writer};

/// Rows inserted per transaction while importing.
const BATCH: usize = 500;

/// The writer, shared with the store while it exports.
struct Shared(Arc<Mutex<Writer<BufWriter<File>>>>);

impl ExportSink for Shared {
    fn table(&mut self, table: &'static Table) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .table(table)
    }

    fn row(&mut self, values: Vec<Value>) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .row(&values)
    }
}

/// Creates (or truncates) a file only its owner may read: an export holds
/// everything, password hashes included.
pub(crate) fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A file that existed keeps its old mode through `open`: set it.
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// Creates a directory (and its parents) that only its owner may enter, or
/// leaves an existing one as it is.
pub(crate) fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Exports everything to `path`, or with `space` (its id and address) one
/// space with its history, its people and their personal spaces; returns
/// each table's sums.
pub async fn export(
    store: Arc<dyn Store>,
    schema: i64,
    now: i64,
    space: Option<(SpaceId, &str)>,
    path: &Path,
) -> Result<BTreeMap<String, TableSum>, String> {
    let partial = path.with_extension("partial");
    let file = private_file(&partial).map_err(|e| cannot("write", path, &e))?;
    let writer = Writer::new(
        BufWriter::new(file),
        schema,
        now,
        space.map(|(_, slug)| slug),
    )
    .map_err(|e| e.to_string())?;
    let writer = Arc::new(Mutex::new(writer));
    let exported = store
        .export(
            space.map(|(id, _)| id),
            Box::new(Shared(Arc::clone(&writer))),
        )
        .await;
    let finish = || -> Result<BTreeMap<String, TableSum>, String> {
        exported.map_err(|e| e.to_string())?;
        let writer = Arc::try_unwrap(writer)
            .map_err(|_| "internal: the export is still being written".to_owned())?
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let (out, sums) = writer.finish().map_err(|e| cannot("write", path, &e))?;
        let file = out
            .into_inner()
            .map_err(|e| cannot("write", path, e.error()))?;
        file.sync_all().map_err(|e| cannot("write", path, &e))?;
        Ok(sums)
    };
    match finish() {
        Ok(sums) => {
            std::fs::rename(&partial, path).map_err(|e| cannot("write", path, &e))?;
            Ok(sums)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// What went wrong with a file, and what to do about it, in words rather
/// than an operating system's error number.
pub fn cannot(action: &str, path: &Path, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let path = path.display();
    match e.kind() {
        ErrorKind::NotFound => format!("cannot {action} {path}: it does not exist; check the path"),
        ErrorKind::PermissionDenied => format!(
            "cannot {action} {path}: this user may not; run as the user that owns it, or change its owner"
        ),
        ErrorKind::IsADirectory => {
            format!("cannot {action} {path}: it is a directory; name a file in it")
        }
        ErrorKind::NotADirectory => {
            format!("cannot {action} {path}: part of the path is a file, not a directory")
        }
        ErrorKind::StorageFull => {
            format!("cannot {action} {path}: the disk is full; free some space and try again")
        }
        ErrorKind::ReadOnlyFilesystem => {
            format!("cannot {action} {path}: the file system is read-only; choose another place")
        }
        kind => format!("cannot {action} {path}: {kind}"),
    }
}

fn open(path: &Path) -> Result<BufReader<File>, String> {
    let file = File::open(path).map_err(|e| cannot("read", path, &e))?;
    Ok(BufReader::new(file))
}

/// Checks an export file end to end; returns each table's sums.
pub fn verify(path: &Path) -> Result<BTreeMap<String, TableSum>, String> {
    export_file::check(open(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether an import trusts the file's stored HTML as it is (a backup this
/// node just wrote, being proven) or sanitizes it again (a file from
/// elsewhere: whoever could edit it could have put anything in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Html {
    /// Sanitize every stored body again on the way in.
    Sanitize,
    /// Keep it as written: the file was just written by this node.
    Trust,
}

/// Sanitizes the `body_html` of a row of `table`, if it has one.
fn sanitize_row(table: &Table, row: &mut [Value]) {
    let at = table.columns.iter().position(|c| c.name == "body_html");
    if let Some(Value::Text(html)) = at.and_then(|i| row.get_mut(i)) {
        *html = hearth_core::markdown::sanitize(html);
    }
}

/// Imports an export into an empty store, after checking the whole file.
pub async fn import(
    store: Arc<dyn Store>,
    path: &Path,
    html: Html,
) -> Result<BTreeMap<String, TableSum>, String> {
    let sums = verify(path)?;
    if !store.is_empty().await.map_err(|e| e.to_string())? {
        return Err("the target already holds data; import only into an empty store".into());
    }
    // The second pass checks again as it reads: the file may have changed.
    let mut reader = Reader::new(open(path)?)?;
    let mut table: Option<&'static Table> = None;
    let mut batch: Vec<Vec<Value>> = Vec::new();
    let flush = |store: Arc<dyn Store>, t: Option<&'static Table>, rows: Vec<Vec<Value>>| async move {
        match t {
            Some(t) if !rows.is_empty() => {
                store.import_rows(t, rows).await.map_err(|e| e.to_string())
            }
            _ => Ok(()),
        }
    };
    while let Some(record) = reader.next_record()? {
        match record {
            Record::Row(mut row) => {
                if let (Html::Sanitize, Some(t)) = (html, table) {
                    sanitize_row(t, &mut row);
                }
                batch.push(row);
                if batch.len() >= BATCH {
                    flush(Arc::clone(&store), table, std::mem::take(&mut batch)).await?;
                }
            }
            Record::Table(t) => {
                flush(Arc::clone(&store), table, std::mem::take(&mut batch)).await?;
                table = Some(t);
            }
        }
    }
    flush(Arc::clone(&store), table, batch).await?;
    store.finish_import().await.map_err(|e| e.to_string())?;
    Ok(sums)
}
