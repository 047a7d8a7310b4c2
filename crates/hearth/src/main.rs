//! `hearth`: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;
use hearth::cli::{AdminCommand, Cli, Command, LogFormat};
use hearth::config::{FileConfig, ServeConfig, Storage, unknown_env_vars};

/// Logs at `filter`, else at `default`: `serve` tells what it does, the
/// other commands work quietly and end with one line of their own.
fn init_logging(
    format: Option<LogFormat>,
    filter: Option<&str>,
    default: &str,
) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter.unwrap_or(default))
        .map_err(|e| format!("--log: {e}"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format.unwrap_or(LogFormat::Text) {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    Ok(())
}

/// `hearth restore`: checks the backup, then loads it into an empty store;
/// `--force` moves an existing SQLite database aside first.
async fn restore(storage: &Storage, path: &std::path::Path, force: bool) -> Result<(), String> {
    check(path).await?;
    if force {
        match storage {
            Storage::Sqlite(dir) => {
                let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
                for suffix in ["", "-wal", "-shm"] {
                    let old = dir.join(format!("hearth.db{suffix}"));
                    if old.exists() {
                        let aside = dir.join(format!("hearth.db{suffix}.before-restore-{now}"));
                        std::fs::rename(&old, &aside)
                            .map_err(|e| hearth::transfer::cannot("move aside", &old, &e))?;
                    }
                }
            }
            Storage::Postgres(..) => {
                return Err("--force works on SQLite only; restore into a new, empty PostgreSQL database and point Hearth to it".into());
            }
        }
    }
    let loaded = load(storage, path).await?;
    loaded.report("restored", path);
    Ok(())
}

/// What a backup or export holds, or what loading it put into a store:
/// each table's sums (an export), or its rows of each kind (a database).
enum Contents {
    Sums(std::collections::BTreeMap<String, hearth::transfer::TableSum>),
    Database(hearth_store::SiteStats),
}

impl Contents {
    /// Prints each table's rows (and an export's checksums), then one line.
    fn report(&self, what: &str, path: &std::path::Path) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let place = path.display();
        match self {
            Contents::Sums(sums) => {
                for (table, sum) in sums {
                    let _ = writeln!(out, "{table}\t{}\t{}", sum.rows, sum.sha256);
                }
                let rows: u64 = sums.values().map(|s| s.rows).sum();
                let tables = sums.len();
                let _ = writeln!(out, "ok: {what} {rows} rows in {tables} tables, {place}");
            }
            Contents::Database(stats) => {
                for (kind, rows) in hearth::backup::counts(stats) {
                    let _ = writeln!(out, "{kind}\t{rows}");
                }
                let version = stats.schema_version;
                let _ = writeln!(
                    out,
                    "ok: {what} {place}, a database at schema version {version}, whole and consistent"
                );
            }
        }
    }
}

/// Checks a backup or export: a database by opening and checking it, an
/// export against its checksums.
async fn check(path: &std::path::Path) -> Result<Contents, String> {
    match hearth::backup::Kind::of(path)? {
        hearth::backup::Kind::Database => {
            let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
            hearth::backup::check_database(path, now)
                .await
                .map(Contents::Database)
        }
        hearth::backup::Kind::Export => hearth::transfer::verify(path).map(Contents::Sums),
    }
}

/// Loads a backup or export into an empty store. A SQLite target is
/// written beside the data directory's database and moved into place only
/// when complete, so a failure (a full disk, a bad file) leaves the target
/// as it was.
async fn load(storage: &Storage, path: &std::path::Path) -> Result<Contents, String> {
    let refuse = "the target holds data: load only into an empty store (restore --force replaces a SQLite one)";
    let kind = hearth::backup::Kind::of(path)?;
    let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
    let Storage::Sqlite(dir) = storage else {
        let store = hearth::storage::open(storage)
            .await
            .map_err(|e| e.to_string())?;
        if !store.is_empty().await.map_err(|e| e.to_string())? {
            return Err(refuse.into());
        }
        let loaded = match kind {
            hearth::backup::Kind::Database => hearth::backup::load_database(path, store, now).await,
            hearth::backup::Kind::Export => {
                hearth::transfer::import(store, path, hearth::transfer::Html::Sanitize).await
            }
        };
        return loaded.map(Contents::Sums).map_err(|e| {
            format!("{e}; the database may hold part of the import: drop and recreate it before trying again")
        });
    };
    let target = dir.join("hearth.db");
    if target.exists() {
        let store = hearth::storage::open(storage)
            .await
            .map_err(|e| e.to_string())?;
        if !store.is_empty().await.map_err(|e| e.to_string())? {
            return Err(refuse.into());
        }
    }
    if kind == hearth::backup::Kind::Database {
        return hearth::backup::restore_database(path, &target)
            .await
            .map(Contents::Database);
    }
    let staging = dir.join(format!(".loading-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let loaded = async {
        let store = hearth::storage::open(&Storage::Sqlite(staging.clone()))
            .await
            .map_err(|e| e.to_string())?;
        // The store closes (and checkpoints) when import drops it.
        hearth::transfer::import(store, path, hearth::transfer::Html::Sanitize).await
    }
    .await;
    let moved = loaded.and_then(|sums| {
        for suffix in ["-wal", "-shm", ""] {
            let _ = std::fs::remove_file(dir.join(format!("hearth.db{suffix}")));
        }
        std::fs::rename(staging.join("hearth.db"), &target)
            .map_err(|e| format!("cannot move the loaded database into place: {e}"))?;
        Ok(Contents::Sums(sums))
    });
    let _ = std::fs::remove_dir_all(&staging);
    moved
}

/// `hearth export [--space SLUG] FILE`.
async fn export(
    storage: &Storage,
    space: Option<&str>,
    path: &std::path::Path,
) -> Result<(), String> {
    let store = hearth::storage::open(storage)
        .await
        .map_err(|e| e.to_string())?;
    let schema = store
        .stats(true)
        .await
        .map_err(|e| e.to_string())?
        .schema_version;
    let space = match space {
        Some(slug) => {
            let found = store
                .space_by_slug(slug, None)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("there is no space {slug}"))?;
            Some((found.space.id, slug))
        }
        None => None,
    };
    let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
    let sums = hearth::transfer::export(store, schema, now, space, path).await?;
    Contents::Sums(sums).report("exported", path);
    Ok(())
}

/// `hearth backup DIR`: writes a backup and proves it.
async fn backup(storage: &Storage, dir: &std::path::Path) -> Result<(), String> {
    use std::io::Write;
    let store = hearth::storage::open(storage)
        .await
        .map_err(|e| e.to_string())?;
    let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
    let written = hearth::backup::write(store, dir, now).await?;
    hearth::backup::prove(&written.path, now).await?;
    let how = match hearth::backup::Kind::of(&written.path)? {
        hearth::backup::Kind::Database => "opening and checking it",
        hearth::backup::Kind::Export => "restoring it",
    };
    let _ = writeln!(
        std::io::stdout(),
        "ok: backed up {} to {}, proven by {how}",
        written.holds,
        written.path.display()
    );
    Ok(())
}

/// `hearth verify FILE`: checks a backup or export; given a directory of
/// backups, its newest, or with `--all` each of them.
async fn verify_files(path: &std::path::Path, all: bool) -> Result<(), String> {
    let files = if path.is_dir() {
        let backups = hearth::backup::backups_in(path)?;
        let Some(newest) = backups.last().cloned() else {
            return Err(format!(
                "{} holds no backups (hearth-….db or .export files): name a backup or export file",
                path.display()
            ));
        };
        if all { backups } else { vec![newest] }
    } else if all {
        return Err("--all checks every backup in a directory: name the directory".into());
    } else {
        vec![path.to_owned()]
    };
    if let [file] = files.as_slice() {
        check(file).await?.report("verified", file);
        return Ok(());
    }
    let mut failed = 0;
    for file in &files {
        match check(file).await {
            Ok(contents) => contents.report("verified", file),
            Err(e) => {
                failed += 1;
                eprintln!("hearth: {e}");
            }
        }
    }
    let n = files.len();
    if failed > 0 {
        return Err(format!(
            "{failed} of {n} backups in {} failed verification",
            path.display()
        ));
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stdout(),
        "ok: all {n} backups in {} verified",
        path.display()
    );
    Ok(())
}

/// `hearth verify --live`: prints what is wrong, or that nothing is.
async fn verify(storage: &Storage) -> Result<(), String> {
    use std::io::Write;
    let store = hearth::storage::open(storage)
        .await
        .map_err(|e| e.to_string())?;
    let problems = store.verify().await.map_err(|e| e.to_string())?;
    // Kept in the database, for the status page of every node.
    let (at, ok) = (
        hearth_app::Clock::now_ms(&hearth_app::SystemClock),
        problems.is_empty(),
    );
    let record = hearth_store::OpsRecord {
        kind: hearth_store::OpsKind::IntegrityCheck,
        at,
        ok,
        detail: match problems.len() {
            0 => "consistent".to_owned(),
            n => format!("{n} problems: {}", problems.join("; ")),
        },
        last_ok_at: ok.then_some(at),
    };
    if let Err(e) = store.record_ops(record).await {
        tracing::warn!(error = %e, "could not record the check in the database");
    }
    let mut out = std::io::stdout().lock();
    for p in &problems {
        let _ = writeln!(out, "{p}");
    }
    if problems.is_empty() {
        let _ = writeln!(out, "ok: {} is whole and consistent", storage.describe());
        Ok(())
    } else {
        Err(format!("{} problems found", problems.len()))
    }
}

/// `hearth upgrade --rehearse`: prints the report; fails if the upgrade would.
async fn rehearse(storage: &Storage) -> Result<(), String> {
    use std::io::Write;
    let report = hearth::upgrade::rehearse(storage).await?;
    let _ = writeln!(std::io::stdout(), "{report}");
    if report.problems.is_empty() {
        Ok(())
    } else {
        Err("the upgrade would leave the data inconsistent".into())
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let file = match FileConfig::load(cli.config.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("hearth: {e}");
            return ExitCode::from(2);
        }
    };
    let default_log = match cli.command {
        Command::Serve(_) => "info",
        _ => "warn",
    };
    if let Err(e) = init_logging(
        cli.log_format.or(file.log_format()),
        cli.log.as_deref().or(file.log_filter()),
        default_log,
    ) {
        eprintln!("hearth: {e}");
        return ExitCode::from(2);
    }
    for name in unknown_env_vars() {
        tracing::warn!(variable = %name, "unknown HEARTH_* environment variable ignored");
    }
    let result = match cli.command {
        Command::Serve(args) => match ServeConfig::resolve(&args, &file) {
            Ok(config) => hearth::serve::run(config).await,
            Err(e) => Err(e),
        },
        Command::MailIn(args) => {
            let storage = Storage::resolve(&args.storage, &file);
            return hearth::mail::mail_in(&storage, args.recipient.as_deref()).await;
        }
        Command::Migrate(args) => {
            let storage = Storage::resolve(&args, &file);
            hearth::storage::open(&storage)
                .await
                .map(|_| tracing::info!(storage = %storage.describe(), "migrations applied"))
                .map_err(|e| e.to_string())
        }
        Command::Upgrade(args) => {
            let storage = Storage::resolve(&args.storage, &file);
            if args.rehearse {
                rehearse(&storage).await
            } else {
                hearth::upgrade::run(&storage, args.backup_dir.as_deref())
                    .await
                    .map(|done| eprintln!("{done}"))
            }
        }
        Command::Rollback(args) => {
            let storage = Storage::resolve(&args, &file);
            hearth::upgrade::rollback(&storage)
                .await
                .map(|done| eprintln!("{done}"))
        }
        Command::Seed(args) => {
            let storage = Storage::resolve(&args.storage, &file);
            match hearth::storage::open_for_loading(&storage).await {
                Ok(store) => hearth::seed::run(store, &args)
                    .await
                    .map(|summary| eprintln!("{summary}")),
                Err(e) => Err(e.to_string()),
            }
        }
        Command::BenchWrites(args) => hearth::bench::run(&args).await.map(|report| {
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{report}");
        }),
        Command::BenchMail(args) => hearth::bench_mail::run(&args).await.map(|report| {
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{report}");
        }),
        Command::BenchStatic(args) => hearth::ceiling::run(&args).await,
        Command::Verify(args) => match &args.file {
            Some(path) => verify_files(path, args.all).await,
            None => verify(&Storage::resolve(&args.storage, &file)).await,
        },
        Command::Export(args) => {
            let storage = Storage::resolve(&args.storage, &file);
            export(&storage, args.space.as_deref(), &args.file).await
        }
        Command::Backup(args) => backup(&Storage::resolve(&args.storage, &file), &args.dir).await,
        Command::Restore(args) => {
            restore(
                &Storage::resolve(&args.storage, &file),
                &args.file,
                args.force,
            )
            .await
        }
        Command::Import(args) => {
            let storage = Storage::resolve(&args.storage, &file);
            load(&storage, &args.file)
                .await
                .map(|contents| contents.report("imported", &args.file))
        }
        Command::Admin(AdminCommand::CreateUser {
            storage,
            username,
            email,
            display_name,
            admin,
        }) => hearth::admin::create_user(&storage, &file, &username, &email, &display_name, admin)
            .await
            .map(|msg| eprintln!("{msg}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hearth: {e}");
            ExitCode::FAILURE
        }
    }
}
