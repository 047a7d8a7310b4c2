//! Backups that are proven: each is an export file, restored into a scratch
//! SQLite store and verified before it counts; old ones are pruned.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hearth_app::Ctx;
use hearth_app::backups::{BACKUP_JOB, BackupPlan};
use hearth_store::{OpsKind, Store, VerifyStore};

/// Parses `90s`, `30m`, `1h`, `2d` (a bare number is minutes).
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 30m or 1h"))?;
    let secs = match unit {
        "s" => n,
        "" | "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("{s:?} is not a duration like 30m or 1h")),
    };
    if secs == 0 {
        return Err("the backup interval must be longer than zero".into());
    }
    Ok(Duration::from_secs(secs))
}

/// A backup's file name: the UTC time it was taken, readable, to the
/// millisecond, then its kind (`hearth-2026-12-03T081243.962Z.db`). Names
/// sort in the order the backups were taken, and after the older names of
/// Unix milliseconds (`hearth-1796285563962.export`).
pub fn file_name(now: i64, kind: Kind) -> String {
    named(now, kind.extension())
}

/// `hearth-TIME.EXTENSION`, TIME in UTC to the millisecond.
pub fn named(now: i64, extension: &str) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let stamp = at
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour][minute][second].[subsecond digits:3]Z"
        ))
        .unwrap_or_else(|_| now.to_string());
    format!("hearth-{stamp}.{extension}")
}

/// What a backup file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A page-level copy of a SQLite database: restored by copying it back.
    Database,
    /// An engine-neutral export, with a checksum for every table.
    Export,
}

impl Kind {
    fn extension(self) -> &'static str {
        match self {
            Kind::Database => "db",
            Kind::Export => "export",
        }
    }

    /// What a file is, by its first bytes: a SQLite database says so.
    pub fn of(path: &Path) -> Result<Kind, String> {
        use std::io::Read;
        let mut head = [0u8; 16];
        let mut file =
            std::fs::File::open(path).map_err(|e| crate::transfer::cannot("read", path, &e))?;
        let n = file
            .read(&mut head)
            .map_err(|e| crate::transfer::cannot("read", path, &e))?;
        Ok(if head[..n] == *b"SQLite format 3\0" {
            Kind::Database
        } else {
            Kind::Export
        })
    }
}

/// Whether `path` is named like a backup.
fn is_backup(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("hearth-") && (n.ends_with(".export") || n.ends_with(".db")))
}

/// The backups in `dir`, oldest first.
pub fn backups_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| crate::transfer::cannot("read the directory", dir, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_backup(p))
        .collect();
    backups.sort();
    Ok(backups)
}

/// A backup written: where, and what it holds.
#[derive(Debug, Clone)]
pub struct Written {
    /// The file.
    pub path: PathBuf,
    /// What it holds, in words: rows, or the database's size.
    pub holds: String,
}

/// Writes a backup of `store` into `dir`: a page-level copy where the
/// engine has one (SQLite: seconds a gigabyte, while the site writes on),
/// else an export.
pub async fn write(store: Arc<dyn Store>, dir: &Path, now: i64) -> Result<Written, String> {
    let (path, partial) = database_file(dir, now)?;
    match store.copy_database(&partial).await {
        Ok(true) => {
            std::fs::rename(&partial, &path)
                .map_err(|e| crate::transfer::cannot("write", &path, &e))?;
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let holds = format!("{:.1} MB", bytes as f64 / 1e6);
            return Ok(Written { path, holds });
        }
        Ok(false) => discard(&partial),
        Err(e) => {
            discard(&partial);
            return Err(format!("cannot write {}: {e}", path.display()));
        }
    }
    let schema = store
        .stats(true)
        .await
        .map_err(|e| e.to_string())?
        .schema_version;
    let path = dir.join(file_name(now, Kind::Export));
    let sums = crate::transfer::export(store, schema, now, None, &path).await?;
    let rows: u64 = sums.values().map(|s| s.rows).sum();
    Ok(Written {
        path,
        holds: format!("{rows} rows"),
    })
}

