//! `hearth upgrade`: a rehearsal runs this release's migrations on a copy
//! of the live data and touches nothing live; a real upgrade (SQLite) takes
//! a proven backup first.

use std::path::Path;

use hearth::config::Storage;

use crate::cli::{create_admin, hearth, start_server, storage_args};
use crate::crash::Thread;
use hearth_store_sql::{LATEST_VERSION, MIGRATIONS};

use crate::support::app::{DbGuard, execute_sql as execute, query_number as number};
use crate::support::{Backend, both};
use crate::upgrade_chain::store_at;

const VERSION: &str = "SELECT max(version) FROM schema_migrations";

/// The store as the release before this one left it, with its data.
async fn store_of_the_release_before(backend: Backend) -> (Storage, DbGuard) {
    store_at(backend, LATEST_VERSION - 1).await
}

/// Puts something in the newest migration's way, so that it fails.
async fn block_the_newest_migration(storage: &Storage) {
    assert_eq!(
        MIGRATIONS.last().unwrap().name(),
        "data_migrations",
        "put something in the newest migration's way"
    );
    execute(storage, "CREATE TABLE data_migrations (name TEXT);").await;
}

/// Takes away what [`block_the_newest_migration`] put in its way.
async fn unblock_the_newest_migration(storage: &Storage) {
    execute(storage, "DROP TABLE data_migrations;").await;
}

/// Runs `hearth WORDS… ARGS…` in `cwd`: whether it succeeded, and what it
/// printed.
pub(crate) fn run(words: &[&str], args: &[String], cwd: &Path) -> (bool, String) {
    let out = hearth()
        .args(words)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

async fn a_rehearsal_reports_the_pending_migrations_and_changes_nothing_live(backend: Backend) {
    let (storage, _guard) = store_of_the_release_before(backend).await;
    let args = storage_args(&storage);
    let live_file = |storage: &Storage| match storage {
        Storage::Sqlite(dir) => std::fs::read(dir.join("hearth.db")).ok(),
        Storage::Postgres(..) => None,
    };
    let cwd = tempfile::tempdir().unwrap();
    let rehearse = || run(&["upgrade", "--rehearse"], &args, cwd.path());
    let live_before = live_file(&storage);
    let (ok, text) = rehearse();
    assert!(ok, "{text}");
    eprintln!("the rehearsal's report:\n{text}");
    assert!(
        text.contains("then online, while the site serves: Building the search index"),
        "the data migration the upgrade asks for, tried on the copy: {text}"
    );
    let before = LATEST_VERSION - 1;
    assert!(
        text.contains(&format!(
            "live schema: version {before}; this release: version {LATEST_VERSION}"
        )),
        "{text}"
    );
    let newest = MIGRATIONS.last().unwrap();
    assert!(
        text.contains(&format!(
            "would apply: {} ({})",
            newest.name(),
            newest.kind.as_str()
        )),
        "{text}"
    );
    assert!(
        text.contains("nodes can be upgraded one at a time"),
        "{text}"
    );
    assert!(text.contains("3 replies"), "{text}");
    assert!(text.contains("ok: the upgrade would succeed"), "{text}");
    assert_eq!(
        number(&storage, VERSION).await,
        before,
        "the live schema is as it was"
    );
    assert_eq!(
        live_file(&storage),
        live_before,
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

    // A migration that cannot apply (a column in its way) fails the
    // rehearsal, with the live data still untouched.
    block_the_newest_migration(&storage).await;
    let (ok, text) = rehearse();
    assert!(!ok, "{text}");
    assert!(text.contains("the migrations failed on the copy"), "{text}");
    assert!(text.contains("nothing live was touched"), "{text}");
    assert_eq!(number(&storage, VERSION).await, before);
}
both!(a_rehearsal_reports_the_pending_migrations_and_changes_nothing_live);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgrade_takes_a_proven_backup_of_the_release_before_then_migrates() {
    let (storage, _guard) = store_of_the_release_before(Backend::Sqlite).await;
    let args = storage_args(&storage);
    let cwd = tempfile::tempdir().unwrap();
    let (ok, text) = run(&["upgrade"], &args, cwd.path());
    assert!(ok, "{text}");
    let before = LATEST_VERSION - 1;
    assert!(
        text.contains(&format!(
            "upgraded from version {before} to {LATEST_VERSION}"
        )),
        "{text}"
    );
    assert_eq!(number(&storage, VERSION).await, LATEST_VERSION);
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
        before,
        "the backup is of the release before"
    );
    let (ok, text) = run(&["verify", "--live"], &args, cwd.path());
    assert!(ok, "{text}");
    let (_, text) = run(&["upgrade"], &args, cwd.path());
    assert!(text.contains("nothing to do"), "{text}");
}

/// On PostgreSQL an upgrade dumps the release before into the backup
/// directory and proves the dump by restoring it into a scratch database
/// and upgrading and verifying that copy; only then is the live database
/// migrated. A migration that fails on the copy leaves it as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgrade_on_postgresql_takes_a_proven_dump_then_migrates() {
    let (storage, _guard) = store_of_the_release_before(Backend::Postgres).await;
    let before = LATEST_VERSION - 1;
    let args = storage_args(&storage);
    let dir = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let (ok, text) = run(&["upgrade"], &args, cwd.path());
    assert!(!ok && text.contains("--backup-dir"), "{text}");

    // A migration that cannot apply: found on the restored dump.
    block_the_newest_migration(&storage).await;
    let (ok, text) = run(&["upgrade", "--backup-dir", dir_arg], &args, cwd.path());
    assert!(!ok, "{text}");
    assert!(text.contains("nothing was migrated"), "{text}");
    assert_eq!(number(&storage, VERSION).await, before);
    unblock_the_newest_migration(&storage).await;

    let (ok, text) = run(&["upgrade", "--backup-dir", dir_arg], &args, cwd.path());
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!(
            "upgraded from version {before} to {LATEST_VERSION}"
        )),
        "{text}"
    );
    assert_eq!(number(&storage, VERSION).await, LATEST_VERSION);
    let mut dumps: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dumps.sort();
    assert_eq!(
        dumps.len(),
        2,
        "one dump for each attempt, nothing partial: {dumps:?}"
    );
    let newest = dumps.last().unwrap();
    assert!(text.contains(newest.to_str().unwrap()), "{text}");

    // The dump is the release before, whole.
    let restored = crate::support::postgres::TestDatabase::create().await;
    let status = std::process::Command::new(crate::support::postgres::bin_dir().join("pg_restore"))
        .args(["--no-owner", "--exit-on-error", "-d", &restored.url])
        .arg(newest)
        .status()
        .unwrap();
    assert!(status.success());
    let restored_storage = Storage::Postgres(restored.url.clone().into(), 2, None);
    assert_eq!(number(&restored_storage, VERSION).await, before);
    assert_eq!(
        number(&restored_storage, "SELECT count(*) FROM replies").await,
        3
    );
}

