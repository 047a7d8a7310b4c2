//! Live updates over Server-Sent Events: a reader sees replies and
//! notifications as they happen, resumes with `Last-Event-ID`, never sees
//! what they may not read, and (PostgreSQL) hears of a reply posted on
//! another node.

use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::{create_admin, start_server, storage_args};
use crate::support::app::{PASSWORD, fresh_storage};
use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::{reply, team, topic};

/// How long a test waits for an event that must come.
const EVENT_WAIT: Duration = Duration::from_secs(10);

/// One event of a stream.
#[derive(Debug, Clone, PartialEq)]
struct Sse {
    id: String,
    event: String,
    data: Value,
}

/// A reader's open stream.
struct Stream {
    resp: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(base: &str, token: &str, query: &str, last: Option<&str>) -> reqwest::Response {
        let mut req = reqwest::Client::new()
            .get(format!("{base}/api/v1/events{query}"))
            .bearer_auth(token);
        if let Some(id) = last {
            req = req.header("Last-Event-ID", id);
        }
        req.send().await.expect("open the stream")
    }

    async fn start(base: &str, token: &str, query: &str, last: Option<&str>) -> Self {
        let resp = Self::open(base, token, query, last).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        Self {
            resp,
            buffer: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped); fails after a while.
    async fn next(&mut self) -> Sse {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (String::new(), String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if event.is_empty() {
                    continue;
                }
                let data = serde_json::from_str(&data).expect("JSON data");
                return Sse { id, event, data };
            }
            let chunk = tokio::time::timeout(EVENT_WAIT, self.resp.chunk())
                .await
                .expect("an event in time")
                .expect("read the stream")
                .expect("the stream is open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

async fn tokens(app: &TestApp, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for n in names {
        out.push(app.token(n).await);
    }
    out
}

async fn a_reader_sees_replies_and_notifications_as_they_happen_and_resumes(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let t = topic(&apis[0], "crew", json!({"title": "Live", "body": "x"})).await;
    let tid = t["id"].as_str().unwrap();
    let [_, bob] = <[String; 2]>::try_from(tokens(&app, &["ann", "bob"]).await).unwrap();
    let mut stream = Stream::start(&app.url(""), &bob, &format!("?topic={tid}"), None).await;

    let posted = reply(&apis[0], &t, "Hello @bob", None).await;
    let first = stream.next().await;
    let second = stream.next().await;
    assert_eq!(first.event, "notification", "{first:?}");
    // The topic itself (Bob follows the space he joined) and the mention.
    assert_eq!(first.data["unread"], 2);
    assert_eq!(second.event, "reply");
    assert_eq!(second.data["reply_id"], posted["id"]);
    assert_eq!(second.data["topic_id"], tid);

    // Reconnecting after the first event gets the second again, and then
    // what came while it was away.
    drop(stream);
    let later = reply(&apis[0], &t, "While you were away", None).await;
    let mut again = Stream::start(
        &app.url(""),
        &bob,
        &format!("?topic={tid}"),
        Some(&first.id),
    )
    .await;
    assert_eq!(again.next().await, second);
    let missed = again.next().await;
    assert_eq!(missed.event, "reply");
    assert_eq!(missed.data["reply_id"], later["id"]);
}
both!(a_reader_sees_replies_and_notifications_as_they_happen_and_resumes);

async fn a_waiting_reader_ends_as_soon_as_its_node_stops(backend: Backend) {
    let app = spawn_app(backend).await;
    let ann = app.create_user("ann", false).await;
    let viewer = hearth_app::auth::viewer_of(&ann);
    let mut reader = hearth_app::live::LiveReader::open(&app.ctx, viewer, None, None)
        .await
        .unwrap();
    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    let waiting = tokio::spawn(async move { reader.next(&mut stopping).await });
    // Nothing is written: the reader waits (an idle one looks again only
    // after half a minute) until the node stops.
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished());
    stop.send_replace(true);
    let ended = tokio::time::timeout(EVENT_WAIT, waiting)
        .await
        .expect("the reader ends when its node stops")
        .unwrap();
    assert_eq!(ended.unwrap(), None);
}
both!(a_waiting_reader_ends_as_soon_as_its_node_stops);

async fn a_reader_removed_from_a_space_is_told_nothing_more_of_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "inner", "private").await;
    let crew = team(&app, "cat", &[], "crew", "public").await;
    let secret = topic(&apis[0], "inner", json!({"title": "Plans", "body": "x"})).await;
    let open = topic(&crew[0], "crew", json!({"title": "Open", "body": "x"})).await;
    let bob = app.token("bob").await;
    let query = format!("?topic={}", secret["id"].as_str().unwrap());

    // A non-member cannot even open the stream of a private topic.
    app.create_user("eve", false).await;
    let eve = app.token("eve").await;
    let refused = Stream::open(&app.url(""), &eve, &query, None).await;
    assert_eq!(refused.status(), 404);

    let mut stream = Stream::start(&app.url(""), &bob, &query, None).await;
    let (status, _) = apis[0].delete("/api/v1/spaces/inner/members/bob").await;
    assert_eq!(status, 204);
    reply(&apis[0], &secret, "Bob is gone now", None).await;
    // What Bob may still see comes through; the private reply before it never does.
    reply(&crew[0], &open, "Are you there, @bob?", None).await;
    let next = stream.next().await;
    assert_eq!(next.event, "notification", "{next:?}");
}
both!(a_reader_removed_from_a_space_is_told_nothing_more_of_it);

async fn a_request_to_join_reaches_the_moderators_bell_as_it_happens(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &[], "club", "private").await;
    let (status, _) = apis[0]
        .patch("/api/v1/spaces/club", json!({"join_policy": "request"}))
        .await;
    assert_eq!(status, 200);
    let ann = app.token("ann").await;
    let mut stream = Stream::start(&app.url(""), &ann, "", None).await;
    app.create_user("ed", false).await;
    let ed = app.signed_in("ed").await;
    assert_eq!(
        ed.submit("/s/club", "/s/club/join", &[]).await.status(),
        303
    );
    let told = stream.next().await;
    assert_eq!(
        (told.event.as_str(), &told.data["unread"]),
        ("notification", &json!(1)),
        "{told:?}"
    );

