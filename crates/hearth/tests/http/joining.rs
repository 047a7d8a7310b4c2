//! Contributing joins you: posting or replying in an open public space makes
//! a member of the author, and a space that takes members by request or
//! invitation says so and shows the way in.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::topic;

/// Ann's space `slug` with one topic of hers; returns the topic.
async fn space_with_topic(app: &TestApp, slug: &str, visibility: &str, policy: &str) -> Value {
    let ann = app.api(&app.token("ann").await);
    let (status, body) = ann
        .post(
            "/api/v1/spaces",
            json!({"slug": slug, "name": format!("The {slug} space"), "visibility": visibility, "join_policy": policy}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    topic(
        &ann,
        slug,
        json!({"title": format!("Welcome to {slug}"), "body": "Say hello."}),
    )
    .await
}

async fn role_in(app: &TestApp, username: &str, slug: &str) -> Value {
    let api = app.api(&app.token(username).await);
    let (status, space) = api.get(&format!("/api/v1/spaces/{slug}")).await;
    assert_eq!(status, 200, "{space}");
    space["role"].clone()
}

async fn replying_in_an_open_space_makes_the_replier_a_member(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("bob", false).await;
    let t = space_with_topic(&app, "commons", "public", "open").await;
    let bob = app.signed_in("bob").await;
    let url = t["url"].as_str().unwrap();

    let (status, page) = bob.page(url).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"reply\""), "the reply form is offered");
    assert!(page.contains("Replying makes you a member of The commons space"));

    let action = format!("/t/{}/replies", t["id"].as_str().unwrap());
    let resp = bob.submit(url, &action, &[("body", "Hello all")]).await;
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains("joined=1"), "{to}");
    let resp = bob.get(&to).await;
    assert_eq!(resp.status(), 303, "the permalink leads to the topic");
    let at = resp.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = bob.page(&at).await;
    assert!(
        page.contains("You are now a member of The commons space"),
        "{page}"
    );
    assert!(page.contains("Hello all"));
    assert_eq!(role_in(&app, "bob", "commons").await, "member");
    let members = app
        .count("SELECT member_count FROM spaces WHERE slug = 'commons'")
        .await;
    assert_eq!(members, 2, "the count follows");

    // A member's next reply joins nothing and says nothing.
    let resp = bob.submit(url, &action, &[("body", "Again")]).await;
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(!to.contains("joined"), "{to}");
    assert_eq!(
        app.count("SELECT member_count FROM spaces WHERE slug = 'commons'")
            .await,
        2
    );
}
both!(replying_in_an_open_space_makes_the_replier_a_member);

async fn posting_a_topic_in_an_open_space_through_the_api_joins_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("cy", false).await;
    space_with_topic(&app, "commons", "public", "open").await;
    let cy = app.api(&app.token("cy").await);
    let (status, t) = cy
        .post(
            "/api/v1/spaces/commons/topics",
            json!({"title": "A first question", "body": "How?", "kind": "question"}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(role_in(&app, "cy", "commons").await, "member");

    // The page says so before the form is sent.
    app.create_user("dee", false).await;
    let dee = app.signed_in("dee").await;
    let (status, page) = dee.page("/s/commons/new").await;
    assert_eq!(status, 200);
    assert!(page.contains("posting here makes you one"), "{page}");
    let (_, space) = dee.page("/s/commons").await;
    assert!(
        space.contains("/s/commons/new"),
        "non-members see the way to post"
    );
}
both!(posting_a_topic_in_an_open_space_through_the_api_joins_it);

async fn spaces_that_ask_or_invite_refuse_with_the_way_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("bob", false).await;
    let bob_api = app.api(&app.token("bob").await);
    let bob = app.signed_in("bob").await;
    for (slug, policy, hint, link) in [
        (
            "asking",
            "request",
            "ask to join it",
            "Ask to join The asking space",
        ),
        (
            "invited",
            "invite",
            "takes new members by invitation",
            "See who moderates The invited space",
        ),
    ] {
        let t = space_with_topic(&app, slug, "public", policy).await;
        let id = t["id"].as_str().unwrap();
        let url = t["url"].as_str().unwrap();
        let replies = app.count("SELECT count(*) FROM replies").await;

        let (status, body) = bob_api
            .post(
                &format!("/api/v1/topics/{id}/replies"),
                json!({"body": "hi"}),
            )
            .await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "membership_required", "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(hint),
            "{body}"
        );
        let (status, body) = bob_api
            .post(
                &format!("/api/v1/spaces/{slug}/topics"),
                json!({"title": "Mine", "body": "text"}),
            )
            .await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "membership_required", "{body}");

        // The topic page says why there is no reply form, and the way in.
        let (_, page) = bob.page(url).await;
        assert!(!page.contains("id=\"reply\""));
        assert!(
            page.contains(&format!("Only members of The {slug} space reply here")),
            "{page}"
        );
        // A form sent anyway gets the same refusal with a link.
        let resp = bob
            .submit(url, &format!("/t/{id}/replies"), &[("body", "hi")])
            .await;
        assert_eq!(resp.status(), 403);
        let html = resp.text().await.unwrap();
        assert!(
            html.contains(link) && html.contains(&format!("href=\"/s/{slug}\"")),
            "{html}"
        );

        assert_eq!(
            app.count("SELECT count(*) FROM replies").await,
            replies,
            "nothing written"
        );
        assert!(role_in(&app, "bob", slug).await.is_null(), "not a member");
    }
}
both!(spaces_that_ask_or_invite_refuse_with_the_way_in);

async fn a_private_topic_stays_not_found_for_a_non_member_who_replies(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("eve", false).await;
    let t = space_with_topic(&app, "inner", "private", "open").await;
    let eve = app.api(&app.token("eve").await);
    let (status, body) = eve
        .post(
            &format!("/api/v1/topics/{}/replies", t["id"].as_str().unwrap()),
            json!({"body": "let me in"}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(!body.to_string().contains("inner"), "{body}");
    assert!(role_in(&app, "eve", "inner").await.is_null());
}
both!(a_private_topic_stays_not_found_for_a_non_member_who_replies);
