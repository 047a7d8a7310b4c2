//! `hearth upgrade`: rehearse this release's migrations on a copy of the
//! live data, touching nothing live; or take a verified backup, then
//! migrate.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use hearth_store::Store;
use hearth_store_sql::{LATEST_VERSION, MIGRATIONS, Migration, MigrationKind};
use secrecy::ExposeSecret;

use crate::config::Storage;

/// What a rehearsal found.
#[derive(Debug)]
pub struct Rehearsal {
    /// The live schema version.
    pub from: i64,
    /// This release's.
    pub to: i64,
    /// The migrations that would run.
    pub pending: Vec<&'static Migration>,
    /// Seconds taken to copy the live data.
    pub copy_secs: f64,
    /// Seconds the migrations took on the copy.
    pub migrate_secs: f64,
    /// What the migrated copy holds.
    pub stats: hearth_store::SiteStats,
    /// What its verification found wrong (nothing, if all is well).
    pub problems: Vec<String>,
    /// The data migrations the upgrade asks for, as they ran on the copy.
    pub online: Vec<Online>,
}

/// A data migration that runs online after the upgrade, and how it went in
/// the rehearsal's few seconds of it on the copy.
#[derive(Debug)]
pub struct Online {
    /// Which.
    pub name: String,
    /// Rows it did on the copy.
    pub done: i64,
    /// Rows it has to do, once counted.
    pub total: Option<i64>,
    /// Seconds it ran on the copy.
    pub secs: f64,
    /// Whether it finished on the copy.
    pub finished: bool,
}

/// How long the rehearsal runs each data migration on the copy, to tell
/// how long it will run online.
const ONLINE_SAMPLE: std::time::Duration = std::time::Duration::from_secs(3);

impl std::fmt::Display for Online {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = hearth_app::data_migrations::describe(&self.name);
        let total = self.total.unwrap_or(self.done);
        if self.finished {
            return write!(
                f,
                "then online, while the site serves: {what}, {total} rows ({:.1} s on the copy)",
                self.secs
            );
        }
        let pace = self.done as f64 / self.secs.max(0.001);
        let left = (total - self.done).max(0) as f64 / pace.max(1.0);
        write!(
            f,
            "then online, while the site serves: {what}, {total} rows; {} done in {:.1} s on the copy, so about {:.0} s more at that pace",
            self.done, self.secs, left
        )
    }
}

impl std::fmt::Display for Rehearsal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "live schema: version {}; this release: version {}",
            self.from, self.to
        )?;
        if self.pending.is_empty() {
            writeln!(f, "no migration is pending")?;
        }
        for m in &self.pending {
            writeln!(f, "would apply: {} ({})", m.name(), m.kind.as_str())?;
        }
        match self
            .pending
            .iter()
            .find(|m| m.kind == MigrationKind::Contract)
        {
            Some(m) => writeln!(
                f,
                "{} is a contract: stop every node of a release before version {} first, then upgrade",
                m.name(),
                m.version
            )?,
            None if !self.pending.is_empty() => writeln!(
                f,
                "the release before runs on the new schema: nodes can be upgraded one at a time"
            )?,
            None => {}
        }
        writeln!(f, "copied the live data in {:.1} s", self.copy_secs)?;
        writeln!(f, "migrations on the copy took {:.1} s", self.migrate_secs)?;
        let s = &self.stats;
        writeln!(
            f,
            "the migrated copy holds {} users, {} spaces, {} topics, {} replies",
            s.users, s.spaces, s.topics, s.replies
        )?;
        for online in &self.online {
            writeln!(f, "{online}")?;
        }
        for p in &self.problems {
            writeln!(f, "problem: {p}")?;
        }
        if self.problems.is_empty() {
            write!(f, "ok: the upgrade would succeed; nothing live was touched")
        } else {
            write!(
                f,
                "the migrated copy is inconsistent ({} problems); nothing live was touched",
                self.problems.len()
            )
        }
    }
}

