//! Moderation: moving topics, and the audit log that records every action
//! taken as owner, moderator or administrator.

use serde_json::{Value, json};

use crate::support::{Backend, both, spawn_app};

fn actions(log: &Value) -> Vec<(String, String, String)> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["before"].as_str().unwrap_or("").to_owned(),
                e["after"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

async fn moderators_move_topics_and_every_action_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    app.create_user("mod", false).await;
    app.create_user("pen", false).await;
    let boss = app.api(&app.token("boss").await);
    let moderator = app.api(&app.token("mod").await);
    let pen = app.api(&app.token("pen").await);
    moderator
        .post("/api/v1/spaces", json!({"slug": "from", "name": "From"}))
        .await;
    moderator
        .post("/api/v1/spaces", json!({"slug": "to", "name": "To"}))
        .await;
    boss.post(
        "/api/v1/spaces",
        json!({"slug": "closed", "name": "Closed", "join_policy": "invite"}),
    )
    .await;
    let (status, _) = moderator
        .post("/api/v1/spaces/from/members", json!({"username": "pen"}))
        .await;
    assert_eq!(status, 201);
    let (_, t) = pen
        .post(
            "/api/v1/spaces/from/topics",
            json!({"title": "Misplaced", "body": "x"}),
        )
        .await;
    let tid = t["id"].as_str().unwrap();

    let (status, _) = pen
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "move", "to": "to"}),
        )
        .await;
    assert_eq!(status, 403, "members do not move topics");
    let (status, _) = moderator
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "move", "to": "closed"}),
        )
        .await;
    assert_eq!(status, 403, "only into spaces the moderator may write in");
    let (status, _) = moderator
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "move"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = moderator
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "move", "to": "to"}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, moved) = pen.get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(moved["space"], "to");
    let (_, listed) = moderator.get("/api/v1/spaces/to/topics").await;
    assert_eq!(listed["items"][0]["id"], t["id"]);

    moderator
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "lock"}),
        )
        .await;
    moderator
        .post(
            &format!("/api/v1/topics/{tid}/moderation"),
            json!({"action": "pin"}),
        )
        .await;
    let (_, r) = pen
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": "oops"}),
        )
        .await;
    assert!(r["error"].is_object(), "locked: {r}");
    moderator
        .patch(
            "/api/v1/spaces/from/members/pen",
            json!({"role": "moderator"}),
        )
        .await;
    moderator
        .patch("/api/v1/spaces/from", json!({"visibility": "private"}))
        .await;

    let (status, _) = pen.get("/api/v1/audit").await;
    assert_eq!(status, 403, "only administrators read the log");
    let (status, log) = boss.get("/api/v1/audit").await;
    assert_eq!(status, 200);
    let got = actions(&log);
    let expect = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert!(got.contains(&expect("topic.move", "from", "to")), "{got:?}");
    assert!(
        got.contains(&expect("topic.lock", "open", "locked")),
        "{got:?}"
    );
    assert!(
        got.contains(&expect("topic.pin", "false", "true")),
        "{got:?}"
    );
    assert!(got.contains(&expect("member.add", "", "member")), "{got:?}");
    assert!(
        got.contains(&expect("member.role", "member", "moderator")),
        "{got:?}"
    );
    assert!(
        got.iter().any(|(a, b, c)| a == "space.settings"
            && b.contains("visibility=public")
            && c.contains("visibility=private")),
        "{got:?}"
    );
    assert_eq!(log["items"][0]["actor"]["username"], "mod");
    assert_eq!(log["items"][0]["action"], "space.settings", "newest first");

    let b = app.signed_in("boss").await;
    let (_, admin) = b.page("/admin").await;
    assert!(admin.contains("Audit log") && admin.contains("topic.move"));
}
both!(moderators_move_topics_and_every_action_is_audited);

async fn administrator_actions_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let quinn = app.create_user("quinn", false).await;
    let b = app.signed_in("boss").await;
    b.submit(
        "/admin",
        &format!("/admin/users/{}", quinn.id),
        &[("action", "lock")],
    )
    .await;
    b.submit(
        "/admin",
        &format!("/admin/users/{}", quinn.id),
        &[("action", "make_admin")],
    )
    .await;
    b.submit(
        "/admin",
        "/admin/settings",
        &[("site_name", "Acme"), ("registration", "open")],
    )
    .await;
    let (_, log) = app.api(&app.token("boss").await).get("/api/v1/audit").await;
    let got = actions(&log);
    assert!(
        got.contains(&("user.status".into(), "active".into(), "locked".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("user.admin".into(), "false".into(), "true".into())),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|(a, _, c)| a == "site.settings" && c.contains("registration=open")),
        "{got:?}"
    );
    assert!(
        got.iter().any(|(a, _, _)| a == "auth.signin"),
        "sign-ins are security events: {got:?}"
    );
    assert!(
        got.iter()
            .any(|(a, _, c)| a == "auth.token" && c == "API token"),
        "{got:?}"
    );
}
both!(administrator_actions_are_audited);

