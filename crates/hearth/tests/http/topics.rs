//! Topics and replies: the four kinds, threads, pages, edits, moderation.

use serde_json::{Value, json};

use crate::support::app::Api;
use crate::support::{Backend, TestApp, both, spawn_app};

/// A space `slug` owned by `owner`, with `members` joined.
pub(crate) async fn team(
    app: &TestApp,
    owner: &str,
    members: &[&str],
    slug: &str,
    visibility: &str,
) -> Vec<Api> {
    app.create_user(owner, false).await;
    let owner_api = app.api(&app.token(owner).await);
    let (status, body) = owner_api
        .post(
            "/api/v1/spaces",
            json!({"slug": slug, "name": slug, "visibility": visibility, "join_policy": "invite"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut apis = vec![owner_api];
    for m in members {
        app.create_user(m, false).await;
        let (status, _) = apis[0]
            .post(
                &format!("/api/v1/spaces/{slug}/members"),
                json!({"username": m}),
            )
            .await;
        assert_eq!(status, 201);
        apis.push(app.api(&app.token(m).await));
    }
    apis
}

pub(crate) async fn topic(api: &Api, space: &str, body: Value) -> Value {
    let (status, t) = api
        .post(&format!("/api/v1/spaces/{space}/topics"), body)
        .await;
    assert_eq!(status, 201, "{t}");
    t
}

pub(crate) async fn reply(api: &Api, topic: &Value, body: &str, parent: Option<&Value>) -> Value {
    let mut req = json!({"body": body});
    if let Some(p) = parent {
        req["parent"] = p["id"].clone();
    }
    let (status, r) = api
        .post(
            &format!("/api/v1/topics/{}/replies", topic["id"].as_str().unwrap()),
            req,
        )
        .await;
    assert_eq!(status, 201, "{r}");
    r
}

async fn a_discussion_gets_threaded_replies_in_the_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let _ = team(&app, "ada", &["ben"], "crew", "public").await;
    let ada = app.signed_in("ada").await;
    let resp = ada
        .submit(
            "/s/crew/new",
            "/s/crew/topics",
            &[
                ("kind", "discussion"),
                ("title", "Lunch on Friday?"),
                ("body", "Who is in? cc @ben"),
                ("tags", "social, Food"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let url = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(url.ends_with("/lunch-on-friday"), "{url}");
    let id = url.split('/').nth(2).unwrap().to_owned();

    let ben = app.signed_in("ben").await;
    let (status, html) = ben.page(&url).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Lunch on Friday?") && html.contains("href=\"/u/ben\""),
        "mention linked"
    );
    assert!(html.contains("#social") && html.contains("#food"));

    let resp = ben
        .submit(
            &url,
            &format!("/t/{id}/replies"),
            &[("body", "Count me in")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let first = resp.headers()["location"].to_str().unwrap().to_owned();
    let first_id = first.trim_start_matches("/r/").to_owned();
    let resp = ada
        .submit(
            &url,
            &format!("/t/{id}/replies"),
            &[("body", "Great, see you"), ("parent", &first_id)],
        )
        .await;
    assert_eq!(resp.status(), 303);

    let permalink = ben.get(&first).await;
    assert_eq!(permalink.status(), 303);
    assert_eq!(
        permalink.headers()["location"],
        format!("{url}#r-{first_id}")
    );
    let (_, html) = ben.page(&url).await;
    let first_at = html.find(&format!("id=\"r-{first_id}\"")).unwrap();
    let nested_at = html.find("indent-1").expect("a nested reply");
    assert!(
        nested_at > first_at,
        "the answer to a reply follows it, indented"
    );
    assert!(html.contains("2 replies"));

    let (_, crew) = ben.page("/s/crew").await;
    assert!(crew.contains("Lunch on Friday?") && crew.contains("2 replies"));
}
both!(a_discussion_gets_threaded_replies_in_the_browser);

async fn long_threads_are_paged_and_permalinks_land_on_the_right_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "cy", &[], "big", "public").await;
    let t = topic(
        &apis[0],
        "big",
        json!({"title": "Long", "body": "many replies"}),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(reply(&apis[0], &t, &format!("reply number {i}"), None).await);
    }
    let tid = t["id"].as_str().unwrap();
    let (_, page1) = apis[0].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(page1["replies"]["items"].as_array().unwrap().len(), 50);
    assert_eq!(page1["replies"]["next"], "2");
    let (_, page3) = apis[0].get(&format!("/api/v1/topics/{tid}?after=3")).await;
    assert_eq!(page3["replies"]["items"].as_array().unwrap().len(), 20);
    assert!(page3["replies"]["next"].is_null());

    let b = app.signed_in("cy").await;
    let target = ids[74]["id"].as_str().unwrap();
    let resp = b.get(&format!("/r/{target}")).await;
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.ends_with(&format!("?page=2#r-{target}")),
        "{location}"
    );
    let (_, html) = b.page(location.split('#').next().unwrap()).await;
    assert!(html.contains(&format!("id=\"r-{target}\"")));
    assert!(html.contains("reply number 74"));
}
both!(long_threads_are_paged_and_permalinks_land_on_the_right_page);

async fn a_question_accepts_one_answer_from_its_asker(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "dee", &["eli"], "help", "public").await;
    let q = topic(
        &apis[0],
        "help",
        json!({"kind": "question", "title": "How do I?", "body": "Please"}),
    )
    .await;
    let other = topic(
        &apis[0],
        "help",
        json!({"kind": "question", "title": "Other", "body": "?"}),
    )
    .await;
    let answer = reply(&apis[1], &q, "Like this", None).await;
    let stranger = reply(&apis[1], &other, "Elsewhere", None).await;
    let qid = q["id"].as_str().unwrap();

    let (_, unanswered) = apis[0]
        .get("/api/v1/spaces/help/topics?kind=question&unanswered=true")
        .await;
    assert_eq!(unanswered["items"].as_array().unwrap().len(), 2);

    let (status, _) = apis[1]
        .post(
            &format!("/api/v1/topics/{qid}/accepted"),
            json!({"reply": answer["id"]}),
        )
        .await;
    assert_eq!(status, 403, "only the asker");
    let (status, body) = apis[0]
        .post(
            &format!("/api/v1/topics/{qid}/accepted"),
            json!({"reply": stranger["id"]}),
        )
        .await;
    assert_eq!(status, 400, "a reply of another topic: {body}");
    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{qid}/accepted"),
            json!({"reply": answer["id"]}),
        )
        .await;
    assert_eq!(status, 204);

    let (_, t) = apis[1].get(&format!("/api/v1/topics/{qid}")).await;
    assert_eq!(t["accepted_reply"], answer["id"]);
    let (_, unanswered) = apis[0]
        .get("/api/v1/spaces/help/topics?kind=question&unanswered=true")
        .await;
    assert_eq!(unanswered["items"].as_array().unwrap().len(), 1);
    let b = app.signed_in("eli").await;
    let (_, html) = b.page(t["url"].as_str().unwrap()).await;
    assert!(html.contains("Accepted answer") && html.contains("answered"));

    let d = topic(&apis[0], "help", json!({"title": "Chat", "body": "x"})).await;
    let r = reply(&apis[1], &d, "y", None).await;
    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{}/accepted", d["id"].as_str().unwrap()),
            json!({"reply": r["id"]}),
        )
        .await;
    assert_eq!(status, 403, "discussions have no accepted answer");
}
both!(a_question_accepts_one_answer_from_its_asker);

