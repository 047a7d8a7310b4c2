//! Backups: written while serving, proven by restoring them, restored on
//! demand; scheduled ones are pruned and show up in metrics and status.

use std::time::Duration;

use crate::cli::{hearth, start_server, storage_args};
use crate::support::app::{Backend, fresh_storage};
use crate::support::both;
use crate::support::spawn_app;

fn ok(out: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

async fn a_backup_is_proven_and_restores_what_was_there(backend: Backend) {
    let cwd = tempfile::tempdir().unwrap();
    let (source, _g1) = fresh_storage(backend).await;
    let args = storage_args(&source);
    ok(&hearth()
        .args(["seed", "--users", "12", "--spaces", "3", "--replies", "150"])
        .args(&args)
        .output()
        .unwrap());
    let dir = cwd.path().join("backups");
    let text = ok(&hearth()
        .arg("backup")
        .arg(&dir)
        .args(&args)
        .output()
        .unwrap());
    let how = match backend {
        // A page-level copy is restored by copying it back: opening and
        // checking it is what proves it.
        Backend::Sqlite => "proven by opening and checking it",
        Backend::Postgres => "proven by restoring it",
    };
    assert!(text.contains(how), "{text}");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let verified = ok(&hearth().arg("verify").arg(&file).output().unwrap());
    assert!(verified.contains("replies\t150"), "{verified}");

    // Restore into an empty SQLite store; refuse a second time; --force replaces.
    let (target, _g2) = fresh_storage(Backend::Sqlite).await;
    let targs = storage_args(&target);
    let restored = ok(&hearth()
        .arg("restore")
        .arg(&file)
        .args(&targs)
        .output()
        .unwrap());
    let again = hearth()
        .arg("restore")
        .arg(&file)
        .args(&targs)
        .output()
        .unwrap();
    assert!(!again.status.success(), "a non-empty target is refused");
    let forced = ok(&hearth()
        .arg("restore")
        .arg(&file)
        .arg("--force")
        .args(&targs)
        .output()
        .unwrap());
    let table_lines = |t: &str| {
        t.lines()
            .filter(|l| l.contains('\t'))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(table_lines(&restored), table_lines(&verified));
    assert_eq!(table_lines(&forced), table_lines(&verified));
}
both!(a_backup_is_proven_and_restores_what_was_there);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_are_proven_pruned_and_reported() {
    let cwd = tempfile::tempdir().unwrap();
    let (storage, _guard) = fresh_storage(Backend::Sqlite).await;
    let dir = cwd.path().join("b");
    let mut args = storage_args(&storage);
    args.extend([
        "--backup-every".into(),
        "1s".into(),
        "--backup-keep".into(),
        "2".into(),
        "--backup-dir".into(),
        dir.display().to_string(),
    ]);
    let (mut child, base) = start_server(&args, cwd.path());
    let backups = || {
        std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "db"))
                    .count()
            })
            .unwrap_or(0)
    };
    // Wait for a proven backup, then for three more rounds, and see the
    // directory pruned back to two between rounds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut first = 0;
    let mut proven = false;
    while tokio::time::Instant::now() < deadline {
        let metrics = crate::support::app::metrics_of(&base).await;
        let stamp = metrics
            .lines()
            .find(|l| l.starts_with("hearth_backup_last_verified_restore_timestamp_seconds "))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        if first == 0 {
            first = stamp;
        } else if stamp >= first + 3 && backups() == 2 {
            proven = true;
            break;
        }
        assert!(
            backups() <= 3,
            "backups beyond the kept two plus one being written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(proven, "no pruned, verified backups within 30 s");
}

/// A round of scheduled backups on one node: every node's status page
/// tells it, from the database.
async fn every_node_tells_the_last_backup_and_check_from_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, status) = app.signed_in("ann").await.page("/status").await;
    assert!(
        status.contains("Scheduled backups are not enabled on this server."),
        "{status}"
    );
    let plan = hearth_app::backups::BackupPlan {
        dir: dir.path().to_owned(),
        every: Duration::from_secs(86_400),
        keep: 2,
    };
    app.ctx.backups.planned(plan.clone());
    hearth::backup::round(&app.ctx, &plan).await;

    let ann = app.signed_in("ann").await;
    let here = ann.page("/status").await.1;
    assert!(here.contains("Backups are taken every 1 day"), "{here}");
    // The session is in the database: the other node knows it too.
    let other = app.second_node().await;
    let there = ann
        .client
        .get(format!("{}/status", other.base))
        .send()
        .await;
    let there = there.unwrap().text().await.unwrap();
    assert!(
        there.contains("Backups are taken by another server"),
        "{there}"
    );
    for page in [&here, &there] {
        assert!(page.contains("Last backup just now."), "{page}");
        assert!(
            page.contains("Last backup verified as restorable just now."),
            "{page}"
        );
        assert!(
            page.contains("live database just now: consistent."),
            "{page}"
        );
    }
}
both!(every_node_tells_the_last_backup_and_check_from_the_database);

