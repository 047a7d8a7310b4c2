//! Hand-over: `kill -USR2` starts a new process on the same sockets; the
//! old one drains and exits. Under continuous reads and writes no request
//! fails and every acknowledged reply is there once.
//!
//! `HEARTH_HANDOVERS` sets the number of hand-overs (default 3).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::cli::{
    create_admin, hearth, start_server_env, start_server_logged, storage_args, until_ready,
};
use crate::crash::Thread;
use crate::support::app::fresh_storage;
use crate::support::{Backend, both};

pub(crate) fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}

fn pid_in(file: &Path) -> Option<u32> {
    std::fs::read_to_string(file).ok()?.trim().parse().ok()
}

/// Whether process `pid` has exited (gone, or a zombie not yet reaped).
pub(crate) fn exited(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits (polling, bounded) until `done` holds.
pub(crate) async fn wait_until(what: &str, seconds: u64, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} within {seconds} s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the load saw.
#[derive(Default)]
struct Load {
    ok: AtomicU64,
    failed: AtomicU64,
    acknowledged: AtomicU64,
}

/// One client: reads the topic page and writes a reply in turn, on a
/// connection pool of its own (keep-alive), until told to stop.
async fn client(thread: Arc<Thread>, load: Arc<Load>, running: Arc<AtomicBool>) {
    let http = reqwest::Client::new();
    let page = format!("{}/t/{}", thread.base, thread.topic);
    let mut n = 0u64;
    while running.load(Ordering::Relaxed) {
        n += 1;
        let read = http.get(&page).send().await;
        match read {
            Ok(r) if r.status() == 200 => load.ok.fetch_add(1, Ordering::Relaxed),
            other => {
                eprintln!("read failed: {:?}", other.map(|r| r.status()));
                load.failed.fetch_add(1, Ordering::Relaxed)
            }
        };
        let write = http
            .post(format!(
                "{}/api/v1/topics/{}/replies",
                thread.base, thread.topic
            ))
            .bearer_auth(&thread.token)
            .json(&serde_json::json!({ "body": format!("reply {n}") }))
            .send()
            .await;
        match write {
            Ok(r) if r.status() == 201 => {
                load.ok.fetch_add(1, Ordering::Relaxed);
                load.acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            other => {
                eprintln!("write failed: {:?}", other.map(|r| r.status()));
                load.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Four clients reading and writing in `thread` until stopped.
pub(crate) struct Clients {
    load: Arc<Load>,
    running: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// What the load saw: requests answered, failed, and replies acknowledged.
pub(crate) struct Tally {
    pub ok: u64,
    pub failed: u64,
    pub acknowledged: u64,
}

impl Clients {
    pub(crate) fn start(thread: &Arc<Thread>) -> Self {
        let load = Arc::new(Load::default());
        let running = Arc::new(AtomicBool::new(true));
        let tasks = (0..4)
            .map(|_| {
                tokio::spawn(client(
                    Arc::clone(thread),
                    Arc::clone(&load),
                    Arc::clone(&running),
                ))
            })
            .collect();
        Clients {
            load,
            running,
            tasks,
        }
    }

    /// Waits (bounded) until 20 more requests are answered.
    pub(crate) async fn flowing(&self, what: &str) {
        let before = self.load.ok.load(Ordering::Relaxed);
        wait_until(what, 30, || {
            self.load.ok.load(Ordering::Relaxed) >= before + 20
        })
        .await;
    }

    pub(crate) async fn stop(self) -> Tally {
        self.running.store(false, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        Tally {
            ok: self.load.ok.load(Ordering::Relaxed),
            failed: self.load.failed.load(Ordering::Relaxed),
            acknowledged: self.load.acknowledged.load(Ordering::Relaxed),
        }
    }
}

async fn hand_overs_under_load_fail_no_request(backend: Backend) {
    let rounds: usize = std::env::var("HEARTH_HANDOVERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let cwd = tempfile::tempdir().unwrap();
    let (storage, _guard) = fresh_storage(backend).await;
    let mut args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());
    let pid_file = cwd.path().join("hearth.pid");
    args.extend(["--pid-file".into(), pid_file.display().to_string()]);
    args.extend(["--backup-every".into(), "off".into()]);
    let (first, base) = start_server_env(&args, cwd.path(), &[]);
    assert_eq!(pid_in(&pid_file), Some(first.id()), "the pid file names it");
    let thread = Arc::new(Thread::prepare(&base).await);
    let clients = Clients::start(&thread);

    let mut pids = vec![first.id()];
    let mut first = Some(first);
    for _ in 0..rounds {
        let old = *pids.last().unwrap();
        // Requests are flowing before each hand-over.
        clients.flowing("requests answered").await;
        signal(old, "USR2");
        wait_until("a new process named in the pid file", 60, || {
            pid_in(&pid_file).is_some_and(|p| p != old)
        })
        .await;
        let new = pid_in(&pid_file).unwrap();
        if let Some(mut child) = first.take() {
            // The first process is this test's child: reap it.
            let status = tokio::task::spawn_blocking(move || child.wait())
                .await
                .unwrap()
                .unwrap();
            assert!(status.success(), "the old process exits cleanly: {status}");
        }
        wait_until("the old process exits", 60, || exited(old)).await;
        assert!(!exited(new), "the new process serves");
        pids.push(new);
    }
    clients
        .flowing("requests answered after the last hand-over")
        .await;
    let Tally {
        ok,
        failed,
        acknowledged,
    } = clients.stop().await;
    eprintln!("{backend:?}, {rounds} hand-overs: {ok} requests answered, {failed} failed");
    assert_eq!(failed, 0, "requests failed during {rounds} hand-overs");
    let topic = thread.topic_json().await;
    assert_eq!(
        topic["reply_count"].as_u64(),
        Some(acknowledged),
        "every acknowledged reply is there once"
    );
    let last = *pids.last().unwrap();
    signal(last, "TERM");
    wait_until("the last process stops", 60, || exited(last)).await;
    assert!(
        !pid_file.exists(),
        "a process that stops removes its pid file"
    );
}
both!(hand_overs_under_load_fail_no_request);

/// A new process that cannot start leaves the old one serving, and the
/// next hand-over, once the cause is fixed, goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_process_that_fails_to_start_leaves_the_old_one_serving() {
    let cwd = tempfile::tempdir().unwrap();
    let (storage, _guard) = fresh_storage(Backend::Sqlite).await;
    let config = cwd.path().join("hearth.toml");
    std::fs::write(&config, "shutdown_timeout = 5\n").unwrap();
    let pid_file = cwd.path().join("hearth.pid");
    let mut args = storage_args(&storage);
    args.extend(["--pid-file".into(), pid_file.display().to_string()]);
    let config_arg = config.display().to_string();
    let (mut server, base, log) =
        start_server_logged(&args, cwd.path(), &[("HEARTH_CONFIG", &config_arg)]);
    let pid = server.id();

    // A broken configuration: the new process refuses to start.
    std::fs::write(&config, "shutdown_timeout = \"soon\"\n").unwrap();
    signal(pid, "USR2");
    let failed = tokio::task::spawn_blocking(move || {
        log.iter()
            .find(|line| line.contains("hand-over failed"))
            .map(|line| (line, log))
    })
    .await
    .unwrap();
    let (line, _log) = failed.expect("the old process tells that the hand-over failed");
    assert!(line.contains("exited"), "{line}");
    assert!(
        server.try_wait().unwrap().is_none(),
        "the old process serves on"
    );
    let health = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(pid_in(&pid_file), Some(pid));

    std::fs::write(&config, "shutdown_timeout = 5\n").unwrap();
    signal(pid, "USR2");
    let status = tokio::task::spawn_blocking(move || server.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
    let new = pid_in(&pid_file).unwrap();
    assert_ne!(new, pid);
    let health = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(health.status(), 200, "the new process serves");
    signal(new, "TERM");
    wait_until("the new process stops", 30, || exited(new)).await;
}

/// Under systemd socket activation the server takes the socket systemd
/// passes (`LISTEN_FDS`) instead of binding one; here a small launcher
/// passes it the way systemd does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_passed_by_systemd_is_served() {
    const LAUNCHER: &str = "
import os, socket, sys
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(128)
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ['LISTEN_FDS'] = '1'
os.environ['LISTEN_PID'] = str(os.getpid())
os.execv(sys.argv[1], sys.argv[1:])
";
    let cwd = tempfile::tempdir().unwrap();
    let (storage, _guard) = fresh_storage(Backend::Sqlite).await;
    let hearth = hearth();
    let mut command = std::process::Command::new("python3");
    command
        .envs(hearth.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .args(["-c", LAUNCHER])
        .arg(hearth.get_program())
        .args(["serve", "--log-format", "json", "--backup-every", "off"])
        // An address that is not free: systemd's socket is used instead.
        .args(["--listen", "127.0.0.1:1"])
        .args(storage_args(&storage))
        .current_dir(cwd.path());
    let (mut server, base, _log) = until_ready(command);
    assert!(!base.ends_with(":1"), "{base}");
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    signal(server.id(), "TERM");
    assert!(server.wait().unwrap().success());
}
