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
    assert!(text.contains("proven by restoring it"), "{text}");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let verified = ok(&hearth().arg("verify").arg(&file).output().unwrap());
    assert!(verified.contains("replies\t150\t"), "{verified}");

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
    let exports = || {
        std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "export"))
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
        let metrics = reqwest::get(format!("{base}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let stamp = metrics
            .lines()
            .find(|l| l.starts_with("hearth_backup_last_verified_restore_timestamp_seconds "))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        if first == 0 {
            first = stamp;
        } else if stamp >= first + 3 && exports() == 2 {
            proven = true;
            break;
        }
        assert!(
            exports() <= 3,
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
            page.contains("Last backup proven by restoring it just now."),
            "{page}"
        );
        assert!(
            page.contains("live database just now: consistent."),
            "{page}"
        );
    }
}
both!(every_node_tells_the_last_backup_and_check_from_the_database);