/// Upgrades the live database to this release. On SQLite a page-level copy
/// goes into the data directory's `backups/` first and is proven (a copy
/// of it brought to this release's schema and verified) before the live
/// database is migrated; on PostgreSQL a dump goes into `backup_dir`,
/// proven the same way.
pub async fn run(storage: &Storage, backup_dir: Option<&Path>) -> Result<String, String> {
    let backup_dir = match storage {
        Storage::Sqlite(dir) => dir.join("backups"),
        Storage::Postgres(..) => backup_dir
            .ok_or(
                "on PostgreSQL, say where the backup taken before the upgrade goes: --backup-dir DIR",
            )?
            .to_owned(),
    };
    let from = live_version(storage)?;
    known(from)?;
    if from == LATEST_VERSION {
        return Ok(format!(
            "ok: the database is at version {from} already; nothing to do"
        ));
    }
    let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
    let backup = match storage {
        Storage::Postgres(url, ..) => {
            backup_postgres(url.expose_secret(), from, &backup_dir, now).await?
        }
        Storage::Sqlite(dir) => {
            let backup =
                crate::backup::copy_database_file(&dir.join("hearth.db"), &backup_dir, now).await?;
            crate::backup::check_database(&backup, now)
                .await
                .map_err(|e| {
                    format!("the backup before the upgrade failed its check, so nothing was migrated: {e}")
                })?;
            backup
        }
    };
    crate::storage::open(storage)
        .await
        .map_err(|e| format!("{e}; the backup taken before is {}", backup.display()))?;
    Ok(format!(
        "ok: upgraded from version {from} to {LATEST_VERSION}; the backup taken before, proven, is {}",
        backup.display()
    ))
}

/// The live database's schema version.
fn live_version(storage: &Storage) -> Result<i64, String> {
    match storage {
        Storage::Sqlite(dir) => sqlite_version(&dir.join("hearth.db")),
        Storage::Postgres(url, ..) => postgres_version(&PgTools::find()?, url.expose_secret()),
    }
}

/// The schema version of the SQLite database `live`, which must exist.
fn sqlite_version(live: &Path) -> Result<i64, String> {
    if !live.exists() {
        return Err(format!("there is no database at {}", live.display()));
    }
    hearth_store_sqlite::schema_version(live).map_err(|e| e.to_string())
}

/// Returns to this release after an upgrade to a later one, as far as the
/// database goes: it checks, without changing anything, that this release
/// runs on the later schema (every later migration recorded as an
/// expansion or a migration), so that stopping the later release and
/// starting this one needs no restore. Run with this release's binary.
pub async fn rollback(storage: &Storage) -> Result<String, String> {
    let found = live_version(storage)?;
    if found < LATEST_VERSION {
        return Err(format!(
            "the database is at schema version {found}, before this release's {LATEST_VERSION}: returning to this release is an upgrade (hearth upgrade)"
        ));
    }
    if found == LATEST_VERSION {
        return Ok(format!(
            "ok: the database is at this release's schema (version {found}); nothing to roll back"
        ));
    }
    crate::storage::open(storage).await.map_err(|e| match e {
        hearth_store::StoreError::SchemaTooNew { .. } => format!(
            "cannot return to this release without a restore: {e}. A later migration is not an expansion; restore the backup taken before the upgrade (hearth restore FILE --force)"
        ),
        e => e.to_string(),
    })?;
    Ok(format!(
        "ok: this release (schema version {LATEST_VERSION}) runs on the database's schema version {found}, whose later migrations are all expansions; stop the later release and start this one"
    ))
}

/// The schema version of the PostgreSQL database at `url`.
fn postgres_version(tools: &PgTools, url: &str) -> Result<i64, String> {
    tools
        .query(
            url,
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
        )?
        .parse()
        .map_err(|_| "cannot read the live schema version".to_owned())
}

/// The migrations that would run on a store at version `from`.
fn pending(from: i64) -> Vec<&'static Migration> {
    MIGRATIONS.iter().filter(|m| m.version > from).collect()
}

/// Copies the live data to scratch, runs the pending migrations there,
/// verifies the result and reports; the live data is only read.
pub async fn rehearse(storage: &Storage) -> Result<Rehearsal, String> {
    match storage {
        Storage::Sqlite(dir) => rehearse_sqlite(&dir.join("hearth.db")).await,
        Storage::Postgres(url, ..) => rehearse_postgres(url.expose_secret()).await,
    }
}

/// Refuses a live schema newer than this release, before anything is copied.
fn known(from: i64) -> Result<(), String> {
    if from > LATEST_VERSION {
        return Err(hearth_store::StoreError::SchemaTooNew {
            found: from,
            known: LATEST_VERSION,
        }
        .to_string());
    }
    Ok(())
}