async fn locked_hidden_and_deleted_topics_refuse_replies(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "lea", &["max"], "ops", "public").await;
    let t = topic(
        &apis[1],
        "ops",
        json!({"title": "Incident", "body": "down"}),
    )
    .await;
    let other = topic(&apis[1], "ops", json!({"title": "Other", "body": "x"})).await;
    let r_other = reply(&apis[1], &other, "elsewhere", None).await;
    let tid = t["id"].as_str().unwrap();

    let (status, body) = apis[1]
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "hi", "parent": r_other["id"]}),
        )
        .await;
    assert_eq!(status, 400, "a parent from another topic: {body}");
    let (status, _) = apis[1]
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "   "}),
        )
        .await;
    assert_eq!(status, 400, "empty body");

    let (status, _) = apis[1]
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "lock"}),
        )
        .await;
    assert_eq!(status, 403, "members do not moderate");
    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "lock"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = apis[1]
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "still?"}),
        )
        .await;
    assert_eq!(status, 403, "locked");
    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "moderator note"}),
        )
        .await;
    assert_eq!(status, 201, "moderators still reply");

    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 204);
    app.create_user("ned", false).await;
    let ned = app.api(&app.token("ned").await);
    let (status, _) = ned.get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(status, 404, "hidden from others");
    let (status, _) = apis[1].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(status, 200, "its author still sees it");

    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "restore"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = apis[1].delete(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(status, 204);
    let (status, _) = apis[1].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(status, 404, "deleted");
    let (status, _) = apis[1]
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "ghost"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, t) = apis[0].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(
        (status, t["state"].as_str()),
        (200, Some("deleted")),
        "moderators can still see and restore it"
    );
    assert_eq!(t["reply_count"], 1, "nothing half-written");
}
both!(locked_hidden_and_deleted_topics_refuse_replies);

