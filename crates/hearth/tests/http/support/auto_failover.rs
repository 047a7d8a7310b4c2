//! A PostgreSQL formation managed by a real failover manager,
//! pg_auto_failover (Debian's `postgresql-NN-auto-failover`): a monitor, a
//! primary and a synchronous standby on loopback ports. Each node's keeper
//! runs in a process group of its own, so that a test can kill a whole node
//! (keeper and PostgreSQL) as a lost machine would, and start it again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::postgres::{bin_dir, free_port, is_root};

/// The monitor's timings, shortened from pg_auto_failover's defaults (a
/// health check every 5 s, a node unhealthy after 20 s, 30 s for a lost
/// primary to demote itself) so that a failover takes seconds in a test.
const MONITOR_SETTINGS: &[(&str, &str)] = &[
    ("pgautofailover.health_check_period", "1000"),
    ("pgautofailover.health_check_timeout", "1000"),
    ("pgautofailover.health_check_max_retries", "1"),
    ("pgautofailover.health_check_retry_delay", "500"),
    ("pgautofailover.node_considered_unhealthy_timeout", "3000"),
    ("pgautofailover.primary_demote_timeout", "5000"),
];

/// How long the formation may take to reach a state it was asked for.
const STATE_WAIT: Duration = Duration::from_secs(90);

/// One PostgreSQL instance and its keeper.
pub struct Node {
    pub name: String,
    pub port: u16,
    pgdata: PathBuf,
    /// The keeper, leader of its process group, while it runs.
    keeper: Option<Child>,
}

/// A monitor and two nodes; everything is killed and removed on drop, or
/// when the test process ends however it ends.
pub struct Formation {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    superuser: String,
    monitor: Node,
    pub nodes: [Node; 2],
}

impl Formation {
    /// Creates the monitor and both nodes, and waits until one is the
    /// primary and the other its synchronous standby.
    pub async fn start(name: &str) -> Formation {
        let dir = std::env::temp_dir().join(format!("hearth-paf-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("run")).expect("create the formation directory");
        let as_postgres = is_root();
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("run chown");
            assert!(ok.success(), "chown of {} failed", dir.display());
        }
        let superuser = if as_postgres {
            "postgres".to_owned()
        } else {
            let out = Command::new("id").arg("-un").output().expect("run id");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        remove_when_done(&dir);
        let node = |name: &str| Node {
            name: name.to_owned(),
            port: free_port(),
            pgdata: dir.join(name),
            keeper: None,
        };
        let mut formation = Formation {
            bin: bin_dir(),
            as_postgres,
            superuser,
            monitor: node("monitor"),
            nodes: [node("node1"), node("node2")],
            dir,
        };
        formation.create_monitor().await;
        for i in 0..2 {
            formation.create_node(i);
            formation.nodes[i].keeper = Some(formation.run_keeper(&formation.nodes[i]));
            let want = if i == 0 { "single" } else { "secondary" };
            let name = formation.nodes[i].name.clone();
            formation
                .wait_until(&format!("{name} is {want}"), |states| {
                    states
                        .iter()
                        .any(|(n, reported, goal)| *n == name && reported == want && goal == want)
                })
                .await;
        }
        formation.wait_for_primary_and_standby().await;
        formation
    }

    /// `pg_autoctl` with this formation's configuration directories, as the
    /// user PostgreSQL runs as.
    fn pg_autoctl(&self) -> Command {
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "env"]);
            c
        } else {
            Command::new("env")
        };
        let path = format!(
            "PATH={}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        c.arg(path)
            .arg(format!(
                "XDG_CONFIG_HOME={}",
                self.dir.join("config").display()
            ))
            .arg(format!(
                "XDG_DATA_HOME={}",
                self.dir.join("share").display()
            ))
            .arg(format!(
                "XDG_RUNTIME_DIR={}",
                self.dir.join("run").display()
            ))
            .arg("pg_autoctl");
        c
    }

    fn create(&self, node: &Node, role: &str, extra: &[String]) {
        let out = self
            .pg_autoctl()
            .args(["create", role, "--pgdata"])
            .arg(&node.pgdata)
            .arg("--pgctl")
            .arg(self.bin.join("pg_ctl"))
            .args(["--pgport", &node.port.to_string()])
            .args(["--hostname", "127.0.0.1", "--listen", "127.0.0.1"])
            .args(["--auth", "trust", "--no-ssl"])
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .expect("run pg_autoctl create");
        assert!(
            out.status.success(),
            "pg_autoctl create {role} {} failed: {}",
            node.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    async fn create_monitor(&mut self) {
        self.create(&self.monitor, "monitor", &[]);
        self.monitor.keeper = Some(self.run_keeper(&self.monitor));
        let client = self
            .connect_until_up(self.monitor.port, "pg_auto_failover")
            .await;
        for (name, value) in MONITOR_SETTINGS {
            client
                .batch_execute(&format!("ALTER SYSTEM SET {name} = '{value}'"))
                .await
                .expect("set a monitor timing");
        }
        client
            .batch_execute("SELECT pg_reload_conf()")
            .await
            .expect("reload the monitor's settings");
    }

    fn create_node(&self, i: usize) {
        let monitor = format!(
            "postgres://autoctl_node@127.0.0.1:{}/pg_auto_failover?sslmode=disable",
            self.monitor.port
        );
        let node = &self.nodes[i];
        self.create(
            node,
            "postgres",
            &[
                "--name".into(),
                node.name.clone(),
                "--dbname".into(),
                "hearth".into(),
                "--monitor".into(),
                monitor,
            ],
        );
    }

    /// Starts `pg_autoctl run` for `node` in a process group of its own;
    /// returns it.
    fn run_keeper(&self, node: &Node) -> Child {
        use std::os::unix::process::CommandExt;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("{}.log", node.name)))
            .expect("open the keeper's log");
        let child = self
            .pg_autoctl()
            .arg("run")
            .arg("--pgdata")
            .arg(&node.pgdata)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start pg_autoctl run");
        kill_group_when_done(child.id());
        child
    }

