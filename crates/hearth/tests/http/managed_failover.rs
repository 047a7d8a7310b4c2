//! Real failover: a primary and a synchronous standby managed by
//! pg_auto_failover. The primary's machine is lost (keeper and PostgreSQL
//! killed) while replies are written; the manager promotes the standby and
//! Hearth finds it by itself. Nothing acknowledged is lost, pages read while
//! no primary takes writes, and the old primary comes back as a standby
//! that never takes a write.
//!
//! `HEARTH_FAILOVERS` sets the number of failovers (default 1); each one
//! prints how long writing was unavailable.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::{create_admin, start_server};
use crate::crash::Thread;
use crate::support::auto_failover::Formation;

/// How long writing may stay unavailable after the primary is lost before
/// the test gives up (the manager's timings make it seconds).
const RESUME_WAIT: Duration = Duration::from_secs(90);

/// Writers posting replies at once.
const WRITERS: usize = 3;

/// One answered request: when it was sent and answered, its status, and
/// for an acknowledged reply its body and id.
#[derive(Clone)]
struct Answer {
    sent: Instant,
    answered: Instant,
    status: u16,
    reply: Option<(String, i64)>,
}

#[derive(Default)]
struct Log {
    writes: Vec<Answer>,
    reads: Vec<Answer>,
}

impl Log {
    fn acknowledged(&self) -> usize {
        self.writes.iter().filter(|w| w.reply.is_some()).count()
    }

    /// The first write sent after `at` that was acknowledged.
    fn first_ack_sent_after(&self, at: Instant) -> Option<Answer> {
        self.writes
            .iter()
            .filter(|w| w.sent > at && w.reply.is_some())
            .min_by_key(|w| w.answered)
            .cloned()
    }
}

