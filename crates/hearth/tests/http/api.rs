//! The JSON API: tokens, spaces, members, paging, errors, the OpenAPI document.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support::{Backend, both, spawn_app};

async fn a_token_identifies_its_user(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("uma", true).await;
    let api = app.api(&app.token("uma").await);
    let (status, me) = api.get("/api/v1/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["username"], "uma");
    assert_eq!(me["email"], "uma@example.org");
    assert_eq!(me["is_admin"], true);
    assert_eq!(me["url"], "/u/uma");
    let (status, body) = app.api("hth_not-a-real-token").get("/api/v1/me").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let r = reqwest::get(app.url("/api/v1/me")).await.unwrap();
    assert_eq!(r.status(), 401);
}
both!(a_token_identifies_its_user);

async fn spaces_are_created_read_changed_and_paged(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("vic", false).await;
    app.create_user("wes", false).await;
    let vic = app.api(&app.token("vic").await);
    let wes = app.api(&app.token("wes").await);
    for slug in ["alpha", "beta", "gamma"] {
        let (status, body) = vic
            .post(
                "/api/v1/spaces",
                json!({"slug": slug, "name": slug.to_uppercase()}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["role"], "owner");
        assert_eq!(body["url"], format!("/s/{slug}"));
        assert_eq!(body["visibility"], "public");
    }
    let (status, body) = vic
        .post("/api/v1/spaces", json!({"slug": "alpha", "name": "again"}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "conflict");

    let (_, page1) = wes.get("/api/v1/spaces?limit=2").await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    let next = page1["next"].as_str().expect("a next cursor");
    let (_, page2) = wes
        .get(&format!("/api/v1/spaces?limit=2&after={next}"))
        .await;
    let items = page2["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["slug"], "gamma");
    assert!(page2["next"].is_null());

    let (status, _) = wes
        .patch("/api/v1/spaces/alpha", json!({"name": "Hijacked"}))
        .await;
    assert_eq!(status, 403);
    let (status, body) = vic
        .patch(
            "/api/v1/spaces/alpha",
            json!({"name": "Alpha Team", "visibility": "private"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Alpha Team");
    let (_, body) = wes.get("/api/v1/spaces/alpha").await;
    assert_eq!(body["visibility"], "private");
    assert_eq!(body["role"], serde_json::Value::Null);
}
both!(spaces_are_created_read_changed_and_paged);

async fn members_are_managed_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("xena", false).await;
    app.create_user("yuri", false).await;
    app.create_user("zoe", false).await;
    let xena = app.api(&app.token("xena").await);
    let yuri = app.api(&app.token("yuri").await);
    xena.post("/api/v1/spaces", json!({"slug": "open", "name": "Open"}))
        .await;
    xena.post(
        "/api/v1/spaces",
        json!({"slug": "ask", "name": "Ask", "join_policy": "request"}),
    )
    .await;

    let (status, body) = yuri.post("/api/v1/spaces/open/members", json!({})).await;
    assert_eq!((status, body["status"].as_str()), (201, Some("member")));
    let (status, body) = yuri.post("/api/v1/spaces/ask/members", json!({})).await;
    assert_eq!((status, body["status"].as_str()), (202, Some("requested")));
    let (status, _) = yuri
        .post("/api/v1/spaces/open/members", json!({"username": "zoe"}))
        .await;
    assert_eq!(status, 403, "members cannot add others");

    let (status, _) = xena
        .post(
            "/api/v1/spaces/open/members",
            json!({"username": "zoe", "role": "moderator"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, list) = yuri.get("/api/v1/spaces/open/members").await;
    assert_eq!(status, 200);
    let roles: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user"]["username"].as_str().unwrap().into(),
                m["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("xena".into(), "owner".into()),
            ("yuri".into(), "member".into()),
            ("zoe".into(), "moderator".into())
        ]
    );
    let (status, _) = xena
        .patch("/api/v1/spaces/open/members/yuri", json!({"role": "owner"}))
        .await;
    assert_eq!(status, 204);
    let (status, _) = xena.delete("/api/v1/spaces/open/members/zoe").await;
    assert_eq!(status, 204);
    let (status, _) = yuri.delete("/api/v1/spaces/open/members/yuri").await;
    assert_eq!(status, 204, "a second owner may leave");
    let (status, body) = xena.delete("/api/v1/spaces/open/members/xena").await;
    assert_eq!(status, 409, "the last owner may not: {body}");
    let (_, space) = xena.get("/api/v1/spaces/open").await;
    assert_eq!(
        space["member_count"], 1,
        "joins, adds, removals and leaves are counted"
    );
    assert_eq!(app.ctx.store.verify().await.unwrap(), Vec::<String>::new());
}
both!(members_are_managed_through_the_api);

async fn bad_json_gets_a_400_naming_the_problem_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("abe", false).await;
    let api = app.api(&app.token("abe").await);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("application/json", b"{not json".to_vec(), "body"),
        (
            "application/json",
            br#"{"slug": "s1", "name": "N", "colour": "red"}"#.to_vec(),
            "colour",
        ),
        (
            "application/json",
            br#"{"slug": "s1", "name": 5}"#.to_vec(),
            "name",
        ),
        (
            "application/json",
            vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
            "body",
        ),
        (
            "text/plain",
            br#"{"slug": "s1", "name": "N"}"#.to_vec(),
            "body",
        ),
    ];
    for (content_type, body, needle) in cases {
        let (status, json) = api.post_raw("/api/v1/spaces", content_type, body).await;
        assert!(status == 400 || status == 415, "{status} {json}");
        assert_eq!(json["error"]["code"], "invalid", "{json}");
        assert!(
            json["error"]["message"].as_str().unwrap().contains(needle),
            "{needle}: {json}"
        );
    }
    let (status, body) = api
        .post("/api/v1/spaces", json!({"slug": "admin", "name": "N"}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"][0]["field"], "slug");
    let (_, list) = api.get("/api/v1/spaces").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing was written"
    );

    for query in ["limit=0", "limit=101", "after=abc", "colour=red"] {
        let (status, body) = api.get(&format!("/api/v1/spaces?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
    let (status, body) = api.get("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}
both!(bad_json_gets_a_400_naming_the_problem_and_writes_nothing);

async fn oversized_bodies_get_413(backend: Backend) {
    let app =
        crate::support::app::spawn_app_with(backend, |_, web| web.max_body_bytes = 4096).await;
    app.create_user("bea", false).await;
    let api = app.api(&app.token("bea").await);
    let big = json!({"slug": "big", "name": "N", "description": "x".repeat(10_000)});
    let (status, body) = api.post("/api/v1/spaces", big).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "too_large");

    let b = app.signed_in("bea").await;
    let csrf = b.csrf_from("/spaces/new").await;
    let long = "y".repeat(10_000);
    let resp = b
        .post_form(
            "/spaces",
            &[
                ("csrf", &csrf),
                ("slug", "big"),
                ("name", "N"),
                ("description", &long),
            ],
        )
        .await;
    assert_eq!(resp.status(), 413);
    assert_eq!(b.page("/s/big").await.0, 404);
}
both!(oversized_bodies_get_413);

async fn a_feed_token_is_made_and_revoked_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = crate::topics::team(&app, "fern", &[], "inner", "private").await;
    crate::topics::topic(
        &apis[0],
        "inner",
        json!({"title": "Inside news", "body": "b"}),
    )
    .await;
    let feed = |token: &str| {
        let url = app.url(&format!("/feeds/s/inner?token={token}"));
        async move {
            let r = reqwest::get(url).await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/me/feed-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "signed out");

    let token = app.token("fern").await;
    let create = || {
        reqwest::Client::new()
            .post(app.url("/api/v1/me/feed-token"))
            .bearer_auth(&token)
            .header("idempotency-key", "feed-1")
            .send()
    };
    let first = create().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let secret = first["token"].as_str().unwrap().to_owned();
    assert_eq!(
        first["example"],
        format!("/feeds/u/fern?token={secret}"),
        "{first}"
    );
    let (status, atom) = feed(&secret).await;
    assert_eq!(status, 200);
    assert!(
        atom.contains("Inside news"),
        "the token reads what fern reads"
    );

    // A secret is never replayed: the same key makes a new token, and the
    // first one stops working.
    let again = create().await.unwrap();
    assert_eq!(again.status(), 201);
    assert!(!again.headers().contains_key("idempotent-replayed"));
    let again: serde_json::Value = again.json().await.unwrap();
    let newer = again["token"].as_str().unwrap().to_owned();
    assert_ne!(newer, secret);
    assert_eq!(feed(&secret).await.0, 401);
    assert_eq!(feed(&newer).await.0, 200);

    let (status, _) = apis[0].delete("/api/v1/me/feed-token").await;
    assert_eq!(status, 204);
    assert_eq!(feed(&newer).await.0, 401, "revoked at once");
    let (status, _) = apis[0].delete("/api/v1/me/feed-token").await;
    assert_eq!(status, 204, "revoking again changes nothing");
}
both!(a_feed_token_is_made_and_revoked_through_the_api);

/// Routes the router serves that the document leaves out on purpose.
const UNDOCUMENTED: &[&str] = &["GET /api/v1/openapi.json"];

/// Every API route registered in hearth-web's source, as "METHOD /path":
/// each `.route("/api/v1/…", get(…).post(…))` call of every file.
fn registered_api_routes() -> BTreeSet<String> {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src"),
        &mut files,
    );
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        for (at, _) in source.match_indices(".route(") {
            let args = &source[at + ".route(".len()..];
            let literal = args.trim_start();
            assert!(
                literal.starts_with('"'),
                "{}: a route with a path that is not a string literal; \
                 this check reads paths from the source",
                file.display()
            );
            let path = &literal[1..1 + literal[1..].find('"').unwrap()];
            if !path.starts_with("/api/") {
                continue;
            }
            // The method router: up to the parenthesis closing `.route(`.
            let mut depth = 1;
            let end = args
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .unwrap()
                .0;
            let methods = &args[..end];
            let before = |i: usize| methods[..i].chars().next_back();
            let mut found = 0;
            for method in ["get", "post", "put", "patch", "delete"] {
                for (i, _) in methods.match_indices(&format!("{method}(")) {
                    if before(i).is_none_or(|c| !c.is_alphanumeric() && c != '_') {
                        routes.insert(format!("{} {path}", method.to_uppercase()));
                        found += 1;
                    }
                }
            }
            assert!(found > 0, "{}: no method for {path}", file.display());
        }
    }
    routes
}

/// Fills a path template's parameters with values that parse.
fn filled(template: &str) -> String {
    template
        .split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

async fn the_openapi_document_describes_every_api_route_the_router_serves(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["components"]["schemas"]["SpaceJson"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let description = doc["info"]["description"].as_str().unwrap();
    for word in ["topics", "replies", "Idempotency-Key", "stale_version"] {
        assert!(description.contains(word), "the description omits {word}");
    }

    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let registered = registered_api_routes();
    assert!(
        registered.len() > 30,
        "the scan found too little: {registered:?}"
    );

    // The scan is the router: each route it found is served (the router's
    // metrics name the route that answered, and the method is allowed).
    let client = reqwest::Client::new();
    for route in &registered {
        let (method, template) = route.split_once(' ').unwrap();
        let r = client
            .request(method.parse().unwrap(), app.url(&filled(template)))
            .send()
            .await
            .unwrap();
        assert_ne!(r.status(), 405, "{route} is not served");
    }
    let metrics = crate::support::app::metrics_of(&app.base).await;
    for route in &registered {
        let (method, template) = route.split_once(' ').unwrap();
        assert!(
            metrics.contains(&format!("method=\"{method}\",route=\"{template}\"")),
            "{route} did not answer as itself"
        );
    }

    let served: BTreeSet<String> = registered
        .into_iter()
        .filter(|r| !UNDOCUMENTED.contains(&r.as_str()))
        .collect();
    let missing: Vec<_> = served.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "served but not in the document: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "in the document but not served: {stale:?}"
    );
}
both!(the_openapi_document_describes_every_api_route_the_router_serves);