    /// Kills node `i` whole, keeper and PostgreSQL, with SIGKILL, and waits
    /// until its postmaster is really gone.
    pub fn kill(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        let postmaster = postmaster_pid(&node.pgdata);
        if let Some(keeper) = node.keeper.take() {
            kill_group(keeper);
        }
        if let Some(pid) = postmaster {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            let proc_dir = PathBuf::from(format!("/proc/{pid}"));
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while proc_dir.exists() && std::time::Instant::now() < deadline {
                std::thread::yield_now();
            }
            assert!(
                !proc_dir.exists(),
                "the postmaster of {} did not die",
                node.name
            );
        }
    }

    /// Starts node `i`'s keeper again, which asks the monitor what it is
    /// now before its PostgreSQL takes connections.
    pub fn restart(&mut self, i: usize) {
        let keeper = self.run_keeper(&self.nodes[i]);
        self.nodes[i].keeper = Some(keeper);
    }

    /// Each node's name, reported state and goal state, from the monitor.
    pub async fn states(&self) -> Vec<(String, String, String)> {
        let client = self.connect(self.monitor.port, "pg_auto_failover").await;
        let Ok(client) = client else {
            return Vec::new();
        };
        client
            .query(
                "SELECT nodename, reportedstate::text, goalstate::text \
                 FROM pgautofailover.node ORDER BY nodeid",
                &[],
            )
            .await
            .map(|rows| {
                rows.iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until the monitor's view satisfies `done`.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[(String, String, String)]) -> bool) {
        let deadline = tokio::time::Instant::now() + STATE_WAIT;
        loop {
            let states = self.states().await;
            if done(&states) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the formation never got to \"{what}\": {states:?}; logs in {}",
                self.dir.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until one node is the primary and the other its standby, both
    /// settled; returns the primary's index.
    pub async fn wait_for_primary_and_standby(&self) -> usize {
        let settled = |states: &[(String, String, String)], role: &str| {
            states
                .iter()
                .position(|(_, reported, goal)| reported == role && goal == role)
        };
        self.wait_until("a primary and a secondary", |states| {
            settled(states, "primary").is_some() && settled(states, "secondary").is_some()
        })
        .await;
        let states = self.states().await;
        let primary = &states[settled(&states, "primary").expect("a primary")].0;
        self.nodes
            .iter()
            .position(|n| &n.name == primary)
            .expect("the primary is one of the nodes")
    }

    /// A connection to node `i`'s `hearth` database, if it takes one.
    pub async fn connect_node(
        &self,
        i: usize,
    ) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        self.connect(self.nodes[i].port, "hearth").await
    }

    async fn connect(
        &self,
        port: u16,
        db: &str,
    ) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        let url = format!("postgres://{}@127.0.0.1:{port}/{db}", self.superuser);
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        Ok(client)
    }

    async fn connect_until_up(&self, port: u16, db: &str) -> tokio_postgres::Client {
        let deadline = tokio::time::Instant::now() + STATE_WAIT;
        loop {
            match self.connect(port, db).await {
                Ok(client) => return client,
                Err(e) => assert!(
                    tokio::time::Instant::now() < deadline,
                    "PostgreSQL on port {port} never took connections: {e}"
                ),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The URL Hearth writes through: both hosts, whichever takes writes.
    pub fn primary_url(&self) -> String {
        self.url("read-write")
    }

    /// The URL Hearth reads through while no primary is reachable.
    pub fn any_url(&self) -> String {
        self.url("any")
    }

    fn url(&self, attrs: &str) -> String {
        let [a, b] = &self.nodes;
        format!(
            "postgres://{}@127.0.0.1:{},127.0.0.1:{}/hearth?target_session_attrs={attrs}",
            self.superuser, a.port, b.port
        )
    }
}

impl Drop for Formation {
    fn drop(&mut self) {
        for node in self.nodes.iter_mut().chain([&mut self.monitor]) {
            if let Some(keeper) = node.keeper.take() {
                kill_group(keeper);
            }
            if let Some(pid) = postmaster_pid(&node.pgdata) {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn postmaster_pid(pgdata: &Path) -> Option<u32> {
    std::fs::read_to_string(pgdata.join("postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Kills the keeper's whole process group and reaps the keeper.
fn kill_group(mut keeper: Child) {
    let _ = Command::new("kill")
        .args(["-9", "--", &format!("-{}", keeper.id())])
        .status();
    let _ = keeper.wait();
}

/// Kills process group `group` once this test process is gone, unless it
/// ended before.
fn kill_group_when_done(group: u32) {
    when_done(
        &format!("kill -0 -- -{group} 2>/dev/null",),
        &format!("kill -9 -- -{group} 2>/dev/null"),
    );
}

/// Removes `dir` once this test process is gone.
fn remove_when_done(dir: &Path) {
    when_done("true", &format!("sleep 2; rm -rf '{}'", dir.display()));
}

/// Runs the shell command `then` once this test process is gone, or as
/// soon as `while_` fails.
#[expect(
    clippy::zombie_processes,
    reason = "the watchdog must outlive this process"
)]
fn when_done(while_: &str, then: &str) {
    let script = format!(
        "while [ -d /proc/{pid} ] && {while_}; do sleep 1; done; {then}",
        pid = std::process::id(),
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a watchdog");
}
