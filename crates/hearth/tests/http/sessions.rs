//! Sessions and tokens: sign-in, lifetimes, revocation, rate limits.

use crate::support::app::PASSWORD;
use crate::support::{Backend, both, spawn_app};

fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hearth_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

async fn wrong_passwords_and_unknown_users_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ivy", false).await;
    let b = app.browser();
    let wrong = b.sign_in("ivy", "not the password").await;
    let (s1, t1) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = b.sign_in("nobody", "not the password").await;
    let (s2, t2) = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!(s1, 401);
    assert_eq!(s1, s2);
    let strip = |t: &str| {
        t.replace("value=\"ivy\"", "")
            .replace("value=\"nobody\"", "")
    };
    assert_eq!(strip(&t1), strip(&t2));

    let api = reqwest::Client::new();
    let mut bodies = Vec::new();
    for login in ["ivy", "nobody"] {
        let r = api
            .post(app.url("/api/v1/tokens"))
            .json(&serde_json::json!({"username": login, "password": "not the password"}))
            .send()
            .await
            .unwrap();
        bodies.push((r.status().as_u16(), r.text().await.unwrap()));
    }
    assert_eq!(bodies[0].0, 401);
    assert_eq!(bodies[0], bodies[1]);
}
both!(wrong_passwords_and_unknown_users_get_the_same_answer);

async fn sign_in_is_rate_limited_per_account(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("jack", false).await;
    let b = app.browser();
    // A login is counted as typed, in any case: ten failures lock it here.
    for login in ["jack", "JACK "].repeat(5) {
        assert_eq!(b.sign_in(login, "wrong password!").await.status(), 401);
    }
    let resp = b.sign_in("jack", PASSWORD).await;
    assert_eq!(resp.status(), 429, "even the right password waits");
    // The account's e-mail address is another login with its own count, as
    // an unknown one would be: a lock tells nothing about whose it is.
    let by_email = b.sign_in("jack@example.org", "wrong password!").await;
    let unknown = b.sign_in("nobody@example.org", "wrong password!").await;
    assert_eq!(by_email.status(), 401);
    assert_eq!(unknown.status(), 401);
    app.clock.advance(16 * 60 * 1000);
    assert_eq!(b.sign_in("jack", PASSWORD).await.status(), 303);
}
both!(sign_in_is_rate_limited_per_account);

async fn every_sign_in_gets_a_new_session_id(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("kate", false).await;
    let b = app.browser();
    let first = session_cookie(&b.sign_in("kate", PASSWORD).await).expect("cookie");
    // Signing in again from a signed-in browser (the form is on every page's session).
    let again = b
        .submit(
            "/account",
            "/signin",
            &[("login", "kate"), ("password", PASSWORD)],
        )
        .await;
    let second = session_cookie(&again).expect("cookie");
    let third = session_cookie(&app.browser().sign_in("kate", PASSWORD).await).expect("cookie");
    assert_ne!(first, second);
    assert_ne!(second, third);
    assert!(
        first.len() > "hearth_session=".len() + 60,
        "256-bit secret: {first}"
    );
}
both!(every_sign_in_gets_a_new_session_id);

async fn session_cookies_are_http_only_and_same_site(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("lena", false).await;
    let resp = app.browser().sign_in("lena", PASSWORD).await;
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hearth_session="))
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP by default: {cookie}"
    );
}
both!(session_cookies_are_http_only_and_same_site);

/// Creates `b`'s feed token on the account page and returns it.
async fn feed_token_of(b: &crate::support::Browser) -> String {
    let resp = b.submit("/account", "/account/feed-token", &[]).await;
    assert_eq!(resp.status(), 201);
    let html = resp.text().await.unwrap();
    let at = html.find("?token=").expect("token shown") + "?token=".len();
    html[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

async fn changing_the_password_signs_out_every_other_session(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("mia", false).await;
    let here = app.signed_in("mia").await;
    let there = app.signed_in("mia").await;
    let token = app.token("mia").await;
    let feed = feed_token_of(&here).await;
    let blog = format!("/feeds/u/mia?token={feed}");
    assert_eq!(reqwest::get(app.url(&blog)).await.unwrap().status(), 200);
    let resp = here
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        here.get("/account").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        there.get("/account").await.status(),
        303,
        "the other session ended"
    );
    assert_eq!(
        reqwest::get(app.url(&blog)).await.unwrap().status(),
        401,
        "the feed token ended"
    );
    let (status, _) = app.api(&token).get("/api/v1/me").await;
    assert_eq!(status, 200, "API tokens stay unless asked");
    assert_eq!(app.browser().sign_in("mia", PASSWORD).await.status(), 401);
    assert_eq!(
        app.browser()
            .sign_in("mia", "a brand new password")
            .await
            .status(),
        303
    );
}
both!(changing_the_password_signs_out_every_other_session);

async fn changing_the_password_can_revoke_every_api_token(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("mo", false).await;
    let here = app.signed_in("mo").await;
    let tokens = [app.token("mo").await, app.token("mo").await];
    let resp = here
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
                ("end_tokens", "on"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 200);
    for token in tokens {
        let (status, _) = app.api(&token).get("/api/v1/me").await;
        assert_eq!(status, 401);
    }
    assert_eq!(here.get("/account").await.status(), 200);
}
both!(changing_the_password_can_revoke_every_api_token);

async fn a_wrong_current_password_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("nina", false).await;
    let b = app.signed_in("nina").await;
    let resp = b
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "wrong wrong wrong"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(app.browser().sign_in("nina", PASSWORD).await.status(), 303);
}
both!(a_wrong_current_password_changes_nothing);

