//! Read-only instead of an error page: in maintenance, or when the database
//! refuses writes, every page still renders with a banner, writes get a
//! retryable 503, nothing is half-written, and writing resumes by itself.

use serde_json::json;

use crate::support::{Backend, both, spawn_app};

async fn maintenance_pauses_writes_but_not_reading(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    app.create_user("mia", false).await;
    let mia_api = app.api(&app.token("mia").await);
    mia_api
        .post("/api/v1/spaces", json!({"slug": "calm", "name": "Calm"}))
        .await;
    let (_, t) = mia_api
        .post(
            "/api/v1/spaces/calm/topics",
            json!({"title": "Quiet", "body": "b"}),
        )
        .await;
    let tid = t["id"].as_str().unwrap().to_owned();
    let url = t["url"].as_str().unwrap().to_owned();
    let mia = app.signed_in("mia").await;
    let admin = app.signed_in("boss").await;
    let pause = |on: bool| {
        let mut fields = vec![("site_name", "Hearth"), ("registration", "invite_only")];
        if on {
            fields.push(("read_only", "on"));
        }
        fields
    };
    assert_eq!(
        admin
            .submit("/admin", "/admin/settings", &pause(true))
            .await
            .status(),
        303
    );

    let (status, page) = mia.page(&url).await;
    assert_eq!(status, 200);
    assert!(page.contains("Writing is paused"), "a banner says so");
    let resp = mia
        .submit(
            &url,
            &format!("/t/{tid}/replies"),
            &[("body", "my careful words")],
        )
        .await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
    assert!(resp.text().await.unwrap().contains("not lost"));
    let (status, body) = mia_api
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "x"}),
        )
        .await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "unavailable");
    assert_eq!(
        app.signed_in("boss").await.get("/account").await.status(),
        200,
        "signing in still works"
    );
    let (_, now) = mia_api.get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(now["reply_count"], 0, "nothing was written");

    assert_eq!(
        admin
            .submit("/admin", "/admin/settings", &pause(false))
            .await
            .status(),
        303
    );
    let (status, _) = mia_api
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "again"}),
        )
        .await;
    assert_eq!(status, 201, "writing resumed");
    let (_, page) = mia.page(&url).await;
    assert!(!page.contains("Writing is paused"));
}
both!(maintenance_pauses_writes_but_not_reading);

/// A PostgreSQL database that turns read-only (as a replica does after a lost
/// primary) keeps the site readable and resumes writing when it recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_refuses_writes_leaves_the_site_readable() {
    let app = spawn_app(Backend::Postgres).await;
    app.create_user("ned", false).await;
    let api = app.api(&app.token("ned").await);
    api.post("/api/v1/spaces", json!({"slug": "ro", "name": "Ro"}))
        .await;
    let (_, t) = api
        .post(
            "/api/v1/spaces/ro/topics",
            json!({"title": "Still here", "body": "b"}),
        )
        .await;
    let tid = t["id"].as_str().unwrap().to_owned();
    let b = app.signed_in("ned").await;

    let (url, db) = app.postgres_admin_url();
    let (admin, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let flip = |on: bool| {
        format!(
            "ALTER DATABASE {db} SET default_transaction_read_only = {on};
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid();"
        )
    };
    admin.batch_execute(&flip(true)).await.unwrap();

    let mut status = 0;
    for _ in 0..3 {
        // The pool replaces the connections that were cut.
        let (s, _) = api
            .post(
                &format!("/api/v1/topics/{tid}/replies"),
                json!({"body": "lost?"}),
            )
            .await;
        status = s;
        if s == 503 {
            break;
        }
    }
    assert_eq!(status, 503, "writes are refused with a retryable error");
    let (page_status, page) = b.page(t["url"].as_str().unwrap()).await;
    assert_eq!(page_status, 200, "reading goes on");
    assert!(
        page.contains("Still here") && page.contains("Writing is paused"),
        "{page}"
    );

    admin.batch_execute(&flip(false)).await.unwrap();
    let mut status = 0;
    for _ in 0..3 {
        let (s, _) = api
            .post(
                &format!("/api/v1/topics/{tid}/replies"),
                json!({"body": "back"}),
            )
            .await;
        status = s;
        if s == 201 {
            break;
        }
    }
    assert_eq!(status, 201, "writing resumes by itself");
    let (_, now) = api.get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(now["reply_count"], 1, "only the accepted write is there");
    let (_, page) = b.page(t["url"].as_str().unwrap()).await;
    assert!(!page.contains("Writing is paused"));
}

