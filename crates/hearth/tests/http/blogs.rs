//! Blogs: a community space's posts in its Blog tab and feed, someone's
//! personal blog read by another member, and comments on a post.

use serde_json::json;

use crate::support::{Backend, both, spawn_app};
use crate::topics::{listed_titles, reply, team, topic};

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
