//! Upgrade from any earlier release in one step. For every schema version
//! before this release's, a store is built migration by migration with the
//! data each release wrote loaded right after its own migration
//! (`upgrade_fixtures/NNNN.sql`: SQL that ran on that schema, and so
//! passes through every migration after it); then this release's
//! `hearth migrate` brings it up to date at once. It must pass
//! `hearth verify --live`; its members sign in with their old passwords and
//! find their topics, replies, likes, accepted answers, profiles, search
//! results and notifications as they were; and it takes new writes.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::cli::{hearth, start_server, storage_args};
use crate::support::app::{Api, execute_sql, fresh_storage};
use crate::support::{Backend, both};
use crate::upgrade::output;

/// The data each release wrote, by the version of the migration it ran on.
const FIXTURES: &[(i64, &str)] = &[
    (1, include_str!("upgrade_fixtures/0001.sql")),
    (2, include_str!("upgrade_fixtures/0002.sql")),
    (17, include_str!("upgrade_fixtures/0017.sql")),
    (19, include_str!("upgrade_fixtures/0019.sql")),
];

/// Every migration of `backend`'s engine, oldest first: version, name, SQL.
fn migrations(backend: Backend) -> Vec<(i64, String, String)> {
    let engine = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../store-sql/migrations")
        .join(engine);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the migrations")
        .map(|e| e.expect("a migration").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            let (version, name) = stem.split_once('_').expect("NNNN_name.sql");
            (
                version.parse().expect("a version"),
                name.to_owned(),
                std::fs::read_to_string(path).expect("read a migration"),
            )
        })
        .collect()
}

/// A store at schema `version`, built as the releases up to it left it.
pub(crate) async fn store_at(
    backend: Backend,
    version: i64,
) -> (hearth::config::Storage, crate::support::app::DbGuard) {
    let (storage, guard) = fresh_storage(backend).await;
    execute_sql(
        &storage,
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                                         applied_at BIGINT NOT NULL DEFAULT 0)",
    )
    .await;
    for (v, name, sql) in migrations(backend)
        .into_iter()
        .take_while(|m| m.0 <= version)
    {
        execute_sql(&storage, &sql).await;
        execute_sql(
            &storage,
            &format!("INSERT INTO schema_migrations (version, name) VALUES ({v}, '{name}')"),
        )
        .await;
        if let Some((_, data)) = FIXTURES.iter().find(|(at, _)| *at == v) {
            execute_sql(&storage, data).await;
        }
    }
    (storage, guard)
}

fn field<'a>(list: &'a Value, name: &str) -> Vec<&'a str> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {list}"))
        .iter()
        .map(|i| i[name].as_str().unwrap_or_default())
        .collect()
}

/// What a member of a store upgraded from `from` must find.
async fn reads_as_before(base: &str, from: i64) {
    let ben = Api::sign_in(base, "ben").await;
    let (_, people) = ben.get("/api/v1/users?q=lovel").await;
    assert_eq!(field(&people, "username"), ["ada"], "from {from}: {people}");
    if from >= 17 {
        let (_, people) = ben.get("/api/v1/users?q=librarian").await;
        assert_eq!(field(&people, "username"), ["ben"], "from {from}: {people}");
    }
    if from < 2 {
        return;
    }
    let (status, topic) = ben.get("/api/v1/topics/1").await;
    assert_eq!(status, 200, "from {from}: {topic}");
    assert_eq!(topic["title"], "The analytical engine", "from {from}");
    assert_eq!(topic["reply_count"], 2, "from {from}: {topic}");
    assert_eq!(
        field(&topic["replies"], "body"),
        [
            "Could it compose music?",
            "Elaborate pieces, of any complexity."
        ],
        "from {from}"
    );
    let (_, question) = ben.get("/api/v1/topics/2").await;
    assert_eq!(question["accepted_reply"], "3", "from {from}: {question}");
    let (status, _) = ben.get("/api/v1/topics/3").await;
    assert_eq!(
        status, 404,
        "from {from}: a private topic shows to a non-member"
    );

    let (_, found) = ben.get("/api/v1/search?q=jacquard").await;
    assert_eq!(
        field(&found, "title"),
        ["The analytical engine"],
        "from {from}: {found}"
    );
    let (_, found) = ben.get("/api/v1/search?q=copper").await;
    assert_eq!(
        field(&found, "title"),
        Vec::<&str>::new(),
        "from {from}: {found}"
    );
    if from >= 19 {
        let (_, told) = ben.get("/api/v1/notifications").await;
        assert_eq!(
            field(&told, "kind"),
            ["reply_to_reply"],
            "from {from}: {told}"
        );
    }

    // New writes take ids after the old ones.
    let (status, reply) = ben
        .post(
            "/api/v1/topics/1/replies",
            json!({"body": "Upgraded, and still here."}),
        )
        .await;
    assert_eq!(status, 201, "from {from}: {reply}");
    let (_, topic) = ben.get("/api/v1/topics/1").await;
    assert_eq!(topic["reply_count"], 3, "from {from}: {topic}");
}

async fn every_earlier_schema_upgrades_in_one_step_with_its_data(backend: Backend) {
    let latest = migrations(backend).last().expect("migrations").0;
    for from in 1..latest {
        let (storage, _guard) = store_at(backend, from).await;
        let args = storage_args(&storage);
        let cwd = tempfile::tempdir().unwrap();
        let migrated = hearth()
            .arg("migrate")
            .args(&args)
            .current_dir(cwd.path())
            .output()
            .unwrap();
        assert!(
            migrated.status.success(),
            "from {from}: {}",
            output(&migrated)
        );
        let verified = hearth()
            .args(["verify", "--live"])
            .args(&args)
            .current_dir(cwd.path())
            .output()
            .unwrap();
        assert!(
            verified.status.success(),
            "from {from}: {}",
            output(&verified)
        );
        let (mut server, base) = start_server(&args, cwd.path());
        reads_as_before(&base, from).await;
        let _ = server.kill();
        let _ = server.wait();
    }
}
both!(every_earlier_schema_upgrades_in_one_step_with_its_data);