async fn a_locked_users_sessions_and_tokens_stop_working_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let olga = app.create_user("olga", false).await;
    let session = app.signed_in("olga").await;
    let token = app.token("olga").await;
    assert_eq!(session.get("/account").await.status(), 200);

    let admin = app.signed_in("boss").await;
    let resp = admin
        .submit(
            "/admin",
            &format!("/admin/users/{}", olga.id),
            &[("action", "lock")],
        )
        .await;
    assert_eq!(resp.status(), 303);

    assert_eq!(session.get("/account").await.status(), 303);
    let (status, body) = app.api(&token).get("/api/v1/me").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(app.browser().sign_in("olga", PASSWORD).await.status(), 401);

    let resp = admin
        .submit(
            "/admin",
            &format!("/admin/users/{}", olga.id),
            &[("action", "unlock")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(app.browser().sign_in("olga", PASSWORD).await.status(), 303);
}
both!(a_locked_users_sessions_and_tokens_stop_working_at_once);

async fn sessions_end_after_idle_and_absolute_lifetimes(backend: Backend) {
    let app = crate::support::app::spawn_app_with(backend, |cfg, _| {
        cfg.session_idle_ms = 60 * 60 * 1000;
        cfg.session_absolute_ms = 3 * 60 * 60 * 1000;
    })
    .await;
    app.create_user("pia", false).await;
    let idle = app.signed_in("pia").await;
    app.clock.advance(61 * 60 * 1000);
    assert_eq!(idle.get("/account").await.status(), 303, "idle too long");

    let busy = app.signed_in("pia").await;
    for _ in 0..3 {
        app.clock.advance(50 * 60 * 1000);
        assert_eq!(busy.get("/account").await.status(), 200);
    }
    app.clock.advance(50 * 60 * 1000);
    assert_eq!(
        busy.get("/account").await.status(),
        303,
        "past the absolute lifetime"
    );
}
both!(sessions_end_after_idle_and_absolute_lifetimes);

async fn users_see_and_revoke_their_sessions_and_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("quinn", false).await;
    let laptop = app.signed_in("quinn").await;
    let phone = app.signed_in("quinn").await;
    let token = app.token("quinn").await;

    let (_, html) = laptop.page("/account").await;
    let revoke_links: Vec<&str> = html
        .match_indices("/account/sessions/")
        .map(|(i, _)| &html[i..i + 90])
        .collect();
    assert_eq!(revoke_links.len(), 2, "two sessions listed");
    assert!(html.contains("API token"), "the token is listed");

    // Revoke the session that is not "this one": the phone's.
    let (_, phone_page) = phone.page("/account").await;
    // The revoke form that follows "(this one)" on a page belongs to that page's session.
    let this_one = |page: &str| {
        let at = page.find("(this one)").unwrap();
        let form = page[at..].find("/account/sessions/").unwrap() + at;
        page[form..].split('"').next().unwrap().to_owned()
    };
    let phone_action = this_one(&phone_page);
    let resp = laptop.submit("/account", &phone_action, &[]).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        phone.get("/account").await.status(),
        303,
        "the phone was signed out"
    );
    assert_eq!(laptop.get("/account").await.status(), 200);

    let api = app.api(&token);
    let (status, tokens) = api.get("/api/v1/tokens").await;
    assert_eq!(status, 200);
    let id = tokens["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = api.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, 204);
    let (status, _) = api.get("/api/v1/me").await;
    assert_eq!(status, 401, "a revoked token stops working");

    // And from the page: the listed token's revoke form.
    let second = app.api(&app.token("quinn").await);
    assert_eq!(second.get("/api/v1/me").await.0, 200);
    let (_, html) = laptop.page("/account").await;
    let at = html
        .find("/account/tokens/")
        .expect("a revoke form for the token");
    let action = html[at..].split('"').next().unwrap().to_owned();
    assert_eq!(laptop.submit("/account", &action, &[]).await.status(), 303);
    assert_eq!(
        second.get("/api/v1/me").await.0,
        401,
        "revoked from the page"
    );
}
both!(users_see_and_revoke_their_sessions_and_tokens);

async fn a_deleted_users_sessions_and_tokens_stop_working_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let pia = app.create_user("pia", false).await;
    let session = app.signed_in("pia").await;
    let token = app.token("pia").await;
    assert_eq!(session.get("/account").await.status(), 200);
    let admin = app.signed_in("boss").await;
    let resp = admin
        .submit(
            "/admin",
            &format!("/admin/users/{}", pia.id),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(session.get("/account").await.status(), 303);
    assert_eq!(app.api(&token).get("/api/v1/me").await.0, 401);
    assert_eq!(app.browser().sign_in("pia", PASSWORD).await.status(), 401);
}
both!(a_deleted_users_sessions_and_tokens_stop_working_at_once);