async fn a_changed_or_removed_audit_event_breaks_the_chain(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let ivy = app.create_user("ivy", false).await;
    let b = app.signed_in("boss").await;
    for action in ["lock", "unlock", "make_admin", "revoke_admin"] {
        b.submit(
            "/admin",
            &format!("/admin/users/{}", ivy.id),
            &[("action", action)],
        )
        .await;
    }
    assert_eq!(app.ctx.store.verify().await.unwrap(), Vec::<String>::new());
    let (_, log) = app.api(&app.token("boss").await).get("/api/v1/audit").await;
    let ids: Vec<i64> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("user."))
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    let (oldest, second) = (ids[3], ids[2]);

    app.tamper(&format!(
        "UPDATE audit_events SET after = 'active' WHERE id = {oldest}"
    ))
    .await;
    let problems = app.ctx.store.verify().await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("event {oldest} was changed"))),
        "{problems:?}"
    );
    app.tamper(&format!(
        "UPDATE audit_events SET after = 'locked' WHERE id = {oldest}"
    ))
    .await;
    assert!(
        app.ctx.store.verify().await.unwrap().is_empty(),
        "restored, the chain holds again"
    );

    app.tamper(&format!("DELETE FROM audit_events WHERE id = {second}"))
        .await;
    let problems = app.ctx.store.verify().await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("an event before it was removed")),
        "{problems:?}"
    );
}
both!(a_changed_or_removed_audit_event_breaks_the_chain);

async fn a_moderator_restores_a_deleted_reply_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = crate::topics::team(&app, "odin", &["pia", "rex"], "hall", "public").await;
    let t = crate::topics::topic(&apis[1], "hall", json!({"title": "T", "body": "b"})).await;
    let r = crate::topics::reply(&apis[2], &t, "keep me", None).await;
    let rid = r["id"].as_str().unwrap();
    let path = format!("/api/v1/replies/{rid}/restore");

    let (status, _) = apis[0].delete(&format!("/api/v1/replies/{rid}")).await;
    assert_eq!(status, 204);
    for (who, api) in [("its author", &apis[2]), ("a member", &apis[1])] {
        let (status, _) = api.post(&path, json!({})).await;
        assert_eq!(status, 403, "{who} may not restore a reply");
    }
    let rex = app.signed_in("rex").await;
    let page = rex
        .submit(
            t["url"].as_str().unwrap(),
            &format!("/r/{rid}/restore"),
            &[],
        )
        .await;
    assert_eq!(page.status(), 403, "nor on the page");

    let token = app.token("odin").await;
    let send = || {
        reqwest::Client::new()
            .post(app.url(&path))
            .bearer_auth(&token)
            .header("idempotency-key", "restore-1")
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert!(!first.headers().contains_key("idempotent-replayed"));
    let first: Value = first.json().await.unwrap();
    assert_eq!(
        (&first["deleted"], &first["body"]),
        (&json!(false), &json!("keep me"))
    );
    let again = send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.headers().contains_key("idempotent-replayed"));
    assert_eq!(again.json::<Value>().await.unwrap(), first);

    let (_, shown) = apis[1]
        .get(&format!("/api/v1/topics/{}", t["id"].as_str().unwrap()))
        .await;
    assert_eq!(shown["replies"]["items"][0]["body"], "keep me");
    let (status, _) = apis[0]
        .post("/api/v1/replies/999999/restore", json!({}))
        .await;
    assert_eq!(status, 404);
}
both!(a_moderator_restores_a_deleted_reply_through_the_api);

