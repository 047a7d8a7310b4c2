//! Delivering the outbox when things go wrong: an SMTP server that refuses
//! or drops the connection, two nodes on one database, and a worker killed
//! with SIGKILL while it delivers. Nothing is lost, and nothing is sent
//! twice but in the one counted window.

use std::collections::HashMap;
use std::sync::Arc;

use hearth_app::outbox::{self, MAX_ATTEMPTS, Smtp, backoff_ms};
use hearth_app::{AppConfig, Ctx, ManualClock};
use hearth_store::{MailKind, MailStatus, NewMail, Store};

use crate::cli::{start_server_logged, storage_args};
use crate::support::app::{T0, fresh_storage};
use crate::support::smtp::SmtpSink;
use crate::support::{Backend, both, spawn_app};

fn mail(to: &str, n: usize, now: i64) -> NewMail {
    NewMail {
        kind: MailKind::Invitation,
        user: None,
        to_address: to.to_owned(),
        to_name: format!("Person {n}"),
        subject: format!("Mail {n}"),
        text_body: format!("Mail number {n}."),
        html_body: format!("<p>Mail number {n}.</p>"),
        now,
    }
}

async fn enqueue(store: &dyn Store, count: usize, now: i64) {
    for n in 0..count {
        store
            .enqueue_mail(mail(&format!("p{n}@example.org"), n, now))
            .await
            .unwrap();
    }
}

/// The mail to `to`.
async fn status(store: &dyn Store, to: &str) -> hearth_store::OutboxMail {
    let mails = store.outbox(None, 100).await.unwrap();
    mails.into_iter().find(|m| m.to_address == to).unwrap()
}

async fn refusals_are_retried_with_back_off_or_given_up_and_nothing_is_lost(backend: Backend) {
    let app = spawn_app(backend).await;
    let sink = SmtpSink::start();
    let smtp = Smtp::new(&sink.url, None).unwrap();
    let store = &app.ctx.store;
    for to in [
        "ok@example.org",
        "bounce@example.org",
        "tempfail@example.org",
        "drop@example.org",
    ] {
        store
            .enqueue_mail(mail(to, 0, app.ctx.now()))
            .await
            .unwrap();
    }
    let round = outbox::deliver_due(&app.ctx, &smtp, "w").await.unwrap();
    assert_eq!(
        (round.claimed, round.sent, round.failed, round.retried),
        (4, 1, 1, 2),
        "{round:?}"
    );
    let bounced = status(store.as_ref(), "bounce@example.org").await;
    assert_eq!(bounced.status, MailStatus::Bounced);
    assert!(bounced.last_error.unwrap().contains("550"));
    let later = status(store.as_ref(), "tempfail@example.org").await;
    assert_eq!(later.status, MailStatus::Queued);
    assert_eq!(later.next_attempt_at, app.ctx.now() + backoff_ms(1));
    assert!(later.last_error.unwrap().contains("451"));
    assert!(later.content.is_some(), "kept until done with");
    assert_eq!(
        status(store.as_ref(), "drop@example.org").await.status,
        MailStatus::Queued
    );

    // Not before its time.
    let round = outbox::deliver_due(&app.ctx, &smtp, "w").await.unwrap();
    assert_eq!(round.claimed, 0);
    // Each later attempt after a longer wait, until the last.
    for attempt in 2..=MAX_ATTEMPTS {
        app.clock.advance(backoff_ms(attempt - 1));
        let round = outbox::deliver_due(&app.ctx, &smtp, "w").await.unwrap();
        assert_eq!(round.claimed, 2, "attempt {attempt}");
    }
    for to in ["tempfail@example.org", "drop@example.org"] {
        let given_up = status(store.as_ref(), to).await;
        assert_eq!(given_up.status, MailStatus::GivenUp, "{to}");
        assert_eq!(given_up.attempts, MAX_ATTEMPTS);
        assert!(given_up.content.is_none());
    }
    app.clock.advance(backoff_ms(MAX_ATTEMPTS) * 2);
    assert_eq!(
        outbox::deliver_due(&app.ctx, &smtp, "w")
            .await
            .unwrap()
            .claimed,
        0
    );
    let counts = store.mail_counts().await.unwrap();
    assert_eq!(
        (counts.sent, counts.bounced, counts.given_up, counts.queued),
        (1, 1, 2, 0)
    );
    assert_eq!(sink.received().len(), 1);
}
both!(refusals_are_retried_with_back_off_or_given_up_and_nothing_is_lost);

/// Another node's context over the same database, at the same clock.
async fn second_node(app: &crate::support::TestApp) -> Ctx {
    let store = hearth::storage::open(&app.storage).await.unwrap();
    Ctx::new(store, app.clock.clone(), AppConfig::default()).unwrap()
}

async fn two_nodes_deliver_each_mail_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = second_node(&app).await;
    let sink = SmtpSink::start();
    let total = 300;
    enqueue(app.ctx.store.as_ref(), total, app.ctx.now()).await;
    let drain = |ctx: Ctx, holder: &'static str| {
        let smtp = Smtp::new(&sink.url, None).unwrap();
        tokio::spawn(async move {
            let mut sent = 0;
            loop {
                let round = outbox::deliver_due(&ctx, &smtp, holder).await.unwrap();
                if round.claimed == 0 {
                    return sent;
                }
                sent += round.sent;
            }
        })
    };
    let (a, b) = (drain(app.ctx.clone(), "node-a"), drain(other, "node-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, total);
    let got = sink.received();
    assert_eq!(got.len(), total);
    let ids: std::collections::HashSet<_> = got
        .iter()
        .map(|m| m.header("Message-ID").unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), total, "no mail twice");
    let counts = app.ctx.store.mail_counts().await.unwrap();
    assert_eq!((counts.sent, counts.resent), (total as i64, 0));
}
both!(two_nodes_deliver_each_mail_once);

