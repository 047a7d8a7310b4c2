//! Upgrade from any earlier release in one step. For every schema version
//! before this release's, a store is built migration by migration with the
//! data each release wrote loaded right after its own migration
//! (`upgrade_fixtures/NNNN.sql`: SQL that ran on that schema, and so
//! passes through every migration after it); then this release's
//! `hearth migrate` brings it up to date at once. It must pass
//! `hearth verify --live`; its members sign in with their old passwords and
//! find their topics, replies, likes, accepted answers, profiles, search
//! results and notifications as they were; and it takes new writes.

use hearth_store_sql::{Dialect, LATEST_VERSION, MIGRATIONS};
use serde_json::{Value, json};

use crate::cli::{start_server, storage_args};
use crate::support::app::{Api, execute_sql, fresh_storage};
use crate::support::{Backend, both};
use crate::upgrade::run;

/// The data each release wrote, by the version of the migration it ran on.
const FIXTURES: &[(i64, &str)] = &[
    (1, include_str!("upgrade_fixtures/0001.sql")),
    (2, include_str!("upgrade_fixtures/0002.sql")),
    (17, include_str!("upgrade_fixtures/0017.sql")),
    (19, include_str!("upgrade_fixtures/0019.sql")),
];

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
    let dialect = match backend {
        Backend::Sqlite => Dialect::Sqlite,
        Backend::Postgres => Dialect::Postgres,
    };
    for m in MIGRATIONS.iter().take_while(|m| m.version <= version) {
        let (v, name) = (m.version, m.name());
        execute_sql(&storage, m.sql(dialect)).await;
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

/// Waits (polling, bounded) until the node at `base` has run the data
/// migrations the upgrade asked for (the search index of a store from
/// before search), as its metrics say.
async fn data_migrations_finished(base: &str, from: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let metrics = crate::support::app::metrics_of(base).await;
        let unfinished = metrics
            .lines()
            .any(|l| l.starts_with("hearth_data_migration_finished{") && l.ends_with(" 0"));
        if !unfinished {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "from {from}: data migrations unfinished: {metrics}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn every_earlier_schema_upgrades_in_one_step_with_its_data(backend: Backend) {
    for from in 1..LATEST_VERSION {
        let (storage, _guard) = store_at(backend, from).await;
        let args = storage_args(&storage);
        let cwd = tempfile::tempdir().unwrap();
        for words in [&["migrate"][..], &["verify", "--live"]] {
            let (ok, text) = run(words, &args, cwd.path());
            assert!(ok, "from {from}, {words:?}: {text}");
        }
        let (mut server, base) = start_server(&args, cwd.path());
        data_migrations_finished(&base, from).await;
        reads_as_before(&base, from).await;
        let _ = server.kill();
        let _ = server.wait();
    }
}
both!(every_earlier_schema_upgrades_in_one_step_with_its_data);
