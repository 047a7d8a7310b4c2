//! Spaces and membership through the pages, and what non-members can see.

use serde_json::json;

use crate::support::{Backend, TestApp, both, spawn_app};

/// Creates a space through the API as `owner`.
async fn space(app: &TestApp, owner_token: &str, slug: &str, visibility: &str, join_policy: &str) {
    let (status, body) = app
        .api(owner_token)
        .post(
            "/api/v1/spaces",
            json!({"slug": slug, "name": format!("The {slug} space"), "visibility": visibility, "join_policy": join_policy}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn creating_a_space_makes_its_creator_the_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    let ann = app.signed_in("ann").await;
    let resp = ann
        .submit(
            "/spaces/new",
            "/spaces",
            &[
                ("slug", "Design"),
                ("name", "Design"),
                ("description", "Pixels"),
                ("visibility", "public"),
                ("join_policy", "open"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/s/design");
    let (status, html) = ann.page("/s/design").await;
    assert_eq!(status, 200);
    assert!(html.contains("you are owner"), "{html}");
    assert!(html.contains("Settings"));
    let (_, dir) = ann.page("/spaces").await;
    assert!(dir.contains("/s/design"));
}
both!(creating_a_space_makes_its_creator_the_owner);

async fn a_refused_space_form_comes_back_with_its_values_and_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    let ann = app.signed_in("ann").await;
    let resp = ann
        .submit(
            "/spaces/new",
            "/spaces",
            &[
                ("slug", "api"),
                ("name", "Kept name"),
                ("visibility", "public"),
                ("join_policy", "open"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 400);
    let html = resp.text().await.unwrap();
    assert!(html.contains("slug:"), "{html}");
    assert!(html.contains("value=\"Kept name\""));
    let resp = ann
        .submit(
            "/spaces/new",
            "/spaces",
            &[
                ("slug", "ok-slug"),
                ("name", "N"),
                ("visibility", "galactic"),
                ("join_policy", "open"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 400);
    let (status, _) = ann.page("/s/ok-slug").await;
    assert_eq!(status, 404, "nothing half-written");
}
both!(a_refused_space_form_comes_back_with_its_values_and_errors);

async fn members_join_open_spaces_and_ask_to_join_others(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("owner", false).await;
    app.create_user("bob", false).await;
    let owner_token = app.token("owner").await;
    space(&app, &owner_token, "open-one", "public", "open").await;
    space(&app, &owner_token, "asking", "private", "request").await;
    space(&app, &owner_token, "closed", "public", "invite").await;
    let bob = app.signed_in("bob").await;

    assert_eq!(
        bob.submit("/s/open-one", "/s/open-one/join", &[])
            .await
            .status(),
        303
    );
    let (_, html) = bob.page("/s/open-one").await;
    assert!(html.contains("you are member"));

    assert_eq!(
        bob.submit("/s/asking", "/s/asking/join", &[])
            .await
            .status(),
        303
    );
    let (_, html) = bob.page("/s/asking").await;
    assert!(
        html.contains("only its members can read it"),
        "still not a member"
    );
    assert_eq!(
        bob.submit("/s/asking", "/s/asking/join", &[])
            .await
            .status(),
        409,
        "one pending request"
    );

    let owner = app.signed_in("owner").await;
    let (_, html) = owner.page("/s/asking").await;
    assert!(html.contains("Requests to join") && html.contains("bob Tester"));
    let resp = owner
        .submit(
            "/s/asking",
            "/s/asking/requests/bob",
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, html) = bob.page("/s/asking").await;
    assert!(html.contains("you are member"), "{html}");

    assert_eq!(
        bob.submit("/s/closed", "/s/closed/join", &[])
            .await
            .status(),
        403
    );
    let resp = owner
        .submit(
            "/s/closed",
            "/s/closed/members",
            &[("username", "bob"), ("role", "moderator")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, html) = bob.page("/s/closed").await;
    assert!(html.contains("you are moderator"));
}
both!(members_join_open_spaces_and_ask_to_join_others);

async fn the_last_owner_cannot_leave_or_be_demoted(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("owner", false).await;
    app.create_user("cleo", false).await;
    let token = app.token("owner").await;
    space(&app, &token, "team", "public", "open").await;
    let owner = app.signed_in("owner").await;
    assert_eq!(
        owner.submit("/s/team", "/s/team/leave", &[]).await.status(),
        409
    );
    let resp = owner
        .submit(
            "/s/team",
            "/s/team/members/owner",
            &[("action", "role"), ("role", "member")],
        )
        .await;
    assert_eq!(resp.status(), 409);

    // With a second owner, the first may step down.
    let resp = owner
        .submit(
            "/s/team",
            "/s/team/members",
            &[("username", "cleo"), ("role", "owner")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        owner.submit("/s/team", "/s/team/leave", &[]).await.status(),
        303
    );
    let (_, html) = owner.page("/s/team").await;
    assert!(html.contains(">Join<"), "{html}");
}
both!(the_last_owner_cannot_leave_or_be_demoted);

async fn a_secret_space_leaves_no_trace_for_non_members(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    app.create_user("spy", false).await;
    app.create_user("insider", false).await;
    let insider_token = app.token("insider").await;
    space(&app, &insider_token, "skunkworks", "secret", "open").await;
    let stranger_slug = "no-such-space";
    let (status, topic) = app
        .api(&insider_token)
        .post(
            "/api/v1/spaces/skunkworks/topics",
            json!({"title": "Project Nightjar", "body": "Hush.", "tags": ["nightjar"]}),
        )
        .await;
    assert_eq!(status, 201, "{topic}");
    let topic_id = topic["id"].as_str().unwrap().to_owned();

    let spy = app.signed_in("spy").await;
    let spy_api = app.api(&app.token("spy").await);

    for path in ["/spaces", "/u/insider", "/", "/tags/nightjar"] {
        let (status, html) = spy.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !html.contains("skunkworks") && !html.contains("Nightjar"),
            "{path} mentions the secret space"
        );
    }
    let (status, feed) = spy.page("/feeds/tags/nightjar").await;
    assert!(!feed.contains("Nightjar"), "{status} {feed}");
    // Its topic answers as a topic that never was.
    let (topic_status, topic_html) = spy.page(&format!("/t/{topic_id}/project-nightjar")).await;
    let (no_topic_status, no_topic_html) = spy.page("/t/999999/project-nightjar").await;
    assert_eq!(topic_status, 404);
    assert_eq!((topic_status, topic_html), (no_topic_status, no_topic_html));
    for path in [
        format!("/t/{topic_id}/history"),
        "/s/skunkworks/new".to_owned(),
        "/feeds/s/skunkworks".to_owned(),
        format!("/feeds/t/{topic_id}"),
    ] {
        assert_eq!(spy.page(&path).await.0, 404, "{path}");
    }
    for path in [
        format!("/api/v1/topics/{topic_id}"),
        format!("/api/v1/topics/{topic_id}/revisions"),
        "/api/v1/spaces/skunkworks/topics".to_owned(),
    ] {
        let (status, body) = spy_api.get(&path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let (status, body) = spy_api
        .post(
            &format!("/api/v1/topics/{topic_id}/replies"),
            json!({"body": "Let me in"}),
        )
        .await;
    assert_eq!((status, &body["error"]["code"]), (404, &json!("not_found")));
    let (_, tag) = spy_api.get("/api/v1/tags/nightjar/topics").await;
    assert!(!tag.to_string().contains("Nightjar"), "{tag}");
    let (secret_status, secret_html) = spy.page("/s/skunkworks").await;
    let (missing_status, missing_html) = spy.page(&format!("/s/{stranger_slug}")).await;
    assert_eq!(secret_status, 404);
    assert_eq!(
        (secret_status, secret_html),
        (missing_status, missing_html),
        "indistinguishable from nothing"
    );
    for path in ["/s/skunkworks/settings"] {
        assert_eq!(spy.page(path).await.0, 404, "{path}");
    }
    assert_eq!(
        spy.submit("/spaces", "/s/skunkworks/join", &[])
            .await
            .status(),
        404
    );

    let (status, list) = spy_api.get("/api/v1/spaces").await;
    assert_eq!(status, 200);
    assert!(!list.to_string().contains("skunkworks"));
    let (status, profile) = spy_api.get("/api/v1/users/insider").await;
    assert_eq!(status, 200);
    assert!(!profile.to_string().contains("skunkworks"));
    for path in [
        "/api/v1/spaces/skunkworks",
        "/api/v1/spaces/skunkworks/members",
    ] {
        let (status, body) = spy_api.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (status, _) = spy_api
        .post("/api/v1/spaces/skunkworks/members", json!({}))
        .await;
    assert_eq!(status, 404);

    // Members and administrators do see it.
    let insider = app.api(&insider_token);
    let (_, profile) = insider.get("/api/v1/users/insider").await;
    assert!(profile.to_string().contains("skunkworks"));
    let admin = app.signed_in("boss").await;
    let (_, dir) = admin.page("/spaces").await;
    assert!(dir.contains("skunkworks"));
}
both!(a_secret_space_leaves_no_trace_for_non_members);

async fn a_private_space_is_listed_but_only_members_read_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("keeper", false).await;
    app.create_user("outsider", false).await;
    let token = app.token("keeper").await;
    space(&app, &token, "vault", "private", "invite").await;
    let outsider = app.signed_in("outsider").await;
    let (_, dir) = outsider.page("/spaces").await;
    assert!(dir.contains("/s/vault"));
    let (status, html) = outsider.page("/s/vault").await;
    assert_eq!(status, 200);
    assert!(!html.contains("keeper Tester"), "members are not shown");
    let api = app.api(&app.token("outsider").await);
    let (status, body) = api.get("/api/v1/spaces/vault/members").await;
    assert_eq!(status, 403, "{body}");
    // Who belongs to it is the members' to know: profiles do not tell.
    let (status, html) = outsider.page("/u/keeper").await;
    assert_eq!(status, 200);
    assert!(!html.contains("/s/vault"), "the profile lists the space");
    let (_, profile) = api.get("/api/v1/users/keeper").await;
    assert!(!profile.to_string().contains("vault"), "{profile}");
    let (_, own) = app.api(&token).get("/api/v1/users/keeper").await;
    assert!(own.to_string().contains("vault"), "{own}");
}
both!(a_private_space_is_listed_but_only_members_read_it);

async fn guests_must_sign_in_unless_guest_access_is_on(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let token = app.token("boss").await;
    space(&app, &token, "lobby", "public", "open").await;
    space(&app, &token, "backroom", "private", "open").await;
    let guest = app.browser();
    let resp = guest.get("/spaces").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/signin");
    let r = reqwest::get(app.url("/api/v1/spaces")).await.unwrap();
    assert_eq!(r.status(), 401);

    let admin = app.signed_in("boss").await;
    let resp = admin
        .submit(
            "/admin",
            "/admin/settings",
            &[
                ("site_name", "Hearth"),
                ("registration", "invite_only"),
                ("guest_access", "on"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (status, html) = guest.page("/spaces").await;
    assert_eq!(status, 200);
    assert!(html.contains("/s/lobby"));
    assert!(!html.contains("backroom"), "guests see public spaces only");
    assert_eq!(guest.page("/s/backroom").await.0, 404);
}
both!(guests_must_sign_in_unless_guest_access_is_on);

async fn every_user_has_a_personal_space(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("rita", false).await;
    app.create_user("sam", false).await;
    let sam = app.signed_in("sam").await;
    let (status, html) = sam.page("/s/~rita").await;
    assert_eq!(status, 200);
    assert!(html.contains("personal"));
    assert!(!html.contains(">Join<"), "personal spaces cannot be joined");
    assert_eq!(
        sam.submit("/s/~rita", "/s/~rita/join", &[]).await.status(),
        403
    );
    let rita = app.signed_in("rita").await;
    let (_, html) = rita.page("/s/~rita").await;
    assert!(html.contains("you are owner"));
}
both!(every_user_has_a_personal_space);
