//! How a thread reads: the accepted answer first, pinned topics on top,
//! replies nested to a limit, no replies to hidden topics, and who a topic
//! mentions.

use std::sync::{Arc, Mutex};

use hearth_store::export::{ExportSink, Table, Value};
use serde_json::{Value as Json, json};

use crate::lists::listed_titles;
use crate::support::{Backend, Browser, both, spawn_app};
use crate::topics::{reply, team, topic};

fn id(v: &Json) -> &str {
    v["id"].as_str().unwrap()
}

fn url(v: &Json) -> &str {
    v["url"].as_str().unwrap()
}

async fn a_space_moderator_marks_the_accepted_answer_from_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ona", &["pia", "raf"], "help", "public").await;
    app.create_user("mo", false).await;
    let (status, body) = apis[0]
        .post(
            "/api/v1/spaces/help/members",
            json!({"username": "mo", "role": "moderator"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let q = topic(
        &apis[1],
        "help",
        json!({"kind": "question", "title": "Which editor?", "body": "Help"}),
    )
    .await;
    let early = reply(&apis[2], &q, "Try the first one", None).await;
    app.clock.advance(1000);
    let best = reply(&apis[2], &q, "Use the one you know", None).await;
    let (tid, url) = (id(&q), url(&q));
    let form = format!("action=\"/t/{tid}/accept\"");

    let raf = app.signed_in("raf").await;
    let (_, page) = raf.page(url).await;
    assert!(!page.contains(&form), "only the asker and moderators");
    let resp = raf
        .submit(url, &format!("/t/{tid}/accept"), &[("reply", id(&best))])
        .await;
    assert_eq!(resp.status(), 403);

    let mo = app.signed_in("mo").await;
    let (_, page) = mo.page(url).await;
    assert!(page.contains(&form), "a moderator is offered the choice");
    assert!(!page.contains("badge ok\">answered"));
    let resp = mo
        .submit(url, &format!("/t/{tid}/accept"), &[("reply", id(&best))])
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], format!("/t/{tid}"));

    let (_, t) = apis[2].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(t["accepted_reply"], best["id"]);
    let (_, page) = raf.page(url).await;
    let heading = page
        .find("<h2 id=\"answer\">Accepted answer</h2>")
        .expect("an accepted answer section");
    let best_at = page.find("Use the one you know").unwrap();
    let early_at = page.find(&format!("id=\"r-{}\"", id(&early))).unwrap();
    assert!(
        heading < best_at && best_at < early_at,
        "the accepted answer comes before the earlier reply"
    );
    assert!(page.contains("<span class=\"badge ok\">answered</span>"));
    assert!(page.contains("<strong>accepted answer</strong>"));
    assert_ids_unique(&page);
    let resp = raf.get(&format!("/r/{}", id(&best))).await;
    let anchor = resp.headers()["location"]
        .to_str()
        .unwrap()
        .split('#')
        .nth(1);
    assert!(
        page.contains(&format!("id=\"{}\"", anchor.unwrap())),
        "the permalink leads to the answer"
    );
    let (_, list) = raf.page("/s/help?kind=question").await;
    assert!(list.contains("<span class=\"badge ok\">answered</span>"));
    let (_, open) = apis[2]
        .get("/api/v1/spaces/help/topics?kind=question&unanswered=true")
        .await;
    assert_eq!(open["items"], json!([]), "no longer unanswered");
}
both!(a_space_moderator_marks_the_accepted_answer_from_the_page);

/// Fails if two elements of a page share an id: links, labels and the
/// permalink's anchor would find only the first.
fn assert_ids_unique(html: &str) {
    let mut seen = std::collections::HashSet::new();
    for rest in html.split(" id=\"").skip(1) {
        let id = rest.split('"').next().unwrap();
        assert!(seen.insert(id), "id {id:?} twice");
    }
}

async fn moderate(b: &Browser, t: &Json, action: &str) -> u16 {
    b.submit(
        url(t),
        &format!("/t/{}/moderate", id(t)),
        &[("action", action)],
    )
    .await
    .status()
    .as_u16()
}

