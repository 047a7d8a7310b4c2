//! What the administration pages do, through the JSON API: accounts,
//! settings, invitations and join requests.

use serde_json::{Value, json};

use crate::support::app::{Api, PASSWORD};
use crate::support::{Backend, both, spawn_app};

/// The items of a paged list.
pub(crate) fn items(list: &Value) -> &Vec<Value> {
    list["items"].as_array().expect("a list's items")
}

/// Every account in the API's list, following `next` with pages of `limit`.
async fn all_accounts(api: &Api, limit: u32) -> Vec<Value> {
    let mut all = Vec::new();
    let mut path = format!("/api/v1/users?limit={limit}");
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{page}");
        assert!(items(&page).len() <= limit as usize);
        all.extend(items(&page).iter().cloned());
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/users?limit={limit}&after={next}"),
            None => return all,
        }
    }
}

async fn administrators_list_and_create_accounts_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada", true).await;
    app.create_user("bob", false).await;
    let ada = app.api(&app.token("ada").await);
    let bob = app.api(&app.token("bob").await);
    let new = json!({"username": "cyd", "email": "cyd@example.org", "password": PASSWORD});

    let (status, directory) = bob.get("/api/v1/users").await;
    assert_eq!(status, 200, "members see the directory");
    assert!(items(&directory)[0].get("email").is_none(), "{directory}");
    for (status, body) in [
        bob.post("/api/v1/users", new.clone()).await,
        bob.patch("/api/v1/users/ada", json!({"is_admin": false}))
            .await,
    ] {
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let r = reqwest::get(app.url("/api/v1/users")).await.unwrap();
    assert_eq!(r.status(), 401);

    let (status, cyd) = ada.post("/api/v1/users", new.clone()).await;
    assert_eq!(status, 201, "{cyd}");
    assert_eq!(cyd["username"], "cyd");
    assert_eq!(cyd["display_name"], "cyd");
    assert_eq!(cyd["email"], "cyd@example.org");
    assert_eq!(cyd["status"], "active");
    assert_eq!(cyd["is_admin"], false);
    assert_eq!(cyd["url"], "/u/cyd");
    app.token("cyd").await;
    let (status, dee) = ada
        .post(
            "/api/v1/users",
            json!({"username": "dee", "display_name": "Dee Dee", "email": "dee@example.org",
                   "password": PASSWORD, "is_admin": true}),
        )
        .await;
    assert_eq!(status, 201, "{dee}");
    assert_eq!(dee["is_admin"], true);
    let (status, _) = app.api(&app.token("dee").await).get("/api/v1/users").await;
    assert_eq!(status, 200, "dee administers");
    let (_, html) = app.signed_in("ada").await.page("/admin").await;
    assert!(html.contains("@dee · admin"), "the page lists her");

    // An account made on the page is in the API's list, which pages.
    let admin_page = app.signed_in("ada").await;
    let resp = admin_page
        .submit(
            "/admin",
            "/admin/users",
            &[
                ("username", "eve"),
                ("email", "eve@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let names: Vec<String> = all_accounts(&ada, 2)
        .await
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["ada", "bob", "cyd", "dee", "eve"]);

    let (status, body) = ada.post("/api/v1/users", new).await;
    assert_eq!(status, 409, "taken: {body}");
    let refused = [
        (
            json!({"username": "fay", "email": "not an address", "password": PASSWORD}),
            "email",
        ),
        (
            json!({"username": "fay", "email": "fay@example.org", "password": "short"}),
            "password",
        ),
        (
            json!({"username": "f a y", "email": "fay@example.org", "password": PASSWORD}),
            "username",
        ),
    ];
    for (body, field) in refused {
        let (status, answer) = ada.post("/api/v1/users", body).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], field, "{answer}");
    }
    for (body, named) in [
        (
            json!({"username": "fay", "email": "fay@example.org", "password": PASSWORD, "role": "x"}),
            "role",
        ),
        (
            json!({"username": "fay", "email": "fay@example.org"}),
            "password",
        ),
    ] {
        let (status, answer) = ada.post("/api/v1/users", body).await;
        assert_eq!(status, 400, "{answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(named), "{named}: {answer}");
    }
    assert_eq!(
        all_accounts(&ada, 100).await.len(),
        5,
        "nothing more was made"
    );
    let (status, body) = ada.get("/api/v1/users?limit=0").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"][0]["field"], "limit");
}
both!(administrators_list_and_create_accounts_through_the_api);

/// The newest audit events, as the API shows them.
async fn audit(api: &Api) -> Vec<Value> {
    let (status, log) = api.get("/api/v1/audit").await;
    assert_eq!(status, 200, "{log}");
    items(&log).clone()
}

async fn locking_through_the_api_stops_that_users_tokens_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada", true).await;
    let bob_user = app.create_user("bob", false).await;
    let ada = app.api(&app.token("ada").await);
    let bob = app.api(&app.token("bob").await);
    let bob_browser = app.signed_in("bob").await;
    assert_eq!(bob.get("/api/v1/me").await.0, 200);

    let (status, body) = ada
        .patch("/api/v1/users/bob", json!({"status": "locked"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "locked");
    assert_eq!(bob.get("/api/v1/me").await.0, 401, "the token stopped");
    assert_eq!(
        bob_browser.get("/account").await.status(),
        303,
        "signed out"
    );
    assert_eq!(
        app.browser().sign_in("bob", PASSWORD).await.status(),
        401,
        "and cannot sign in"
    );
    let event = &audit(&ada).await[0];
    assert_eq!(event["action"], "user.status", "{event}");
    assert_eq!(event["actor"]["username"], "ada");
    assert_eq!(event["target"], format!("user:{}", bob_user.id));
    assert_eq!(
        (&event["before"], &event["after"]),
        (&json!("active"), &json!("locked"))
    );
    let admin_page = app.signed_in("ada").await;
    let (_, html) = admin_page.page("/admin").await;
    assert!(html.contains("<td>locked</td>"), "the page shows it");

    // Both at once; a value that does not change is not written or logged.
    let events = audit(&ada).await.len();
    let (status, body) = ada
        .patch(
            "/api/v1/users/bob",
            json!({"status": "active", "is_admin": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["status"], &body["is_admin"]),
        (&json!("active"), &json!(true))
    );
    assert_eq!(audit(&ada).await.len(), events + 2);
    assert_eq!(audit(&ada).await[0]["action"], "user.admin");
    let (status, _) = ada
        .patch(
            "/api/v1/users/bob",
            json!({"status": "active", "is_admin": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(audit(&ada).await.len(), events + 2, "nothing changed");
    let bob = app.api(&app.token("bob").await);
    assert_eq!(bob.get("/api/v1/users").await.0, 200, "bob administers");

    // Nobody locks themselves out, even with another change beside it.
    for change in [
        json!({"status": "locked"}),
        json!({"status": "deleted"}),
        json!({"is_admin": false}),
        json!({"status": "active", "is_admin": false}),
    ] {
        let (status, body) = ada.patch("/api/v1/users/ada", change.clone()).await;
        assert_eq!(status, 409, "{change}: {body}");
    }
    let (status, body) = bob
        .patch(
            "/api/v1/users/bob",
            json!({"is_admin": false, "status": "locked"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        bob.get("/api/v1/me").await.1["is_admin"],
        true,
        "nothing was written"
    );

    // What the page does shows in the API.
    let resp = admin_page
        .submit(
            "/admin",
            &format!("/admin/users/{}", bob_user.id),
            &[("action", "revoke_admin")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let accounts = all_accounts(&ada, 100).await;
    assert_eq!(accounts[1]["username"], "bob");
    assert_eq!(accounts[1]["is_admin"], false);

    for (body, field) in [
        (json!({"status": "banned"}), "status"),
        (json!({"is_admin": "yes"}), "is_admin"),
        (json!({"role": "owner"}), "role"),
    ] {
        let (status, answer) = ada.patch("/api/v1/users/bob", body).await;
        assert_eq!(status, 400, "{answer}");
        let text = answer["error"].to_string();
        assert!(text.contains(field), "{field}: {answer}");
    }
    let (status, _) = ada
        .patch("/api/v1/users/nobody", json!({"status": "locked"}))
        .await;
    assert_eq!(status, 404);

    let (status, body) = ada
        .patch("/api/v1/users/bob", json!({"status": "deleted"}))
        .await;
    assert_eq!((status, &body["status"]), (200, &json!("deleted")));
    assert_eq!(bob.get("/api/v1/me").await.0, 401);
    assert_eq!(admin_page.page("/u/bob").await.0, 404, "gone");
}
both!(locking_through_the_api_stops_that_users_tokens_at_once);

async fn settings_are_read_and_changed_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada", true).await;
    app.create_user("bob", false).await;
    let ada = app.api(&app.token("ada").await);
    let bob = app.api(&app.token("bob").await);
    assert_eq!(bob.get("/api/v1/settings").await.0, 403);
    let (status, _) = bob
        .patch("/api/v1/settings", json!({"site_name": "Mine"}))
        .await;
    assert_eq!(status, 403);

    let (status, before) = ada.get("/api/v1/settings").await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(
        before,
        json!({"site_name": "Hearth", "registration": "invite_only", "guest_access": false,
               "read_only": false, "time_zone": "UTC", "url": "/admin"})
    );
    let (status, after) = ada
        .patch(
            "/api/v1/settings",
            json!({"site_name": "Acme Hub", "registration": "open", "guest_access": true}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["site_name"], "Acme Hub");
    assert_eq!(after["registration"], "open");
    assert_eq!(after["guest_access"], true);
    assert_eq!(ada.get("/api/v1/settings").await.1, after);
    assert_eq!(audit(&ada).await[0]["action"], "site.settings");
    let (status, home) = app.browser().page("/").await;
    assert_eq!(status, 200, "guests read");
    assert!(home.contains("Acme Hub"));
    assert_eq!(app.browser().page("/register").await.0, 200, "open to all");

    // The page's form changes what the API reads.
    let admin_page = app.signed_in("ada").await;
    let (_, html) = admin_page.page("/admin").await;
    assert!(html.contains(r#"value="Acme Hub""#));
    let resp = admin_page
        .submit(
            "/admin",
            "/admin/settings",
            &[("site_name", "Acme"), ("registration", "invite_only")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, now) = ada.get("/api/v1/settings").await;
    assert_eq!(
        (
            &now["site_name"],
            &now["registration"],
            &now["guest_access"]
        ),
        (&json!("Acme"), &json!("invite_only"), &json!(false))
    );

    for (body, field) in [
        (json!({"site_name": "  "}), "site_name"),
        (json!({"site_name": "x".repeat(61)}), "site_name"),
        (json!({"registration": "everyone"}), "registration"),
        (json!({"guest_access": "yes"}), "guest_access"),
        (json!({"colour": "red"}), "colour"),
    ] {
        let (status, answer) = ada.patch("/api/v1/settings", body).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["error"].to_string().contains(field),
            "{field}: {answer}"
        );
    }
    assert_eq!(ada.get("/api/v1/settings").await.1, now, "nothing changed");

    // Maintenance is switched on and, while writes are refused, off again.
    let (status, _) = ada
        .patch("/api/v1/settings", json!({"read_only": true}))
        .await;
    assert_eq!(status, 200);
    let space = json!({"slug": "paused", "name": "Paused"});
    let (status, body) = ada.post("/api/v1/spaces", space.clone()).await;
    assert_eq!(status, 503, "{body}");
    let (status, body) = ada
        .patch("/api/v1/settings", json!({"read_only": false}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["read_only"], false);
    assert_eq!(ada.post("/api/v1/spaces", space).await.0, 201);
}
both!(settings_are_read_and_changed_through_the_api);

async fn invitations_are_made_listed_and_withdrawn_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada", true).await;
    app.create_user("bob", false).await;
    let token = app.token("ada").await;
    let ada = app.api(&token);
    let bob = app.api(&app.token("bob").await);
    for (status, body) in [
        bob.get("/api/v1/invites").await,
        bob.post("/api/v1/invites", json!({"email": "x@example.org"}))
            .await,
        bob.delete("/api/v1/invites/1").await,
    ] {
        assert_eq!(status, 403, "{body}");
    }

    // The link is answered once: a retry with the same key makes another
    // invitation instead of showing the first link again.
    let invite = || {
        reqwest::Client::new()
            .post(app.url("/api/v1/invites"))
            .bearer_auth(&token)
            .header("idempotency-key", "invite-1")
            .json(&json!({"email": "gil@example.org"}))
            .send()
    };
    let mut links = Vec::new();
    for _ in 0..2 {
        let r = invite().await.unwrap();
        assert_eq!(r.status(), 201);
        assert!(!r.headers().contains_key("idempotent-replayed"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["email"], "gil@example.org");
        assert_eq!(body["url"], "/admin");
        links.push((
            body["id"].as_str().unwrap().to_owned(),
            body["link"].as_str().unwrap().to_owned(),
        ));
    }
    assert_ne!(links[0].1, links[1].1);
    assert!(
        links[0].1.starts_with("/register?invite="),
        "{}",
        links[0].1
    );

    let (status, first) = ada.get("/api/v1/invites?limit=1").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(items(&first)[0]["id"], links[1].0, "newest first");
    assert!(!first.to_string().contains("invite="), "no link in lists");
    let next = first["next"].as_str().expect("a next cursor");
    let (_, second) = ada
        .get(&format!("/api/v1/invites?limit=1&after={next}"))
        .await;
    assert_eq!(items(&second)[0]["id"], links[0].0);
    assert!(second["next"].is_null());

    let guest = app.browser();
    let (status, page) = guest.page(&links[0].1).await;
    assert_eq!(status, 200, "the link opens the registration form");
    assert!(page.contains("gil@example.org"));
    let (status, _) = ada.delete(&format!("/api/v1/invites/{}", links[0].0)).await;
    assert_eq!(status, 204);
    assert_eq!(guest.page(&links[0].1).await.0, 403, "withdrawn");
    let (status, _) = ada.delete(&format!("/api/v1/invites/{}", links[0].0)).await;
    assert_eq!(status, 404);
    assert_eq!(ada.delete("/api/v1/invites/nonsense").await.0, 404);

    // What one side makes, the other lists.
    let admin_page = app.signed_in("ada").await;
    let (_, html) = admin_page.page("/admin").await;
    assert!(html.contains("gil@example.org"));
    let resp = admin_page
        .submit("/admin", "/admin/invites", &[("email", "hal@example.org")])
        .await;
    assert_eq!(resp.status(), 201);
    let (_, list) = ada.get("/api/v1/invites").await;
    let emails: Vec<&str> = items(&list)
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["hal@example.org", "gil@example.org"]);

    let (status, body) = ada
        .post("/api/v1/invites", json!({"email": "not an address"}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"][0]["field"], "email");
    let (status, body) = ada
        .post(
            "/api/v1/invites",
            json!({"email": "i@example.org", "admin": true}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("admin"));
    assert_eq!(items(&ada.get("/api/v1/invites").await.1).len(), 2);
}
both!(invitations_are_made_listed_and_withdrawn_through_the_api);

/// The usernames of a page of join requests.
fn requesters(list: &Value) -> Vec<&str> {
    items(list)
        .iter()
        .map(|r| r["user"]["username"].as_str().unwrap())
        .collect()
}

async fn moderators_list_decline_and_approve_requests_to_join_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada", true).await;
    for name in ["own", "mo", "mem", "out", "ria", "rob", "rue"] {
        app.create_user(name, false).await;
    }
    let own = app.api(&app.token("own").await);
    let mo = app.api(&app.token("mo").await);
    let mem = app.api(&app.token("mem").await);
    let out = app.api(&app.token("out").await);
    let admin = app.api(&app.token("ada").await);
    for (slug, visibility) in [("club", "public"), ("hush", "secret")] {
        let (status, body) = own
            .post(
                "/api/v1/spaces",
                json!({"slug": slug, "name": slug, "visibility": visibility, "join_policy": "request"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    for (name, role) in [("mo", "moderator"), ("mem", "member")] {
        let (status, _) = own
            .post(
                "/api/v1/spaces/club/members",
                json!({"username": name, "role": role}),
            )
            .await;
        assert_eq!(status, 201);
    }
    for name in ["ria", "rob", "rue"] {
        let asker = app.api(&app.token(name).await);
        let (status, body) = asker.post("/api/v1/spaces/club/members", json!({})).await;
        assert_eq!((status, &body["status"]), (202, &json!("requested")));
    }

    let path = "/api/v1/spaces/club/join-requests";
    assert_eq!(mem.get(path).await.0, 403, "members do not moderate");
    assert_eq!(out.get(path).await.0, 403);
    assert_eq!(
        out.get("/api/v1/spaces/hush/join-requests").await.0,
        404,
        "a secret space stays unknown"
    );
    assert_eq!(out.delete(&format!("{path}/ria")).await.0, 403);
    let r = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(r.status(), 401);

    let (status, first) = mo.get(&format!("{path}?limit=2")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(requesters(&first), ["ria", "rob"]);
    assert_eq!(items(&first)[0]["url"], "/s/club");
    let next = first["next"].as_str().expect("a next cursor");
    let (_, second) = mo.get(&format!("{path}?limit=2&after={next}")).await;
    assert_eq!(requesters(&second), ["rue"]);
    assert!(second["next"].is_null());
    let (_, html) = app.signed_in("mo").await.page("/s/club").await;
    assert!(html.contains("/s/club/requests/rue"), "the page lists them");

    let (status, body) = mo.delete(&format!("{path}/ria")).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(mo.delete(&format!("{path}/ria")).await.0, 404, "declined");
    assert_eq!(
        mo.delete(&format!("{path}/out")).await.0,
        404,
        "never asked"
    );

    // A moderator approves by adding the member, as the page's Approve does;
    // adding anyone else, or with another role, stays the owners'.
    let (status, body) = mo
        .post("/api/v1/spaces/club/members", json!({"username": "rob"}))
        .await;
    assert_eq!(status, 201, "{body}");
    let event = &audit(&admin).await[0];
    assert_eq!(event["action"], "member.approve", "{event}");
    assert_eq!(event["actor"]["username"], "mo");
    let (status, _) = mo
        .post("/api/v1/spaces/club/members", json!({"username": "out"}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = mo
        .post(
            "/api/v1/spaces/club/members",
            json!({"username": "rue", "role": "moderator"}),
        )
        .await;
    assert_eq!(status, 403);
    let (_, members) = mem.get("/api/v1/spaces/club/members").await;
    let names: Vec<&str> = items(&members)
        .iter()
        .map(|m| m["user"]["username"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"rob") && !names.contains(&"ria"),
        "{names:?}"
    );
    let (_, left) = mo.get(path).await;
    assert_eq!(requesters(&left), ["rue"]);

    // Declined on the page, gone from the API.
    let page = app.signed_in("own").await;
    let resp = page
        .submit(
            "/s/club",
            "/s/club/requests/rue",
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, left) = own.get(path).await;
    assert!(items(&left).is_empty(), "{left}");
    let (status, body) = own.get(&format!("{path}?after=x")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"][0]["field"], "after");
}
both!(moderators_list_decline_and_approve_requests_to_join_through_the_api);