async fn replies_are_edited_by_their_author_and_deleted_to_a_placeholder(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ola", &["pat"], "talk", "public").await;
    let t = topic(&apis[0], "talk", json!({"title": "T", "body": "b"})).await;
    let r = reply(&apis[1], &t, "first words", None).await;
    let child = reply(&apis[0], &t, "an answer", Some(&r)).await;
    let rid = r["id"].as_str().unwrap();

    let (status, _) = apis[0]
        .patch(
            &format!("/api/v1/replies/{rid}"),
            json!({"body": "not yours"}),
        )
        .await;
    assert_eq!(status, 403, "someone else's reply");
    let (status, edited) = apis[1]
        .patch(
            &format!("/api/v1/replies/{rid}"),
            json!({"body": "better words"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(edited["edited"], true);
    let (status, history) = apis[1]
        .get(&format!("/api/v1/replies/{rid}/revisions"))
        .await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["better words", "first words"]);
    app.create_user("pry", false).await;
    let (status, _) = app
        .api(&app.token("pry").await)
        .get(&format!("/api/v1/replies/{rid}/revisions"))
        .await;
    assert_eq!(status, 403, "the history is for the author and moderators");

    let (status, _) = apis[0].delete(&format!("/api/v1/replies/{rid}")).await;
    assert_eq!(status, 204, "the owner moderates the space");
    let (_, page) = apis[1]
        .get(&format!("/api/v1/topics/{}", t["id"].as_str().unwrap()))
        .await;
    let items = page["replies"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the placeholder keeps the thread readable");
    assert_eq!(items[0]["deleted"], true);
    assert_eq!(items[0]["body"], "");
    assert_eq!(items[1]["id"], child["id"]);
    assert_eq!(items[1]["depth"], 1);

    let b = app.signed_in("ola").await;
    let (_, html) = b.page(t["url"].as_str().unwrap()).await;
    assert!(html.contains("This reply was deleted") && !html.contains("better words"));
    let resp = b
        .submit(
            t["url"].as_str().unwrap(),
            &format!("/r/{rid}/restore"),
            &[],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, html) = b.page(t["url"].as_str().unwrap()).await;
    assert!(html.contains("better words"));
}
both!(replies_are_edited_by_their_author_and_deleted_to_a_placeholder);

async fn an_edited_reply_links_its_history_for_its_author_and_moderators(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "quin", &["ravi", "sol"], "desk", "public").await;
    let t = topic(&apis[0], "desk", json!({"title": "T", "body": "b"})).await;
    let url = t["url"].as_str().unwrap();
    let tid = t["id"].as_str().unwrap();
    let ravi = app.signed_in("ravi").await;
    let resp = ravi
        .submit(
            url,
            &format!("/t/{tid}/replies"),
            &[("body", "first draft")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let rid = resp.headers()["location"].to_str().unwrap()["/r/".len()..].to_owned();
    let history = format!("/r/{rid}/history");
    let link = format!("href=\"{history}\"");
    let (_, html) = ravi.page(url).await;
    assert!(
        !html.contains(" · edited") && !html.contains(&link),
        "not edited yet"
    );

    let edit_page = format!("/r/{rid}/edit");
    let resp = ravi
        .submit(&edit_page, &edit_page, &[("body", "second thoughts")])
        .await;
    assert_eq!(resp.status(), 303);
    let (_, html) = ravi.page(url).await;
    assert!(html.contains("second thoughts") && html.contains(" · edited"));
    assert!(html.contains(&link), "the author sees the history link");
    let (status, page) = ravi.page(&history).await;
    assert_eq!(status, 200);
    assert!(page.contains("first draft") && page.contains("second thoughts"));

    let quin = app.signed_in("quin").await;
    let (_, html) = quin.page(url).await;
    assert!(html.contains(&link), "a moderator sees it too");
    assert_eq!(quin.page(&history).await.0, 200);

    let sol = app.signed_in("sol").await;
    let (_, html) = sol.page(url).await;
    assert!(
        html.contains(" · edited") && !html.contains(&link),
        "another member does not"
    );
    let (status, page) = sol.page(&history).await;
    assert_eq!(status, 403);
    assert!(
        page.contains("only the author and moderators see this history")
            && !page.contains("first draft")
    );
}
both!(an_edited_reply_links_its_history_for_its_author_and_moderators);

async fn likes_count_once_per_person(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "quin", &["rae"], "fun", "public").await;
    let t = topic(&apis[0], "fun", json!({"title": "Cats", "body": "meow"})).await;
    let tid = t["id"].as_str().unwrap();
    for api in [&apis[0], &apis[1], &apis[1]] {
        let (status, _) = api
            .post(&format!("/api/v1/topics/{tid}/reactions"), json!({}))
            .await;
        assert_eq!(status, 200);
    }
    let (_, topic_now) = apis[0].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(topic_now["like_count"], 2);
    let (_, body) = apis[1]
        .delete(&format!("/api/v1/topics/{tid}/reactions"))
        .await;
    assert_eq!(body["like_count"], 1);
    let r = reply(&apis[0], &t, "purr", None).await;
    let (_, body) = apis[1]
        .post(
            &format!("/api/v1/replies/{}/reactions", r["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(body["like_count"], 1);

    let b = app.signed_in("rae").await;
    let resp = b
        .submit(
            t["url"].as_str().unwrap(),
            &format!("/t/{tid}/like"),
            &[("on", "1")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, html) = b.page(t["url"].as_str().unwrap()).await;
    assert!(html.contains("Liked · 2"), "{html}");
    assert!(
        html.contains("Liked by quin Tester, rae Tester"),
        "who liked is shown"
    );
    // Who liked a reply is a page away.
    let rid = r["id"].as_str().unwrap();
    let likes = format!("/r/{rid}/likes");
    assert!(html.contains(&likes), "the reply links who liked it");
    let (status, page) = b.page(&likes).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("rae Tester") && !page.contains("quin Tester"),
        "{page}"
    );
    app.create_user("outsider", false).await;
    assert_eq!(
        app.signed_in("outsider").await.page(&likes).await.0,
        200,
        "a public space"
    );
}
both!(likes_count_once_per_person);

async fn private_content_stays_private_in_pages_lists_and_tags(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "sue", &[], "board", "private").await;
    let secret = topic(
        &apis[0],
        "board",
        json!({"title": "Merger plans", "body": "quiet", "tags": ["plans"]}),
    )
    .await;
    let open_apis = team(&app, "tom", &[], "lobby", "public").await;
    topic(
        &open_apis[0],
        "lobby",
        json!({"title": "Open plans", "body": "loud", "tags": ["plans"]}),
    )
    .await;

    app.create_user("uma", false).await;
    let uma = app.api(&app.token("uma").await);
    let sid = secret["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/topics/{sid}"),
        format!("/api/v1/topics/{sid}/revisions"),
    ] {
        let (status, _) = uma.get(&path).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = uma.get("/api/v1/spaces/board/topics").await;
    assert_eq!(status, 403);
    let (status, _) = uma
        .post(
            &format!("/api/v1/topics/{sid}/replies"),
            json!({"body": "hi"}),
        )
        .await;
    assert_eq!(status, 404);
    let (_, tagged) = uma.get("/api/v1/tags/plans/topics").await;
    let titles: Vec<&str> = tagged["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Open plans"]);

    let inside = reply(&apis[0], &secret, "hush", None).await;
    let rid = inside["id"].as_str().unwrap();
    let (status, _) = apis[0]
        .post(&format!("/api/v1/replies/{rid}/reactions"), json!({}))
        .await;
    assert_eq!(status, 200);
    let b = app.signed_in("uma").await;
    for path in [
        format!("/t/{sid}/merger-plans"),
        format!("/t/{sid}"),
        format!("/r/{rid}/likes"),
    ] {
        assert_eq!(b.page(&path).await.0, 404, "{path}");
    }
    let (_, tag_page) = b.page("/tags/plans").await;
    assert!(tag_page.contains("Open plans") && !tag_page.contains("Merger"));
    let (_, html) = b.page("/s/board").await;
    assert!(!html.contains("Merger"));
}
both!(private_content_stays_private_in_pages_lists_and_tags);
