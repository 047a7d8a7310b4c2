//! The `hearth` binary: first start, operator commands, schema guard, shutdown.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::support::app::{PASSWORD, fresh_storage};
use crate::support::{Backend, both};
use hearth::config::Storage;
use hearth_core::ids::TopicId;
use hearth_store::{FollowTarget, Page};
use secrecy::ExposeSecret;

pub(crate) fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_DATA")
        .env_remove("HEARTH_DATABASE")
        .env("HEARTH_LOG", "info");
    c
}

pub(crate) fn storage_args(storage: &Storage) -> Vec<String> {
    match storage {
        Storage::Sqlite(dir) => vec!["--data".into(), dir.display().to_string()],
        Storage::Postgres(url, ..) => vec!["--database".into(), url.expose_secret().to_owned()],
    }
}

/// Starts `hearth serve` on a free port and waits for its "ready" log line.
pub(crate) fn start_server(args: &[String], cwd: &Path) -> (Child, String) {
    start_server_env(args, cwd, &[])
}

/// `start_server` with `HEARTH_*` variables set.
pub(crate) fn start_server_env(
    args: &[String],
    cwd: &Path,
    env: &[(&str, &str)],
) -> (Child, String) {
    let (child, base, _log) = start_server_logged(args, cwd, env);
    (child, base)
}

/// `start_server_env`, and the server's log lines after "ready" (of every
/// process that shares its standard error).
pub(crate) fn start_server_logged(
    args: &[String],
    cwd: &Path,
    env: &[(&str, &str)],
) -> (Child, String, std::sync::mpsc::Receiver<String>) {
    let mut command = hearth();
    command
        .envs(env.iter().copied())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
        .current_dir(cwd);
    until_ready(command)
}

/// Starts a command that runs `hearth serve` (with `--log-format json`) and
/// waits for its "ready" log line: the process, its address, and its log
/// lines after "ready".
pub(crate) fn until_ready(
    mut command: Command,
) -> (Child, String, std::sync::mpsc::Receiver<String>) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hearth serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("hearth exited before it was ready")
            .expect("log line");
        if line.contains("hearth is ready") {
            let v: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
            break v["fields"]["listen"]
                .as_str()
                .expect("listen field")
                .to_owned();
        }
    };
    // Keep draining the log so that the server never blocks on a full pipe.
    let (tx, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, format!("http://{addr}"), log)
}

pub(crate) fn create_admin(args: &[String], cwd: &Path) -> std::process::Output {
    let mut child = hearth()
        .args([
            "admin",
            "create-user",
            "--admin",
            "--username",
            "opal",
            "--email",
            "opal@example.org",
        ])
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run create-user");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("write password");
    child.wait_with_output().expect("create-user output")
}

async fn an_operator_creates_an_admin_who_signs_in_to_a_running_server(backend: Backend) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    let out = create_admin(&args, cwd.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = create_admin(&args, cwd.path());
    assert!(!again.status.success(), "a second opal is refused");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("taken") || stderr.contains("in use"),
        "{stderr}"
    );

    let (mut child, base) = start_server(&args, cwd.path());
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/tokens"))
        .json(&serde_json::json!({"username": "opal", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let _ = child.kill();
    let _ = child.wait();
}
both!(an_operator_creates_an_admin_who_signs_in_to_a_running_server);

async fn a_schema_newer_than_the_release_is_refused_with_a_clear_message(backend: Backend) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    let out = hearth()
        .arg("migrate")
        .args(&args)
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::support::app::execute_sql(
        &storage,
        "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')",
    )
    .await;
    for command in ["migrate", "serve"] {
        let out = hearth()
            .arg(command)
            .args(&args)
            .args(if command == "serve" {
                vec!["--listen", "127.0.0.1:0"]
            } else {
                vec![]
            })
            .current_dir(cwd.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{command} must refuse");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("version 999, newer than this release knows"),
            "{command}: {stderr}"
        );
    }
}
both!(a_schema_newer_than_the_release_is_refused_with_a_clear_message);

#[tokio::test]
async fn serve_with_no_flags_creates_its_data_directory_and_shuts_down_cleanly() {
    let cwd = tempfile::tempdir().unwrap();
    let (mut child, base) = start_server(&[], cwd.path());
    let db = cwd.path().join("hearth-data").join("hearth.db");
    assert!(db.exists(), "./hearth-data/hearth.db was created");
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "SIGTERM ends hearth with success: {exit:?}");
    assert!(
        !cwd.path()
            .join("hearth-data")
            .join("hearth.db-wal")
            .exists(),
        "the database was closed cleanly (its WAL checkpointed and removed)"
    );
}

