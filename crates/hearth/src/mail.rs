//! Mail at the edges of the process: the outbox worker of `hearth serve`
//! (started with the server when an SMTP server is set, stopped before the
//! store closes), and `hearth mail-in`, which a mail server pipes replies to.

use std::process::ExitCode;
use std::time::Duration;

use hearth_app::Ctx;
use hearth_app::outbox::{self, Smtp};
use secrecy::ExposeSecret;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::SmtpSettings;

/// How long a stopping node lets the worker finish the mail in hand; mail
/// cut off then is claimed again once its claim runs out, and counted.
const FINISH_WITHIN: Duration = Duration::from_secs(10);

/// A running outbox worker.
pub struct Outbox {
    stop: watch::Sender<bool>,
    worker: JoinHandle<()>,
}

impl Outbox {
    /// Asks the worker to stop after the mail in hand, and waits for it
    /// (a while).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let mut worker = self.worker;
        if tokio::time::timeout(FINISH_WITHIN, &mut worker)
            .await
            .is_err()
        {
            tracing::warn!("the outbox worker did not finish in time; its mail goes again later");
            worker.abort();
        }
    }
}

/// Starts the worker if an SMTP server is set; says where mail waits if not.
pub fn start_outbox(ctx: &Ctx, smtp: Option<&SmtpSettings>) -> Result<Option<Outbox>, String> {
    let Some(smtp) = smtp else {
        tracing::warn!("no SMTP server is set (--smtp-url): mail waits in the outbox");
        return Ok(None);
    };
    if ctx.config.mail.base_url.is_none() {
        tracing::warn!(
            origin = %ctx.config.mail.origin(),
            "no --base-url: links in notification mail point to the listening address"
        );
    }
    let password = smtp.password.as_ref().map(|p| p.expose_secret());
    let transport = Smtp::new(smtp.url.expose_secret(), password)?;
    let holder = format!("{}-{}", std::process::id(), random_suffix());
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(outbox::run(ctx.clone(), transport, holder, stopped));
    tracing::info!("outbox worker started");
    Ok(Some(Outbox { stop, worker }))
}

/// A few random hex digits: two processes with one pid (on two machines)
/// claim as different holders.
pub(crate) fn random_suffix() -> String {
    hearth_app::secrets::random_secret().map_or_else(|_| "0".into(), |s| s[..8].to_owned())
}

/// Exit statuses a mail server's pipe transport understands (sysexits).
const EX_DATAERR: u8 = 65;
const EX_TEMPFAIL: u8 = 75;
const EX_NOPERM: u8 = 77;

/// `hearth mail-in`: reads one mail on standard input and posts it as a
/// reply. The status tells the mail server what to do: 0 delivered; 65 or
/// 77 bounce to the sender, with the reason (standard error); 75 try later.
pub async fn mail_in(storage: &crate::config::Storage, recipient: Option<&str>) -> ExitCode {
    use hearth_app::mail_in::{MAX_MAIL_BYTES, MailInError};
    use std::io::Read;

    let mut raw = Vec::new();
    let limit = MAX_MAIL_BYTES as u64 + 1;
    if let Err(e) = std::io::stdin().lock().take(limit).read_to_end(&mut raw) {
        eprintln!("hearth: cannot read the mail: {e}");
        return ExitCode::from(EX_TEMPFAIL);
    }
    let ctx = match crate::storage::open(storage).await {
        Ok(store) => Ctx::new(
            store,
            std::sync::Arc::new(hearth_app::SystemClock),
            hearth_app::AppConfig::default(),
        ),
        Err(e) => {
            eprintln!("hearth: the store is not available: {e}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    let ctx = match ctx {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("hearth: {e}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    match hearth_app::mail_in::post(&ctx, &raw, recipient).await {
        Ok(posted) => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stdout(),
                "posted reply {} in topic {} as {}",
                posted.reply,
                posted.topic,
                posted.username
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Your reply was not posted: {e}.");
            ExitCode::from(match e {
                MailInError::Unreadable(_) => EX_DATAERR,
                MailInError::Refused(_) => EX_NOPERM,
                MailInError::Later(_) => EX_TEMPFAIL,
            })
        }
    }
}
