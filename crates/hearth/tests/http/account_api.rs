//! The caller's own account through the JSON API: sessions and tokens.

use serde_json::Value;

use crate::admin_api::items;
use crate::support::{Backend, both, spawn_app};

async fn sessions_are_listed_and_ended_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.create_user("sam", false).await;
    app.create_user("tia", false).await;
    let laptop = app.signed_in("sam").await;
    let phone = app.signed_in("sam").await;
    let api = app.api(&app.token("sam").await);

    let (status, list) = api.get("/api/v1/sessions").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(items(&list).len(), 2);
    assert!(list["next"].is_null());
    assert!(
        items(&list).iter().all(|s| s["current"] == false),
        "a bearer token is no session: {list}"
    );
    assert_eq!(items(&list)[0]["url"], "/account");

    // The id names the session without being what the store finds it by,
    // and it does not sign anyone in.
    let stored = app.ctx.store.sessions_of(sam.id).await.unwrap();
    for s in items(&list) {
        let id = s["id"].as_str().unwrap();
        assert!(stored.iter().all(|st| !st.id_hash.contains(id)), "{id}");
        let r = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("cookie", format!("hearth_session={id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "a session id is not a cookie");
    }

    // Asked with the phone's cookie, the phone's session is the current one;
    // the account page names it by the same id.
    let r = phone.get("/api/v1/sessions").await;
    assert_eq!(r.status(), 200);
    let seen: Value = r.json().await.unwrap();
    let current: Vec<&Value> = items(&seen)
        .iter()
        .filter(|s| s["current"] == true)
        .collect();
    assert_eq!(current.len(), 1, "{seen}");
    let phone_id = current[0]["id"].as_str().unwrap().to_owned();
    let (_, html) = laptop.page("/account").await;
    assert!(html.contains(&format!("/account/sessions/{phone_id}/revoke")));

    let tia = app.api(&app.token("tia").await);
    let (status, _) = tia.delete(&format!("/api/v1/sessions/{phone_id}")).await;
    assert_eq!(status, 404, "nobody ends someone else's session");
    assert_eq!(phone.get("/account").await.status(), 200);

    let (status, body) = api.delete(&format!("/api/v1/sessions/{phone_id}")).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(phone.get("/account").await.status(), 303, "signed out");
    assert_eq!(laptop.get("/account").await.status(), 200);
    let (status, _) = api.delete(&format!("/api/v1/sessions/{phone_id}")).await;
    assert_eq!(status, 404, "already ended");
    let (_, list) = api.get("/api/v1/sessions").await;
    assert_eq!(items(&list).len(), 1);

    // A session ended on the page is gone from the API's list.
    let laptop_id = items(&list)[0]["id"].as_str().unwrap().to_owned();
    let resp = laptop
        .submit(
            "/account",
            &format!("/account/sessions/{laptop_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, list) = api.get("/api/v1/sessions").await;
    assert_eq!(items(&list).len(), 0, "{list}");

    // A session that no longer signs in is not listed, on the page or here.
    app.signed_in("sam").await;
    assert_eq!(items(&api.get("/api/v1/sessions").await.1).len(), 1);
    app.clock.advance(15 * 24 * 60 * 60 * 1000);
    let (_, list) = api.get("/api/v1/sessions").await;
    assert_eq!(items(&list).len(), 0, "idle too long: {list}");

    let (status, body) = api.get("/api/v1/sessions?limit=5").await;
    assert_eq!(status, 400, "{body}");
}
both!(sessions_are_listed_and_ended_through_the_api);

async fn a_session_signed_in_api_call_must_send_its_csrf_token_to_end_a_session(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("uri", false).await;
    let b = app.signed_in("uri").await;
    let r = b.get("/api/v1/sessions").await;
    let list: Value = r.json().await.unwrap();
    let id = items(&list)[0]["id"].as_str().unwrap().to_owned();
    let r = b
        .client
        .delete(b.url(&format!("/api/v1/sessions/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(b.get("/account").await.status(), 200, "still signed in");
}
both!(a_session_signed_in_api_call_must_send_its_csrf_token_to_end_a_session);

async fn tokens_are_listed_newest_first_in_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("val", false).await;
    let mut secrets = Vec::new();
    for _ in 0..3 {
        secrets.push(app.token("val").await);
    }
    let api = app.api(&secrets[0]);
    let (status, first) = api.get("/api/v1/tokens?limit=2").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(items(&first).len(), 2);
    assert_eq!(items(&first)[0]["url"], "/account");
    let next = first["next"].as_str().expect("a next cursor");
    let (status, second) = api
        .get(&format!("/api/v1/tokens?limit=2&after={next}"))
        .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(items(&second).len(), 1);
    assert!(second["next"].is_null(), "{second}");
    let ids: Vec<i64> = items(&first)
        .iter()
        .chain(items(&second))
        .map(|t| t["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut newest_first = ids.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    assert_eq!(ids, newest_first, "every token once, newest first");

    let (_, all) = api.get("/api/v1/tokens").await;
    assert_eq!(items(&all).len(), 3);
    assert!(all["next"].is_null());
    let (status, body) = api.get("/api/v1/tokens?limit=101").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"][0]["field"], "limit");
}
both!(tokens_are_listed_newest_first_in_pages);
