//! Profiles: what a member's page and API profile show of their recent work,
//! and only what the viewer may read.

use serde_json::{Value, json};

use crate::support::{Backend, both, spawn_app};
use crate::topics::{reply, team, topic};

async fn a_profile_shows_recent_topics_the_viewer_may_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let open = team(&app, "xia", &[], "plaza", "public").await;
    topic(
        &open[0],
        "plaza",
        json!({"title": "Hello plaza", "body": "hi"}),
    )
    .await;
    let (status, _) = open[0]
        .post(
            "/api/v1/spaces",
            json!({"slug": "den", "name": "Den", "visibility": "secret"}),
        )
        .await;
    assert_eq!(status, 201);
    topic(
        &open[0],
        "den",
        json!({"title": "Secret den plans", "body": "hush"}),
    )
    .await;
    app.create_user("yan", false).await;
    let yan = app.api(&app.token("yan").await);
    let (_, profile) = yan.get("/api/v1/users/xia").await;
    let titles: Vec<&str> = profile["recent_topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Hello plaza"]);
    let b = app.signed_in("yan").await;
    let (_, html) = b.page("/u/xia").await;
    assert!(html.contains("Hello plaza") && !html.contains("Secret den"));
}
both!(a_profile_shows_recent_topics_the_viewer_may_read);

async fn a_profile_shows_recent_replies_only_where_the_viewer_may_read_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let zara = team(&app, "zara", &["abe"], "agora", "public")
        .await
        .remove(0);
    let (status, _) = zara
        .post(
            "/api/v1/spaces",
            json!({"slug": "vault", "name": "Vault", "visibility": "private"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = zara
        .post("/api/v1/spaces/vault/members", json!({"username": "abe"}))
        .await;
    assert_eq!(status, 201);
    app.create_user("yoyo", false).await;

    let mut replies = Vec::new();
    for (space, kind, title) in [
        ("agora", "discussion", "Open talk"),
        ("agora", "discussion", "Locked talk"),
        ("agora", "discussion", "Hidden talk"),
        ("agora", "discussion", "Deleted talk"),
        ("vault", "discussion", "Vault talk"),
        ("~zara", "post", "Draft post"),
        ("~zara", "post", "Scheduled post"),
    ] {
        let t = topic(
            &zara,
            space,
            json!({"kind": kind, "title": title, "body": "x"}),
        )
        .await;
        app.clock.advance(1000);
        let r = reply(&zara, &t, &format!("zara on {title}"), None).await;
        replies.push((t, r));
    }
    app.clock.advance(1000);
    let gone = reply(&zara, &replies[0].0, "zara deleted this", None).await;
    reply(
        &app.api(&app.token("abe").await),
        &replies[0].0,
        "abe on Open talk",
        None,
    )
    .await;

    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let (status, _) = zara.delete(&format!("/api/v1/replies/{}", id(&gone))).await;
    assert_eq!(status, 204);
    for (i, action) in [(1, "lock"), (2, "hide")] {
        let (status, body) = zara
            .post(
                &format!("/api/v1/topics/{}/moderation", id(&replies[i].0)),
                json!({"action": action}),
            )
            .await;
        assert_eq!(status, 204, "{action}: {body}");
    }
    let (status, _) = zara
        .delete(&format!("/api/v1/topics/{}", id(&replies[3].0)))
        .await;
    assert_eq!(status, 204);
    for (i, change) in [
        (5, json!({"draft": true})),
        (6, json!({"publish_at": "2027-01-01T00:00:00Z"})),
    ] {
        let (status, body) = zara
            .patch(&format!("/api/v1/topics/{}", id(&replies[i].0)), change)
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let bodies = |profile: &Value| -> Vec<String> {
        profile["recent_replies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, seen_by_yoyo) = app
        .api(&app.token("yoyo").await)
        .get("/api/v1/users/zara")
        .await;
    assert_eq!(
        bodies(&seen_by_yoyo),
        ["zara on Locked talk", "zara on Open talk"]
    );
    let first = &seen_by_yoyo["recent_replies"][1];
    assert_eq!(first["topic_title"], "Open talk");
    assert_eq!(first["url"], format!("/r/{}", id(&replies[0].1)));
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let documented = doc["components"]["schemas"]["ProfileReplyJson"].to_string();
    assert!(
        documented.contains("topic_title") && documented.contains("ReplyJson"),
        "{documented}"
    );
    let (_, seen_by_abe) = app
        .api(&app.token("abe").await)
        .get("/api/v1/users/zara")
        .await;
    assert_eq!(
        bodies(&seen_by_abe),
        [
            "zara on Vault talk",
            "zara on Locked talk",
            "zara on Open talk"
        ],
        "a member of the private space sees the reply in it"
    );

    let (status, html) = app.signed_in("yoyo").await.page("/u/zara").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(
            "On <a href=\"/r/{}\">Open talk</a>",
            id(&replies[0].1)
        )),
        "{html}"
    );
    assert!(html.contains("zara on Locked talk"));
    for hidden in [
        "Hidden talk",
        "Deleted talk",
        "Vault talk",
        "Draft post",
        "Scheduled post",
        "zara deleted this",
        "abe on Open talk",
    ] {
        assert!(!html.contains(hidden), "{hidden} on the profile page");
        assert!(
            !seen_by_yoyo.to_string().contains(hidden),
            "{hidden} in the API"
        );
    }
}
both!(a_profile_shows_recent_replies_only_where_the_viewer_may_read_them);
