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
    hearth::transfer::verify(path)?;
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
    let sums = load(storage, path).await?;
    report("restored", path, &sums);
    Ok(())
}

/// Loads an export into an empty store. A SQLite target is written beside
/// the data directory's database and moved into place only when complete,
/// so a failure (a full disk, a bad file) leaves the target as it was.
async fn load(
    storage: &Storage,
    path: &std::path::Path,
) -> Result<std::collections::BTreeMap<String, hearth::transfer::TableSum>, String> {
    let refuse = "the target holds data: load only into an empty store (restore --force replaces a SQLite one)";
    let Storage::Sqlite(dir) = storage else {
        let store = hearth::storage::open(storage)
            .await
            .map_err(|e| e.to_string())?;
        if !store.is_empty().await.map_err(|e| e.to_string())? {
            return Err(refuse.into());
        }
        return hearth::transfer::import(store, path, hearth::transfer::Html::Sanitize).await.map_err(|e| {
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
        Ok(sums)
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
    report("exported", path, &sums);
    Ok(())
}

/// `hearth backup DIR`: writes a backup and proves it by restoring it.
async fn backup(storage: &Storage, dir: &std::path::Path) -> Result<(), String> {
    use std::io::Write;
    let store = hearth::storage::open(storage)
        .await
        .map_err(|e| e.to_string())?;
    let now = hearth_app::Clock::now_ms(&hearth_app::SystemClock);
    let written = hearth::backup::write(store, dir, now).await?;
    hearth::backup::prove(&written.path, now).await?;
    let _ = writeln!(
        std::io::stdout(),
        "ok: backed up {} rows to {}, proven by restoring it",
        written.rows,
        written.path.display()
    );
    Ok(())
}

/// Prints each table's row count and checksum.
fn report(
    what: &str,
    path: &std::path::Path,
    sums: &std::collections::BTreeMap<String, hearth::transfer::TableSum>,
) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for (table, sum) in sums {
        let _ = writeln!(out, "{table}\t{}\t{}", sum.rows, sum.sha256);
    }
    let rows: u64 = sums.values().map(|s| s.rows).sum();
    let (tables, place) = (sums.len(), path.display());
    let _ = writeln!(out, "ok: {what} {rows} rows in {tables} tables, {place}");
}

/// `hearth verify FILE`: checks an export or backup against its checksums;
/// given a directory of backups, checks the newest.
fn verify_file(path: &std::path::Path) -> Result<(), String> {
    let file = if path.is_dir() {
        hearth::backup::backups_in(path)?.pop().ok_or_else(|| {
            format!(
                "{} holds no backups (hearth-….export files): name a backup or export file",
                path.display()
            )
        })?
    } else {
        path.to_owned()
    };
    let sums = hearth::transfer::verify(&file)?;
    report("verified", &file, &sums);
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
        Command::Migrate(args) => {
            let storage = Storage::resolve(&args, &file);
            hearth::storage::open(&storage)
                .await
                .map(|_| tracing::info!(storage = %storage.describe(), "migrations applied"))
                .map_err(|e| e.to_string())
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
        Command::BenchStatic(args) => hearth::ceiling::run(&args).await,
        Command::Verify(args) => match &args.file {
            Some(path) => verify_file(path),
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
                .map(|sums| report("imported", &args.file, &sums))
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
