//! Configuration: defaults, then the TOML file, then `HEARTH_*` environment
//! variables, then flags. Clap reads the last two; the file fills what they leave.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

mod env;

pub use env::unknown_env_vars;

/// Where the data lives.
#[derive(Debug, Clone, Args, Default)]
pub struct StorageArgs {
    /// Data directory of the embedded SQLite store [default: ./hearth-data]
    #[arg(long, env = "HEARTH_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…, multi-host with target_session_attrs=read-write); replaces SQLite
    #[arg(
        long,
        env = "HEARTH_DATABASE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Connections in the PostgreSQL pool [default: 16]
    #[arg(long, env = "HEARTH_DATABASE_POOL_SIZE", value_name = "N")]
    pub database_pool_size: Option<usize>,
    /// A PostgreSQL read replica: pages keep rendering from it (writing
    /// paused) while the primary is unreachable
    #[arg(
        long,
        env = "HEARTH_DATABASE_REPLICA",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_replica: Option<String>,
}

/// Settings of `hearth serve`.
#[derive(Debug, Clone, Args, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "HEARTH_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Largest accepted request body in bytes [default: 1048576]
    #[arg(long, env = "HEARTH_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Largest attachment in bytes [default: 26214400]
    #[arg(long, env = "HEARTH_MAX_ATTACHMENT_BYTES", value_name = "BYTES")]
    pub max_attachment_bytes: Option<usize>,
    /// Mark cookies Secure; set when users reach Hearth over HTTPS [default: false]
    #[arg(long, env = "HEARTH_SECURE_COOKIES", value_name = "BOOL")]
    pub secure_cookies: Option<bool>,
    /// Trust X-Forwarded-For/-Proto from a reverse proxy in front [default: false]
    #[arg(long, env = "HEARTH_TRUST_PROXY", value_name = "BOOL")]
    pub trust_proxy: Option<bool>,
    /// Hours of inactivity after which a session ends [default: 336]
    #[arg(long, env = "HEARTH_SESSION_IDLE_HOURS", value_name = "HOURS")]
    pub session_idle_hours: Option<i64>,
    /// Days after sign-in after which a session ends regardless [default: 90]
    #[arg(long, env = "HEARTH_SESSION_MAX_DAYS", value_name = "DAYS")]
    pub session_max_days: Option<i64>,
    /// Seconds to finish in-flight requests after SIGTERM/SIGINT [default: 30]
    #[arg(long, env = "HEARTH_SHUTDOWN_TIMEOUT", value_name = "SECS")]
    pub shutdown_timeout: Option<u64>,
    /// Seconds a stopping node goes on serving while `/readyz` answers 503,
    /// so that a load balancer takes it out of rotation before it stops
    /// accepting [default: 0; behind a balancer, more than its check interval]
    #[arg(long, env = "HEARTH_DRAIN_DELAY", value_name = "SECS")]
    pub drain_delay: Option<u64>,
    /// Write a backup this often and prove it restorable (e.g. 12h),
    /// or `off` [default: 1d; with PostgreSQL, once --backup-dir is given]
    #[arg(long, env = "HEARTH_BACKUP_EVERY", value_name = "INTERVAL")]
    pub backup_every: Option<String>,
    /// How many backups to keep [default: 48]
    #[arg(long, env = "HEARTH_BACKUP_KEEP", value_name = "N")]
    pub backup_keep: Option<usize>,
    /// Where backups go [default: DATA/backups; required with PostgreSQL]
    #[arg(long, env = "HEARTH_BACKUP_DIR", value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Requests served at once; more wait up to two seconds, then get 503
    /// with Retry-After [default: 1024]
    #[arg(long, env = "HEARTH_MAX_REQUESTS", value_name = "N")]
    pub max_requests: Option<usize>,
    /// Seconds a request may take before it is answered 503 [default: 30]
    #[arg(long, env = "HEARTH_REQUEST_TIMEOUT", value_name = "SECS")]
    pub request_timeout: Option<u64>,
    /// Serve /metrics on this address too, to whoever reaches it (a
    /// monitoring network) [default: off]
    #[arg(long, env = "HEARTH_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// A file holding the bearer token that /metrics on the main address
    /// asks for [default: none; /metrics answers loopback clients only]
    #[arg(long, env = "HEARTH_METRICS_TOKEN_FILE", value_name = "FILE")]
    pub metrics_token_file: Option<PathBuf>,
    /// Write the serving process's id here; after a hand-over (SIGUSR2) it
    /// names the new process [default: none]
    #[arg(long, env = "HEARTH_PID_FILE", value_name = "FILE")]
    pub pid_file: Option<PathBuf>,
    #[command(flatten)]
    pub mail: MailArgs,
}

