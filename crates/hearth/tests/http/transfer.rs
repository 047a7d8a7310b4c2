//! Export and import: everything moves between SQLite and PostgreSQL with
//! equal checksums; damaged, truncated or newer files never touch a store.

use std::path::Path;
use std::process::Output;

use crate::cli::{hearth, storage_args};
use crate::support::app::{Backend, fresh_storage};
use crate::support::both;
use hearth::config::Storage;

fn run(args: &[&str], storage: &Storage, cwd: &Path) -> Output {
    hearth()
        .args(args)
        .args(storage_args(storage))
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// Stores a small file in `space`, so that blobs travel.
async fn add_file(storage: &Storage, space: hearth_core::ids::SpaceId) {
    let store = hearth::storage::open(storage).await.unwrap();
    store
        .create_attachment(hearth_store::NewAttachment {
            public_id: "0123456789abcdef0123456789abcdef".into(),
            space_id: space,
            uploader: hearth_core::ids::UserId(1),
            hash: hearth_store::verify::sha256_hex(b"test"),
            filename: "test.bin".into(),
            content_type: "application/octet-stream".into(),
            data: b"test".to_vec(),
            created_at: 1,
        })
        .await
        .unwrap();
}

/// Gives user 1 a profile and a picture, so that both travel, and
/// returns a word of its title for the directory to find after an import.
async fn add_profile(storage: &Storage) -> String {
    let store = hearth::storage::open(storage).await.unwrap();
    let user = store
        .user(hearth_core::ids::UserId(1))
        .await
        .unwrap()
        .unwrap();
    store
        .update_profile(
            user.id,
            hearth_store::ProfileChange {
                display_name: user.display_name,
                email: user.email,
                details: hearth_store::ProfileDetails {
                    title: "Quartermaster".into(),
                    department: "Logistics".into(),
                    location: "Porto".into(),
                    about_md: "Boxes.".into(),
                    about_html: "<p>Boxes.</p>".into(),
                    show_email: true,
                },
                about_files: Vec::new(),
            },
            None,
        )
        .await
        .unwrap();
    store
        .set_avatar(
            user.id,
            Some([b"small".to_vec(), b"large".to_vec()]),
            1,
            None,
        )
        .await
        .unwrap();
    "quarterm".into()
}

/// The usernames the directory finds by `word`.
async fn directory(storage: &Storage, word: &str) -> Vec<String> {
    let store = hearth::storage::open(storage).await.unwrap();
    let found = store
        .people(hearth_store::PeopleQuery {
            words: vec![word.to_owned()],
            space: None,
            any_status: false,
            after: None,
            limit: 10,
        })
        .await
        .unwrap();
    found
        .into_iter()
        .map(|p| p.user.username.to_string())
        .collect()
}

/// Adds a topic whose tags a language's collation orders differently from
/// byte order, so that an export ordered by the database's collation shows.
async fn add_punctuated_tags(storage: &Storage, space: hearth_core::ids::SpaceId) {
    use hearth_core::content::{Tag, Title};
    let store = hearth::storage::open(storage).await.unwrap();
    let tags = ["ca", "c.d", "c-", "c+", "c#", "Äpfel", "apfel"]
        .iter()
        .map(|t| Tag::parse(t).unwrap())
        .collect();
    store
        .create_topic(hearth_store::NewTopic {
            space_id: space,
            author: hearth_core::ids::UserId(1),
            kind: hearth_core::model::TopicKind::Discussion,
            title: Title::parse("Punctuated").unwrap(),
            body_md: "tags".into(),
            body_html: "<p>tags</p>".into(),
            tags,
            mentions: vec![],
            files: vec![],
            draft: false,
            publish_at: None,
            idempotency_key: None,
            joins_space: false,
            created_at: 1,
        })
        .await
        .unwrap();
}

/// The per-table lines of a report, without the closing line.
fn sums(out: &Output) -> Vec<String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter(|l| !l.starts_with("ok:"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_moves_between_sqlite_and_postgres_with_equal_checksums() {
    let cwd = tempfile::tempdir().unwrap();
    let (sqlite, _g1) = fresh_storage(Backend::Sqlite).await;
    let (postgres, _g2) = fresh_storage(Backend::Postgres).await;
    let (back, _g3) = fresh_storage(Backend::Sqlite).await;
    let seeded = run(
        &["seed", "--users", "25", "--spaces", "5", "--replies", "400"],
        &sqlite,
        cwd.path(),
    );
    assert!(seeded.status.success());
    // A file too, so that blobs travel, and tags whose order is a matter of
    // collation.
    add_file(&sqlite, hearth_core::ids::SpaceId(1)).await;
    add_punctuated_tags(&sqlite, hearth_core::ids::SpaceId(1)).await;
    let word = add_profile(&sqlite).await;
    let found = directory(&sqlite, &word).await;
    assert_eq!(found.len(), 1);
    let a = cwd.path().join("a.export");
    let b = cwd.path().join("b.export");
    let c = cwd.path().join("c.export");
    let from_sqlite = sums(&run(&["export", a.to_str().unwrap()], &sqlite, cwd.path()));
    assert_eq!(from_sqlite.len(), hearth_store::export::TABLES.len());
    assert!(
        from_sqlite.iter().any(|l| l.starts_with("replies\t400\t")),
        "{from_sqlite:?}"
    );

    let imported = sums(&run(
        &["import", a.to_str().unwrap()],
        &postgres,
        cwd.path(),
    ));
    assert_eq!(imported, from_sqlite);
    let from_postgres = sums(&run(
        &["export", b.to_str().unwrap()],
        &postgres,
        cwd.path(),
    ));
    assert_eq!(
        from_postgres, from_sqlite,
        "PostgreSQL holds exactly what SQLite held"
    );
    assert_eq!(
        directory(&postgres, &word).await,
        found,
        "the directory finds what it found"
    );
    let live = hearth()
        .args(["verify", "--live"])
        .args(storage_args(&postgres))
        .output()
        .unwrap();
    assert!(
        live.status.success(),
        "{}",
        String::from_utf8_lossy(&live.stdout)
    );

    sums(&run(&["import", b.to_str().unwrap()], &back, cwd.path()));
    let round_trip = sums(&run(&["export", c.to_str().unwrap()], &back, cwd.path()));
    assert_eq!(round_trip, from_sqlite, "and back again");

    // Ids continue after the imported ones.
    let store = hearth::storage::open(&postgres).await.unwrap();
    let user = store
        .create_user(hearth_store::NewUser {
            username: hearth_core::names::Username::parse("newcomer").unwrap(),
            display_name: hearth_core::names::DisplayName::parse("New").unwrap(),
            email: hearth_core::names::Email::parse("new@example.org").unwrap(),
            password_hash: "x".into(),
            is_admin: false,
            invite: None,
            only_first: false,
            created_at: 1,
        })
        .await
        .unwrap();
    assert_eq!(user.id.0, 26);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_truncated_or_newer_files_never_touch_the_target() {
    let cwd = tempfile::tempdir().unwrap();
    let (source, _g1) = fresh_storage(Backend::Sqlite).await;
    let (target, _g2) = fresh_storage(Backend::Sqlite).await;
    assert!(
        run(
            &["seed", "--users", "10", "--spaces", "2", "--replies", "60"],
            &source,
            cwd.path()
        )
        .status
        .success()
    );
    let good = cwd.path().join("good.export");
    sums(&run(
        &["export", good.to_str().unwrap()],
        &source,
        cwd.path(),
    ));
    assert!(
        !cwd.path().join("good.partial").exists(),
        "no partial file is left behind"
    );
    let text = std::fs::read_to_string(&good).unwrap();

    let cases = [
        (
            "truncated",
            text.lines()
                .take(text.lines().count() - 1)
                .collect::<Vec<_>>()
                .join("\n"),
            "truncated",
        ),
        (
            "changed",
            text.replacen("@example.org", "@example.net", 1),
            "checksum",
        ),
        (
            "newer",
            text.replacen("\"version\":2", "\"version\":99", 1),
            "newer than this release reads",
        ),
        (
            "garbage",
            "not json at all\n".to_owned(),
            "not a Hearth export",
        ),
    ];
    for (name, content, expected) in cases {
        let path = cwd.path().join(format!("{name}.export"));
        std::fs::write(&path, content).unwrap();
        let out = run(&["import", path.to_str().unwrap()], &target, cwd.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} was imported");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        let verify = hearth()
            .args(["verify", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(!verify.status.success(), "verify accepted the {name} file");
    }
    let store = hearth::storage::open(&target).await.unwrap();
    assert!(store.is_empty().await.unwrap(), "nothing was written");

    sums(&run(
        &["import", good.to_str().unwrap()],
        &target,
        cwd.path(),
    ));
    let again = run(&["import", good.to_str().unwrap()], &target, cwd.path());
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("only into an empty store"));
}

/// `export --space` takes one space with its history, its people and their
/// personal spaces: it loads into an empty store that verifies clean, and
/// the loaded store exports to the same checksums.
async fn one_space_exports_with_its_history(backend: Backend) {
    let cwd = tempfile::tempdir().unwrap();
    let (source, _g1) = fresh_storage(backend).await;
    let (target, _g2) = fresh_storage(backend).await;
    let seeded = run(
        &["seed", "--users", "30", "--spaces", "6", "--replies", "500"],
        &source,
        cwd.path(),
    );
    assert!(seeded.status.success());
    let bench = hearth::storage::open(&source)
        .await
        .unwrap()
        .space_by_slug("bench", None)
        .await
        .unwrap()
        .unwrap();
    add_file(&source, bench.space.id).await;
    let everything = cwd.path().join("all.export");
    let one = cwd.path().join("bench.export");
    let again = cwd.path().join("again.export");
    let all_sums = sums(&run(
        &["export", everything.to_str().unwrap()],
        &source,
        cwd.path(),
    ));
    let space_sums = sums(&run(
        &["export", "--space", "bench", one.to_str().unwrap()],
        &source,
        cwd.path(),
    ));
    let rows = |sums: &[String], table: &str| -> u64 {
        let line = sums
            .iter()
            .find(|l| l.starts_with(&format!("{table}\t")))
            .unwrap();
        line.split('\t').nth(1).unwrap().parse().unwrap()
    };
    for table in ["topics", "replies", "users", "spaces"] {
        assert!(rows(&space_sums, table) > 0, "{table}: {space_sums:?}");
        assert!(
            rows(&space_sums, table) < rows(&all_sums, table),
            "{table} holds more than the space: {space_sums:?}"
        );
    }
    assert_eq!(rows(&space_sums, "blobs"), 1);
    assert_eq!(rows(&space_sums, "audit_events"), 0);

    assert_eq!(
        sums(&run(
            &["import", one.to_str().unwrap()],
            &target,
            cwd.path()
        )),
        space_sums
    );
    let verified = run(&["verify", "--live"], &target, cwd.path());
    assert!(
        verified.status.success(),
        "the loaded space does not verify: {}",
        String::from_utf8_lossy(&verified.stdout)
    );
    assert_eq!(
        sums(&run(
            &["export", again.to_str().unwrap()],
            &target,
            cwd.path()
        )),
        space_sums
    );

    let missing = run(
        &["export", "--space", "nowhere", again.to_str().unwrap()],
        &source,
        cwd.path(),
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no space nowhere"));
}
both!(one_space_exports_with_its_history);