async fn pinned_topics_come_first_until_unpinned(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "pat", &["quy"], "news", "public").await;
    let mut topics = Vec::new();
    for title in ["Oldest", "Middle", "Newest"] {
        app.clock.advance(1000);
        topics.push(topic(&apis[1], "news", json!({"title": title, "body": "x"})).await);
    }
    let quy = app.signed_in("quy").await;
    let pat = app.signed_in("pat").await;
    let titles = || async {
        let (status, html) = quy.page("/s/news").await;
        assert_eq!(status, 200);
        let (_, api) = apis[1].get("/api/v1/spaces/news/topics").await;
        let from_api: Vec<String> = api["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect();
        let listed = listed_titles(&html);
        assert_eq!(listed, from_api, "the page and the API agree");
        (
            listed,
            html.matches("<span class=\"badge\">pinned</span>").count(),
        )
    };
    assert_eq!(
        titles().await,
        (vec!["Newest".into(), "Middle".into(), "Oldest".into()], 0)
    );

    assert_eq!(
        moderate(&quy, &topics[0], "pin").await,
        403,
        "members do not pin"
    );
    assert_eq!(moderate(&pat, &topics[0], "pin").await, 303);
    app.clock.advance(1000);
    topic(&apis[1], "news", json!({"title": "Latest", "body": "x"})).await;
    let (titles_now, badges) = titles().await;
    assert_eq!(titles_now, ["Oldest", "Latest", "Newest", "Middle"]);
    assert_eq!(badges, 1, "the pinned topic says so");

    assert_eq!(moderate(&pat, &topics[0], "unpin").await, 303);
    assert_eq!(
        titles().await,
        (
            vec![
                "Latest".into(),
                "Newest".into(),
                "Middle".into(),
                "Oldest".into()
            ],
            0
        ),
        "unpinned, it goes back to its place"
    );
}
both!(pinned_topics_come_first_until_unpinned);

async fn replying_to_a_hidden_topic_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ria", &["sam", "tia"], "ops", "public").await;
    let t = topic(&apis[1], "ops", json!({"title": "Outage", "body": "x"})).await;
    let tid = id(&t);
    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 204);

    let path = format!("/api/v1/topics/{tid}/replies");
    for (who, api, expected) in [
        ("its author", &apis[1], 403),
        ("a moderator", &apis[0], 403),
        ("another member", &apis[2], 404),
    ] {
        let (status, body) = api.post(&path, json!({"body": "anyone?"})).await;
        assert_eq!(status, expected, "{who}: {body}");
        let code = if expected == 403 {
            "forbidden"
        } else {
            "not_found"
        };
        assert_eq!(body["error"]["code"], code, "{who}: {body}");
    }
    let sam = app.signed_in("sam").await;
    let (status, page) = sam.page(url(&t)).await;
    assert_eq!(status, 200, "its author still reads it");
    assert!(!page.contains("id=\"reply\""), "no reply form is offered");
    let resp = sam
        .submit(
            url(&t),
            &format!("/t/{tid}/replies"),
            &[("body", "through the page")],
        )
        .await;
    assert_eq!(resp.status(), 403);

    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "restore"}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, shown) = apis[2].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(shown["reply_count"], 0, "nothing was written");
    assert_eq!(shown["replies"]["items"], json!([]));
    let (_, page) = sam.page(url(&t)).await;
    assert!(!page.contains("anyone?") && !page.contains("through the page"));
}
both!(replying_to_a_hidden_topic_is_refused_and_writes_nothing);

