//! Everyday steps as people expect them: moving a topic by picking a space,
//! moderation with a reason its author is shown, what is new since one's
//! last visit, and dates that read as how long ago.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::{reply, topic};

/// `mod` runs spaces "from" and "to" (and is a plain member of nothing
/// else); `pen` writes in "from". Returns pen's topic.
async fn two_spaces(app: &TestApp) -> Value {
    app.create_user("mod", false).await;
    app.create_user("pen", false).await;
    let moderator = app.api(&app.token("mod").await);
    for (slug, name) in [("from", "From here"), ("to", "Over there")] {
        let (status, body) = moderator
            .post("/api/v1/spaces", json!({"slug": slug, "name": name}))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = moderator
        .post("/api/v1/spaces/from/members", json!({"username": "pen"}))
        .await;
    assert_eq!(status, 201);
    let pen = app.api(&app.token("pen").await);
    topic(
        &pen,
        "from",
        json!({"title": "Misplaced thoughts", "body": "x"}),
    )
    .await
}

async fn a_moderator_moves_a_topic_by_picking_a_space(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = two_spaces(&app).await;
    let url = t["url"].as_str().unwrap();
    let id = t["id"].as_str().unwrap();
    let moderator = app.signed_in("mod").await;
    let move_page = format!("/t/{id}/move");
    let (_, page) = moderator.page(url).await;
    assert!(
        page.contains(&format!(r#"<a href="{move_page}""#)),
        "{page}"
    );
    assert!(
        !page.contains("<option"),
        "the spaces are on a page of their own"
    );
    let (status, page) = moderator.page(&move_page).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"<select id="move-to" name="to" required>"#),
        "{page}"
    );
    assert!(page.contains(r#"<option value="to">Over there</option>"#));
    assert!(
        !page.contains(r#"<option value="from">"#),
        "not the space it is in"
    );
    let pen = app.signed_in("pen").await;
    let (_, page) = pen.page(url).await;
    assert!(!page.contains(&move_page), "members are offered no move");
    let (status, _) = pen.page(&move_page).await;
    assert_eq!(status, 403, "nor may they open the page");

    let resp = moderator
        .submit(
            &move_page,
            &format!("/t/{id}/moderate"),
            &[("action", "move"), ("to", "to")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let api = app.api(&app.token("mod").await);
    let (_, moved) = api.get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(moved["space"], "to", "{moved}");
}
both!(a_moderator_moves_a_topic_by_picking_a_space);

async fn a_reason_for_hiding_is_shown_to_the_author_and_kept_in_the_audit_log(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let t = two_spaces(&app).await;
    let id = t["id"].as_str().unwrap();
    let url = t["url"].as_str().unwrap();
    let moderator = app.signed_in("mod").await;

    // Too long a reason changes nothing.
    let long = "x".repeat(501);
    let resp = moderator
        .submit(
            url,
            &format!("/t/{id}/moderate"),
            &[("action", "hide"), ("reason", &long)],
        )
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM topics WHERE id = {id} AND state = 'open'"
        ))
        .await,
        1
    );

    let resp = moderator
        .submit(
            url,
            &format!("/t/{id}/moderate"),
            &[("action", "hide"), ("reason", "Off topic: see the FAQ")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let pen = app.signed_in("pen").await;
    let (status, page) = pen.page(url).await;
    assert_eq!(status, 200, "its author still reads it");
    assert!(
        page.contains("A moderator hid this topic: Off topic: see the FAQ"),
        "{page}"
    );
    let pen_api = app.api(&app.token("pen").await);
    let (_, shown) = pen_api.get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(shown["moderation_note"], "Off topic: see the FAQ");

    let boss = app.api(&app.token("boss").await);
    let (_, log) = boss.get("/api/v1/audit").await;
    let hide = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "topic.hide")
        .unwrap_or_else(|| panic!("{log}"));
    assert_eq!(hide["after"], "hidden (reason: Off topic: see the FAQ)");

    // Locked with a reason through the API: readers other than its author
    // and moderators are not told why.
    let mod_api = app.api(&app.token("mod").await);
    let (status, _) = mod_api
        .post(
            &format!("/api/v1/topics/{id}/moderation"),
            json!({"action": "restore"}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, shown) = pen_api.get(&format!("/api/v1/topics/{id}")).await;
    assert!(shown["moderation_note"].is_null(), "reopening clears it");
    let (status, _) = mod_api
        .post(
            &format!("/api/v1/topics/{id}/moderation"),
            json!({"action": "lock", "reason": "Settled"}),
        )
        .await;
    assert_eq!(status, 204);
    app.create_user("kim", false).await;
    let (status, _) = mod_api
        .post("/api/v1/spaces/from/members", json!({"username": "kim"}))
        .await;
    assert_eq!(status, 201);
    let kim = app.api(&app.token("kim").await);
    let (_, shown) = kim.get(&format!("/api/v1/topics/{id}")).await;
    assert!(shown["moderation_note"].is_null(), "{shown}");
    let (_, shown) = pen_api.get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(shown["moderation_note"], "Settled");
}
both!(a_reason_for_hiding_is_shown_to_the_author_and_kept_in_the_audit_log);

async fn a_returning_reader_is_told_what_is_new_since_their_last_visit(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = two_spaces(&app).await;
    let url = t["url"].as_str().unwrap();
    let moderator = app.api(&app.token("mod").await);
    let pen_api = app.api(&app.token("pen").await);
    reply(&pen_api, &t, "first", None).await;
    let pen = app.signed_in("pen").await;
    let (_, page) = pen.page(url).await;
    assert!(!page.contains("since your last visit"), "a first visit");
    assert!(page.contains("<time datetime=") && page.contains(">just now</time>"));

    let newer = reply(&moderator, &t, "second", None).await;
    reply(&moderator, &t, "third", None).await;
    reply(&pen_api, &t, "my own", None).await;
    let (_, page) = pen.page(url).await;
    assert!(
        page.contains("2 new replies since your last visit."),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"<a href="/r/{}">Go to the first</a>"#,
        newer["id"].as_str().unwrap()
    )));
    assert_eq!(
        page.matches(r#"<span class="badge ok">new</span>"#).count(),
        2
    );
    let (_, page) = pen.page(url).await;
    assert!(!page.contains("since your last visit"), "seen now");
}
both!(a_returning_reader_is_told_what_is_new_since_their_last_visit);
