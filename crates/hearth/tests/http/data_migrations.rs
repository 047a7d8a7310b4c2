//! Long data migrations (building the search index from the content) run
//! online, a batch at a time, by one node at a time: a node that stops
//! leaves its position for the next, which goes on from there rather than
//! from the start; progress shows on the admin page and in the metrics.

use hearth_app::data_migrations::{CLAIM_MS, run_pending};
use hearth_store::Batch;
use tokio::sync::watch;

use crate::crash::Thread;
use crate::support::app::TestApp;
use crate::support::{Backend, both};

/// Empties the search index and asks for it to be built again, as a
/// migration that changes what the index holds would.
async fn ask_for_a_new_search_index(app: &TestApp, backend: Backend) {
    let empty = match backend {
        Backend::Sqlite => "INSERT INTO search_index (search_index) VALUES ('delete-all');",
        Backend::Postgres => "DELETE FROM search_index;",
    };
    app.tamper(&format!(
        "{empty}
         INSERT INTO data_migrations (name, requested_at) VALUES ('search_index', 0)
         ON CONFLICT (name) DO UPDATE SET step = 0, after_id = 0, done = 0, total = NULL,
             finished_at = NULL, holder = NULL, held_until = 0;"
    ))
    .await;
}

async fn metric(app: &TestApp, name: &str) -> String {
    let metrics = crate::support::app::metrics_of(&app.base).await;
    let prefix = format!("{name}{{name=\"search_index\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name}: {metrics}"))
        .to_owned()
}

async fn a_data_migration_runs_in_batches_on_one_node_and_resumes_where_it_stopped(
    backend: Backend,
) {
    let app = crate::support::app::spawn_app(backend).await;
    assert_eq!(
        app.ctx.store.data_migrations().await.unwrap(),
        [],
        "a new store has nothing for a data migration to do"
    );
    app.create_user("opal", true).await;
    app.create_user("ada", false).await;
    let thread = Thread::prepare(&app.base).await;
    for n in 0..3 {
        assert_eq!(
            thread
                .reply(&format!("jacquard loom {n}"))
                .await
                .unwrap()
                .status(),
            201
        );
    }
    ask_for_a_new_search_index(&app, backend).await;
    let opal = app.api(&thread.token);
    let (_, found) = opal.get("/api/v1/search?q=jacquard").await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(0), "{found}");

    // Node a runs the first batch (the topics), then stops.
    let now = app.ctx.now();
    let first = app
        .ctx
        .store
        .data_migration_batch("search_index", "node-a", now, now + CLAIM_MS)
        .await
        .unwrap();
    // One topic of a total of 1 topic, 3 replies, 1 space, 2 people.
    assert_eq!(first, Batch::Ran { done: 1, total: 7 });
    let other = app
        .ctx
        .store
        .data_migration_batch("search_index", "node-b", now, now + CLAIM_MS)
        .await
        .unwrap();
    assert_eq!(other, Batch::HeldElsewhere, "one node at a time");
    let (status, admin) = app.signed_in("opal").await.page("/admin").await;
    assert_eq!(status, 200);
    for shown in [
        "Building the search index from the content",
        "1 of 7 rows",
        "running on node node-a",
    ] {
        assert!(admin.contains(shown), "{shown}: {admin}");
    }
    assert_eq!(metric(&app, "hearth_data_migration_rows_done").await, "1");
    assert_eq!(metric(&app, "hearth_data_migration_rows_total").await, "7");
    assert_eq!(metric(&app, "hearth_data_migration_finished").await, "0");

    // Node a's claim lapses; node b goes on from where a stopped.
    app.clock.advance(CLAIM_MS + 1);
    let (_stop, running) = watch::channel(false);
    run_pending(&app.ctx, "node-b", &running).await.unwrap();
    let migrations = app.ctx.store.data_migrations().await.unwrap();
    let search = migrations
        .iter()
        .find(|m| m.name == "search_index")
        .unwrap();
    assert!(search.finished_at.is_some(), "{search:?}");
    assert_eq!(
        (search.done, search.total),
        (7, Some(7)),
        "resumed, not begun again"
    );
    assert_eq!(metric(&app, "hearth_data_migration_finished").await, "1");

    let (_, found) = opal.get("/api/v1/search?q=jacquard").await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(3), "{found}");
    let (_, people) = opal.get("/api/v1/users?q=ada").await;
    assert_eq!(people["items"][0]["username"], "ada", "{people}");
    let (_, admin) = app.signed_in("opal").await.page("/admin").await;
    assert!(
        admin.contains("7 of 7 rows") && admin.contains("finished"),
        "{admin}"
    );
}
both!(a_data_migration_runs_in_batches_on_one_node_and_resumes_where_it_stopped);