/// The files a `hearth backup` run wrote into `dir`, oldest first.
fn backup_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// `verify DIR --all` checks every backup, names the broken one and fails;
/// checking changes nothing in the files it reads.
async fn verify_all_checks_every_backup_and_names_the_broken_one(backend: Backend) {
    let cwd = tempfile::tempdir().unwrap();
    let (source, _guard) = fresh_storage(backend).await;
    let args = storage_args(&source);
    ok(&hearth()
        .args(["seed", "--users", "5", "--spaces", "2", "--replies", "40"])
        .args(&args)
        .output()
        .unwrap());
    let dir = cwd.path().join("backups");
    for _ in 0..2 {
        ok(&hearth()
            .arg("backup")
            .arg(&dir)
            .args(&args)
            .output()
            .unwrap());
    }
    let files = backup_files(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    let (older, newer) = (&files[0], &files[1]);

    let before = std::fs::read(newer).unwrap();
    let all = ok(&hearth()
        .arg("verify")
        .arg(&dir)
        .arg("--all")
        .output()
        .unwrap());
    assert_eq!(all.matches("ok: verified ").count(), 2, "{all}");
    assert!(all.contains("ok: all 2 backups in"), "{all}");
    assert_eq!(
        std::fs::read(newer).unwrap(),
        before,
        "verifying a backup changed it"
    );

    // Half of the older one is lost.
    let bytes = std::fs::read(older).unwrap();
    std::fs::write(older, &bytes[..bytes.len() / 2]).unwrap();
    let newest = ok(&hearth().arg("verify").arg(&dir).output().unwrap());
    assert!(newest.contains(newer.to_str().unwrap()), "{newest}");
    let out = hearth()
        .arg("verify")
        .arg(&dir)
        .arg("--all")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!out.status.success(), "a broken backup passed: {stdout}");
    assert!(stderr.contains(older.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("1 of 2 backups"), "{stderr}");
    assert!(stdout.contains(newer.to_str().unwrap()), "{stdout}");

    let out = hearth()
        .arg("verify")
        .arg(newer)
        .arg("--all")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("name the directory"),
        "{out:?}"
    );
}
both!(verify_all_checks_every_backup_and_names_the_broken_one);

/// A SQLite backup is a page-level copy taken while replies are written:
/// it holds a consistent state between the replies before and after it,
/// restores into SQLite by copying it back, and into PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_taken_under_writes_restores_into_either_engine() {
    use crate::crash::Thread;

    let cwd = tempfile::tempdir().unwrap();
    let (source, _g1) = fresh_storage(Backend::Sqlite).await;
    let args = storage_args(&source);
    assert!(crate::cli::create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = start_server(&args, cwd.path());
    let thread = Thread::prepare(&base).await;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
    let writing = Arc::new(AtomicBool::new(true));
    let acknowledged = Arc::new(AtomicI64::new(0));
    let writer = {
        let (writing, acknowledged) = (Arc::clone(&writing), Arc::clone(&acknowledged));
        tokio::spawn(async move {
            while writing.load(Ordering::Relaxed) {
                let n = acknowledged.load(Ordering::Relaxed);
                let resp = thread.reply(&format!("reply {n}")).await.unwrap();
                assert_eq!(resp.status(), 201);
                acknowledged.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // The copy starts once writes are under way.
    while acknowledged.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let dir = cwd.path().join("backups");
    let text = ok(&tokio::task::spawn_blocking({
        let (dir, args) = (dir.clone(), args.clone());
        move || {
            hearth()
                .arg("backup")
                .arg(&dir)
                .args(&args)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap());
    writing.store(false, Ordering::Relaxed);
    writer.await.unwrap();
    let acknowledged = acknowledged.load(Ordering::Relaxed);
    let _ = server.kill();
    let _ = server.wait();
    assert!(text.contains("proven by opening and checking it"), "{text}");
    let [file] = backup_files(&dir).try_into().unwrap();
    assert!(file.to_str().unwrap().ends_with(".db"), "{file:?}");

    let verified = ok(&hearth().arg("verify").arg(&file).output().unwrap());
    let replies: i64 = verified
        .lines()
        .find_map(|l| l.strip_prefix("replies\t"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{verified}"));
    assert!(
        replies >= 20 && replies <= acknowledged,
        "{replies} replies in the backup, {acknowledged} acknowledged"
    );

    for target in [Backend::Sqlite, Backend::Postgres] {
        let (storage, _g) = fresh_storage(target).await;
        let restored = ok(&hearth()
            .arg("restore")
            .arg(&file)
            .args(storage_args(&storage))
            .output()
            .unwrap());
        let line = format!("replies\t{replies}");
        assert!(
            restored
                .lines()
                .any(|l| l == line || l.starts_with(&format!("{line}\t"))),
            "{target:?}: {restored}"
        );
        let live = ok(&hearth()
            .args(["verify", "--live"])
            .args(storage_args(&storage))
            .output()
            .unwrap());
        assert!(live.contains("whole and consistent"), "{target:?}: {live}");
    }
}