async fn write_loop(
    thread: Arc<Thread>,
    writer: usize,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let body = format!("writer {writer} reply {n}");
        let sent = Instant::now();
        let response = thread.reply(&body).await.expect("the node answers");
        let status = response.status().as_u16();
        let reply = if status == 201 {
            let v: Value = response.json().await.expect("a reply");
            let id = v["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .expect("a reply id");
            Some((body, id))
        } else {
            None
        };
        let answered = Instant::now();
        log.lock().unwrap().writes.push(Answer {
            sent,
            answered,
            status,
            reply,
        });
        if status != 201 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn read_loop(thread: Arc<Thread>, log: Arc<Mutex<Log>>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let sent = Instant::now();
        let status = thread
            .client
            .get(format!("{}/api/v1/topics/{}", thread.base, thread.topic))
            .bearer_auth(&thread.token)
            .send()
            .await
            .expect("the node answers")
            .status()
            .as_u16();
        let answered = Instant::now();
        log.lock().unwrap().reads.push(Answer {
            sent,
            answered,
            status,
            reply: None,
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `n` more writes than now are acknowledged.
async fn until_acknowledged(log: &Mutex<Log>, n: usize) {
    let target = log.lock().unwrap().acknowledged() + n;
    let deadline = tokio::time::Instant::now() + RESUME_WAIT;
    while log.lock().unwrap().acknowledged() < target {
        assert!(
            tokio::time::Instant::now() < deadline,
            "writing does not go on"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_managed_failover_under_write_load_loses_no_acknowledged_write() {
    let failovers: usize = std::env::var("HEARTH_FAILOVERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let mut formation = Formation::start("managed").await;
    let args = vec![
        "--database".to_owned(),
        formation.primary_url(),
        "--database-replica".to_owned(),
        formation.any_url(),
    ];
    let cwd = tempfile::tempdir().unwrap();
    assert!(create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = start_server(&args, cwd.path());
    let thread = Arc::new(Thread::prepare(&base).await);
    let log = Arc::new(Mutex::new(Log::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for writer in 0..WRITERS {
        load.push(tokio::spawn(write_loop(
            Arc::clone(&thread),
            writer,
            Arc::clone(&log),
            Arc::clone(&stop),
        )));
    }
    load.push(tokio::spawn(read_loop(
        Arc::clone(&thread),
        Arc::clone(&log),
        Arc::clone(&stop),
    )));

    for round in 1..=failovers {
        let primary = formation.wait_for_primary_and_standby().await;
        let standby = 1 - primary;
        let sync: String = formation
            .connect_node(primary)
            .await
            .expect("the primary takes connections")
            .query_one("SHOW synchronous_standby_names", &[])
            .await
            .unwrap()
            .get(0);
        assert!(
            !sync.is_empty(),
            "the primary does not wait for its standby: an acknowledged write could be lost"
        );
        until_acknowledged(&log, 20).await;

        // The primary's machine is lost, with writes in flight.
        let lost_at = Instant::now();
        formation.kill(primary);
        let standby_name = formation.nodes[standby].name.clone();
        formation
            .wait_until(&format!("{standby_name} is the primary"), |states| {
                states
                    .iter()
                    .any(|(n, reported, _)| *n == standby_name && reported.ends_with("primary"))
            })
            .await;
        let deadline = Instant::now() + RESUME_WAIT;
        let resumed = loop {
            if let Some(first) = log.lock().unwrap().first_ack_sent_after(lost_at) {
                break first;
            }
            assert!(
                Instant::now() < deadline,
                "writing did not resume after the failover"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let (read_during, reads_refused) = {
            let log = log.lock().unwrap();
            let gap: Vec<_> = log
                .reads
                .iter()
                .filter(|r| r.sent > lost_at && r.answered < resumed.sent)
                .collect();
            let read = gap.iter().filter(|r| r.status == 200).count();
            (read, gap.len() - read)
        };
        assert!(
            read_during > 0,
            "no page was read while writing was unavailable: the site was down, not read-only"
        );

        // The old primary returns; it must come back as a standby, never
        // taking a write on its own.
        formation.restart(primary);
        let old_name = formation.nodes[primary].name.clone();
        let deadline = tokio::time::Instant::now() + RESUME_WAIT;
        loop {
            if let Ok(client) = formation.connect_node(primary).await
                && let Ok(row) = client.query_one("SELECT pg_is_in_recovery()", &[]).await
            {
                let in_recovery: bool = row.get(0);
                assert!(in_recovery, "the old primary came back taking writes");
            }
            let states = formation.states().await;
            if states.iter().any(|(n, reported, goal)| {
                *n == old_name && reported == "secondary" && goal == "secondary"
            }) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the old primary did not rejoin as a standby: {states:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        eprintln!(
            "failover {round}: writes unavailable {:.1} s; {read_during} reads answered and {reads_refused} refused meanwhile",
            resumed.answered.duration_since(lost_at).as_secs_f64()
        );
    }
    until_acknowledged(&log, 20).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }

    let log = Arc::try_unwrap(log).ok().unwrap().into_inner().unwrap();
    for answer in log.writes.iter().chain(&log.reads) {
        assert!(
            [200, 201, 503].contains(&answer.status),
            "a request answered {} during a failover, not a retryable 503",
            answer.status
        );
    }
    let primary = formation.wait_for_primary_and_standby().await;
    let rows = formation
        .connect_node(primary)
        .await
        .expect("the primary takes connections")
        .query("SELECT id, body_md FROM replies", &[])
        .await
        .unwrap();
    let stored: HashMap<String, Vec<i64>> = rows.iter().fold(HashMap::new(), |mut m, r| {
        m.entry(r.get::<_, String>(1)).or_default().push(r.get(0));
        m
    });
    let acknowledged: Vec<_> = log.writes.iter().filter_map(|w| w.reply.clone()).collect();
    let lost = acknowledged
        .iter()
        .filter(|(body, id)| stored.get(body).map(Vec::as_slice) != Some(&[*id]))
        .count();
    eprintln!(
        "failovers: {failovers}; writes acknowledged: {}; lost or doubled: {lost}",
        acknowledged.len()
    );
    assert_eq!(lost, 0, "acknowledged replies were lost or doubled");
    let _ = server.kill();
    let _ = server.wait();
}