/// A later release's expansions leave this release running on their
/// schema, so going back to it needs no restore; a later contract does not,
/// and both `rollback` and `serve` say so.
async fn this_release_runs_on_a_later_schema_of_expansions_and_goes_back_to_it(backend: Backend) {
    let (storage, _guard) = crate::support::app::fresh_storage(backend).await;
    let args = storage_args(&storage);
    let cwd = tempfile::tempdir().unwrap();
    assert!(create_admin(&args, cwd.path()).status.success());
    assert_eq!(
        number(
            &storage,
            "SELECT count(*) FROM schema_migrations WHERE kind IS NULL"
        )
        .await,
        0,
        "every applied migration's kind is recorded"
    );
    let rollback = || run(&["rollback"], &args, cwd.path());
    let (ok, text) = rollback();
    assert!(ok && text.contains("nothing to roll back"), "{text}");

    let later = LATEST_VERSION + 1;
    execute(
        &storage,
        &format!(
            "CREATE TABLE later_things (id BIGINT PRIMARY KEY);
             INSERT INTO schema_migrations (version, name, kind) VALUES ({later}, 'later_things', 'expand');"
        ),
    )
    .await;
    let (ok, text) = rollback();
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!("runs on the database's schema version {later}")),
        "{text}"
    );
    let backups = tempfile::tempdir().unwrap();
    let upgrade = ["upgrade", "--backup-dir", backups.path().to_str().unwrap()];
    let (ok, text) = run(&upgrade, &args, cwd.path());
    assert!(!ok, "an upgrade to an earlier release: {text}");
    assert!(text.contains("newer than this release knows"), "{text}");
    let (mut server, base) = start_server(&args, cwd.path());
    let thread = Thread::prepare(&base).await;
    assert_eq!(
        thread
            .reply("back on the release before")
            .await
            .unwrap()
            .status(),
        201
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(
        number(&storage, VERSION).await,
        later,
        "the schema is as the later release left it"
    );

    execute(
        &storage,
        &format!(
            "INSERT INTO schema_migrations (version, name, kind) VALUES ({}, 'drop_old_things', 'contract');",
            later + 1
        ),
    )
    .await;
    let (ok, text) = rollback();
    assert!(!ok, "{text}");
    assert!(
        text.contains("restore the backup taken before the upgrade"),
        "{text}"
    );
    for words in [&["migrate"][..], &upgrade] {
        let (ok, text) = run(words, &args, cwd.path());
        assert!(!ok, "{words:?}: {text}");
        assert!(
            text.contains("newer than this release knows"),
            "{words:?}: {text}"
        );
    }
}
both!(this_release_runs_on_a_later_schema_of_expansions_and_goes_back_to_it);
