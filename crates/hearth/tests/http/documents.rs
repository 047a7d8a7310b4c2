//! Documents and blog posts: shared editing with versions, diffs and
//! restore; drafts and scheduled publishing.

use serde_json::{Value, json};

use crate::support::{Backend, both, spawn_app};
use crate::topics::{team, topic};

async fn any_member_edits_a_document_and_a_stale_edit_is_refused_without_loss(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "fay", &["gil", "hal"], "wiki", "public").await;
    let doc = topic(
        &apis[0],
        "wiki",
        json!({"kind": "document", "title": "Handbook", "body": "v1"}),
    )
    .await;
    let path = format!("/api/v1/topics/{}", doc["id"].as_str().unwrap());

    let (status, edited) = apis[1]
        .patch(&path, json!({"body": "v2 by gil", "base_version": 1}))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], 2);
    let (status, body) = apis[2]
        .patch(&path, json!({"body": "v2 by hal", "base_version": 1}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version is 2")
    );

    let (_, current) = apis[2].get(&path).await;
    assert_eq!(current["body"], "v2 by gil", "the first edit is kept");
    let (status, _) = apis[2]
        .patch(
            &path,
            json!({"body": "v3 merged by hal", "base_version": 2}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, history) = apis[2].get(&format!("{path}/revisions")).await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["v3 merged by hal", "v2 by gil", "v1"]);

    app.create_user("ivan", false).await;
    let outsider = app.api(&app.token("ivan").await);
    let (status, _) = outsider.patch(&path, json!({"body": "vandal"})).await;
    assert_eq!(status, 403, "non-members do not edit");

    let b = app.signed_in("hal").await;
    let (_, html) = b
        .page(&format!("/t/{}/history", doc["id"].as_str().unwrap()))
        .await;
    assert!(html.contains("Version 3") && html.contains("v2 by gil"));
}
both!(any_member_edits_a_document_and_a_stale_edit_is_refused_without_loss);

async fn drafts_and_scheduled_posts_are_seen_by_their_author_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "jo", &["kim"], "news", "public").await;
    let draft = topic(
        &apis[0],
        "news",
        json!({"kind": "post", "title": "Draft", "body": "soon", "draft": true}),
    )
    .await;
    let later = topic(
        &apis[0],
        "news",
        json!({"kind": "post", "title": "Scheduled", "body": "later", "publish_at": "2026-01-02T00:00:00Z"}),
    )
    .await;
    let (status, body) = apis[1]
        .post(
            "/api/v1/spaces/news/topics",
            json!({"kind": "discussion", "title": "x", "body": "y", "draft": true}),
        )
        .await;
    assert_eq!(status, 400, "only posts are drafts: {body}");

    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, mine) = apis[0].get("/api/v1/spaces/news/topics").await;
    assert_eq!(titles(&mine).len(), 2);
    let (_, theirs) = apis[1].get("/api/v1/spaces/news/topics").await;
    assert!(titles(&theirs).is_empty(), "{theirs}");
    for t in [&draft, &later] {
        let (status, _) = apis[1]
            .get(&format!("/api/v1/topics/{}", t["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, 404);
    }

    app.clock.advance(2 * 24 * 3600 * 1000);
    let (_, theirs) = apis[1].get("/api/v1/spaces/news/topics").await;
    assert_eq!(
        titles(&theirs),
        ["Scheduled"],
        "the scheduled post appeared"
    );
    let (status, _) = apis[0]
        .patch(
            &format!("/api/v1/topics/{}", draft["id"].as_str().unwrap()),
            json!({"draft": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, theirs) = apis[1].get("/api/v1/spaces/news/topics").await;
    assert_eq!(titles(&theirs).len(), 2, "the draft was published");
}
both!(drafts_and_scheduled_posts_are_seen_by_their_author_only);

async fn a_document_shows_a_diff_and_restores_an_old_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "vera", &["walt"], "docs", "public").await;
    let doc = topic(
        &apis[0],
        "docs",
        json!({"kind": "document", "title": "Plan", "body": "alpha\nbeta\ngamma\n"}),
    )
    .await;
    let id = doc["id"].as_str().unwrap();
    let (status, _) = apis[1]
        .patch(
            &format!("/api/v1/topics/{id}"),
            json!({"body": "alpha\nBETA\ngamma\ndelta\n", "base_version": 1}),
        )
        .await;
    assert_eq!(status, 200);

    let walt = app.signed_in("walt").await;
    let (status, html) = walt.page(&format!("/t/{id}/diff?from=1&to=2")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<del>- beta</del>")
            && html.contains("<ins>+ BETA</ins>")
            && html.contains("<ins>+ delta</ins>"),
        "{html}"
    );
    assert_eq!(walt.page(&format!("/t/{id}/diff?from=1&to=9")).await.0, 400);

    let resp = walt
        .submit(
            &format!("/t/{id}/history"),
            &format!("/t/{id}/restore"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, now) = apis[0].get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(now["version"], 3, "restoring makes a new version");
    assert_eq!(now["body"], "alpha\nbeta\ngamma\n");
    let (_, history) = apis[0].get(&format!("/api/v1/topics/{id}/revisions")).await;
    assert_eq!(
        history.as_array().unwrap().len(),
        3,
        "nothing in between is lost"
    );
}
both!(a_document_shows_a_diff_and_restores_an_old_version);