    // And the decision reaches the asker.
    let ed_token = app.token("ed").await;
    let mut asker = Stream::start(&app.url(""), &ed_token, "", None).await;
    let (status, _) = apis[0].delete("/api/v1/spaces/club/join-requests/ed").await;
    assert_eq!(status, 204);
    let told = asker.next().await;
    assert_eq!(told.data["unread"], 1, "{told:?}");
}
both!(a_request_to_join_reaches_the_moderators_bell_as_it_happens);

/// Two `hearth serve` processes on one PostgreSQL database: a reader on
/// one hears of a reply posted on the other.
#[tokio::test]
async fn a_reply_posted_on_one_node_reaches_a_reader_on_another() {
    let (storage, _guard) = fresh_storage(Backend::Postgres).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());
    let (mut node_a, a) = start_server(&args, cwd.path());
    let (mut node_b, b) = start_server(&args, cwd.path());
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{a}/api/v1/tokens"))
        .json(&json!({"username": "opal", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let token: Value = resp.json().await.unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let post = |path: &str, body: Value| {
        client
            .post(format!("{a}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let resp = post("/api/v1/spaces", json!({"slug": "nodes", "name": "Nodes"}))
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let resp = post(
        "/api/v1/spaces/nodes/topics",
        json!({"title": "Across", "body": "x"}),
    )
    .await
    .unwrap();
    let t: Value = resp.json().await.unwrap();
    let tid = t["id"].as_str().unwrap();

    let mut stream = Stream::start(&b, &token, &format!("?topic={tid}"), None).await;
    let resp = post(
        &format!("/api/v1/topics/{tid}/replies"),
        json!({"body": "From node A"}),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 201);
    let posted: Value = resp.json().await.unwrap();
    let event = stream.next().await;
    assert_eq!(event.event, "reply");
    assert_eq!(event.data["reply_id"], posted["id"]);
    for node in [&mut node_a, &mut node_b] {
        let _ = node.kill();
        let _ = node.wait();
    }
}

/// Ids are taken in one order and may commit in another: an event whose
/// transaction commits after a later one's still reaches the reader, in
/// its place.
#[tokio::test]
async fn an_event_that_commits_after_a_later_one_is_not_passed_over() {
    use secrecy::ExposeSecret;
    let app = spawn_app(Backend::Postgres).await;
    let apis = team(&app, "ann", &["bob"], "late", "private").await;
    let t = topic(&apis[0], "late", json!({"title": "Late", "body": "x"})).await;
    let other = topic(&apis[0], "late", json!({"title": "Other", "body": "x"})).await;
    let tid = t["id"].as_str().unwrap();
    let bob = app.token("bob").await;
    let mut stream = Stream::start(&app.url(""), &bob, &format!("?topic={tid}"), None).await;

    // Another connection takes the next event id (a notification of Bob's
    // about the other topic) and holds it uncommitted.
    let hearth::config::Storage::Postgres(url, ..) = &app.storage else {
        unreachable!("a PostgreSQL app")
    };
    let (mut slow, conn) = tokio_postgres::connect(url.expose_secret(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let held = slow.transaction().await.unwrap();
    let other_id: i64 = other["id"].as_str().unwrap().parse().unwrap();
    let row = held
        .query_one(
            "INSERT INTO live_events (kind, topic_id, user_id, created_at)
             SELECT 'notification', $1, id, 0 FROM users WHERE username = 'bob'
             RETURNING id",
            &[&other_id],
        )
        .await
        .unwrap();
    let held_id: i64 = row.get(0);
    // A later id commits first: pages start their streams below the
    // held one, which may still commit.
    let later = reply(&apis[0], &t, "Later", None).await;
    let (_, page) = app.signed_in("bob").await.page("/").await;
    let start: i64 = page
        .split("data-live-after=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.parse().ok())
        .expect("the page says where its stream starts");
    assert!(start < held_id, "{start} passes over {held_id}");
    held.batch_execute("NOTIFY hearth_live").await.unwrap();
    held.commit().await.unwrap();

    let first = stream.next().await;
    assert_eq!(
        (first.id.as_str(), first.event.as_str()),
        (held_id.to_string().as_str(), "notification"),
        "{first:?}"
    );
    let second = stream.next().await;
    assert_eq!(second.data["reply_id"], later["id"], "{second:?}");
}
