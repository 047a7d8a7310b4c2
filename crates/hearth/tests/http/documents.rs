//! Documents: shared editing with versions, diffs and restore, in the
//! browser and through the API.

use serde_json::{Value, json};

use crate::support::browser::hidden;
use crate::support::{Backend, both, spawn_app};
use crate::topics::{team, topic};

async fn any_member_edits_a_document_and_a_stale_edit_is_refused_without_loss(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "fay", &["gil", "hal"], "wiki", "public").await;
    let doc = topic(
        &apis[0],
        "wiki",
        json!({"kind": "document", "title": "Handbook", "body": "v1"}),
    )
    .await;
    let path = format!("/api/v1/topics/{}", doc["id"].as_str().unwrap());

    let (status, edited) = apis[1]
        .patch(&path, json!({"body": "v2 by gil", "base_version": 1}))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], 2);
    let (status, body) = apis[2]
        .patch(&path, json!({"body": "v2 by hal", "base_version": 1}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "stale_version");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version is 2")
    );
    assert_eq!(
        body["error"]["current"],
        json!({"version": 2, "title": "Handbook", "body": "v2 by gil"}),
        "the 409 carries the version to merge with"
    );

    let (status, body) = apis[2].patch(&path, json!({"body": "blind"})).await;
    assert_eq!(status, 400, "a document edit names its base: {body}");
    assert_eq!(body["error"]["fields"][0]["field"], "base_version");

    let (_, current) = apis[2].get(&path).await;
    assert_eq!(current["body"], "v2 by gil", "the first edit is kept");
    let (status, _) = apis[2]
        .patch(
            &path,
            json!({"body": "v3 merged by hal", "base_version": 2}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, history) = apis[2].get(&format!("{path}/revisions")).await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["v3 merged by hal", "v2 by gil", "v1"]);

    app.create_user("ivan", false).await;
    let outsider = app.api(&app.token("ivan").await);
    let (status, _) = outsider.patch(&path, json!({"body": "vandal"})).await;
    assert_eq!(status, 403, "non-members do not edit");

    let b = app.signed_in("hal").await;
    let (_, html) = b
        .page(&format!("/t/{}/history", doc["id"].as_str().unwrap()))
        .await;
    assert!(html.contains("Version 3") && html.contains("v2 by gil"));
}
both!(any_member_edits_a_document_and_a_stale_edit_is_refused_without_loss);

/// The text of the `<textarea>` with `id` in a page, unescaped.
fn textarea(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!(" id=\"{id}\""))?;
    let tag = html[..at].rfind('<')?;
    if !html[tag..].starts_with("<textarea") {
        return None;
    }
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find("</textarea>")?;
    Some(unescape(&html[start..end]))
}

/// Text with HTML's character references decoded.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find(';') else {
            break;
        };
        let entity = &rest[at + 1..at + end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..=at + end]),
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

