//! One throwaway PostgreSQL cluster per test run, started on first use on a
//! free loopback port, and a fresh database per test.
//!
//! initdb and postgres refuse to run as root, so as root the cluster runs as
//! the `postgres` user. A watchdog stops the cluster and removes its files
//! when the test process exits, however it exits.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    as_postgres: bool,
    dir: PathBuf,
    options: String,
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A loopback port that nothing listens on now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("find a free port")
        .port()
}

/// The directory of initdb/pg_ctl: `HEARTH_TEST_PG_BIN`, `pg_config --bindir`,
/// or the newest `/usr/lib/postgresql/*/bin`.
pub(crate) fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("HEARTH_TEST_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    candidates.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(dir) = candidates
        .into_iter()
        .rev()
        .find(|d| d.join("initdb").exists())
    {
        return dir;
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    panic!(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the postgresql package \
         (the README's test command does) or set HEARTH_TEST_PG_BIN"
    );
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn start() -> Cluster {
        Self::start_in("shared", false)
    }

    /// A cluster of its own that writes to disk like production (fsync on),
    /// for tests that kill it.
    pub fn dedicated_durable(name: &str) -> Cluster {
        Self::start_in(name, true)
    }

    fn start_in(name: &str, durable: bool) -> Cluster {
        let cluster = Self::prepare(name, durable);
        let data = cluster.dir.join("data");
        let out = cluster
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.pg_start();
        cluster.watch(&cluster.dir, &data);
        cluster
    }

    /// A directory and a port for a cluster, not yet initialised.
    fn prepare(name: &str, durable: bool) -> Cluster {
        let bin = bin_dir();
        let as_postgres = is_root();
        let dir = std::env::temp_dir().join(format!("hearth-pg-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the cluster directory");
        if as_postgres {
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("run chown");
            assert!(ok.success(), "chown of {} failed", dir.display());
        }
        let port = free_port();
        let speed = if durable {
            ""
        } else {
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        };
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 {speed} -c max_connections=400 -c shared_buffers=64MB",
            dir.display()
        );
        Cluster {
            port,
            bin,
            as_postgres,
            dir,
            options,
        }
    }

    /// A streaming hot-standby replica of `primary`, on a port of its own.
    pub fn replica_of(primary: &Cluster, name: &str) -> Cluster {
        let cluster = Self::prepare(name, true);
        let data = cluster.dir.join("data");
        let out = cluster
            .command("pg_basebackup")
            .arg("-D")
            .arg(&data)
            .args(["-h", "127.0.0.1", "-p", &primary.port.to_string()])
            .args([
                "-U",
                "postgres",
                "-R",
                "-X",
                "stream",
                "--no-sync",
                "--checkpoint=fast",
            ])
            .output()
            .expect("run pg_basebackup");
        assert!(
            out.status.success(),
            "pg_basebackup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.pg_start();
        cluster.watch(&cluster.dir, &data);
        cluster
    }

    fn pg_start(&self) {
        let status = self
            .command("pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-w", "-s", "-o", &self.options, "-l"])
            .arg(self.dir.join("postgres.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run pg_ctl start");
        assert!(
            status.success(),
            "pg_ctl start failed; see {}",
            self.dir.join("postgres.log").display()
        );
    }

    /// Kills the postmaster with SIGKILL, as a crash would, and waits until
    /// it is really gone.
    pub fn kill9(&self) {
        let pid_file = std::fs::read_to_string(self.dir.join("data").join("postmaster.pid"))
            .expect("postmaster.pid");
        let pid = pid_file.lines().next().expect("pid").trim().to_owned();
        let _ = Command::new("kill").args(["-9", &pid]).status();
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while proc_dir.exists() && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert!(!proc_dir.exists(), "the postmaster did not die");
    }

    /// Turns this replica into a primary that takes writes, and waits until it does.
    pub fn promote(&self) {
        let status = self
            .command("pg_ctl")
            .arg("promote")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-w", "-s"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run pg_ctl promote");
        assert!(status.success(), "pg_ctl promote failed");
    }

    /// Waits until `count_sql` answers `n` in database `db`: a replica has
    /// replayed what its primary wrote.
    pub async fn wait_for_count(&self, db: &str, count_sql: &str, n: i64) {
        let (client, conn) = tokio_postgres::connect(&self.url(db), tokio_postgres::NoTls)
            .await
            .expect("connect to the cluster");
        tokio::spawn(conn);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let found: i64 = client
                .query_one(count_sql, &[])
                .await
                .expect("count")
                .get(0);
            if found == n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{count_sql} stayed {found}, not {n}"
            );
            tokio::task::yield_now().await;
        }
    }

    /// Starts the cluster again after a kill: PostgreSQL recovers from its WAL.
    pub fn restart(&self) {
        self.pg_start();
    }

    /// Creates a database and returns its URL.
    pub async fn create_database(&self, name: &str) -> String {
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .expect("connect to the cluster");
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        self.url(name)
    }

    /// Stops the cluster and removes its files once this process is gone.
    #[expect(
        clippy::zombie_processes,
        reason = "the watchdog must outlive this process"
    )]
    fn watch(&self, dir: &Path, data: &Path) {
        let script = format!(
            "while [ -d /proc/{pid} ]; do sleep 1; done; '{pg_ctl}' stop -D '{data}' -m immediate -s; rm -rf '{dir}'",
            pid = std::process::id(),
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = data.display(),
            dir = dir.display(),
        );
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "sh", "-c", &script]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the cluster's watchdog");
    }

    /// A URL for database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

/// The run's cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

/// A database of its own for one test; dropped with the guard.
pub struct TestDatabase {
    pub url: String,
    name: String,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let cluster = cluster();
        let name = format!("hearth_test_{}", NEXT.fetch_add(1, Ordering::SeqCst));
        let (client, conn) =
            tokio_postgres::connect(&cluster.url("postgres"), tokio_postgres::NoTls)
                .await
                .expect("connect to the test cluster");
        tokio::spawn(conn);
        // A language's collation, as production databases usually have, so
        // that nothing Hearth promises depends on byte order by accident.
        client
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
                 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
            ))
            .await
            .expect("create the test database");
        TestDatabase {
            url: cluster.url(&name),
            name,
        }
    }
}

impl TestDatabase {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let url = cluster().url("postgres");
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime; do the async work on a thread of its own.
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
                tokio::spawn(conn);
                client.batch_execute(&sql).await
            })
            .map_err(std::io::Error::other)
        })
        .join();
        if !matches!(done, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}
