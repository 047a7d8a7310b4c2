//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{ServeArgs, StorageArgs};

/// Hearth: a self-hosted community and collaboration platform.
#[derive(Debug, Parser)]
#[command(name = "hearth", version, about)]
pub struct Cli {
    /// Optional TOML file with the same settings as the flags
    #[arg(long, env = "HEARTH_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log format [default: text]
    #[arg(long, env = "HEARTH_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// What to log, as a tracing filter: a level (info, debug) or per module
    /// (hearth=debug,tower_http=warn) [default: info]
    #[arg(long, env = "HEARTH_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people
    Text,
    /// One JSON object per line, for log collectors
    Json,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web interface and the API
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit
    Migrate(StorageArgs),
    /// Upgrade the database to this release: a verified backup first (on
    /// PostgreSQL a pg_dump into --backup-dir), then the migrations; with
    /// --rehearse, try the migrations on a copy of the live data and
    /// report, touching nothing live
    Upgrade(UpgradeArgs),
    /// Check that this release runs on the database a later release
    /// upgraded (every later migration an expansion), so that going back to
    /// it needs no restore; changes nothing
    Rollback(StorageArgs),
    /// Post one mail read on standard input as a reply (for a mail server's
    /// pipe transport); exits 0 when posted, 65 or 77 to bounce it to its
    /// sender with the reason, 75 to have the mail server try again later
    MailIn(MailInArgs),
    /// Administer accounts
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Fill an empty store with a deterministic dataset for benchmarks
    Seed(crate::seed::SeedArgs),
    /// Measure durable writes per second on SQLite, with and without group commit
    BenchWrites(crate::bench::BenchWritesArgs),
    /// Measure what mailing costs durable replies, and mails/s delivered over SMTP
    BenchMail(crate::bench_mail::BenchMailArgs),
    /// Serve one file from memory: the benchmark's ceiling for a page of its size
    #[command(hide = true)]
    BenchStatic(crate::ceiling::BenchStaticArgs),
    /// Check that the database or an export file is whole and consistent; exits non-zero if not
    Verify(VerifyArgs),
    /// Write everything to an engine-neutral, checksummed file, while serving
    Export(ExportArgs),
    /// Load an export file into an empty store (SQLite or PostgreSQL)
    Import(TransferArgs),
    /// Write a backup into a directory (SQLite: a page-level copy) and prove it restorable
    Backup(BackupArgs),
    /// Restore a backup into an empty store (or, with --force, replace a SQLite database)
    Restore(RestoreArgs),
}

/// Administration commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account; the password is read from standard input
    CreateUser {
        #[command(flatten)]
        storage: StorageArgs,
        /// Login name
        #[arg(long)]
        username: String,
        /// E-mail address
        #[arg(long)]
        email: String,
        /// Shown name [default: the username]
        #[arg(long, default_value = "")]
        display_name: String,
        /// Make the account a site administrator
        #[arg(long)]
        admin: bool,
    },
}

/// What `hearth verify` checks: an export file, or the live database.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// A backup or export file to check, or a directory of backups (its newest)
    #[arg(required_unless_present = "live", conflicts_with = "live")]
    pub file: Option<PathBuf>,
    /// Check every backup in the directory, not only the newest
    #[arg(long, requires = "file")]
    pub all: bool,
    /// Check the live database (while it serves)
    #[arg(long)]
    pub live: bool,
}

/// What `hearth upgrade` does.
#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Copy the live data to scratch, run the pending migrations there,
    /// verify the result and report; change nothing live
    #[arg(long)]
    pub rehearse: bool,
    /// Where the backup taken before the upgrade goes (PostgreSQL, where it
    /// is a pg_dump file; SQLite's goes into the data directory's backups/)
    #[arg(long, env = "HEARTH_BACKUP_DIR", value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
}

/// What `hearth mail-in` takes.
#[derive(Debug, clap::Args)]
pub struct MailInArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The envelope recipient, as the mail server knows it (Postfix:
    /// ${original_recipient}); without it, To and Cc are searched
    #[arg(long, value_name = "ADDRESS")]
    pub recipient: Option<String>,
}

/// The file of `hearth export` and `hearth import`.
#[derive(Debug, clap::Args)]
pub struct TransferArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The export file
    pub file: PathBuf,
}

/// What `hearth export` writes.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Export only this space (by its address) with its history, the people
    /// in it and their personal spaces; the audit log stays behind
    #[arg(long, value_name = "SLUG")]
    pub space: Option<String>,
    /// The export file
    pub file: PathBuf,
}

/// Where `hearth backup` writes.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The directory for backup files
    pub dir: PathBuf,
}

/// What `hearth restore` restores.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The backup file
    pub file: PathBuf,
    /// Replace an existing SQLite database (it is kept beside, renamed)
    #[arg(long)]
    pub force: bool,
}