/// How Hearth mails.
#[derive(Debug, Clone, Args, Default)]
pub struct MailArgs {
    /// The SMTP server mail goes to: smtp://HOST:PORT, smtp+starttls://…
    /// or smtps://…, with USER:PASSWORD@ if it asks for them [default:
    /// none; mail waits in the outbox]
    #[arg(
        long,
        env = "HEARTH_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// A file holding the SMTP password (instead of one in the URL)
    #[arg(long, env = "HEARTH_SMTP_PASSWORD_FILE", value_name = "FILE")]
    pub smtp_password_file: Option<PathBuf>,
    /// The sender of every mail [default: "Hearth <hearth@localhost>"]
    #[arg(long, env = "HEARTH_MAIL_FROM", value_name = "MAILBOX")]
    pub mail_from: Option<String>,
    /// Where people reach the site, for absolute links in mail, feeds and
    /// the API [default: the request's origin; in mail the outbox writes,
    /// the listening address]
    #[arg(long, env = "HEARTH_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
}

/// The SMTP server of this node, resolved.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Its URL.
    pub url: SecretString,
    /// Its password, if given apart from the URL.
    pub password: Option<SecretString>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpSettings(…)")
    }
}

/// The TOML file: the same settings as the flags, in snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    data: Option<PathBuf>,
    database: Option<String>,
    database_pool_size: Option<usize>,
    database_replica: Option<String>,
    listen: Option<SocketAddr>,
    max_body_bytes: Option<usize>,
    max_attachment_bytes: Option<usize>,
    secure_cookies: Option<bool>,
    trust_proxy: Option<bool>,
    session_idle_hours: Option<i64>,
    session_max_days: Option<i64>,
    shutdown_timeout: Option<u64>,
    drain_delay: Option<u64>,
    backup_every: Option<String>,
    backup_keep: Option<usize>,
    backup_dir: Option<PathBuf>,
    metrics_listen: Option<SocketAddr>,
    metrics_token_file: Option<PathBuf>,
    pid_file: Option<PathBuf>,
    smtp_url: Option<String>,
    smtp_password_file: Option<PathBuf>,
    mail_from: Option<String>,
    base_url: Option<String>,
    max_requests: Option<usize>,
    request_timeout: Option<u64>,
    log_format: Option<crate::cli::LogFormat>,
    log: Option<String>,
}

impl FileConfig {
    /// Reads the file, or an empty configuration when there is none.
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The log format the file asks for.
    pub fn log_format(&self) -> Option<crate::cli::LogFormat> {
        self.log_format
    }

    /// The log filter the file asks for.
    pub fn log_filter(&self) -> Option<&str> {
        self.log.as_deref()
    }
}

/// Which store to open.
#[derive(Debug, Clone)]
pub enum Storage {
    /// SQLite in this directory.
    Sqlite(PathBuf),
    /// PostgreSQL at this URL, with a pool of this size, and a read replica
    /// for when the primary is unreachable.
    Postgres(SecretString, usize, Option<SecretString>),
}

impl Storage {
    /// Resolves flags/environment over the file over defaults.
    pub fn resolve(args: &StorageArgs, file: &FileConfig) -> Self {
        match args.database.clone().or_else(|| file.database.clone()) {
            Some(url) => Storage::Postgres(
                SecretString::from(url),
                args.database_pool_size
                    .or(file.database_pool_size)
                    .unwrap_or(16),
                args.database_replica
                    .clone()
                    .or_else(|| file.database_replica.clone())
                    .map(SecretString::from),
            ),
            None => Storage::Sqlite(
                args.data
                    .clone()
                    .or_else(|| file.data.clone())
                    .unwrap_or_else(|| PathBuf::from("hearth-data")),
            ),
        }
    }

    /// What to put in a log line: never a password.
    pub fn describe(&self) -> String {
        match self {
            Storage::Sqlite(dir) => format!("sqlite in {}", dir.display()),
            Storage::Postgres(url, ..) => {
                let url = url.expose_secret();
                let hosts = url.split_once('@').map_or("(see URL)", |(_, rest)| {
                    rest.split(['/', '?']).next().unwrap_or("")
                });
                format!("postgres at {hosts}")
            }
        }
    }
}

