//! CSRF, security headers, redirects, operations endpoints.

use crate::support::{Backend, both, spawn_app};

async fn forms_without_a_valid_csrf_token_are_refused_and_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("cat", false).await;
    app.create_user("dan", false).await;
    let cat = app.signed_in("cat").await;
    let fields = [
        ("slug", "forged"),
        ("name", "Forged"),
        ("visibility", "public"),
        ("join_policy", "open"),
    ];
    let resp = cat.post_form("/spaces", &fields).await;
    assert_eq!(resp.status(), 403);
    let dan = app.signed_in("dan").await;
    let dans_token = dan.csrf_from("/account").await;
    let mut with_other = vec![("csrf", dans_token.as_str())];
    with_other.extend_from_slice(&fields);
    assert_eq!(
        cat.post_form("/spaces", &with_other).await.status(),
        403,
        "another session's token"
    );
    let resp = cat
        .client
        .post(cat.url("/spaces"))
        .body("slug=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415, "not a form");
    assert_eq!(cat.page("/s/forged").await.0, 404, "nothing was written");
}
both!(forms_without_a_valid_csrf_token_are_refused_and_write_nothing);

async fn api_calls_signed_in_by_cookie_must_send_the_csrf_header(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("eli", false).await;
    let eli = app.signed_in("eli").await;
    let body = serde_json::json!({"slug": "via-cookie", "name": "N"});
    let resp = eli
        .client
        .post(eli.url("/api/v1/spaces"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let csrf = eli.csrf_from("/account").await;
    let resp = eli
        .client
        .post(eli.url("/api/v1/spaces"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let resp = eli.get("/api/v1/me").await;
    assert_eq!(resp.status(), 200, "reads need no header");
}
both!(api_calls_signed_in_by_cookie_must_send_the_csrf_header);

async fn responses_carry_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", "/signin", "/api/v1/openapi.json", "/nowhere"] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
}
both!(responses_carry_security_headers);

async fn sign_in_never_redirects_to_another_site(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("fay", false).await;
    for (next, expected) in [
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/spaces", "/spaces"),
    ] {
        let b = app.browser();
        let resp = b
            .submit(
                "/signin",
                "/signin",
                &[
                    ("login", "fay"),
                    ("password", crate::support::app::PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], expected, "{next}");
    }
}
both!(sign_in_never_redirects_to_another_site);

async fn health_readiness_and_metrics_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let ok = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(ok.status(), 200);
    let ready = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    reqwest::get(app.url("/signin")).await.unwrap();
    let metrics = crate::support::app::metrics_of(&app.base).await;
    assert!(
        metrics
            .contains(r#"hearth_http_requests_total{method="GET",route="/signin",status="200"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("hearth_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("hearth_db_pool_connections"));
}
both!(health_readiness_and_metrics_answer);

async fn a_panicking_handler_gets_a_500_and_the_node_keeps_serving(backend: Backend) {
    async fn explode() -> &'static str {
        panic!("boom: a bug in a handler")
    }
    let extra = axum::Router::new()
        .route("/explode", axum::routing::get(explode))
        .route("/api/v1/explode", axum::routing::get(explode));
    let app = crate::support::app::spawn_app_routes(backend, |_, _| {}, extra).await;
    let page = reqwest::get(app.url("/explode")).await.unwrap();
    assert_eq!(page.status(), 500);
    let html = page.text().await.unwrap();
    assert!(!html.contains("boom"), "no internals leak: {html}");
    let api = reqwest::get(app.url("/api/v1/explode")).await.unwrap();
    assert_eq!(api.status(), 500);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "internal");
    assert!(!body.to_string().contains("boom"));
    for _ in 0..3 {
        assert_eq!(
            reqwest::get(app.url("/healthz")).await.unwrap().status(),
            200
        );
    }
}
both!(a_panicking_handler_gets_a_500_and_the_node_keeps_serving);

async fn sign_in_is_rate_limited_per_address_across_accounts(backend: Backend) {
    let app =
        crate::support::app::spawn_app_with(backend, |cfg, _| cfg.signin_failures_per_address = 5)
            .await;
    app.create_user("gus", false).await;
    let b = app.browser();
    for i in 0..5 {
        let resp = b.sign_in(&format!("guess{i}"), "wrong password!").await;
        assert_eq!(resp.status(), 401);
    }
    let resp = b.sign_in("gus", crate::support::app::PASSWORD).await;
    assert_eq!(resp.status(), 429, "this address has failed too often");
    assert!(resp.headers().contains_key("retry-after"));
}
both!(sign_in_is_rate_limited_per_address_across_accounts);

async fn behind_a_proxy_the_address_it_saw_is_limited_not_the_one_claimed(backend: Backend) {
    let app = crate::support::app::spawn_app_with(backend, |cfg, web| {
        cfg.signin_failures_per_address = 3;
        web.trust_proxy = true;
    })
    .await;
    app.create_user("ida", false).await;
    let b = app.browser();
    let attempt = |forwarded: String, password: &'static str| {
        let b = &b;
        async move {
            let csrf = b.csrf_from("/signin").await;
            b.client
                .post(b.url("/signin"))
                .header("x-forwarded-for", forwarded)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("login", "ida"),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // A client that claims a new address each time: the proxy appends the
    // one it saw, and that one is counted.
    for i in 0..3 {
        let status = attempt(format!("10.0.0.{i}, 203.0.113.7"), "wrong password!").await;
        assert_eq!(status, 401);
    }
    let status = attempt(
        "10.9.9.9, 203.0.113.7".into(),
        crate::support::app::PASSWORD,
    )
    .await;
    assert_eq!(
        status, 429,
        "the address the proxy saw has failed too often"
    );
    // Another address the proxy saw has its own count.
    let status = attempt("203.0.113.8".into(), crate::support::app::PASSWORD).await;
    assert_eq!(status, 303);
}
both!(behind_a_proxy_the_address_it_saw_is_limited_not_the_one_claimed);

async fn cookies_are_secure_behind_a_trusted_https_proxy(backend: Backend) {
    let app = crate::support::app::spawn_app_with(backend, |_, web| web.trust_proxy = true).await;
    app.create_user("hal", false).await;
    let b = app.browser();
    let csrf = b.csrf_from("/signin").await;
    let resp = b
        .client
        .post(b.url("/signin"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "hal"),
            ("password", crate::support::app::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hearth_session="))
        .unwrap()
        .to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
}
both!(cookies_are_secure_behind_a_trusted_https_proxy);

async fn the_status_page_shows_members_what_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("vic", false).await;
    let api = app.api(&app.token("vic").await);
    api.post(
        "/api/v1/spaces",
        serde_json::json!({"slug": "st", "name": "St"}),
    )
    .await;
    let (_, t) = api
        .post(
            "/api/v1/spaces/st/topics",
            serde_json::json!({"title": "T", "body": "b"}),
        )
        .await;
    api.post(
        &format!("/api/v1/topics/{}/replies", t["id"].as_str().unwrap()),
        serde_json::json!({"body": "r"}),
    )
    .await;
    let (status, html) = app.signed_in("vic").await.page("/status").await;
    assert_eq!(status, 200);
    assert!(html.contains("Operating normally"), "{html}");
    assert!(
        html.contains("1 topics and 1 replies in 1 spaces, 0 files, 1 people"),
        "{html}"
    );
    assert!(html.contains(&format!(
        "schema version {}",
        hearth_store_sqlite::LATEST_VERSION
    )));
    let (_, guest) = app.browser().page("/status").await;
    assert!(
        guest.contains("Operating normally") && !guest.contains("replies in"),
        "guests see health only"
    );
}
both!(the_status_page_shows_members_what_is_stored);

async fn a_wrong_method_gets_405_in_the_shape_of_its_side(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("mo", false).await;
    let api = app.api(&app.token("mo").await);
    let (status, body) = api.get("/api/v1/preview").await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let b = app.signed_in("mo").await;
    let resp = b.client.get(b.url("/signout")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}
both!(a_wrong_method_gets_405_in_the_shape_of_its_side);

async fn only_uploads_may_be_larger_than_the_body_limit(backend: Backend) {
    let app =
        crate::support::app::spawn_app_with(backend, |_, web| web.max_body_bytes = 4096).await;
    app.create_user("una", false).await;
    let b = app.signed_in("una").await;
    let csrf = b.csrf_from("/spaces/new").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("slug", "roomy")
        .text("name", "Roomy")
        .text("description", "z".repeat(10_000));
    let resp = b
        .client
        .post(b.url("/spaces"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        413,
        "a multipart form is a form like any other"
    );
    assert_eq!(b.page("/s/roomy").await.0, 404);
}
both!(only_uploads_may_be_larger_than_the_body_limit);

async fn cookies_are_secure_when_configured_so(backend: Backend) {
    let app =
        crate::support::app::spawn_app_with(backend, |_, web| web.secure_cookies = true).await;
    app.create_user("sid", false).await;
    let resp = app
        .browser()
        .sign_in("sid", crate::support::app::PASSWORD)
        .await;
    assert_eq!(resp.status(), 303);
    let cookies: Vec<_> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(!cookies.is_empty());
    for cookie in cookies {
        assert!(cookie.contains("; Secure"), "{cookie}");
    }
}
both!(cookies_are_secure_when_configured_so);

async fn a_malformed_form_gets_400_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("flo", false).await;
    let b = app.signed_in("flo").await;
    let csrf = b.csrf_from("/spaces/new").await;
    for body in [
        format!("csrf={csrf}&slug=broken&name=%C3%28&visibility=public&join_policy=open"),
        format!("csrf={csrf}&slug=broken&name=Broken&visibility=galactic&join_policy=open"),
    ] {
        let resp = b
            .client
            .post(b.url("/spaces"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{body}");
        let html = resp.text().await.unwrap();
        let named = if body.contains("galactic") {
            "visibility"
        } else {
            "name"
        };
        assert!(
            html.contains(named),
            "{body}: the message names the field: {html}"
        );
    }
    assert_eq!(b.page("/s/broken").await.0, 404);
}
both!(a_malformed_form_gets_400_and_writes_nothing);

async fn a_refused_body_does_not_break_the_next_request_on_its_connection(backend: Backend) {
    let app =
        crate::support::app::spawn_app_with(backend, |_, web| web.max_body_bytes = 4096).await;
    app.create_user("kit", false).await;
    let token = app.token("kit").await;
    let client = reqwest::Client::new();
    let big = serde_json::json!({"slug": "big", "name": "x".repeat(200_000)}).to_string();
    for (auth, refused) in [(Some(token.as_str()), 413), (None, 401)] {
        for _ in 0..3 {
            let mut post = client
                .post(app.url("/api/v1/spaces"))
                .header("content-type", "application/json")
                .body(big.clone());
            if let Some(token) = auth {
                post = post.bearer_auth(token);
            }
            assert_eq!(post.send().await.unwrap().status(), refused);
            let next = client.get(app.url("/healthz")).send().await;
            assert_eq!(next.expect("the next request is answered").status(), 200);
        }
    }
}
both!(a_refused_body_does_not_break_the_next_request_on_its_connection);
