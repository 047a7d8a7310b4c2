//! Files are as private as what they belong to, have addresses nobody
//! guesses, and their uploaders and moderators delete them with their bytes.

use serde_json::{Value, json};

use crate::support::app::Api;
use crate::support::{Backend, TestApp, both, spawn_app};

/// Uploads `data` into `space` as `name`; the file's JSON.
async fn upload(api: &Api, space: &str, name: &str, data: &[u8]) -> Value {
    let (status, file) = api
        .post_raw(
            &format!("/api/v1/spaces/{space}/attachments?filename={name}"),
            "application/octet-stream",
            data.to_vec(),
        )
        .await;
    assert_eq!(status, 201, "{file}");
    file
}

/// Writes a topic into `space` whose text links `file`; its id.
async fn topic_with(api: &Api, space: &str, file: &Value, extra: Value) -> String {
    let mut body = json!({"title": "With a file", "body": file["markdown"]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (status, t) = api
        .post(&format!("/api/v1/spaces/{space}/topics"), body)
        .await;
    assert_eq!(status, 201, "{t}");
    t["id"].as_str().unwrap().to_owned()
}

async fn status_of(app: &TestApp, who: &str, file: &Value) -> u16 {
    let b = app.signed_in(who).await;
    b.get(file["url"].as_str().unwrap()).await.status().as_u16()
}

async fn moderate(api: &Api, topic: &str, action: Value) {
    let (status, body) = api
        .post(&format!("/api/v1/topics/{topic}/moderation"), action)
        .await;
    assert_eq!(status, 204, "{body}");
}

async fn files_are_as_private_as_what_they_belong_to(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("bob", false).await;
    let ann = app.api(&app.token("ann").await);
    let bob = app.api(&app.token("bob").await);
    ann.post("/api/v1/spaces", json!({"slug": "open", "name": "Open"}))
        .await;
    ann.post(
        "/api/v1/spaces",
        json!({"slug": "inner", "name": "Inner", "visibility": "private"}),
    )
    .await;
    let (status, _) = bob
        .post("/api/v1/spaces/open/members", json!({"username": "bob"}))
        .await;
    assert_eq!(status, 201);

    // Not linked anywhere yet: the uploader's alone.
    let loose = upload(&ann, "open", "loose.txt", b"loose").await;
    assert_eq!(status_of(&app, "ann", &loose).await, 200);
    assert_eq!(status_of(&app, "bob", &loose).await, 404);
    // Nobody else claims it by linking it.
    topic_with(&bob, "open", &loose, json!({})).await;
    assert_eq!(status_of(&app, "bob", &loose).await, 404);

    let draft = upload(&ann, "open", "draft.txt", b"draft").await;
    topic_with(&ann, "open", &draft, json!({"kind": "post", "draft": true})).await;
    assert_eq!(status_of(&app, "ann", &draft).await, 200);
    assert_eq!(status_of(&app, "bob", &draft).await, 404, "a draft's file");

    for (action, name) in [("hide", "hidden.txt"), ("move", "moved.txt")] {
        let file = upload(&ann, "open", name, name.as_bytes()).await;
        let tid = topic_with(&ann, "open", &file, json!({})).await;
        assert_eq!(
            status_of(&app, "bob", &file).await,
            200,
            "{name} while public"
        );
        moderate(&ann, &tid, json!({"action": action, "to": "inner"})).await;
        assert_eq!(status_of(&app, "bob", &file).await, 404, "{name}");
        assert_eq!(
            status_of(&app, "ann", &file).await,
            200,
            "{name} to its moderator"
        );
    }

    let gone = upload(&ann, "open", "gone.txt", b"gone").await;
    let tid = topic_with(&ann, "open", &gone, json!({})).await;
    let (status, _) = ann.delete(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(status, 204);
    assert_eq!(
        status_of(&app, "bob", &gone).await,
        404,
        "a deleted topic's file"
    );

    // A reply's file follows its reply.
    let tid = topic_with(&ann, "open", &json!({"markdown": "talk"}), json!({})).await;
    let mine = upload(&bob, "open", "mine.txt", b"mine").await;
    let (_, reply) = bob
        .post(
            &format!("/api/v1/topics/{tid}/replies"),
            json!({"body": mine["markdown"]}),
        )
        .await;
    assert_eq!(status_of(&app, "ann", &mine).await, 200);
    let rid = reply["id"].as_str().unwrap();
    let (status, _) = bob.delete(&format!("/api/v1/replies/{rid}")).await;
    assert_eq!(status, 204);
    app.create_user("cy", false).await;
    assert_eq!(
        status_of(&app, "cy", &mine).await,
        404,
        "a deleted reply's file"
    );
    assert_eq!(status_of(&app, "ann", &mine).await, 200, "to its moderator");
}
both!(files_are_as_private_as_what_they_belong_to);

async fn files_cannot_be_found_by_counting(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("dee", false).await;
    let dee = app.api(&app.token("dee").await);
    dee.post("/api/v1/spaces", json!({"slug": "shelf", "name": "S"}))
        .await;
    let file = upload(&dee, "shelf", "a.txt", b"a").await;
    topic_with(&dee, "shelf", &file, json!({})).await;
    let b = app.signed_in("dee").await;
    for n in 1..=3 {
        assert_eq!(b.get(&format!("/a/{n}/a.txt")).await.status(), 404);
    }
    assert_eq!(b.get(file["url"].as_str().unwrap()).await.status(), 200);
    // A file uploaded before public names keeps its numbered address, for
    // those who may read the topic that links it.
    app.tamper("UPDATE attachments SET public_id = NULL").await;
    assert_eq!(b.get("/a/1/a.txt").await.status(), 200);
    app.create_user("eve", false).await;
    dee.post(
        "/api/v1/spaces",
        json!({"slug": "closet", "name": "P", "visibility": "private"}),
    )
    .await;
    let (_, topics) = dee.get("/api/v1/spaces/shelf/topics").await;
    let tid = topics["items"][0]["id"].as_str().unwrap().to_owned();
    moderate(&dee, &tid, json!({"action": "move", "to": "closet"})).await;
    let eve = app.signed_in("eve").await;
    assert_eq!(eve.get("/a/1/a.txt").await.status(), 404);
}
both!(files_cannot_be_found_by_counting);

async fn uploaders_and_moderators_delete_files_with_their_bytes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("own", false).await;
    app.create_user("upl", false).await;
    app.create_user("oth", false).await;
    let owner = app.api(&app.token("own").await);
    let uploader = app.api(&app.token("upl").await);
    let other = app.api(&app.token("oth").await);
    owner
        .post("/api/v1/spaces", json!({"slug": "work", "name": "W"}))
        .await;
    for who in ["upl", "oth"] {
        owner
            .post("/api/v1/spaces/work/members", json!({"username": who}))
            .await;
    }
    let tid = topic_with(
        &owner,
        "work",
        &json!({"markdown": "files below"}),
        json!({}),
    )
    .await;
    // Two files with the same bytes share one blob.
    let one = upload(&uploader, "work", "one.txt", b"same bytes").await;
    let two = upload(&uploader, "work", "two.txt", b"same bytes").await;
    for f in [&one, &two] {
        uploader
            .post(
                &format!("/api/v1/topics/{tid}/replies"),
                json!({"body": f["markdown"]}),
            )
            .await;
    }
    assert_eq!(app.count("SELECT count(*) FROM blobs").await, 1);
    let path = |f: &Value| format!("/api/v1/attachments/{}", f["id"].as_str().unwrap());

    let (status, _) = other.delete(&path(&one)).await;
    assert_eq!(status, 403, "another member may not");
    let (status, _) = uploader.delete(&path(&one)).await;
    assert_eq!(status, 204, "its uploader may");
    assert_eq!(status_of(&app, "oth", &one).await, 404);
    assert_eq!(
        app.count("SELECT count(*) FROM blobs").await,
        1,
        "the other file still names it"
    );

    // The owner deletes the other from the topic's files page.
    let b = app.signed_in("own").await;
    let (status, page) = b.page(&format!("/t/{tid}/files")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("two.txt") && !page.contains("one.txt"),
        "{page}"
    );
    let name = two["id"].as_str().unwrap();
    let resp = b
        .submit(
            &format!("/t/{tid}/files"),
            &format!("/a/{name}/delete"),
            &[("next", &format!("/t/{tid}/files"))],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(status_of(&app, "upl", &two).await, 404);
    assert_eq!(
        app.count("SELECT count(*) FROM blobs").await,
        0,
        "nothing names the bytes"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE action = 'attachment.delete'")
            .await,
        2
    );
}
both!(uploaders_and_moderators_delete_files_with_their_bytes);
