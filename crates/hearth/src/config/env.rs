//! The `HEARTH_*` environment variables: the ones that are settings, and
//! those Hearth or its tooling set, so that a misspelt one is reported.

/// Every `HEARTH_*` variable Hearth reads.
const KNOWN_ENV: &[&str] = &[
    "HEARTH_CONFIG",
    "HEARTH_LOG_FORMAT",
    "HEARTH_LOG",
    "HEARTH_DATA",
    "HEARTH_DATABASE",
    "HEARTH_DATABASE_POOL_SIZE",
    "HEARTH_DATABASE_REPLICA",
    "HEARTH_LISTEN",
    "HEARTH_MAX_BODY_BYTES",
    "HEARTH_MAX_ATTACHMENT_BYTES",
    "HEARTH_SECURE_COOKIES",
    "HEARTH_TRUST_PROXY",
    "HEARTH_SESSION_IDLE_HOURS",
    "HEARTH_SESSION_MAX_DAYS",
    "HEARTH_SHUTDOWN_TIMEOUT",
    "HEARTH_DRAIN_DELAY",
    "HEARTH_BACKUP_EVERY",
    "HEARTH_BACKUP_KEEP",
    "HEARTH_BACKUP_DIR",
    "HEARTH_METRICS_LISTEN",
    "HEARTH_METRICS_TOKEN_FILE",
    "HEARTH_MAX_REQUESTS",
    "HEARTH_REQUEST_TIMEOUT",
    "HEARTH_PID_FILE",
    "HEARTH_SMTP_URL",
    "HEARTH_SMTP_PASSWORD_FILE",
    "HEARTH_MAIL_FROM",
    "HEARTH_BASE_URL",
];

/// Variables Hearth sets or its tooling uses, not settings: the hand-over
/// to a new process, and recording statements for the next release's
/// compatibility test (`scripts/record-queries`).
const INTERNAL_ENV: &[&str] = &[crate::handover::HANDOVER_ENV, "HEARTH_RECORD_QUERIES"];

/// `HEARTH_*` variables that Hearth does not know: probably typos.
pub fn unknown_env_vars() -> Vec<String> {
    std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("HEARTH_") && !KNOWN_ENV.contains(&k.as_str()))
        .filter(|k| !INTERNAL_ENV.contains(&k.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::KNOWN_ENV;

    /// `hearth serve --help` is the reference for settings: each one is shown
    /// with its variable, and every variable Hearth reads is shown.
    #[test]
    fn serve_help_documents_every_setting() {
        use clap::CommandFactory;
        let mut cli = crate::cli::Cli::command();
        cli.build();
        let serve = cli.find_subcommand_mut("serve").expect("serve");
        let help = serve.render_long_help().to_string();
        for arg in serve.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            let env = arg.get_env().and_then(|e| e.to_str()).unwrap_or_default();
            assert!(
                KNOWN_ENV.contains(&env),
                "--{id} has no known HEARTH_ variable"
            );
            assert!(
                arg.get_help().is_some_and(|h| !h.to_string().is_empty()),
                "--{id} is undocumented"
            );
        }
        for name in KNOWN_ENV {
            assert!(help.contains(name), "{name} is missing from serve --help");
        }
    }
}
