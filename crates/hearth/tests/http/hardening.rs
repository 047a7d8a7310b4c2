//! Holes found in review, each closed: locked members keep no access,
//! replies nest no deeper than the page shows, `/status` keeps secret
//! spaces secret, `/metrics` answers monitoring only, sign-in sends people
//! only to this site, and what leaves or enters the store as a file is
//! private and sanitized.

use std::os::unix::fs::PermissionsExt;

use hearth::config::Storage;
use serde_json::json;

use crate::cli::{hearth, storage_args};
use crate::support::app::{PASSWORD, fresh_storage, spawn_app_with};
use crate::support::{Backend, both, spawn_app};

async fn a_locked_member_can_be_demoted_and_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("rho", true).await;
    app.create_user("own", false).await;
    app.create_user("pat", false).await;
    let owner = app.api(&app.token("own").await);
    let admin = app.api(&app.token("rho").await);
    owner
        .post(
            "/api/v1/spaces",
            json!({"slug": "board", "name": "Board", "visibility": "private"}),
        )
        .await;
    let (status, _) = owner
        .post(
            "/api/v1/spaces/board/members",
            json!({"username": "pat", "role": "moderator"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = admin
        .patch("/api/v1/users/pat", json!({"status": "locked"}))
        .await;
    assert_eq!(status, 200);

    let (status, body) = owner
        .patch(
            "/api/v1/spaces/board/members/pat",
            json!({"role": "member"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = owner.delete("/api/v1/spaces/board/members/pat").await;
    assert_eq!(status, 204, "{body}");
    // Unlocked again, Pat has no access left to the private space.
    admin
        .patch("/api/v1/users/pat", json!({"status": "active"}))
        .await;
    let pat = app.api(&app.token("pat").await);
    let (status, _) = pat.get("/api/v1/spaces/board/topics").await;
    assert_eq!(status, 403);
    // Nobody locked can be given access, though.
    admin
        .patch("/api/v1/users/pat", json!({"status": "locked"}))
        .await;
    let (status, _) = owner
        .post("/api/v1/spaces/board/members", json!({"username": "pat"}))
        .await;
    assert_eq!(status, 400);
}
both!(a_locked_member_can_be_demoted_and_removed);

async fn replies_nest_in_storage_no_deeper_than_the_page_shows(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("deb", false).await;
    let deb = app.api(&app.token("deb").await);
    deb.post("/api/v1/spaces", json!({"slug": "deep", "name": "Deep"}))
        .await;
    let (_, topic) = deb
        .post(
            "/api/v1/spaces/deep/topics",
            json!({"title": "Nesting", "body": "go"}),
        )
        .await;
    let tid = topic["id"].as_str().unwrap().to_owned();
    let mut parent: Option<String> = None;
    let mut ids = Vec::new();
    for n in 0..12 {
        let (status, reply) = deb
            .post(
                &format!("/api/v1/topics/{tid}/replies"),
                json!({"body": format!("level {n}"), "parent": parent}),
            )
            .await;
        assert_eq!(status, 201, "{reply}");
        assert_eq!(
            reply["depth"].as_i64().unwrap(),
            n.min(hearth_core::topic_rules::MAX_REPLY_DEPTH)
        );
        let id = reply["id"].as_str().unwrap().to_owned();
        ids.push(id.clone());
        parent = Some(id);
    }
    let longest = app
        .count("SELECT CAST(max(length(thread_path)) AS BIGINT) FROM replies")
        .await;
    assert_eq!(
        longest,
        13 * (hearth_core::topic_rules::MAX_REPLY_DEPTH + 1) - 1
    );
    // The thread reads in the order it was written.
    let (_, read) = deb.get(&format!("/api/v1/topics/{tid}")).await;
    let order: Vec<String> = read["replies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, ids);
}
both!(replies_nest_in_storage_no_deeper_than_the_page_shows);

async fn status_counts_leave_out_what_secret_spaces_hold(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("adm", true).await;
    app.create_user("sec", false).await;
    app.create_user("pub", false).await;
    let sec = app.api(&app.token("sec").await);
    sec.post(
        "/api/v1/spaces",
        json!({"slug": "hidden", "name": "Hidden", "visibility": "secret"}),
    )
    .await;
    for n in 0..3 {
        sec.post(
            "/api/v1/spaces/hidden/topics",
            json!({"title": format!("Plan {n}"), "body": "quiet"}),
        )
        .await;
    }
    let line = |html: &str| {
        let at = html.find("topics and").expect("counts shown");
        html[..at].rsplit('>').next().unwrap().trim().to_owned()
    };
    let (_, member_view) = app.signed_in("pub").await.page("/status").await;
    assert_eq!(line(&member_view), "0", "{member_view}");
    let (_, admin_view) = app.signed_in("adm").await.page("/status").await;
    assert_eq!(line(&admin_view), "3");
}
both!(status_counts_leave_out_what_secret_spaces_hold);

async fn metrics_answer_loopback_or_the_metrics_token_only(backend: Backend) {
    let app = spawn_app_with(backend, |_, web| web.trust_proxy = true).await;
    let get = |forwarded: Option<&'static str>, token: Option<&'static str>| {
        let url = app.url("/metrics");
        async move {
            let mut r = reqwest::Client::new().get(url);
            if let Some(f) = forwarded {
                r = r.header("x-forwarded-for", f);
            }
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            r.send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(get(None, None).await, 200, "loopback");
    assert_eq!(get(Some("203.0.113.4"), None).await, 404, "from outside");

    let secret = "a metrics token of some length";
    let app = spawn_app_with(backend, |_, web| {
        web.metrics_token_hash = Some(hearth_app::secrets::hash_secret(secret));
    })
    .await;
    let status = |token: Option<&str>| {
        let mut r = reqwest::Client::new().get(app.url("/metrics"));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move { r.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(None).await, 404, "a token is asked even on loopback");
    assert_eq!(status(Some("a wrong token of some length")).await, 404);
    assert_eq!(status(Some(secret)).await, 200);
}
both!(metrics_answer_loopback_or_the_metrics_token_only);

async fn sign_in_sends_people_only_to_paths_of_this_site(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ned", false).await;
    for next in [
        "/%09/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "/%0a/evil.example",
    ] {
        let b = app.browser();
        let csrf = b.csrf_from("/signin").await;
        let decoded = percent_decode(next);
        let resp = b
            .post_form(
                "/signin",
                &[
                    ("csrf", csrf.as_str()),
                    ("login", "ned"),
                    ("password", PASSWORD),
                    ("next", decoded.as_str()),
                ],
            )
            .await;
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/", "{next}");
        // Signed in, the sign-in page sends on at once: to the same place.
        let resp = b.get(&format!("/signin?next={next}")).await;
        assert_eq!(resp.headers()["location"], "/", "{next}");
    }
}
both!(sign_in_sends_people_only_to_paths_of_this_site);

/// Decodes the few escapes the cases above use.
fn percent_decode(s: &str) -> String {
    s.replace("%09", "\t")
        .replace("%0a", "\n")
        .replace("%5C", "\\")
}

async fn exports_and_backups_are_for_their_owner_only(backend: Backend) {
    let (storage, _guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let seeded = hearth()
        .args(["seed", "--users", "3", "--spaces", "1", "--replies", "5"])
        .args(storage_args(&storage))
        .output()
        .unwrap();
    assert!(seeded.status.success());
    let file = cwd.path().join("all.export");
    let dir = cwd.path().join("backups");
    for args in [
        vec!["export".to_owned(), file.display().to_string()],
        vec!["backup".to_owned(), dir.display().to_string()],
    ] {
        let out = hearth()
            .args(&args)
            .args(storage_args(&storage))
            .current_dir(cwd.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&dir), 0o700);
    for backup in std::fs::read_dir(&dir).unwrap() {
        assert_eq!(mode(&backup.unwrap().path()), 0o600);
    }
}
both!(exports_and_backups_are_for_their_owner_only);

async fn an_imported_file_is_sanitized_again(backend: Backend) {
    let (source, _g1) = fresh_storage(Backend::Sqlite).await;
    let (target, _g2) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let seeded = hearth()
        .args(["seed", "--users", "2", "--spaces", "1", "--replies", "3"])
        .args(storage_args(&source))
        .output()
        .unwrap();
    assert!(seeded.status.success());
    // Whoever edits a file (or a database) on the way can put anything in.
    let Storage::Sqlite(dir) = &source else {
        unreachable!()
    };
    let db = rusqlite::Connection::open(dir.join("hearth.db")).unwrap();
    db.execute_batch(
        "UPDATE topics SET body_html = '<p>hi</p><script>alert(1)</script><img src=x onerror=alert(2)>';
         UPDATE replies SET body_html = '<a href=\"javascript:alert(3)\">x</a>';",
    )
    .unwrap();
    drop(db);
    let file = cwd.path().join("tampered.export");
    let run = |args: Vec<String>, storage: &Storage| {
        let out = hearth()
            .args(&args)
            .args(storage_args(storage))
            .current_dir(cwd.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(vec!["export".into(), file.display().to_string()], &source);
    run(vec!["import".into(), file.display().to_string()], &target);
    let store = hearth::storage::open(&target).await.unwrap();
    let topic = store
        .topic(hearth_core::ids::TopicId(1), None)
        .await
        .unwrap()
        .unwrap();
    let html = &topic.topic.body_html;
    assert!(html.contains("<p>hi</p>"), "{html}");
    for bad in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{html}");
    }
    let replies = store
        .replies(hearth_core::ids::TopicId(1), 0, 10, None)
        .await
        .unwrap();
    assert!(!replies.is_empty());
    for r in replies {
        assert!(!r.body_html.contains("javascript:"), "{}", r.body_html);
    }
}
both!(an_imported_file_is_sanitized_again);