/// Copies the SQLite database file `live` into `dir` as a backup, page by
/// page and read-only: no migration runs on it (an upgrade's backup is of
/// the release before).
pub async fn copy_database_file(live: &Path, dir: &Path, now: i64) -> Result<PathBuf, String> {
    let (path, partial) = database_file(dir, now)?;
    let (from, to) = (live.to_owned(), partial.clone());
    let copied = tokio::task::spawn_blocking(move || hearth_store_sqlite::copy_file(&from, &to))
        .await
        .map_err(|e| e.to_string())
        .and_then(|copied| copied.map_err(|e| format!("cannot write {}: {e}", path.display())))
        .and_then(|()| {
            std::fs::rename(&partial, &path)
                .map_err(|e| crate::transfer::cannot("write", &path, &e))
        });
    if let Err(e) = copied {
        discard(&partial);
        return Err(e);
    }
    Ok(path)
}

/// A database backup's name in `dir`, and the file it is written to until
/// complete: created empty first, so that only its owner may read it (a
/// backup holds everything, password hashes included).
fn database_file(dir: &Path, now: i64) -> Result<(PathBuf, PathBuf), String> {
    crate::transfer::private_dir(dir)
        .map_err(|e| crate::transfer::cannot("create the directory", dir, &e))?;
    let path = dir.join(file_name(now, Kind::Database));
    let partial = path.with_extension("partial");
    crate::transfer::private_file(&partial)
        .map_err(|e| crate::transfer::cannot("write", &partial, &e))?;
    Ok((path, partial))
}

/// Removes an unfinished copy and its journal.
fn discard(partial: &Path) {
    for suffix in ["", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
}

/// A scratch directory, removed when dropped.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    /// A new, empty one, only its owner may enter.
    pub(crate) fn new(what: &str, now: i64) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("hearth-{what}-{}-{now}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::transfer::private_dir(&dir)
            .map_err(|e| crate::transfer::cannot("create the directory", &dir, &e))?;
        Ok(Self(dir))
    }

    /// Where it is.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens a database backup to read it: in place, changing nothing, when
/// its schema is this release's; else a copy in `scratch`, brought up to
/// this release's schema as a restore would (the backup stays as it was).
async fn open_database(path: &Path, scratch: &Path) -> Result<Arc<dyn Store>, String> {
    let found = hearth_store_sqlite::schema_version(path).map_err(|e| e.to_string())?;
    let known = hearth_store_sqlite::LATEST_VERSION;
    let store = if found == known {
        hearth_store_sqlite::open_read_only(path).await
    } else if found > known {
        Err(hearth_store::StoreError::SchemaTooNew { found, known })
    } else {
        let copy = scratch.join("hearth.db");
        std::fs::copy(path, &copy).map_err(|e| crate::transfer::cannot("copy", path, &e))?;
        hearth_store_sqlite::open(&copy).await
    };
    let store: Arc<dyn Store> = Arc::new(store.map_err(|e| format!("{}: {e}", path.display()))?);
    Ok(store)
}

/// What `verify` tells of a database backup: its rows of each kind.
pub fn counts(stats: &hearth_store::SiteStats) -> Vec<(&'static str, i64)> {
    vec![
        ("users", stats.users),
        ("spaces", stats.spaces),
        ("topics", stats.topics),
        ("replies", stats.replies),
        ("attachments", stats.attachments),
    ]
}

/// Checks a database backup the way it will be used: opened as a store,
/// SQLite's own integrity and foreign-key checks and Hearth's consistency
/// checks run on it; returns what it holds.
pub async fn check_database(path: &Path, now: i64) -> Result<hearth_store::SiteStats, String> {
    let scratch = Scratch::new("check", now)?;
    let store = open_database(path, &scratch.0).await?;
    let problems = store.verify().await.map_err(|e| e.to_string())?;
    if !problems.is_empty() {
        return Err(format!(
            "{} is inconsistent: {}",
            path.display(),
            problems.join("; ")
        ));
    }
    store.stats(true).await.map_err(|e| e.to_string())
}

/// Proves a backup: a database copy by [`check_database`], an export by
/// restoring it into a scratch SQLite store and verifying it there.
pub async fn prove(path: &Path, now: i64) -> Result<(), String> {
    if Kind::of(path)? == Kind::Database {
        return check_database(path, now).await.map(|_| ());
    }
    let scratch = Scratch::new("restore-check", now)?;
    let store: Arc<dyn Store> = Arc::new(
        hearth_store_sqlite::open(scratch.0.join("hearth.db"))
            .await
            .map_err(|e| e.to_string())?,
    );
    crate::transfer::import(Arc::clone(&store), path, crate::transfer::Html::Trust).await?;
    let problems = store.verify().await.map_err(|e| e.to_string())?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the restored backup is inconsistent: {}",
            problems.join("; ")
        ))
    }
}