/// The `indent-N` class of reply `rid` on a page.
fn indent_of(html: &str, rid: &str) -> i64 {
    let start = format!("<article id=\"r-{rid}\" class=\"reply indent-");
    let at = html.find(&start).unwrap_or_else(|| panic!("reply {rid}")) + start.len();
    let digits: String = html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

async fn a_deep_thread_nests_to_the_limit_and_no_deeper(backend: Backend) {
    const LIMIT: i64 = 4;
    let app = spawn_app(backend).await;
    let apis = team(&app, "uli", &["vic"], "deep", "public").await;
    let t = topic(&apis[0], "deep", json!({"title": "Chain", "body": "go"})).await;
    let mut chain: Vec<Json> = Vec::new();
    for depth in 0..LIMIT + 3 {
        let api = &apis[(depth % 2) as usize];
        let r = reply(api, &t, &format!("at depth {depth}"), chain.last()).await;
        assert_eq!(r["depth"], depth.min(LIMIT));
        chain.push(r);
    }
    let vic = app.signed_in("vic").await;
    let resp = vic
        .submit(
            url(&t),
            &format!("/t/{}/replies", id(&t)),
            &[
                ("body", "deepest, from the page"),
                ("parent", id(chain.last().unwrap())),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let deepest = resp.headers()["location"].to_str().unwrap()["/r/".len()..].to_owned();

    let (_, html) = vic.page(url(&t)).await;
    for (depth, r) in chain.iter().enumerate() {
        let depth = depth as i64;
        assert_eq!(indent_of(&html, id(r)), depth.min(LIMIT), "depth {depth}");
    }
    assert_eq!(indent_of(&html, &deepest), LIMIT);
    assert!(!html.contains(&format!("indent-{}", LIMIT + 1)));
    let css = vic.get("/static/hearth.css").await.text().await.unwrap();
    for n in 1..=LIMIT {
        assert!(
            css.contains(&format!(".indent-{n} {{")),
            "indent-{n} is styled"
        );
    }
    let positions: Vec<usize> = chain
        .iter()
        .map(|r| html.find(&format!("id=\"r-{}\"", id(r))).unwrap())
        .collect();
    assert!(positions.is_sorted(), "each answer follows what it answers");
}
both!(a_deep_thread_nests_to_the_limit_and_no_deeper);

/// One exported row, with its table's name.
type Row = (&'static str, Vec<Value>);

/// Collects the rows of an export.
#[derive(Clone, Default)]
struct Rows(Arc<Mutex<Vec<Row>>>, Option<&'static str>);

impl ExportSink for Rows {
    fn table(&mut self, table: &'static Table) -> std::io::Result<()> {
        self.1 = Some(table.name);
        Ok(())
    }

    fn row(&mut self, values: Vec<Value>) -> std::io::Result<()> {
        self.0.lock().unwrap().push((self.1.unwrap(), values));
        Ok(())
    }
}

/// Who is recorded as mentioned: (topic, reply, username), in the export's
/// order, which is the same on both engines.
async fn stored_mentions(app: &crate::support::TestApp) -> Vec<(i64, Option<i64>, String)> {
    let rows = Rows::default();
    app.ctx
        .store
        .export(None, Box::new(rows.clone()))
        .await
        .unwrap();
    let rows = rows.0.lock().unwrap();
    let username = |user: &Value| {
        rows.iter()
            .find(|(table, r)| *table == "users" && &r[0] == user)
            .map(|(_, r)| match &r[1] {
                Value::Text(name) => name.clone(),
                other => panic!("a username: {other:?}"),
            })
            .unwrap()
    };
    rows.iter()
        .filter(|(table, _)| *table == "mentions")
        .map(|(_, r)| match (&r[0], &r[1]) {
            (Value::Int(topic), Value::Int(reply)) => (*topic, Some(*reply), username(&r[2])),
            (Value::Int(topic), Value::Null) => (*topic, None, username(&r[2])),
            other => panic!("a mention: {other:?}"),
        })
        .collect()
}

async fn only_mentions_of_existing_people_are_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "wes", &["bob", "carol"], "talk", "public").await;
    let t = topic(
        &apis[0],
        "talk",
        json!({"title": "Ping", "body": "@bob and @nobody, have a look"}),
    )
    .await;
    let tid: hearth_core::ids::TopicId = id(&t).parse().unwrap();
    let r = reply(&apis[0], &t, "also @carol, not @nobody", None).await;
    let rid: hearth_core::ids::ReplyId = id(&r).parse().unwrap();
    assert_eq!(
        stored_mentions(&app).await,
        [
            (tid.0, None, "bob".to_owned()),
            (tid.0, Some(rid.0), "carol".to_owned())
        ]
    );
    let b = app.signed_in("carol").await;
    let (_, page) = b.page(url(&t)).await;
    assert!(page.contains("href=\"/u/bob\"") && page.contains("href=\"/u/carol\""));
    assert!(
        !page.contains("href=\"/u/nobody\"") && page.contains("@nobody"),
        "a name of nobody stays text"
    );
    let (_, preview) = apis[0]
        .post("/api/v1/preview", json!({"body": "@bob, @nobody"}))
        .await;
    let html = preview["html"].as_str().unwrap();
    assert!(
        html.contains("href=\"/u/bob\"") && !html.contains("/u/nobody"),
        "{html}"
    );

    let (status, body) = apis[0]
        .patch(
            &format!("/api/v1/topics/{}", id(&t)),
            json!({"body": "@carol instead"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        stored_mentions(&app).await,
        [
            (tid.0, None, "carol".to_owned()),
            (tid.0, Some(rid.0), "carol".to_owned())
        ],
        "an edit replaces who the topic mentions"
    );
}
both!(only_mentions_of_existing_people_are_stored);
