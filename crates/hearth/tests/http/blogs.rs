//! Blogs: a community space's posts in its Blog tab and feed, someone's
//! personal blog read by another member, comments on a post, drafts and
//! scheduled publishing.

use serde_json::{Value, json};

use crate::lists::listed_titles;
use crate::support::browser::hidden;
use crate::support::{Backend, both, spawn_app};
use crate::topics::{reply, team, topic};

/// The titles of a feed's entries, in order.
fn entry_titles(xml: &str) -> Vec<String> {
    xml.split("<entry>")
        .skip(1)
        .map(|e| {
            let at = e.find("<title>").unwrap() + "<title>".len();
            e[at..].split("</title>").next().unwrap().to_owned()
        })
        .collect()
}

async fn a_community_space_keeps_its_posts_in_its_blog_tab_and_feed(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "kai", &["lin"], "eng", "public").await;
    let lin = app.signed_in("lin").await;
    let (status, form) = lin.page("/s/eng/new?kind=post").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("value=\"post\" checked"),
        "the form starts as a post"
    );
    app.clock.advance(1000);
    let resp = lin
        .submit(
            "/s/eng/new?kind=post",
            "/s/eng/topics",
            &[
                ("kind", "post"),
                ("title", "Release notes"),
                ("body", "We shipped **it**"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    app.clock.advance(1000);
    topic(
        &apis[0],
        "eng",
        json!({"kind": "post", "title": "Roadmap", "body": "Next"}),
    )
    .await;
    topic(&apis[0], "eng", json!({"title": "Standup", "body": "x"})).await;
    topic(
        &apis[1],
        "eng",
        json!({"kind": "post", "title": "Half written", "body": "wip", "draft": true}),
    )
    .await;

    let kai = app.signed_in("kai").await;
    let (status, blog) = kai.page("/s/eng?kind=post").await;
    assert_eq!(status, 200);
    assert_eq!(listed_titles(&blog), ["Roadmap", "Release notes"]);
    assert!(blog.contains("href=\"/s/eng?kind=post\" aria-current=\"page\">Blog"));
    assert!(blog.contains("href=\"/feeds/s/eng?kind=post\""));
    let (_, all) = kai.page("/s/eng").await;
    assert_eq!(
        listed_titles(&all),
        ["Standup", "Roadmap", "Release notes"],
        "the All tab holds the posts beside the rest"
    );
    let (_, own) = lin.page("/s/eng?kind=post").await;
    assert_eq!(
        listed_titles(&own),
        ["Half written", "Roadmap", "Release notes"],
        "a draft is listed for its author"
    );

    let resp = kai.get("/feeds/s/eng?kind=post").await;
    assert_eq!(resp.status(), 200);
    let xml = resp.text().await.unwrap();
    assert_eq!(entry_titles(&xml), ["Roadmap", "Release notes"]);
    assert!(xml.contains("&lt;strong&gt;it&lt;/strong&gt;"), "{xml}");
    let (_, posts) = apis[1].get("/api/v1/spaces/eng/topics?kind=post").await;
    let kinds: Vec<&str> = posts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["post", "post", "post"]);
}
both!(a_community_space_keeps_its_posts_in_its_blog_tab_and_feed);

async fn another_member_reads_someones_personal_blog(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ana", false).await;
    app.create_user("bo", false).await;
    let ana = app.api(&app.token("ana").await);
    let bo = app.api(&app.token("bo").await);
    let post = topic(
        &ana,
        "~ana",
        json!({"kind": "post", "title": "Why I garden", "body": "Soil *matters*"}),
    )
    .await;
    topic(
        &ana,
        "~ana",
        json!({"kind": "post", "title": "Not yet", "body": "wip", "draft": true}),
    )
    .await;

    let b = app.signed_in("bo").await;
    let (status, blog) = b.page("/s/~ana?kind=post").await;
    assert_eq!(status, 200);
    assert_eq!(
        listed_titles(&blog),
        ["Why I garden"],
        "drafts stay with ana"
    );
    let (status, page) = b.page(post["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(page.contains("Soil <em>matters</em>") && page.contains("href=\"/u/ana\""));
    let (status, listed) = bo.get("/api/v1/spaces/~ana/topics?kind=post").await;
    assert_eq!(status, 200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    let resp = b.get("/feeds/u/ana").await;
    assert_eq!(resp.status(), 200);
    let xml = resp.text().await.unwrap();
    assert_eq!(entry_titles(&xml), ["Why I garden"]);
    assert!(xml.contains("<title>ana Tester: blog</title>"), "{xml}");

    let (status, _) = bo
        .post(
            "/api/v1/spaces/~ana/topics",
            json!({"kind": "post", "title": "Hijack", "body": "x"}),
        )
        .await;
    assert_eq!(status, 403, "a blog is written by its owner");

    // Its readers comment on it, by API and by form.
    let pid = post["id"].as_str().unwrap();
    let (status, comment) = bo
        .post(
            &format!("/api/v1/topics/{pid}/replies"),
            json!({"body": "Mulch, too"}),
        )
        .await;
    assert_eq!(status, 201, "{comment}");
    let (_, page) = b.page(post["url"].as_str().unwrap()).await;
    assert!(
        page.contains(">1 comment<"),
        "one comment, not one comments"
    );
    let (_, blog) = b.page("/s/~ana?kind=post").await;
    assert!(
        blog.contains("· 1 reply ·") && blog.contains("· 0 likes ·"),
        "{blog}"
    );
    let resp = b
        .submit(
            post["url"].as_str().unwrap(),
            &format!("/t/{pid}/replies"),
            &[("body", "And compost")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, page) = b.page(post["url"].as_str().unwrap()).await;
    assert!(page.contains("Mulch, too") && page.contains("And compost"));
    assert!(page.contains("2 comments"), "{page}");
}
both!(another_member_reads_someones_personal_blog);

async fn members_comment_on_a_post_and_answer_each_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "mia", &["ned"], "news", "public").await;
    let post = topic(
        &apis[0],
        "news",
        json!({"kind": "post", "title": "We moved", "body": "New office"}),
    )
    .await;
    let (tid, url) = (post["id"].as_str().unwrap(), post["url"].as_str().unwrap());
    let ned = app.signed_in("ned").await;
    let (_, page) = ned.page(url).await;
    assert!(page.contains("0 comments"), "a post has comments");
    let resp = ned
        .submit(url, &format!("/t/{tid}/replies"), &[("body", "Congrats!")])
        .await;
    assert_eq!(resp.status(), 303);
    let comment = resp.headers()["location"].to_str().unwrap()["/r/".len()..].to_owned();
    app.clock.advance(1000);
    let answer = reply(
        &apis[0],
        &post,
        "Thanks, come visit",
        Some(&json!({"id": comment})),
    )
    .await;
    assert_eq!(answer["depth"], 1);

    let (_, page) = ned.page(url).await;
    assert!(page.contains("2 comments"), "counted as comments");
    let congrats = page.find(&format!("id=\"r-{comment}\"")).unwrap();
    let thanks = page
        .find(&format!(
            "id=\"r-{}\" class=\"reply indent-1",
            answer["id"].as_str().unwrap()
        ))
        .expect("the answer nests under the comment");
    assert!(congrats < thanks);
    let (_, t) = apis[1].get(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(t["reply_count"], 2);
    let (_, list) = ned.page("/s/news?kind=post").await;
    assert!(list.contains("2 replies"), "the blog tab counts them");
    let resp = ned.get(&format!("/feeds/t/{tid}")).await;
    let xml = resp.text().await.unwrap();
    assert!(xml.contains("Thanks, come visit") && xml.contains("Congrats!"));
}
both!(members_comment_on_a_post_and_answer_each_other);

async fn drafts_and_scheduled_posts_are_seen_by_their_author_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "jo", &["kim"], "news", "public").await;
    let draft = topic(
        &apis[0],
        "news",
        json!({"kind": "post", "title": "Draft", "body": "soon", "draft": true}),
    )
    .await;
    let later = topic(
        &apis[0],
        "news",
        json!({"kind": "post", "title": "Scheduled", "body": "later", "publish_at": "2026-01-02T00:00:00Z"}),
    )
    .await;
    let (status, body) = apis[1]
        .post(
            "/api/v1/spaces/news/topics",
            json!({"kind": "discussion", "title": "x", "body": "y", "draft": true}),
        )
        .await;
    assert_eq!(status, 400, "only posts are drafts: {body}");

    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, mine) = apis[0].get("/api/v1/spaces/news/topics").await;
    assert_eq!(titles(&mine).len(), 2);
    let (_, theirs) = apis[1].get("/api/v1/spaces/news/topics").await;
    assert!(titles(&theirs).is_empty(), "{theirs}");
    for t in [&draft, &later] {
        let (status, _) = apis[1]
            .get(&format!("/api/v1/topics/{}", t["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, 404);
    }

    app.clock.advance(2 * 24 * 3600 * 1000);
    let (_, theirs) = apis[1].get("/api/v1/spaces/news/topics").await;
    assert_eq!(
        titles(&theirs),
        ["Scheduled"],
        "the scheduled post appeared"
    );
    let (status, _) = apis[0]
        .patch(
            &format!("/api/v1/topics/{}", draft["id"].as_str().unwrap()),
            json!({"draft": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, theirs) = apis[1].get("/api/v1/spaces/news/topics").await;
    assert_eq!(titles(&theirs).len(), 2, "the draft was published");
}
both!(drafts_and_scheduled_posts_are_seen_by_their_author_only);

/// Writes a topic in the space "news" through its form.
async fn write_post(
    b: &crate::support::Browser,
    kind: &str,
    title: &str,
    publish_at: &str,
) -> reqwest::Response {
    b.submit(
        "/s/news/new",
        "/s/news/topics",
        &[
            ("kind", kind),
            ("title", title),
            ("body", "We launch."),
            ("tags", "launch"),
            ("publish_at", publish_at),
        ],
    )
    .await
}

async fn a_post_scheduled_in_the_browser_appears_only_when_its_time_comes(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "jo", &["kim"], "news", "public").await;
    let jo = app.signed_in("jo").await;
    let kim = app.signed_in("kim").await;
    for (kind, at) in [("post", "next tuesday"), ("discussion", "2026-01-03T09:00")] {
        let resp = write_post(&jo, kind, "Refused", at).await;
        assert_eq!(resp.status(), 400, "{kind} at {at}");
        let page = resp.text().await.unwrap();
        assert!(page.contains("publish_at: "), "the field is named: {page}");
        assert!(page.contains("value=\"We launch.\"") || page.contains(">We launch.</textarea>"));
    }

    // 2026-01-01T00:00Z now; the post is due on the 3rd at 09:00 UTC.
    let resp = write_post(&jo, "post", "Launch day", "2026-01-03T09:00").await;
    assert_eq!(resp.status(), 303);
    let url = resp.headers()["location"].to_str().unwrap().to_owned();
    let id = url.split('/').nth(2).unwrap().to_owned();
    let (_, post) = apis[0].get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(post["publish_at"], "2026-01-03T09:00:00Z", "read as UTC");

    let hidden_from_kim = || async {
        let mut shown = Vec::new();
        for page in ["/s/news", "/tags/launch", "/feeds/s/news", "/u/jo"] {
            let (status, html) = kim.page(page).await;
            assert_eq!(status, 200, "{page}");
            if html.contains("Launch day") {
                shown.push(page);
            }
        }
        let topic = kim.page(&url).await.0;
        (shown, topic)
    };
    assert_eq!(hidden_from_kim().await, (vec![], 404), "not yet");

    let (status, html) = jo.page(&url).await;
    assert_eq!(status, 200, "its author sees it");
    assert!(
        html.contains(
            r#"scheduled for <time datetime="2026-01-03T09:00:00Z" title="2026-01-03 09:00 UTC">"#
        ),
        "{html}"
    );
    let badge = |kind: &str| format!(r#"<span class="badge warn">{kind}</span>"#);
    assert!(html.contains(&badge("scheduled")) && !html.contains(&badge("draft")));
    let (_, list) = jo.page("/s/news").await;
    assert!(list.contains("Launch day"));
    assert!(list.contains(&badge("scheduled")) && !list.contains(&badge("draft")));

    // Moved a day earlier through the edit form, which shows the date it has.
    let edit = format!("/t/{id}/edit");
    let (_, form) = jo.page(&edit).await;
    assert!(form.contains("value=\"2026-01-03T09:00\""), "{form}");
    let csrf = hidden(&form, "csrf").unwrap();
    let key = hidden(&form, "idempotency_key").unwrap();
    let resp = jo
        .post_form(
            &edit,
            &[
                ("csrf", &csrf),
                ("idempotency_key", &key),
                ("kind", "post"),
                ("base_version", "1"),
                ("title", "Launch day"),
                ("body", "We launch."),
                ("tags", "launch"),
                ("publish_at", "2026-01-02T12:00"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, post) = apis[0].get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(post["publish_at"], "2026-01-02T12:00:00Z");
    assert_eq!(hidden_from_kim().await, (vec![], 404), "still not yet");

    app.clock.advance(36 * 3600 * 1000 + 1);
    assert_eq!(
        hidden_from_kim().await,
        (
            vec!["/s/news", "/tags/launch", "/feeds/s/news", "/u/jo"],
            200
        ),
        "published everywhere once its time has come"
    );
    assert!(!jo.page(&url).await.1.contains("scheduled for"));
}
both!(a_post_scheduled_in_the_browser_appears_only_when_its_time_comes);

async fn a_post_is_rescheduled_or_published_at_once_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "lu", &["max"], "blog", "public").await;
    let post = topic(
        &apis[0],
        "blog",
        json!({"kind": "post", "title": "Later", "body": "b", "publish_at": "2026-02-01T00:00:00Z"}),
    )
    .await;
    let path = format!("/api/v1/topics/{}", post["id"].as_str().unwrap());
    let (status, edited) = apis[0]
        .patch(&path, json!({"publish_at": "2026-03-01T00:00:00Z"}))
        .await;
    assert_eq!(
        (status, &edited["publish_at"]),
        (200, &json!("2026-03-01T00:00:00Z"))
    );
    let (status, body) = apis[0].patch(&path, json!({"publish_at": "soon"})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"][0]["field"], "publish_at");
    assert_eq!(apis[1].get(&path).await.0, 404, "scheduled");
    let (status, edited) = apis[0].patch(&path, json!({"publish_at": null})).await;
    assert_eq!((status, &edited["publish_at"]), (200, &Value::Null));
    assert_eq!(apis[1].get(&path).await.0, 200, "published at once");
}
both!(a_post_is_rescheduled_or_published_at_once_through_the_api);