async fn two_members_editing_one_version_in_the_browser_merge_without_losing_either(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ula", &["vic", "wes"], "team", "public").await;
    let doc = topic(
        &apis[0],
        "team",
        json!({"kind": "document", "title": "Rota", "body": "Monday: ?\n"}),
    )
    .await;
    let id = doc["id"].as_str().unwrap();
    let edit = format!("/t/{id}/edit");
    let vic = app.signed_in("vic").await;
    let wes = app.signed_in("wes").await;
    let (_, vic_form) = vic.page(&edit).await;
    let (_, wes_form) = wes.page(&edit).await;
    assert_eq!(hidden(&vic_form, "base_version").as_deref(), Some("1"));
    assert_eq!(hidden(&wes_form, "base_version").as_deref(), Some("1"));

    let save = |form: &str, body: &str| {
        vec![
            ("csrf".to_owned(), hidden(form, "csrf").unwrap()),
            (
                "idempotency_key".to_owned(),
                hidden(form, "idempotency_key").unwrap(),
            ),
            ("kind".to_owned(), "document".to_owned()),
            (
                "base_version".to_owned(),
                hidden(form, "base_version").unwrap(),
            ),
            ("title".to_owned(), "Rota".to_owned()),
            ("body".to_owned(), body.to_owned()),
            ("tags".to_owned(), String::new()),
        ]
    };
    let post = |b: &crate::support::Browser, fields: Vec<(String, String)>| {
        let url = b.url(&edit);
        let client = b.client.clone();
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };

    let resp = post(&vic, save(&vic_form, "Monday: Vic & <Ann>\n")).await;
    assert_eq!(resp.status(), 303, "the first save goes through");

    let resp = post(&wes, save(&wes_form, "Monday: ?\nTuesday: Wes\n")).await;
    assert_eq!(resp.status(), 409);
    let page = resp.text().await.unwrap();
    assert_eq!(
        textarea(&page, "body").as_deref(),
        Some("Monday: ?\nTuesday: Wes\n"),
        "the person's own text is kept"
    );
    assert_eq!(
        textarea(&page, "current-body").as_deref(),
        Some("Monday: Vic & <Ann>\n"),
        "the newer version is shown beside it"
    );
    assert!(page.contains("Version 2, saved while you were editing"));
    assert!(
        !page.contains("name=\"current")
            && page.contains("<textarea id=\"current-body\" rows=\"16\" readonly>"),
        "the newer version is read-only and not sent back"
    );
    assert_eq!(
        hidden(&page, "base_version").as_deref(),
        Some("2"),
        "the next save follows the newer version"
    );

    let merged = "Monday: Vic & <Ann>\nTuesday: Wes\n";
    let resp = post(&wes, save(&page, merged)).await;
    assert_eq!(resp.status(), 303, "saving the merge succeeds");

    let (_, history) = apis[0].get(&format!("/api/v1/topics/{id}/revisions")).await;
    let versions: Vec<(i64, &str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["version"].as_i64().unwrap(),
                r["author"]["username"].as_str().unwrap(),
                r["body"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (3, "wes", merged),
            (2, "vic", "Monday: Vic & <Ann>\n"),
            (1, "ula", "Monday: ?\n"),
        ]
    );

    // A form without the version it started from is sent back, not saved.
    let (_, form) = wes.page(&edit).await;
    let mut fields = save(&form, "blind");
    fields.retain(|(name, _)| name != "base_version");
    let resp = post(&wes, fields).await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("base_version"));
    let (_, now) = apis[0].get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(now["version"], 3);
}
both!(two_members_editing_one_version_in_the_browser_merge_without_losing_either);

async fn a_document_shows_a_diff_and_restores_an_old_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "vera", &["walt"], "docs", "public").await;
    let doc = topic(
        &apis[0],
        "docs",
        json!({"kind": "document", "title": "Plan", "body": "alpha\nbeta\ngamma\n"}),
    )
    .await;
    let id = doc["id"].as_str().unwrap();
    let (status, _) = apis[1]
        .patch(
            &format!("/api/v1/topics/{id}"),
            json!({"body": "alpha\nBETA\ngamma\ndelta\n", "base_version": 1}),
        )
        .await;
    assert_eq!(status, 200);

    let walt = app.signed_in("walt").await;
    let (status, html) = walt.page(&format!("/t/{id}/diff?from=1&to=2")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<del>- beta</del>")
            && html.contains("<ins>+ BETA</ins>")
            && html.contains("<ins>+ delta</ins>"),
        "{html}"
    );
    assert_eq!(walt.page(&format!("/t/{id}/diff?from=1&to=9")).await.0, 400);

    let resp = walt
        .submit(
            &format!("/t/{id}/history"),
            &format!("/t/{id}/restore"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, now) = apis[0].get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(now["version"], 3, "restoring makes a new version");
    assert_eq!(now["body"], "alpha\nbeta\ngamma\n");
    let (_, history) = apis[0].get(&format!("/api/v1/topics/{id}/revisions")).await;
    assert_eq!(
        history.as_array().unwrap().len(),
        3,
        "nothing in between is lost"
    );
}
both!(a_document_shows_a_diff_and_restores_an_old_version);