/// Flags win over `HEARTH_*` variables, which win over the file.
#[tokio::test]
async fn settings_come_from_the_file_the_environment_and_flags() {
    let cwd = tempfile::tempdir().unwrap();
    let file = cwd.path().join("hearth.toml");
    std::fs::write(&file, "max_body_bytes = 2048\nlog = \"info\"\n").unwrap();
    let config = vec!["--config".to_owned(), file.display().to_string()];
    let big = serde_json::json!({"login": "x".repeat(4000), "password": "y"}).to_string();
    let post_big = |base: String| {
        let big = big.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/tokens"))
                .header("content-type", "application/json")
                .body(big)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for (env, flags, limited) in [
        (vec![], vec![], true),
        (vec![("HEARTH_MAX_BODY_BYTES", "100000")], vec![], false),
        (
            vec![("HEARTH_MAX_BODY_BYTES", "100000")],
            vec!["--max-body-bytes".to_owned(), "1000".to_owned()],
            true,
        ),
    ] {
        let args = [config.clone(), flags].concat();
        let (mut child, base) = start_server_env(&args, cwd.path(), &env);
        let status = post_big(base).await;
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(status == 413, limited, "{env:?} {args:?}: {status}");
    }
}

#[test]
fn a_bad_setting_is_refused_with_its_name() {
    let cwd = tempfile::tempdir().unwrap();
    for (args, named) in [
        (vec!["--log-format", "yaml", "migrate"], "--log-format"),
        (vec!["--log", "hearth=loud", "migrate"], "--log"),
    ] {
        let out = hearth()
            .args(&args)
            .current_dir(cwd.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(named), "{args:?}: {stderr}");
    }
    let file = cwd.path().join("hearth.toml");
    std::fs::write(&file, "listn = \"127.0.0.1:1\"\n").unwrap();
    let out = hearth()
        .args(["--config", file.to_str().unwrap(), "migrate"])
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listn"));
}

#[test]
fn both_engines_know_the_same_schema_version() {
    assert_eq!(
        hearth_store_sqlite::LATEST_VERSION,
        hearth_store_postgres::LATEST_VERSION
    );
}

async fn seed_fills_a_store_deterministically_with_a_50_reply_benchmark_topic(backend: Backend) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let out = hearth()
        .args([
            "seed",
            "--users",
            "30",
            "--spaces",
            "6",
            "--replies",
            "400",
            "--seed",
            "7",
        ])
        .args(storage_args(&storage))
        .current_dir(cwd.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("seeded 30 users, 6 spaces, 20 topics, 400 replies"),
        "{stderr}"
    );
    let store = hearth::storage::open(&storage).await.unwrap();
    let bench = store
        .topic(TopicId(1), None)
        .await
        .unwrap()
        .expect("the benchmark topic");
    assert_eq!(bench.topic.reply_count, 50);
    assert_eq!(bench.space.space.slug, "bench");
    assert_eq!(store.count_users().await.unwrap(), 30);
    // /t/2 takes the benchmark's writes: by another member, followed by all.
    let writes = store.topic(TopicId(2), None).await.unwrap().expect("/t/2");
    assert_eq!(writes.topic.title.as_str(), "Benchmark writes");
    assert_ne!(writes.topic.author.username.as_str(), "bench");
    let users = store.list_users(Page::first(100)).await.unwrap();
    let last = users.last().unwrap().id;
    let follow = store.follows(last, FollowTarget::Topic(TopicId(2))).await;
    assert!(follow.unwrap().following);
}
both!(seed_fills_a_store_deterministically_with_a_50_reply_benchmark_topic);