/// Opens the migrated copy, verifies it, and reports.
async fn finish(
    from: i64,
    copy_secs: f64,
    open: impl std::future::Future<Output = hearth_store::Result<Arc<dyn Store>>>,
) -> Result<Rehearsal, String> {
    let started = Instant::now();
    let store = open.await.map_err(|e| {
        format!("the migrations failed on the copy (nothing live was touched): {e}")
    })?;
    let migrate_secs = started.elapsed().as_secs_f64();
    let problems = store.verify().await.map_err(|e| e.to_string())?;
    let stats = store.stats(true).await.map_err(|e| e.to_string())?;
    let online = rehearse_online(store.as_ref()).await.map_err(|e| {
        format!("a data migration failed on the copy (nothing live was touched): {e}")
    })?;
    Ok(Rehearsal {
        from,
        to: LATEST_VERSION,
        pending: pending(from),
        copy_secs,
        migrate_secs,
        stats,
        problems,
        online,
    })
}

/// Runs each data migration the upgrade asks for on the copy, for at most
/// [`ONLINE_SAMPLE`] each.
async fn rehearse_online(store: &dyn Store) -> hearth_store::Result<Vec<Online>> {
    use hearth_store::Batch;
    let mut online = Vec::new();
    for m in store.data_migrations().await? {
        if m.finished_at.is_some() {
            continue;
        }
        let started = Instant::now();
        let (mut done, mut total, mut finished) = (0, None, false);
        while started.elapsed() < ONLINE_SAMPLE {
            // No node serves the copy: no claim to respect or keep.
            match store
                .data_migration_batch(&m.name, "rehearsal", 0, 0)
                .await?
            {
                Batch::Ran { done: d, total: t } => (done, total) = (d, Some(t)),
                Batch::Finished => {
                    finished = true;
                    break;
                }
                Batch::HeldElsewhere => break,
            }
        }
        online.push(Online {
            name: m.name,
            done,
            total,
            secs: started.elapsed().as_secs_f64(),
            finished,
        });
    }
    Ok(online)
}

async fn rehearse_sqlite(live: &Path) -> Result<Rehearsal, String> {
    let from = sqlite_version(live)?;
    known(from)?;
    let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
    let scratch = crate::backup::Scratch::new("rehearsal", now)?;
    let copy = scratch.path().join("hearth.db");
    let started = Instant::now();
    let (source, target) = (live.to_owned(), copy.clone());
    tokio::task::spawn_blocking(move || hearth_store_sqlite::copy_file(&source, &target))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot copy {}: {e}", live.display()))?;
    let copy_secs = started.elapsed().as_secs_f64();
    finish(from, copy_secs, async move {
        let store: Arc<dyn Store> = Arc::new(hearth_store_sqlite::open(&copy).await?);
        Ok(store)
    })
    .await
}

async fn rehearse_postgres(url: &str) -> Result<Rehearsal, String> {
    let tools = PgTools::find()?;
    let from = postgres_version(&tools, url)?;
    known(from)?;
    rehearse_postgres_on(&tools, url, from, "rehearsal", |scratch| {
        tools.copy(url, scratch)
    })
    .await
}

/// A rehearsal on a scratch database beside `url`'s (`hearth_PURPOSE_PID`),
/// filled by `fill` (given the scratch database's URL), dropped afterwards.
async fn rehearse_postgres_on(
    tools: &PgTools,
    url: &str,
    from: i64,
    purpose: &str,
    fill: impl FnOnce(&str) -> Result<(), String>,
) -> Result<Rehearsal, String> {
    let scratch_name = format!("hearth_{purpose}_{}", std::process::id());
    let scratch_url = with_database(url, &scratch_name)?;
    tools.query(url, &format!("CREATE DATABASE {scratch_name}"))?;
    let outcome = async {
        let started = Instant::now();
        fill(&scratch_url)?;
        let copy_secs = started.elapsed().as_secs_f64();
        let scratch = Storage::Postgres(scratch_url.clone().into(), 2, None);
        finish(from, copy_secs, crate::storage::open(&scratch)).await
    }
    .await;
    // FORCE: the pool of the store opened on it may still be closing.
    let drop = format!("DROP DATABASE IF EXISTS {scratch_name} WITH (FORCE)");
    if let Err(e) = tools.query(url, &drop) {
        tracing::warn!(error = %e, database = %scratch_name, "cannot drop the rehearsal's database");
    }
    outcome
}