/// A small tmpfs, unmounted at the end. Mounting needs root, which the
/// test command has where it installs packages; elsewhere the tests that
/// need one fail loudly rather than skip.
pub(crate) struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    pub(crate) fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            mounted,
            "mounting a small tmpfs failed: this test needs root (run the test command as root)"
        );
        Self(dir)
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

/// SQLite on a full disk (a 3 MB tmpfs): writes are refused with a
/// retryable 503, pages still render with a banner, nothing is
/// half-written, and writing resumes by itself once there is room again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_pauses_writing_and_loses_nothing() {
    let mount = SmallDisk::mount("3m");
    let data = mount.path().join("data");
    let storage = hearth::config::Storage::Sqlite(data.clone());
    let cwd = tempfile::tempdir().unwrap();
    let args = crate::cli::storage_args(&storage);
    assert!(crate::cli::create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = crate::cli::start_server(&args, cwd.path());
    let client = reqwest::Client::new();
    let (token, topic_id) = crate::crash::prepare(&client, &base).await;
    let url = format!("{base}/api/v1/topics/{topic_id}/replies");
    let big = "x".repeat(60_000);
    let mut acked = 0;
    let mut refused = None;
    for i in 0..200 {
        let resp = client
            .post(&url)
            .bearer_auth(&token)
            .header("idempotency-key", format!("fill-{i}"))
            .json(&json!({"body": format!("{i} {big}")}))
            .send()
            .await
            .unwrap();
        match resp.status().as_u16() {
            201 => acked += 1,
            503 => {
                assert!(resp.headers().contains_key("retry-after"));
                refused = Some(i);
                break;
            }
            other => panic!("unexpected {other}: {}", resp.text().await.unwrap()),
        }
    }
    let refused = refused.expect("the disk never filled");
    assert!(acked > 0);
    let page = client
        .get(format!("{base}/t/{topic_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "pages still render");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Under fire") && html.contains("Writing is paused"),
        "with a banner"
    );
    let read = client
        .get(format!("{base}/api/v1/topics/{topic_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200, "reading goes on while the disk is full");
    let status_page = client
        .get(format!("{base}/status"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        status_page.contains("Writing is paused"),
        "the banner says so"
    );

    // Make room: writing resumes by itself, and the refused write, retried
    // with its key, is written once.
    let grown = std::process::Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(mount.path())
        .status()
        .unwrap();
    assert!(grown.success());
    let resp = client
        .post(&url)
        .bearer_auth(&token)
        .header("idempotency-key", format!("fill-{refused}"))
        .json(&json!({"body": format!("{refused} {big}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "writing resumed");
    let _ = server.kill();
    let _ = server.wait();
    let store = hearth::storage::open(&storage).await.unwrap();
    assert_eq!(
        store.verify().await.unwrap(),
        Vec::<String>::new(),
        "nothing half-written"
    );
    let replies = store
        .replies(topic_id.parse().unwrap(), 0, 1000, None)
        .await
        .unwrap();
    assert_eq!(
        replies.len(),
        acked + 1,
        "every acknowledged reply and the retried one, once each"
    );
}

/// With `--database-replica`, losing the PostgreSQL primary pauses writing
/// instead of taking the site down: pages render from the replica with the
/// banner, writes get a retryable 503, and writing resumes by itself when
/// the primary is back, with nothing lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replica_serves_reads_while_the_primary_is_down() {
    use crate::cli::{create_admin, start_server, storage_args};
    use crate::support::postgres::Cluster;

    let primary = Cluster::dedicated_durable("primary");
    let url = primary.create_database("hearth").await;
    let replica = Cluster::replica_of(&primary, "replica");
    let storage = hearth::config::Storage::Postgres(
        secrecy::SecretString::from(url),
        4,
        Some(secrecy::SecretString::from(replica.url("hearth"))),
    );
    let cwd = tempfile::tempdir().unwrap();
    let mut args = storage_args(&storage);
    args.extend(["--database-replica".into(), replica.url("hearth")]);
    assert!(create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = start_server(&args, cwd.path());
    let thread = crate::crash::Thread::prepare(&base).await;
    let topic = &thread.topic;
    let reply = |body: &'static str| thread.reply(body);
    assert_eq!(reply("before the outage").await.unwrap().status(), 201);
    let browser = crate::support::Browser::new(&base);
    assert_eq!(
        browser
            .sign_in("opal", crate::support::app::PASSWORD)
            .await
            .status(),
        303
    );

    replica
        .wait_for_count("hearth", "SELECT count(*) FROM replies", 1)
        .await;

    primary.kill9();
    let (status, page) = browser.page(&format!("/t/{topic}/under-fire")).await;
    assert_eq!(
        status, 200,
        "the topic page did not render from the replica"
    );
    assert!(
        page.contains("before the outage"),
        "the page lost its reply"
    );
    assert!(
        page.contains("Writing is paused"),
        "no banner while the primary is down"
    );
    let refused = reply("during the outage").await.unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let (status, spaces) = browser.page("/spaces").await;
    assert_eq!(status, 200);
    assert!(spaces.contains("Writing is paused"));

    primary.restart();
    until_written(|| reply("after the outage")).await;
    let (_, page) = browser.page(&format!("/t/{topic}/under-fire")).await;
    assert!(
        !page.contains("Writing is paused"),
        "the banner stayed after recovery"
    );
    assert!(page.contains("before the outage") && page.contains("after the outage"));
    assert!(
        !page.contains("during the outage"),
        "a refused write was half-written"
    );
    let _ = server.kill();
    let _ = server.wait();
}

/// A disk that fills during a backup, an import or a restore: each fails
/// with a clear error, leaves nothing half-written behind, and the live
/// data and the export file are untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disk_that_fills_during_backup_or_import_leaves_everything_as_it_was() {
    use crate::cli::{create_admin, hearth, start_server, storage_args};

    let live = tempfile::tempdir().unwrap();
    let storage = hearth::config::Storage::Sqlite(live.path().to_owned());
    let args = storage_args(&storage);
    let cwd = tempfile::tempdir().unwrap();
    assert!(create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = start_server(&args, cwd.path());
    let client = reqwest::Client::new();
    let (token, topic) = crate::crash::prepare(&client, &base).await;
    let big = "y".repeat(60_000);
    for i in 0..40 {
        let resp = client
            .post(format!("{base}/api/v1/topics/{topic}/replies"))
            .bearer_auth(&token)
            .json(&json!({"body": format!("{i} {big}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
    }
    let _ = server.kill();
    let _ = server.wait();
    let export = cwd.path().join("all.export");
    let exported = hearth()
        .arg("export")
        .arg(&export)
        .args(&args)
        .output()
        .unwrap();
    assert!(exported.status.success());
    let export_bytes = std::fs::read(&export).unwrap();
    assert!(
        export_bytes.len() > 2_000_000,
        "the export must not fit the small disk"
    );

    let disk = SmallDisk::mount("1m");
    let backups = disk.path().join("backups");
    let out = hearth()
        .arg("backup")
        .arg(&backups)
        .args(&args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a backup onto a full disk succeeded");
    assert!(stderr.contains("disk is full"), "unclear error: {stderr}");
    let left: Vec<_> = std::fs::read_dir(&backups)
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "the failed backup left files: {left:?}");

    for command in ["import", "restore"] {
        let target = disk.path().join(command);
        let out = hearth()
            .arg(command)
            .arg(&export)
            .arg("--data")
            .arg(&target)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{command} onto a full disk succeeded"
        );
        assert!(
            stderr.contains("full") || stderr.contains("No space left"),
            "unclear {command} error: {stderr}"
        );
        let left: Vec<_> = std::fs::read_dir(&target).unwrap().collect();
        assert!(left.is_empty(), "the failed {command} left files: {left:?}");
    }

    // Nothing lost: the live store verifies, the export is as it was, and it
    // loads where there is room.
    let verified = hearth()
        .args(["verify", "--live"])
        .args(&args)
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    assert_eq!(std::fs::read(&export).unwrap(), export_bytes);
    let roomy = tempfile::tempdir().unwrap();
    let loaded = hearth()
        .arg("import")
        .arg(&export)
        .arg("--data")
        .arg(roomy.path())
        .output()
        .unwrap();
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
}

/// Sends `write` until it is accepted (201): meanwhile every answer must be
/// a retryable 503, and writing must resume within 30 seconds.
pub(crate) async fn until_written<F, Fut>(write: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let status = write().await.unwrap().status();
        if status == 201 {
            return;
        }
        assert_eq!(
            status, 503,
            "a write while the database recovers must be a retryable 503"
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "writing did not resume"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
