//! A rolling upgrade of three nodes behind HAProxy, configured as the
//! README says (active checks on `/readyz`). Under continuous reads and
//! writes through the balancer, the database takes a later release's
//! expansion while the nodes serve, then each node in turn stops (out of
//! rotation first, `--drain-delay`) and starts again on the new schema. No
//! request fails, and every acknowledged reply is there once.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use hearth_store_sql::LATEST_VERSION;

use crate::cli::{create_admin, hearth, storage_args, until_ready};
use crate::crash::Thread;
use crate::handover::{Clients, Tally, exited, signal, wait_until};
use crate::support::Backend;
use crate::support::app::{execute_sql, fresh_storage};

const NODES: usize = 3;

/// Seconds a stopping node stays in service out of rotation: more than
/// the balancer's check interval (1 s).
const DRAIN_DELAY: &str = "3";

/// A port free on the loopback address now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A node's process, stopped when the test ends, however it ends.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a node listening on `listen`; its address once it is ready.
fn start_node(args: &[String], cwd: &Path, listen: &str) -> (Node, SocketAddr) {
    let mut command = hearth();
    command
        .arg("serve")
        .args(["--listen", listen, "--log-format", "json"])
        .args(["--drain-delay", DRAIN_DELAY, "--backup-every", "off"])
        .args(args)
        .current_dir(cwd);
    let (child, base, _log) = until_ready(command);
    let addr = base.trim_start_matches("http://").parse().unwrap();
    (Node(child), addr)
}

/// HAProxy in front of `nodes`, with the README's backend, and a stats page.
struct Balancer {
    process: Child,
    base: String,
    stats: String,
}

impl Balancer {
    fn start(dir: &Path, nodes: &[SocketAddr]) -> Self {
        let (port, stats_port) = (free_port(), free_port());
        let servers: String = nodes
            .iter()
            .enumerate()
            .map(|(i, addr)| format!("    server node{i} {addr} check\n"))
            .collect();
        let config = format!(
            "global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
frontend web
    bind 127.0.0.1:{port}
    default_backend hearth
listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
backend hearth
    option forwardfor
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 1 rise 2
    timeout tunnel 1h
{servers}"
        );
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let process = Command::new("haproxy")
            .args(["-db", "-f"])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy (scripts/test installs it)");
        Balancer {
            process,
            base: format!("http://127.0.0.1:{port}"),
            stats: format!("http://127.0.0.1:{stats_port}/stats;csv"),
        }
    }

    /// How many of the backend's servers the balancer sends requests to.
    async fn in_rotation(&self) -> usize {
        let Ok(r) = reqwest::get(&self.stats).await else {
            return 0;
        };
        let csv = r.text().await.unwrap_or_default();
        csv.lines()
            .filter(|l| l.starts_with("hearth,node"))
            .filter(|l| l.split(',').nth(17) == Some("UP"))
            .count()
    }

    async fn wait_for(&self, what: &str, nodes: usize) {
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        while self.in_rotation().await != nodes {
            assert!(Instant::now() < deadline, "{what}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_upgrade_of_three_nodes_fails_no_request() {
    let cwd = tempfile::tempdir().unwrap();
    let (storage, _guard) = fresh_storage(Backend::Postgres).await;
    let args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());
    let mut nodes: Vec<(Node, SocketAddr)> = (0..NODES)
        .map(|_| start_node(&args, cwd.path(), "127.0.0.1:0"))
        .collect();
    let addrs: Vec<SocketAddr> = nodes.iter().map(|(_, a)| *a).collect();
    let balancer = Balancer::start(cwd.path(), &addrs);
    balancer.wait_for("every node in rotation", NODES).await;

    let thread = Arc::new(Thread::prepare(&balancer.base).await);
    let clients = Clients::start(&thread);
    clients
        .flowing("requests answered through the balancer")
        .await;

    // The new release's `hearth upgrade`: an expansion, applied while the
    // nodes of the release before serve.
    let later = LATEST_VERSION + 1;
    execute_sql(
        &storage,
        &format!(
            "ALTER TABLE replies ADD COLUMN later_note TEXT;
             INSERT INTO schema_migrations (version, name, kind) VALUES ({later}, 'later_note', 'expand');"
        ),
    )
    .await;
    clients
        .flowing("requests answered on the expanded schema")
        .await;

    let started = Instant::now();
    for (node, addr) in &mut nodes {
        let pid = node.0.id();
        signal(pid, "TERM");
        balancer
            .wait_for("the stopping node out of rotation", NODES - 1)
            .await;
        wait_until("the stopped node exits", 60, || exited(pid)).await;
        *node = start_node(&args, cwd.path(), &addr.to_string()).0;
        balancer.wait_for("the new node in rotation", NODES).await;
        clients
            .flowing("requests answered after a node's upgrade")
            .await;
    }
    let took = started.elapsed();
    let Tally {
        ok,
        failed,
        acknowledged,
    } = clients.stop().await;
    eprintln!(
        "rolling upgrade of {NODES} nodes in {took:.1?}: {ok} requests answered, {failed} failed"
    );
    assert_eq!(failed, 0, "requests failed during the rolling upgrade");
    let topic = thread.topic_json().await;
    assert_eq!(
        topic["reply_count"].as_u64(),
        Some(acknowledged),
        "every acknowledged reply is there once"
    );
}