/// Sends `method path` as `token` with an `Idempotency-Key`: status,
/// whether it was a replay, and the body.
async fn keyed(
    app: &crate::support::TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    key: &str,
) -> (u16, bool, Value) {
    let r = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let replayed = r.headers().contains_key("idempotent-replayed");
    (status, replayed, r.json().await.unwrap_or(Value::Null))
}

async fn versions_are_compared_and_restored_through_the_api_as_on_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "vera", &["walt"], "docs", "public").await;
    app.create_user("xena", false).await;
    let xena = app.api(&app.token("xena").await);
    let doc = topic(
        &apis[0],
        "docs",
        json!({"kind": "document", "title": "Plan", "body": "alpha\nbeta\n"}),
    )
    .await;
    let id = doc["id"].as_str().unwrap();
    let (status, _) = apis[1]
        .patch(
            &format!("/api/v1/topics/{id}"),
            json!({"title": "Plan B", "body": "alpha\nBETA\n", "base_version": 1}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, diff) = xena
        .get(&format!("/api/v1/topics/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(
        status, 200,
        "a document's history is for its readers: {diff}"
    );
    assert_eq!(
        (&diff["from"]["version"], &diff["to"]["title"]),
        (&json!(1), &json!("Plan B"))
    );
    assert_eq!(
        diff["lines"],
        json!([
            {"change": "same", "text": "alpha"},
            {"change": "removed", "text": "beta"},
            {"change": "added", "text": "BETA"},
        ])
    );
    for (query, field) in [("from=1&to=9", "to"), ("from=1", "to"), ("to=2", "from")] {
        let (status, body) = xena.get(&format!("/api/v1/topics/{id}/diff?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{query}");
    }

    // A post's history is its author's and the moderators': the API refuses
    // whom the page refuses.
    let post = topic(
        &apis[0],
        "docs",
        json!({"kind": "post", "title": "News", "body": "one"}),
    )
    .await;
    let pid = post["id"].as_str().unwrap();
    apis[0]
        .patch(&format!("/api/v1/topics/{pid}"), json!({"body": "two"}))
        .await;
    let walt = app.signed_in("walt").await;
    let page = walt.page(&format!("/t/{pid}/diff?from=1&to=2")).await.0;
    let (status, _) = apis[1]
        .get(&format!("/api/v1/topics/{pid}/diff?from=1&to=2"))
        .await;
    assert_eq!((status, page), (403, 403));
    let (status, _) = apis[1]
        .post(
            &format!("/api/v1/topics/{pid}/revisions/1/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, 403);

    // Restoring needs the right to edit: a reader from outside the space may not.
    let (status, _) = xena
        .post(
            &format!("/api/v1/topics/{id}/revisions/1/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = apis[1]
        .post(
            &format!("/api/v1/topics/{id}/revisions/7/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    // Restored once, however often the same request is retried.
    let walt_token = app.token("walt").await;
    let restore = format!("/api/v1/topics/{id}/revisions/1/restore");
    let post_method = reqwest::Method::POST;
    let first = keyed(&app, &walt_token, post_method.clone(), &restore, "r-1").await;
    assert_eq!((first.0, first.1), (200, false), "{}", first.2);
    assert_eq!(first.2["version"], 3);
    assert_eq!(
        (&first.2["title"], &first.2["body"]),
        (&json!("Plan"), &json!("alpha\nbeta\n"))
    );
    let again = keyed(&app, &walt_token, post_method, &restore, "r-1").await;
    assert_eq!((again.0, again.1, &again.2), (200, true, &first.2));
    let (_, history) = apis[0].get(&format!("/api/v1/topics/{id}/revisions")).await;
    let versions: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1], "one restore, nothing in between lost");
}
both!(versions_are_compared_and_restored_through_the_api_as_on_the_pages);