/// The audit events of `action`, oldest first: (target, before, after).
async fn audited(app: &crate::support::TestApp, action: &str) -> Vec<(String, String, String)> {
    let (_, log) = app.api(&app.token("boss").await).get("/api/v1/audit").await;
    let mut events: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .map(|e| {
            (
                e["target"].as_str().unwrap_or("").to_owned(),
                e["before"].as_str().unwrap_or("").to_owned(),
                e["after"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    events.reverse();
    events
}

async fn moderators_edits_reply_deletions_and_accepted_answers_are_audited_with_before_and_after(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let apis = crate::topics::team(&app, "mod", &["pen", "sam"], "club", "public").await;
    let (moderator, pen, sam) = (&apis[0], &apis[1], &apis[2]);

    // Edits: the author's own and a member's edit of a document are no
    // moderation; a moderator's edit of someone else's discussion is.
    let t = crate::topics::topic(pen, "club", json!({"title": "Mine", "body": "one"})).await;
    let tid = t["id"].as_str().unwrap();
    let path = format!("/api/v1/topics/{tid}");
    assert_eq!(pen.patch(&path, json!({"body": "two"})).await.0, 200);
    let doc = crate::topics::topic(
        pen,
        "club",
        json!({"kind": "document", "title": "Doc", "body": "d"}),
    )
    .await;
    let doc_path = format!("/api/v1/topics/{}", doc["id"].as_str().unwrap());
    for api in [sam, moderator] {
        let (_, now) = api.get(&doc_path).await;
        let edit = json!({"body": "d+", "base_version": now["version"]});
        assert_eq!(api.patch(&doc_path, edit).await.0, 200);
    }
    assert_eq!(audited(&app, "topic.edit").await, []);

    let (status, edited) = moderator.patch(&path, json!({"body": "moderated"})).await;
    assert_eq!((status, &edited["version"]), (200, &json!(3)), "{edited}");
    for base in [json!(1), json!(i64::MAX)] {
        let (status, body) = moderator
            .patch(&path, json!({"body": "stale", "base_version": base}))
            .await;
        assert_eq!(status, 409, "{body}");
    }
    let b = app.signed_in("mod").await;
    let resp = b
        .submit(
            &format!("/t/{tid}/edit"),
            &format!("/t/{tid}/edit"),
            &[
                ("kind", "discussion"),
                ("base_version", "3"),
                ("title", "Mine"),
                ("body", "moderated again"),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let target = format!("topic:{tid}");
    assert_eq!(
        audited(&app, "topic.edit").await,
        [
            (target.clone(), "version=2".into(), "version=3".into()),
            (target.clone(), "version=3".into(), "version=4".into()),
        ],
        "the refused edit left no trace"
    );

    // Replies: deleting one's own is no moderation; a moderator's delete and
    // restore are, once each.
    let q = crate::topics::topic(
        pen,
        "club",
        json!({"kind": "question", "title": "Q?", "body": "q"}),
    )
    .await;
    let qid = q["id"].as_str().unwrap();
    let own = crate::topics::reply(sam, &q, "withdrawn", None).await;
    let answer = crate::topics::reply(sam, &q, "an answer", None).await;
    let better = crate::topics::reply(moderator, &q, "a better answer", None).await;
    let rid = |r: &Value| r["id"].as_str().unwrap().to_owned();
    assert_eq!(
        sam.delete(&format!("/api/v1/replies/{}", rid(&own)))
            .await
            .0,
        204
    );
    let reply_path = format!("/api/v1/replies/{}", rid(&answer));
    for _ in 0..2 {
        assert_eq!(moderator.delete(&reply_path).await.0, 204);
    }
    for _ in 0..2 {
        assert_eq!(
            moderator
                .post(&format!("{reply_path}/restore"), json!({}))
                .await
                .0,
            200
        );
    }
    let target = format!("reply:{}", rid(&answer));
    assert_eq!(
        audited(&app, "reply.delete").await,
        [(target.clone(), "shown".into(), "deleted".into())]
    );
    assert_eq!(
        audited(&app, "reply.restore").await,
        [(target, "deleted".into(), "shown".into())]
    );

    // Accepted answers: the asker's choice is theirs; a moderator's change of
    // it is audited from what it was to what it became.
    let accept = format!("/api/v1/topics/{qid}/accepted");
    assert_eq!(
        pen.post(&accept, json!({"reply": rid(&answer)})).await.0,
        204
    );
    assert_eq!(
        moderator
            .post(&accept, json!({"reply": rid(&better)}))
            .await
            .0,
        204
    );
    assert_eq!(moderator.post(&accept, json!({"reply": null})).await.0, 204);
    let (status, _) = moderator.post(&accept, json!({"reply": rid(&own)})).await;
    assert_eq!(status, 400, "a deleted reply is no answer");
    let target = format!("topic:{qid}");
    assert_eq!(
        audited(&app, "topic.accept").await,
        [
            (
                target.clone(),
                format!("reply:{}", rid(&answer)),
                format!("reply:{}", rid(&better))
            ),
            (target, format!("reply:{}", rid(&better)), "none".into()),
        ],
        "the refused accept left no trace"
    );

    // A reply is edited by its author only, so no moderator edits one.
    let (status, _) = moderator
        .patch(&reply_path, json!({"body": "rewritten"}))
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.ctx.store.verify().await.unwrap(), Vec::<String>::new());
}
both!(moderators_edits_reply_deletions_and_accepted_answers_are_audited_with_before_and_after);
