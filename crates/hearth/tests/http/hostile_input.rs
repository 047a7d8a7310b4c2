//! Hostile input cannot slow a node for others: the pathological bodies and
//! the largest diff each answer within their budget (200 or a clear 4xx),
//! while another client keeps reading pages.
//!
//! Budgets, for the test build on two cores with both engines' tests at
//! once (a release build is five to twenty times faster: 0.4 s for the
//! slowest body): a body of 100,000 characters renders or is refused within
//! [`BODY_BUDGET`], where a quadratic step would take minutes; a diff of
//! 50,000 lines a side answers at once; no page read waits longer than
//! [`READ_BUDGET`] meanwhile.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::watch;

use crate::support::{Backend, both, spawn_app};

const BODY_BUDGET: Duration = Duration::from_secs(20);
const READ_BUDGET: Duration = Duration::from_secs(3);

/// The largest body taken, made of the worst things to parse.
fn pathological_bodies() -> Vec<(&'static str, String)> {
    let n = hearth_core::content::MAX_BODY_CHARS;
    let quotes = "> ".repeat(98) + "a\n\n";
    let lists: String = (0..95)
        .map(|i| format!("{}- a\n", "  ".repeat(i)))
        .collect::<String>()
        + "\n";
    vec![
        (
            "url then parens",
            format!("http://a.b{}", ")".repeat(n - 10)),
        ),
        ("brackets", "[".repeat(n)),
        ("stars", "*a".repeat(n / 2)),
        ("angle brackets", "<".repeat(n)),
        ("nested quotes", quotes.repeat(n / quotes.len())),
        ("nested lists", lists.repeat(n / lists.len())),
        ("links", "[a](".repeat(n / 4)),
        ("html", "<div>".repeat(n / 5)),
    ]
}

/// Reads `path` again and again until told to stop; the slowest read.
async fn keep_reading(url: String, mut stop: watch::Receiver<bool>) -> Duration {
    let client = reqwest::Client::new();
    let mut slowest = Duration::ZERO;
    while !*stop.borrow_and_update() {
        let started = Instant::now();
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        slowest = slowest.max(started.elapsed());
    }
    slowest
}

async fn pathological_bodies_answer_within_budget_while_pages_are_read(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("mal", false).await;
    app.create_user("rea", false).await;
    let mal = app.api(&app.token("mal").await);
    mal.post("/api/v1/spaces", json!({"slug": "yard", "name": "Yard"}))
        .await;
    let (_, topic) = mal
        .post(
            "/api/v1/spaces/yard/topics",
            json!({"title": "Read me", "body": "a page to read"}),
        )
        .await;
    let page = app.url(topic["url"].as_str().unwrap());
    let (stop, stopped) = watch::channel(false);
    let reader = tokio::spawn(keep_reading(page, stopped));

    for (name, body) in pathological_bodies() {
        for (path, payload) in [
            ("/api/v1/preview", json!({"body": body})),
            (
                "/api/v1/spaces/yard/topics",
                json!({"title": name, "body": body}),
            ),
        ] {
            let started = Instant::now();
            let (status, answer) = mal.post(path, payload).await;
            let took = started.elapsed();
            eprintln!("{name} {path}: {status} in {took:?}");
            assert!(
                [200, 201, 400].contains(&status),
                "{name} {path}: {status} {answer}"
            );
            assert!(took < BODY_BUDGET, "{name} {path} took {took:?}");
        }
    }
    stop.send(true).unwrap();
    let slowest = reader.await.unwrap();
    eprintln!("slowest page read meanwhile: {slowest:?}");
    assert!(slowest < READ_BUDGET, "a page read took {slowest:?}");
}
both!(pathological_bodies_answer_within_budget_while_pages_are_read);

async fn the_largest_diff_answers_at_once_and_readably(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("doc", false).await;
    let doc = app.api(&app.token("doc").await);
    doc.post("/api/v1/spaces", json!({"slug": "docs", "name": "Docs"}))
        .await;
    let lines = hearth_core::content::MAX_BODY_CHARS / 2;
    let (status, t) = doc
        .post(
            "/api/v1/spaces/docs/topics",
            json!({"kind": "document", "title": "Long", "body": "a\n".repeat(lines)}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    let tid = t["id"].as_str().unwrap().to_owned();
    let (status, edited) = doc
        .patch(
            &format!("/api/v1/topics/{tid}"),
            json!({"body": "b\n".repeat(lines), "base_version": 1}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");

    let started = Instant::now();
    let (status, diff) = doc
        .get(&format!("/api/v1/topics/{tid}/diff?from=1&to=2"))
        .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["too_large"], true);
    assert_eq!(diff["lines"], json!([]));
    let b = app.signed_in("doc").await;
    let (status, html) = b.page(&format!("/t/{tid}/diff?from=1&to=2")).await;
    assert_eq!(status, 200);
    assert!(html.contains("too large to compare"), "{html}");
    let took = started.elapsed();
    assert!(took < BODY_BUDGET, "{took:?}");

    // Under the line cap, the slowest kind of diff settles within its deadline.
    let most = hearth_core::diff::MAX_DIFF_LINES;
    let old: String = (0..most).map(|i| format!("{}\n", i % 7)).collect();
    let new: String = (0..most).map(|i| format!("{}\n", i % 5)).collect();
    for (version, body) in [(2, &old), (3, &new)] {
        let (status, e) = doc
            .patch(
                &format!("/api/v1/topics/{tid}"),
                json!({"body": body, "base_version": version}),
            )
            .await;
        assert_eq!(status, 200, "{e}");
    }
    let started = Instant::now();
    let (status, diff) = doc
        .get(&format!("/api/v1/topics/{tid}/diff?from=3&to=4"))
        .await;
    let took = started.elapsed();
    eprintln!("a {most}-line diff: {took:?}");
    assert_eq!(status, 200);
    assert_eq!(diff["too_large"], false);
    assert!(took < BODY_BUDGET, "{took:?}");
}
both!(the_largest_diff_answers_at_once_and_readably);
