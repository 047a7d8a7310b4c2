//! Sign-in limits that a flood cannot get around or turn against members:
//! counted before the password is checked, in the database for every node,
//! under hashed keys, per address, per login at an address, and per login
//! everywhere but where its member signed in before.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::task::JoinSet;

use crate::cli::{create_admin, start_server, storage_args};
use crate::support::app::{PASSWORD, TestApp, fresh_storage, spawn_app_with};
use crate::support::{Backend, both};

/// Asks `base` for a token as a client at `address` (through the trusted proxy).
async fn token_from(base: &str, login: &str, password: &str, address: &str) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/tokens"))
        .header("x-forwarded-for", address)
        .json(&json!({"username": login, "password": password}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn behind_a_proxy(
    backend: Backend,
    per_address: usize,
    per_login_at_address: usize,
    per_login: usize,
) -> TestApp {
    spawn_app_with(backend, |cfg, web| {
        cfg.signin_failures_per_address = per_address;
        cfg.signin_failures_per_account = per_login_at_address;
        cfg.signin_failures_per_login = per_login;
        web.trust_proxy = true;
    })
    .await
}

async fn a_burst_of_sign_ins_is_counted_before_any_password_is_checked(backend: Backend) {
    let app = behind_a_proxy(backend, 5, 100, 100).await;
    let mut burst = JoinSet::new();
    for i in 0..40 {
        let base = app.base.clone();
        burst.spawn(async move {
            token_from(
                &base,
                &format!("guess{i}"),
                "wrong password!",
                "203.0.113.9",
            )
            .await
            .0
        });
    }
    let statuses: Vec<u16> = burst.join_all().await;
    // Five are let through to the password check. On a machine busy with
    // other work, one of them may find the hashing threads taken and be
    // answered 503 `busy` instead: still one of the five.
    let checked = statuses.iter().filter(|&&s| s == 401 || s == 503).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!((checked, refused), (5, 35), "{statuses:?}");
}
both!(a_burst_of_sign_ins_is_counted_before_any_password_is_checked);

async fn a_login_locked_at_one_address_signs_in_from_another(backend: Backend) {
    let app = behind_a_proxy(backend, 50, 3, 100).await;
    app.create_user("jack", false).await;
    for _ in 0..3 {
        assert_eq!(
            token_from(&app.base, "jack", "wrong password!", "203.0.113.1")
                .await
                .0,
            401
        );
    }
    assert_eq!(
        token_from(&app.base, "jack", PASSWORD, "203.0.113.1")
            .await
            .0,
        429
    );
    assert_eq!(
        token_from(&app.base, "jack", PASSWORD, "203.0.113.2")
            .await
            .0,
        201
    );
}
both!(a_login_locked_at_one_address_signs_in_from_another);

async fn failures_from_many_addresses_lock_a_login_except_where_its_member_signed_in(
    backend: Backend,
) {
    let app = behind_a_proxy(backend, 50, 2, 4).await;
    app.create_user("kim", false).await;
    let home = "198.51.100.7";
    assert_eq!(token_from(&app.base, "kim", PASSWORD, home).await.0, 201);
    for attacker in ["203.0.113.1", "203.0.113.2"] {
        for _ in 0..2 {
            assert_eq!(
                token_from(&app.base, "kim", "wrong password!", attacker)
                    .await
                    .0,
                401
            );
        }
    }
    let (status, _) = token_from(&app.base, "kim", PASSWORD, "203.0.113.3").await;
    assert_eq!(
        status, 429,
        "a new address waits while the login is under attack"
    );
    let (status, _) = token_from(&app.base, "kim", PASSWORD, home).await;
    assert_eq!(status, 201, "where Kim signed in before, Kim still can");
}
both!(failures_from_many_addresses_lock_a_login_except_where_its_member_signed_in);

async fn a_locked_email_address_tells_nothing_about_whose_it_is(backend: Backend) {
    let app = behind_a_proxy(backend, 50, 3, 100).await;
    app.create_user("lou", false).await;
    let at = "203.0.113.5";
    for _ in 0..3 {
        assert_eq!(
            token_from(&app.base, "lou", "wrong password!", at).await.0,
            401
        );
    }
    assert_eq!(token_from(&app.base, "lou", PASSWORD, at).await.0, 429);
    // Lou's e-mail address answers exactly as an unknown one does, before
    // and after its own failures.
    let mut answers = Vec::new();
    for login in ["lou@example.org", "nobody@example.org"] {
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(token_from(&app.base, login, "wrong password!", at).await);
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(
        answers[0].iter().map(|a| a.0).collect::<Vec<_>>(),
        [401, 401, 401, 429]
    );
}
both!(a_locked_email_address_tells_nothing_about_whose_it_is);

async fn limits_are_shared_by_every_node(backend: Backend) {
    let app = behind_a_proxy(backend, 4, 100, 100).await;
    app.create_user("max", false).await;
    let other = app.second_node().await;
    let at = "203.0.113.6";
    for base in [&app.base, &other.base, &app.base, &other.base] {
        assert_eq!(
            token_from(base, "someone", "wrong password!", at).await.0,
            401
        );
    }
    for base in [&app.base, &other.base] {
        assert_eq!(token_from(base, "max", PASSWORD, at).await.0, 429, "{base}");
    }
}
both!(limits_are_shared_by_every_node);

async fn sign_in_limits_keep_no_login_text(backend: Backend) {
    let app = behind_a_proxy(backend, 50, 10, 100).await;
    let huge = "x".repeat(200_000);
    let (status, _) = token_from(&app.base, &huge, "wrong password!", "203.0.113.8").await;
    assert_eq!(status, 401);
    assert_eq!(app.count("SELECT count(*) FROM signin_attempts").await, 3);
    assert_eq!(
        app.count("SELECT CAST(max(length(key)) AS BIGINT) FROM signin_attempts")
            .await,
        64
    );
}
both!(sign_in_limits_keep_no_login_text);

/// Resident memory of a process, in kB.
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn a_flood_of_bad_sign_ins_from_fifty_addresses_leaves_memory_bounded_and_pages_served(
    backend: Backend,
) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = start_server(&args, cwd.path());
    let pid = server.id();
    let page = format!("{base}/signin");
    assert_eq!(reqwest::get(&page).await.unwrap().status(), 200);
    let before = rss_kb(pid);

    let mut flood = JoinSet::new();
    for n in 0..50u8 {
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, 2 + n]))
            .build()
            .unwrap();
        for i in 0..10 {
            let (client, base) = (client.clone(), base.clone());
            flood.spawn(async move {
                let r = client
                    .post(format!("{base}/api/v1/tokens"))
                    .json(&json!({
                        "username": format!("nobody{n}-{i}@example.org"),
                        "password": "not the password",
                    }))
                    .send()
                    .await
                    .unwrap();
                r.status().as_u16()
            });
        }
    }
    // Meanwhile a reader keeps reading, and memory is watched.
    let mut peak = before;
    let mut slowest = Duration::ZERO;
    let mut reads = 0;
    while !flood.is_empty() {
        let started = Instant::now();
        let r = reqwest::get(&page).await.unwrap();
        assert_eq!(r.status(), 200);
        slowest = slowest.max(started.elapsed());
        reads += 1;
        peak = peak.max(rss_kb(pid));
        while let Some(done) = flood.try_join_next() {
            let status = done.unwrap();
            assert!([401, 429, 503].contains(&status), "{status}");
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let grew_mb = (peak.saturating_sub(before)) / 1024;
    eprintln!("flood: memory grew {grew_mb} MB; {reads} reads, the slowest {slowest:?}");
    assert!(grew_mb < 150, "memory grew by {grew_mb} MB under the flood");
    assert!(
        slowest < Duration::from_secs(5),
        "a page read took {slowest:?} under the flood"
    );
}
both!(a_flood_of_bad_sign_ins_from_fifty_addresses_leaves_memory_bounded_and_pages_served);