/// Dumps the PostgreSQL database at `url` (at schema `from`) into `dir`,
/// and proves the dump by restoring it into a scratch database and
/// upgrading and verifying that copy: a rehearsal on the backup itself.
async fn backup_postgres(url: &str, from: i64, dir: &Path, now: i64) -> Result<PathBuf, String> {
    let tools = PgTools::find()?;
    std::fs::create_dir_all(dir).map_err(|e| crate::transfer::cannot("create", dir, &e))?;
    let backup = dir.join(crate::backup::named(now, "pgdump"));
    let partial = backup.with_extension("pgdump.partial");
    if let Err(e) = tools.dump(url, &partial) {
        let _ = std::fs::remove_file(&partial);
        return Err(format!(
            "the backup before the upgrade failed, so nothing was migrated: {e}"
        ));
    }
    std::fs::rename(&partial, &backup)
        .map_err(|e| crate::transfer::cannot("write", &backup, &e))?;
    let rehearsal = rehearse_postgres_on(&tools, url, from, "backup_check", |scratch| {
        tools.restore(&backup, scratch)
    })
    .await
    .map_err(|e| {
        format!(
            "{e}; nothing was migrated; the backup is {}",
            backup.display()
        )
    })?;
    if !rehearsal.problems.is_empty() {
        return Err(format!(
            "the backup, restored and upgraded, is inconsistent ({}), so nothing was migrated; the backup is {}",
            rehearsal.problems.join("; "),
            backup.display()
        ));
    }
    Ok(backup)
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String, String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let slash = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .ok_or("the database URL names no database")?;
    let mut out = format!("{}/{name}", &base[..slash]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

/// PostgreSQL's client programs: on the PATH, or where Debian keeps them.
struct PgTools {
    bin: Option<PathBuf>,
}

impl PgTools {
    fn find() -> Result<Self, String> {
        let on_path = Command::new("pg_dump")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if on_path {
            return Ok(Self { bin: None });
        }
        let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                    .collect()
            })
            .unwrap_or_default();
        dirs.retain(|d| d.join("pg_dump").exists());
        dirs.sort();
        match dirs.pop() {
            Some(bin) => Ok(Self { bin: Some(bin) }),
            None => Err(
                "an upgrade or a rehearsal on PostgreSQL copies with pg_dump: install postgresql-client".into(),
            ),
        }
    }

    fn command(&self, program: &str) -> Command {
        match &self.bin {
            Some(bin) => Command::new(bin.join(program)),
            None => Command::new(program),
        }
    }

    /// Runs one statement with psql; returns its output, trimmed.
    fn query(&self, url: &str, sql: &str) -> Result<String, String> {
        let out = self
            .command("psql")
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                url,
                "-c",
                sql,
            ])
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "psql: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Dumps database `url` into `file` (pg_dump's custom format): one
    /// snapshot of it, taken while it serves.
    fn dump(&self, url: &str, file: &Path) -> Result<(), String> {
        let mut dump = self.command("pg_dump");
        dump.args([
            "--no-owner",
            "--no-privileges",
            "--format=custom",
            "-d",
            url,
            "-f",
        ])
        .arg(file);
        succeeded("pg_dump", dump.output())
    }

    /// Restores the dump `file` into the empty database `url`.
    fn restore(&self, file: &Path, url: &str) -> Result<(), String> {
        let mut restore = self.command("pg_restore");
        restore
            .args([
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                url,
            ])
            .arg(file);
        succeeded("pg_restore", restore.output())
    }

    /// Copies database `from` into the empty database `to`: one snapshot
    /// of it, taken while it serves.
    fn copy(&self, from: &str, to: &str) -> Result<(), String> {
        let mut dump = self
            .command("pg_dump")
            .args([
                "--no-owner",
                "--no-privileges",
                "--format=custom",
                "-d",
                from,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run pg_dump: {e}"))?;
        let dumped = dump.stdout.take().ok_or("pg_dump gave no output")?;
        let restored = self
            .command("pg_restore")
            .args(["--no-owner", "--no-privileges", "--exit-on-error", "-d", to])
            .stdin(dumped)
            .output()
            .map_err(|e| format!("cannot run pg_restore: {e}"))?;
        succeeded("pg_dump", dump.wait_with_output())?;
        succeeded("pg_restore", Ok(restored))
    }
}

/// What running `program` came to: its standard error is the error when
/// it failed.
fn succeeded(program: &str, out: std::io::Result<std::process::Output>) -> Result<(), String> {
    let out = out.map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_points_at_another_database() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/hearth?sslmode=disable", "x").unwrap(),
            "postgres://u:p@127.0.0.1:5432/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u@h/hearth", "x").unwrap(),
            "postgres://u@h/x"
        );
        assert!(with_database("postgres://u@h", "x").is_err());
    }
}