/// Restores a database backup as the SQLite database `target` (which must
/// not exist): copied beside it, synced, brought up to this release's
/// schema, then moved into place.
pub async fn restore_database(
    path: &Path,
    target: &Path,
) -> Result<hearth_store::SiteStats, String> {
    let partial = target.with_extension("restoring");
    if let Some(dir) = target.parent() {
        crate::transfer::private_dir(dir)
            .map_err(|e| crate::transfer::cannot("create the directory", dir, &e))?;
    }
    let copied = async {
        std::fs::copy(path, &partial).map_err(|e| crate::transfer::cannot("copy", path, &e))?;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| crate::transfer::cannot("write", &partial, &e))?;
        // The store closes (and checkpoints) when dropped.
        let store = hearth_store_sqlite::open(&partial)
            .await
            .map_err(|e| e.to_string())?;
        store.stats(true).await.map_err(|e| e.to_string())
    }
    .await;
    let moved = copied.and_then(|stats| {
        // An empty database's log must not be applied to the restored one.
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
        }
        std::fs::rename(&partial, target)
            .map_err(|e| crate::transfer::cannot("move into place", target, &e))?;
        Ok(stats)
    });
    if moved.is_err() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
    }
    moved
}

/// Loads a database backup into another engine's empty store, through an
/// export in a scratch directory.
pub async fn load_database(
    path: &Path,
    into: Arc<dyn Store>,
    now: i64,
) -> Result<std::collections::BTreeMap<String, crate::transfer::TableSum>, String> {
    let scratch = Scratch::new("load", now)?;
    let store = open_database(path, &scratch.0).await?;
    let schema = store
        .stats(true)
        .await
        .map_err(|e| e.to_string())?
        .schema_version;
    let export = scratch.0.join("backup.export");
    crate::transfer::export(store, schema, now, None, &export).await?;
    crate::transfer::import(into, &export, crate::transfer::Html::Sanitize).await
}

/// Keeps the newest `keep` backups in `dir`, removes the rest.
pub fn prune(dir: &Path, keep: usize) -> Result<(), String> {
    let backups = backups_in(dir)?;
    let excess = backups.len().saturating_sub(keep);
    for old in &backups[..excess] {
        std::fs::remove_file(old).map_err(|e| crate::transfer::cannot("remove", old, &e))?;
    }
    Ok(())
}

/// The first scheduled backup of a site that has none waits this long
/// after start (or one interval, if shorter): a node that only starts and
/// stops (tests, a first look) writes none.
const FIRST_DELAY: Duration = Duration::from_secs(10 * 60);

/// One scheduled round: write, prove, prune, then check the live database.
/// Each outcome is recorded in the database, for every node to show.
pub async fn round(ctx: &Ctx, plan: &BackupPlan) {
    let now = ctx.clock.now_ms();
    let written = write(Arc::clone(&ctx.store), &plan.dir, now).await;
    let outcome = match &written {
        Ok(w) => {
            let detail = format!("{} to {}", w.holds, w.path.display());
            note(ctx, OpsKind::Backup, Ok(detail)).await;
            let proven = prove(&w.path, now).await;
            let proven = proven.and_then(|()| prune(&plan.dir, plan.keep));
            let detail = proven.clone().map(|()| w.path.display().to_string());
            note(ctx, OpsKind::RestoreCheck, detail).await;
            proven
        }
        Err(e) => {
            note(ctx, OpsKind::Backup, Err(e.clone())).await;
            Err(e.clone())
        }
    };
    let checked = match ctx.store.verify().await {
        Ok(problems) if problems.is_empty() => Ok("consistent".to_owned()),
        Ok(problems) => Err(problems.join("; ")),
        Err(e) => Err(e.to_string()),
    };
    note(ctx, OpsKind::IntegrityCheck, checked).await;
    match outcome {
        Ok(()) => {
            tracing::info!(dir = %plan.dir.display(), "backup written and verified as restorable")
        }
        Err(e) => {
            ctx.backups.failed();
            tracing::error!(error = %e, "scheduled backup failed");
        }
    }
}