async fn verify_passes_on_a_consistent_store_and_names_what_is_broken(backend: Backend) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    let out = hearth()
        .args(["seed", "--users", "12", "--spaces", "3", "--replies", "120"])
        .args(&args)
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = hearth()
        .args(["verify", "--live"])
        .args(&args)
        .current_dir(cwd.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("ok:"), "{stdout}");

    // Break a count and a blob behind Hearth's back.
    let breakage = "UPDATE topics SET reply_count = reply_count + 1 WHERE id = 1";
    crate::support::app::execute_sql(&storage, breakage).await;
    let out = hearth()
        .args(["verify", "--live"])
        .args(&args)
        .current_dir(cwd.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains("reply counts: topic 1: reply_count 51 but 50 replies"),
        "{stdout}"
    );
}
both!(verify_passes_on_a_consistent_store_and_names_what_is_broken);

#[test]
fn the_write_benchmark_reports_both_modes() {
    let out = hearth()
        .args(["bench-writes", "--replies", "60", "--concurrency", "8"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for row in ["group commit", "one per write", "ratio"] {
        assert!(stdout.contains(row), "{stdout}");
    }
}

/// Runs `hearth` as a newcomer would: no `HEARTH_LOG`, so at its default.
fn quiet(args: &[&str], storage: &[String], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_DATA")
        .env_remove("HEARTH_DATABASE")
        .env_remove("HEARTH_LOG")
        .args(args)
        .args(storage)
        .current_dir(cwd)
        .output()
        .unwrap()
}

async fn backup_export_and_verify_end_with_one_line_and_no_bare_os_error(backend: Backend) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    let seeded = quiet(
        &["seed", "--users", "6", "--spaces", "2", "--replies", "60"],
        &args,
        cwd.path(),
    );
    assert!(seeded.status.success());
    let dir = cwd.path().join("backups");
    let dir_arg = dir.to_str().unwrap();

    let out = quiet(&["backup", dir_arg], &args, cwd.path());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr, "", "no log lines unless --log asks");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("ok: backed up ") && last.contains(dir_arg),
        "{stdout}"
    );
    let name = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .into_string()
        .unwrap();
    let stamp = name
        .strip_prefix("hearth-")
        .and_then(|n| {
            let kind = if backend == Backend::Sqlite {
                "db"
            } else {
                "export"
            };
            n.strip_suffix(&format!("Z.{kind}"))
        })
        .unwrap_or_else(|| panic!("{name}"));
    assert!(
        time::PrimitiveDateTime::parse(
            stamp,
            time::macros::format_description!(
                "[year]-[month]-[day]T[hour][minute][second].[subsecond digits:3]"
            )
        )
        .is_ok(),
        "named by a readable UTC time: {name}"
    );
    assert!(last.contains(&name), "{last}");

    // The directory a backup went to verifies: its newest backup.
    let out = quiet(&["verify", dir_arg], &[], cwd.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("ok: verified ") && last.contains(&name),
        "{stdout}"
    );

    let export = cwd.path().join("all.export");
    let out = quiet(&["export", export.to_str().unwrap()], &args, cwd.path());
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("ok: exported ") && last.ends_with("all.export"),
        "{stdout}"
    );

    // Failing verifications say what is wrong in words.
    let empty = cwd.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let not_export = cwd.path().join("notes.txt");
    std::fs::write(&not_export, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    for (target, says) in [
        (cwd.path().join("missing.export"), "does not exist"),
        (empty, "holds no backups"),
        (not_export, "is not a Hearth export"),
    ] {
        let out = quiet(&["verify", target.to_str().unwrap()], &[], cwd.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
}
both!(backup_export_and_verify_end_with_one_line_and_no_bare_os_error);