/// Kill points, reproducible from the seed printed: within the first 40%
/// of the mails, so that each is reached whatever the kills before it left
/// claimed (two rounds of 64 each, at most).
fn kill_points(seed: u64, total: usize, kills: usize) -> Vec<usize> {
    let mut x = seed | 1;
    let mut points: Vec<usize> = (0..kills)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % (total as u64 * 4 / 10)) as usize + 1
        })
        .collect();
    points.sort_unstable();
    points
}

async fn a_worker_killed_while_delivering_loses_nothing_and_repeats_only_what_it_counts(
    backend: Backend,
) {
    let total = 1000;
    let (storage, _guard) = fresh_storage(backend).await;
    let store = hearth::storage::open(&storage).await.unwrap();
    #[expect(
        clippy::disallowed_methods,
        reason = "the real clock of the real server"
    )]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    enqueue(store.as_ref(), total, now).await;
    let sink = SmtpSink::start();
    let seed = std::env::var("HEARTH_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(now as u64);
    let points = kill_points(seed, total, 4);
    eprintln!("kill points {points:?} (seed {seed}; HEARTH_TEST_SEED={seed} repeats them)");
    let cwd = tempfile::tempdir().unwrap();
    let mut args = storage_args(&storage);
    args.extend(["--backup-every".into(), "off".into()]);
    let env = [("HEARTH_SMTP_URL", sink.url.as_str())];
    for point in points {
        let (mut server, _base, log) = start_server_logged(&args, cwd.path(), &env);
        // SIGKILL once the sink has taken `point` mails, mid-batch.
        // Past a mail's SMTP timeout (30 s), its round ends all the same.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            if sink.received().len() >= point {
                break;
            }
            if std::time::Instant::now() >= deadline {
                let log: Vec<String> = log.try_iter().collect();
                panic!(
                    "{} mails arrived, waiting for {point}; the outbox: {:?}; the server said:\n{}",
                    sink.received().len(),
                    store.mail_counts().await,
                    log.join("\n")
                );
            }
            if let Some(status) = server.try_wait().unwrap() {
                panic!("the server stopped: {status}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        server.kill().unwrap();
        server.wait().unwrap();
    }
    // A restarted node takes up what is queued at once, and what a killed
    // worker held once its claim runs out: here, a node whose clock is
    // past that.
    let clock = Arc::new(ManualClock::new(now.max(T0) + 3_600_000));
    let ctx = Ctx::new(store, clock, AppConfig::default()).unwrap();
    let smtp = Smtp::new(&sink.url, None).unwrap();
    while outbox::deliver_due(&ctx, &smtp, "restarted")
        .await
        .unwrap()
        .claimed
        > 0
    {}

    let counts = ctx.store.mail_counts().await.unwrap();
    assert_eq!(
        counts.sent, total as i64,
        "every mail delivered: {counts:?}"
    );
    assert_eq!(counts.queued + counts.sending, 0);
    let mut times: HashMap<String, i64> = HashMap::new();
    for m in sink.received() {
        *times
            .entry(m.header("Message-ID").unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(times.len(), total, "every mail arrived");
    let repeated: i64 = times.values().map(|n| n - 1).sum();
    assert!(
        repeated <= counts.resent,
        "{repeated} mails arrived twice, {} counted",
        counts.resent
    );
    eprintln!("{repeated} repeated, {} counted as resent", counts.resent);
}
both!(a_worker_killed_while_delivering_loses_nothing_and_repeats_only_what_it_counts);

async fn mail_done_with_is_forgotten_after_a_month_and_waiting_mail_is_measured(backend: Backend) {
    let app = spawn_app(backend).await;
    let sink = SmtpSink::start();
    let smtp = Smtp::new(&sink.url, None).unwrap();
    let store = app.ctx.store.as_ref();
    for n in 0..3 {
        store
            .enqueue_mail(mail("ok@example.org", n, app.ctx.now()))
            .await
            .unwrap();
    }
    store
        .enqueue_mail(mail("tempfail@example.org", 3, app.ctx.now()))
        .await
        .unwrap();
    let round = outbox::deliver_due(&app.ctx, &smtp, "w").await.unwrap();
    assert_eq!((round.sent, round.retried), (3, 1));
    let metrics = crate::support::app::metrics_of(&app.base).await;
    assert!(metrics.contains("\nhearth_mail_waiting 1\n"), "{metrics}");

    // Kept for a month, then forgotten; what still waits is never.
    app.clock.advance(outbox::KEEP_DONE_MS - 1);
    assert_eq!(outbox::prune(&app.ctx).await.unwrap(), 0);
    app.clock.advance(2);
    assert_eq!(outbox::prune(&app.ctx).await.unwrap(), 3);
    let left = store.outbox(None, 100).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].to_address, "tempfail@example.org");
    assert_eq!(left[0].status, MailStatus::Queued);
}
both!(mail_done_with_is_forgotten_after_a_month_and_waiting_mail_is_measured);