/// Records an outcome; a record that cannot be written is logged.
async fn note(ctx: &Ctx, kind: OpsKind, outcome: Result<String, String>) {
    let (ok, detail) = match outcome {
        Ok(detail) => (true, detail),
        Err(e) => (false, e),
    };
    if let Err(e) = hearth_app::backups::record(ctx, kind, ok, detail).await {
        tracing::error!(error = %e, kind = kind.as_str(), "could not record a backup outcome");
    }
}

/// How long until the next round: an interval after the last backup any
/// node wrote, or a first one soon after start.
async fn until_next(ctx: &Ctx, every: Duration) -> Duration {
    let last = match hearth_app::backups::status(ctx).await {
        Ok(status) => status.backup.map(|b| b.at),
        Err(e) => {
            tracing::warn!(error = %e, "could not read when the last backup was taken");
            None
        }
    };
    match last {
        None => every.min(FIRST_DELAY),
        Some(at) => {
            let due = at.saturating_add(every.as_millis() as i64);
            Duration::from_millis(due.saturating_sub(ctx.clock.now_ms()).max(0) as u64)
        }
    }
}

/// Who this node is, for claims: host and process.
fn node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "node".into());
    format!("{host}:{}", std::process::id())
}

/// Scheduled backups running on their own thread; stopped (and the
/// thread's hold on the store let go) by [`Scheduled::stop`].
pub struct Scheduled {
    stop: tokio::sync::watch::Sender<bool>,
    thread: std::thread::JoinHandle<()>,
}

impl Scheduled {
    /// Stops the schedule: a round under way is abandoned (its unfinished
    /// file is not counted), and the store is let go, so that it closes
    /// cleanly with the server.
    pub fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.thread.join();
    }
}

/// Runs [`round`] on `plan`'s schedule until stopped, when this node can
/// claim the job (one node at a time), on a thread of its own at the work
/// threads' lower priority: writing, reading back and checking a backup is
/// minutes of CPU that must not hold the threads serving requests.
pub fn schedule(ctx: Ctx, plan: BackupPlan) -> std::io::Result<Scheduled> {
    ctx.backups.planned(plan.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let node = node_name();
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("hearth-backups".into())
        .spawn(move || {
            hearth_app::work::lower_priority();
            let rounds = async {
                loop {
                    tokio::time::sleep(until_next(&ctx, plan.every).await).await;
                    let now = ctx.clock.now_ms();
                    // Held for half an interval: past a round, short of the next.
                    let until = now
                        .saturating_add(plan.every.as_millis() as i64 / 2)
                        .max(now + 1);
                    match ctx.store.claim_job(BACKUP_JOB, &node, now, until).await {
                        Ok(true) => round(&ctx, &plan).await,
                        // Another node takes this round; look again after it.
                        Ok(false) => tokio::time::sleep(plan.every.min(FIRST_DELAY)).await,
                        Err(e) => {
                            tracing::warn!(error = %e, "could not claim the scheduled backup");
                            tokio::time::sleep(plan.every.min(FIRST_DELAY)).await;
                        }
                    }
                }
            };
            runtime.block_on(async {
                tokio::select! {
                    () = rounds => {}
                    _ = stopped.wait_for(|stop| *stop) => {}
                }
            });
            drop(ctx);
            // A copy still running on a blocking thread is not waited for.
            runtime.shutdown_background();
        })?;
    Ok(Scheduled { stop, thread })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_read_as_utc_times_and_sort_in_the_order_taken() {
        assert_eq!(
            file_name(1_796_285_563_962, Kind::Export),
            "hearth-2026-12-03T081243.962Z.export"
        );
        assert_eq!(
            file_name(1_796_285_563_962, Kind::Database),
            "hearth-2026-12-03T081243.962Z.db"
        );
        let mut names = [
            file_name(1_796_285_564_000, Kind::Database),
            "hearth-1796285563962.export".to_owned(),
            file_name(1_796_285_563_963, Kind::Export),
            file_name(1_896_285_563_963, Kind::Database),
        ];
        names.sort();
        assert_eq!(names[0], "hearth-1796285563962.export", "older names first");
        assert_eq!(names[1], file_name(1_796_285_563_963, Kind::Export));
        assert_eq!(names[3], file_name(1_896_285_563_963, Kind::Database));
    }
}
