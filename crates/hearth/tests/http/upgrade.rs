//! `hearth upgrade`: a rehearsal runs this release's migrations on a copy
//! of the live data and touches nothing live; a real upgrade (SQLite) takes
//! a proven backup first.

use hearth::config::Storage;

use crate::cli::{hearth, storage_args};
use crate::support::app::{DbGuard, execute_sql as execute, fresh_storage, query_number as number};
use crate::support::{Backend, both};

const VERSION: &str = "SELECT max(version) FROM schema_migrations";

/// A seeded store as the release before this one left it: schema version
/// 23, before `0024_cheap_unread_count` (which only changes indexes).
async fn store_of_the_release_before(backend: Backend) -> (Storage, DbGuard) {
    let (storage, guard) = fresh_storage(backend).await;
    let seeded = hearth()
        .args(["seed", "--users", "5", "--spaces", "2", "--replies", "40"])
        .args(storage_args(&storage))
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    assert_eq!(number(&storage, VERSION).await, 24, "update this fixture");
    execute(
        &storage,
        "DROP INDEX notifications_unread_cover; DROP INDEX replies_deleted;
         CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
         DELETE FROM schema_migrations WHERE version = 24;",
    )
    .await;
    (storage, guard)
}

pub(crate) fn output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn a_rehearsal_reports_the_pending_migrations_and_changes_nothing_live(backend: Backend) {
    let (storage, _guard) = store_of_the_release_before(backend).await;
    let args = storage_args(&storage);
    let live_file = |storage: &Storage| match storage {
        Storage::Sqlite(dir) => std::fs::read(dir.join("hearth.db")).ok(),
        Storage::Postgres(..) => None,
    };
    let rehearse = || {
        let out = hearth()
            .args(["upgrade", "--rehearse"])
            .args(&args)
            .output()
            .unwrap();
        (out.status.success(), output(&out))
    };
    let before = live_file(&storage);
    let (ok, text) = rehearse();
    assert!(ok, "{text}");
    assert!(
        text.contains("live schema: version 23; this release: version 24"),
        "{text}"
    );
    assert!(
        text.contains("would apply: cheap_unread_count (expand)"),
        "{text}"
    );
    assert!(
        text.contains("nodes can be upgraded one at a time"),
        "{text}"
    );
    assert!(text.contains("40 replies"), "{text}");
    assert!(text.contains("ok: the upgrade would succeed"), "{text}");
    assert_eq!(
        number(&storage, VERSION).await,
        23,
        "the live schema is as it was"
    );
    assert_eq!(
        live_file(&storage),
        before,
        "the live database is as it was"
    );
    if backend == Backend::Postgres {
        let left = number(
            &storage,
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'hearth_rehearsal_%'",
        )
        .await;
        assert_eq!(left, 0, "the rehearsal's database is dropped");
    }

    // A migration that cannot apply (an index in its way) fails the
    // rehearsal, with the live data still untouched.
    execute(&storage, "CREATE INDEX replies_deleted ON replies (id);").await;
    let (ok, text) = rehearse();
    assert!(!ok, "{text}");
    assert!(text.contains("the migrations failed on the copy"), "{text}");
    assert!(text.contains("nothing live was touched"), "{text}");
    assert_eq!(number(&storage, VERSION).await, 23);
}
both!(a_rehearsal_reports_the_pending_migrations_and_changes_nothing_live);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgrade_takes_a_proven_backup_of_the_release_before_then_migrates() {
    let (storage, _guard) = store_of_the_release_before(Backend::Sqlite).await;
    let args = storage_args(&storage);
    let out = hearth().arg("upgrade").args(&args).output().unwrap();
    let text = output(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("upgraded from version 23 to 24"), "{text}");
    assert_eq!(number(&storage, VERSION).await, 24);
    let Storage::Sqlite(dir) = &storage else {
        unreachable!()
    };
    let backups: Vec<_> = std::fs::read_dir(dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let [backup] = backups.as_slice() else {
        panic!("{backups:?}")
    };
    assert!(text.contains(backup.to_str().unwrap()), "{text}");
    assert_eq!(
        hearth_store_sqlite::schema_version(backup).unwrap(),
        23,
        "the backup is of the release before"
    );
    let live = hearth()
        .args(["verify", "--live"])
        .args(&args)
        .output()
        .unwrap();
    assert!(live.status.success(), "{}", output(&live));
    let again = hearth().arg("upgrade").args(&args).output().unwrap();
    assert!(
        output(&again).contains("nothing to do"),
        "{}",
        output(&again)
    );
}