/// Everything `hearth serve` needs, resolved.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub storage: Storage,
    pub listen: SocketAddr,
    pub web: hearth_web::WebConfig,
    pub app: hearth_app::AppConfig,
    pub shutdown_timeout_secs: u64,
    /// Seconds of serving out of rotation before stopping.
    pub drain_delay_secs: u64,
    /// Scheduled backups: where, how often, how many kept.
    pub backups: Option<hearth_app::backups::BackupPlan>,
    /// A listener of its own for `/metrics`.
    pub metrics_listen: Option<SocketAddr>,
    /// Where the serving process writes its id.
    pub pid_file: Option<PathBuf>,
    /// The SMTP server mail goes to, if any.
    pub smtp: Option<SmtpSettings>,
}

/// How often backups are taken unless told otherwise.
const DEFAULT_BACKUP_EVERY: &str = "1d";

impl ServeConfig {
    /// Resolves flags/environment over the file over defaults.
    pub fn resolve(args: &ServeArgs, file: &FileConfig) -> Result<Self, String> {
        let web_defaults = hearth_web::WebConfig::default();
        let app_defaults = hearth_app::AppConfig::default();
        const HOUR_MS: i64 = 3_600_000;
        let storage = Storage::resolve(&args.storage, file);
        let backups = {
            let every = args
                .backup_every
                .clone()
                .or_else(|| file.backup_every.clone());
            let dir = args.backup_dir.clone().or_else(|| file.backup_dir.clone());
            let keep = args.backup_keep.or(file.backup_keep).unwrap_or(48).max(1);
            let plan = |every: Option<&str>, dir: PathBuf| -> Result<_, String> {
                Ok(Some(hearth_app::backups::BackupPlan {
                    dir,
                    every: crate::backup::parse_every(every.unwrap_or(DEFAULT_BACKUP_EVERY))?,
                    keep,
                }))
            };
            match (every.as_deref().map(str::trim), dir, &storage) {
                (Some("off"), _, _) => None,
                (every, Some(dir), _) => plan(every, dir)?,
                (every, None, Storage::Sqlite(data)) => plan(every, data.join("backups"))?,
                (Some(_), None, Storage::Postgres(..)) => {
                    return Err(
                        "--backup-dir is required for scheduled backups of PostgreSQL".into(),
                    );
                }
                (None, None, Storage::Postgres(..)) => None,
            }
        };
        let metrics_token_hash = match args
            .metrics_token_file
            .clone()
            .or_else(|| file.metrics_token_file.clone())
        {
            None => None,
            Some(path) => {
                let token = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let token = token.trim();
                if token.len() < 16 {
                    return Err(format!(
                        "{}: the metrics token must be at least 16 characters",
                        path.display()
                    ));
                }
                Some(hearth_app::secrets::hash_secret(token))
            }
        };
        let mail = resolve_mail(&args.mail, file)?;
        let smtp = match args.mail.smtp_url.clone().or_else(|| file.smtp_url.clone()) {
            None => None,
            Some(url) => {
                let password = match args
                    .mail
                    .smtp_password_file
                    .clone()
                    .or_else(|| file.smtp_password_file.clone())
                {
                    None => None,
                    Some(path) => Some(SecretString::from(
                        std::fs::read_to_string(&path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                            .trim_end_matches(['\r', '\n'])
                            .to_owned(),
                    )),
                };
                hearth_app::outbox::Smtp::check(&url)?;
                Some(SmtpSettings {
                    url: SecretString::from(url),
                    password,
                })
            }
        };
        Ok(Self {
            storage,
            backups,
            smtp,
            metrics_listen: args.metrics_listen.or(file.metrics_listen),
            pid_file: args.pid_file.clone().or_else(|| file.pid_file.clone()),
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            web: hearth_web::WebConfig {
                max_body_bytes: args
                    .max_body_bytes
                    .or(file.max_body_bytes)
                    .unwrap_or(web_defaults.max_body_bytes),
                secure_cookies: args.secure_cookies.or(file.secure_cookies).unwrap_or(false),
                trust_proxy: args.trust_proxy.or(file.trust_proxy).unwrap_or(false),
                metrics_token_hash,
                overload: hearth_web::OverloadLimits {
                    in_flight: args
                        .max_requests
                        .or(file.max_requests)
                        .unwrap_or(web_defaults.overload.in_flight)
                        .max(1),
                    request_timeout: args
                        .request_timeout
                        .or(file.request_timeout)
                        .map_or(web_defaults.overload.request_timeout, |s| {
                            std::time::Duration::from_secs(s.max(1))
                        }),
                    ..web_defaults.overload
                },
                ..web_defaults
            },
            app: hearth_app::AppConfig {
                session_idle_ms: args
                    .session_idle_hours
                    .or(file.session_idle_hours)
                    .map_or(app_defaults.session_idle_ms, |h| h * HOUR_MS),
                session_absolute_ms: args
                    .session_max_days
                    .or(file.session_max_days)
                    .map_or(app_defaults.session_absolute_ms, |d| d * 24 * HOUR_MS),
                max_attachment_bytes: args
                    .max_attachment_bytes
                    .or(file.max_attachment_bytes)
                    .unwrap_or(app_defaults.max_attachment_bytes),
                mail,
                ..app_defaults
            },
            shutdown_timeout_secs: args
                .shutdown_timeout
                .or(file.shutdown_timeout)
                .unwrap_or(30),
            drain_delay_secs: args.drain_delay.or(file.drain_delay).unwrap_or(0),
        })
    }
}

/// The sender and base URL, checked.
fn resolve_mail(
    args: &MailArgs,
    file: &FileConfig,
) -> Result<hearth_app::mail::MailConfig, String> {
    let defaults = hearth_app::mail::MailConfig::default();
    let from = args
        .mail_from
        .clone()
        .or_else(|| file.mail_from.clone())
        .unwrap_or(defaults.from.clone());
    if !hearth_app::mail::is_mailbox(&from) {
        return Err(format!(
            "--mail-from {from:?} is not a mailbox such as \"Hearth <hearth@example.org>\""
        ));
    }
    let base_url = match args.base_url.clone().or_else(|| file.base_url.clone()) {
        None => None,
        Some(url) => {
            let url = url.trim_end_matches('/').to_owned();
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => Some(url),
                _ => {
                    return Err(format!(
                        "--base-url {url:?} must be http(s)://HOST[:PORT], with no path"
                    ));
                }
            }
        }
    };
    Ok(hearth_app::mail::MailConfig {
        from,
        base_url,
        ..defaults
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() -> Result<(), String> {
        let file: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:9000\"\nmax_body_bytes = 10\nsession_idle_hours = 2",
        )
        .map_err(|e| e.to_string())?;
        let args = ServeArgs {
            max_body_bytes: Some(20),
            ..ServeArgs::default()
        };
        let cfg = ServeConfig::resolve(&args, &file)?;
        assert_eq!(cfg.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(cfg.web.max_body_bytes, 20);
        assert_eq!(cfg.app.session_idle_ms, 2 * 3_600_000);
        assert_eq!(
            cfg.app.max_attachment_bytes,
            25 * 1024 * 1024,
            "the default"
        );
        assert!(matches!(cfg.storage, Storage::Sqlite(ref d) if d == Path::new("hearth-data")));
        Ok(())
    }

    #[test]
    fn a_new_site_takes_daily_backups_unless_told_otherwise() -> Result<(), String> {
        let file = FileConfig::default();
        let plan = ServeConfig::resolve(&ServeArgs::default(), &file)?.backups;
        let plan = plan.ok_or("backups are on by default")?;
        assert_eq!(plan.dir, Path::new("hearth-data").join("backups"));
        assert_eq!(plan.every, std::time::Duration::from_secs(86_400));
        let off = ServeArgs {
            backup_every: Some("off".into()),
            ..ServeArgs::default()
        };
        assert!(ServeConfig::resolve(&off, &file)?.backups.is_none());
        // PostgreSQL has no data directory: on once told where.
        let postgres = |every: Option<&str>, dir: Option<&str>| ServeArgs {
            storage: StorageArgs {
                database: Some("postgres://h@localhost/h".into()),
                ..StorageArgs::default()
            },
            backup_every: every.map(str::to_owned),
            backup_dir: dir.map(PathBuf::from),
            ..ServeArgs::default()
        };
        assert!(
            ServeConfig::resolve(&postgres(None, None), &file)?
                .backups
                .is_none()
        );
        assert!(ServeConfig::resolve(&postgres(Some("1h"), None), &file).is_err());
        let told = ServeConfig::resolve(&postgres(None, Some("/b")), &file)?.backups;
        assert_eq!(told.map(|p| p.dir), Some(PathBuf::from("/b")));
        Ok(())
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        assert!(toml::from_str::<FileConfig>("listn = \"x\"").is_err());
    }

    #[test]
    fn a_database_password_never_appears_in_the_description() {
        let s = Storage::Postgres(
            SecretString::from(
                "postgres://hearth:hunter2@db1:5432,db2:5432/hearth?target_session_attrs=read-write",
            ),
            4,
            None,
        );
        let d = s.describe();
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("db1:5432,db2:5432"), "{d}");
    }
}
