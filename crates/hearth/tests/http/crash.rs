//! Crash safety: a load generator posts replies while the server is killed
//! with SIGKILL at arbitrary moments and restarted; every acknowledged reply
//! must survive exactly once, and `verify` must find nothing half-written.
//!
//! `HEARTH_CRASH_CYCLES` sets the number of kills (default 50).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::cli::{create_admin, start_server, storage_args};
use crate::support::app::{PASSWORD, fresh_storage};
use crate::support::{Backend, both};

/// A small deterministic generator for kill moments.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// What one request's answer says about its reply.
enum Outcome {
    Acked(String),
    Unknown,
}

async fn post(
    client: reqwest::Client,
    url: String,
    token: String,
    key: String,
) -> (String, Outcome) {
    let sent = client
        .post(&url)
        .bearer_auth(&token)
        .header("idempotency-key", &key)
        .json(&json!({"body": key}))
        .send()
        .await;
    let outcome = match sent {
        Ok(r) if r.status() == 201 => match r.json::<Value>().await {
            Ok(v) => Outcome::Acked(v["id"].as_str().unwrap_or_default().to_owned()),
            Err(_) => Outcome::Unknown,
        },
        _ => Outcome::Unknown,
    };
    (key, outcome)
}

/// Signs in as the operator's admin through a running server and creates a
/// space and a topic to reply to; returns the token and the topic's id.
pub(crate) async fn prepare(client: &reqwest::Client, base: &str) -> (String, String) {
    let token: Value = client
        .post(format!("{base}/api/v1/tokens"))
        .json(&json!({"username": "opal", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let created = client
        .post(format!("{base}/api/v1/spaces"))
        .bearer_auth(&token)
        .json(&json!({"slug": "crash", "name": "Crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let topic: Value = client
        .post(format!("{base}/api/v1/spaces/crash/topics"))
        .bearer_auth(&token)
        .json(&json!({"title": "Under fire", "body": "replies below"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (token, topic["id"].as_str().unwrap().to_owned())
}

/// The topic `prepare` makes on a running server, and replies to it.
pub(crate) struct Thread {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
    pub topic: String,
}

impl Thread {
    pub(crate) async fn prepare(base: &str) -> Self {
        let client = reqwest::Client::new();
        let (token, topic) = prepare(&client, base).await;
        Thread {
            client,
            base: base.to_owned(),
            token,
            topic,
        }
    }

    /// The topic as the API shows it, with its first page of replies.
    pub(crate) async fn topic_json(&self) -> Value {
        self.client
            .get(format!("{}/api/v1/topics/{}", self.base, self.topic))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Posts a reply to the topic.
    pub(crate) async fn reply(&self, body: &str) -> reqwest::Result<reqwest::Response> {
        self.client
            .post(format!(
                "{}/api/v1/topics/{}/replies",
                self.base, self.topic
            ))
            .bearer_auth(&self.token)
            .json(&json!({ "body": body }))
            .send()
            .await
    }
}

async fn acknowledged_replies_survive_kill_9_exactly_once(backend: Backend) {
    let cycles: u64 = std::env::var("HEARTH_CRASH_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(50);
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let (mut child, base) = start_server(&args, cwd.path());
    let (token, topic_id) = prepare(&client, &base).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let mut rng = Lcg(42);
    let mut acked: BTreeMap<String, String> = BTreeMap::new();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    let mut next = 0u64;
    for cycle in 0..cycles {
        let (mut child, base) = start_server(&args, cwd.path());
        let url = format!("{base}/api/v1/topics/{topic_id}/replies");
        let mut load = JoinSet::new();
        // Retry what was in flight at the last kill, with the same keys.
        for key in std::mem::take(&mut unknown) {
            load.spawn(post(client.clone(), url.clone(), token.clone(), key));
        }
        // Long enough for several acknowledged replies on a busy machine
        // (each also writes its notifications and live events); the kill
        // still falls at a random point of the load.
        let deadline = tokio::time::Instant::now() + Duration::from_millis(60 + rng.below(100));
        while tokio::time::Instant::now() < deadline {
            while load.len() < 8 {
                next += 1;
                load.spawn(post(
                    client.clone(),
                    url.clone(),
                    token.clone(),
                    format!("c{cycle}-r{next}"),
                ));
            }
            if let Some(done) = load.join_next().await {
                match done.unwrap() {
                    (key, Outcome::Acked(id)) => {
                        if let Some(first) = acked.insert(key.clone(), id.clone()) {
                            assert_eq!(first, id, "a retried key {key} got a second reply");
                        }
                    }
                    (key, Outcome::Unknown) => {
                        unknown.insert(key);
                    }
                }
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        while let Some(done) = load.join_next().await {
            match done.unwrap() {
                (key, Outcome::Acked(id)) => {
                    acked.insert(key, id);
                }
                (key, Outcome::Unknown) => {
                    unknown.insert(key);
                }
            }
        }
        unknown.retain(|k| !acked.contains_key(k));
    }
    assert!(
        acked.len() as u64 > cycles,
        "the load generator got too few acknowledgements: {}",
        acked.len()
    );

    let store = hearth::storage::open(&storage).await.unwrap();
    let problems = store.verify().await.unwrap();
    assert!(
        problems.is_empty(),
        "verify after {cycles} kills: {problems:?}"
    );
    let topic_id: hearth_core::ids::TopicId = topic_id.parse().unwrap();
    let mut stored: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = store.replies(topic_id, offset, 100, None).await.unwrap();
        if page.is_empty() {
            break;
        }
        offset += page.len() as i64;
        for r in page {
            stored
                .entry(r.body_md.clone())
                .or_default()
                .push(r.id.to_string());
        }
    }
    for (key, ids) in &stored {
        assert_eq!(ids.len(), 1, "{key} was written {} times", ids.len());
    }
    for (key, id) in &acked {
        let found = stored
            .get(key)
            .unwrap_or_else(|| panic!("acknowledged reply {key} ({id}) was lost"));
        assert_eq!(&found[0], id, "{key} has another id than acknowledged");
    }
    eprintln!(
        "crash test ({backend:?}): {cycles} kills, {} acknowledged replies all present once, {} stored",
        acked.len(),
        stored.len()
    );
}
both!(acknowledged_replies_survive_kill_9_exactly_once);

/// Kills the PostgreSQL server itself (fsync on, as in production) under
/// load; Hearth keeps running, reconnects by itself when the database is
/// back, and no acknowledged reply is lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_replies_survive_kill_9_of_the_postgresql_server() {
    let cycles: u64 = std::env::var("HEARTH_DB_CRASH_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(6);
    let cluster = crate::support::postgres::Cluster::dedicated_durable("dbcrash");
    let url = cluster.create_database("dbcrash").await;
    let storage = hearth::config::Storage::Postgres(secrecy::SecretString::from(url), 8, None);
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let (mut server, base) = start_server(&args, cwd.path());
    let (token, topic_id) = prepare(&client, &base).await;
    let url = format!("{base}/api/v1/topics/{topic_id}/replies");

    let mut rng = Lcg(7);
    let mut acked: BTreeMap<String, String> = BTreeMap::new();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    let record = |done: (String, Outcome),
                  acked: &mut BTreeMap<String, String>,
                  unknown: &mut BTreeSet<String>| match done {
        (key, Outcome::Acked(id)) => {
            if let Some(first) = acked.insert(key.clone(), id.clone()) {
                assert_eq!(first, id, "{key} got a second reply");
            }
            unknown.remove(&key);
        }
        (key, Outcome::Unknown) => {
            unknown.insert(key);
        }
    };
    for cycle in 0..cycles {
        let mut load = JoinSet::new();
        for n in 0..40 {
            load.spawn(post(
                client.clone(),
                url.clone(),
                token.clone(),
                format!("db{cycle}-{n}"),
            ));
        }
        tokio::time::sleep(Duration::from_millis(5 + rng.below(40))).await;
        cluster.kill9();
        while let Some(done) = load.join_next().await {
            record(done.unwrap(), &mut acked, &mut unknown);
        }
        cluster.restart();
        // Hearth reconnects by itself; retry what had no answer, same keys.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !unknown.is_empty() && tokio::time::Instant::now() < deadline {
            for key in unknown.clone() {
                record(
                    post(client.clone(), url.clone(), token.clone(), key).await,
                    &mut acked,
                    &mut unknown,
                );
            }
        }
        assert!(
            unknown.is_empty(),
            "Hearth did not recover after the database came back: {unknown:?}"
        );
    }
    let _ = server.kill();
    let _ = server.wait();

    let store = hearth::storage::open(&storage).await.unwrap();
    assert_eq!(store.verify().await.unwrap(), Vec::<String>::new());
    let replies = store
        .replies(topic_id.parse().unwrap(), 0, 10_000, None)
        .await
        .unwrap();
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in replies {
        by_key
            .entry(r.body_md.clone())
            .or_default()
            .push(r.id.to_string());
    }
    assert_eq!(
        by_key.len(),
        acked.len(),
        "every request ended acknowledged"
    );
    for (key, id) in &acked {
        assert_eq!(by_key.get(key), Some(&vec![id.clone()]), "{key}");
    }
    eprintln!(
        "database crash test: {cycles} kills of PostgreSQL, {} replies, each exactly once",
        acked.len()
    );
}
