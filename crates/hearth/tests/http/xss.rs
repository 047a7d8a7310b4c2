//! Hostile input everywhere it can go: the Big List of Naughty Strings and a
//! payload for each sanitizer rule, through titles, bodies, replies, blog
//! posts, tags, the display names of people who write them, space names and
//! attachment names; no page, feed or API response may carry executable
//! markup, and sanitized HTML is stable under sanitizing again.

use hearth_app::users::UserInput;
use hearth_core::content::{Tag, Title, check_body};
use hearth_core::markdown::sanitize;
use hearth_core::names::{DisplayName, SpaceName};
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::support::app::{Api, PASSWORD};
use crate::support::markup::{assert_inert, assert_inert_content};
use crate::support::{Backend, Browser, TestApp, both, spawn_app};

/// One payload per sanitizer rule, beyond the big list.
const OWN: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\" &#14; javascript:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "[md](javascript:alert(1))",
    "[md](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<svg onload=alert(1)><circle r=10></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<p style=\"background:url(javascript:alert(1))\">css</p>",
    "<div style=\"width: expression(alert(1))\">ie</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<input type=\"image\" src=x onerror=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<div><div><b>unclosed <i>tags <a href='x",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<a href=\"#\" onclick=\"alert(1)\">click</a>",
    "<x onmouseover=alert(1)>hover</x>",
    "<img srcset=\"javascript:alert(1) 1x\">",
    "<code class=\"language-x\" onclick=\"alert(1)\">x</code>",
    "@<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
];

fn payloads() -> Vec<&'static str> {
    let mut all: Vec<&str> = naughty_strings::BLNS
        .iter()
        .copied()
        .filter(|s| {
            ["<", "javascript", "script", "&#", "on", "\"", "'"]
                .iter()
                .any(|m| s.contains(m))
        })
        .collect();
    all.extend_from_slice(OWN);
    all
}

async fn hostile_input_never_becomes_executable_markup(backend: Backend) {
    let app = spawn_app(backend).await;
    let payloads = payloads();
    assert!(payloads.len() >= 100, "only {} payloads", payloads.len());

    app.create_user("host", false).await;
    let host = app.api(&app.token("host").await);
    let (status, _) = host
        .post("/api/v1/spaces", json!({"slug": "arena", "name": "Arena"}))
        .await;
    assert_eq!(status, 201);
    let (_, board) = host
        .post(
            "/api/v1/spaces/arena/topics",
            json!({"title": "Board", "body": "replies go here"}),
        )
        .await;
    let board_id = board["id"].as_str().unwrap().to_owned();
    let board_url = board["url"].as_str().unwrap().to_owned();
    let browser = app.signed_in("host").await;

    let mut topics = Vec::new();
    let mut tags = Vec::new();
    let mut hostile = Vec::new();
    // Authors whose names a feed must carry the next time it is read.
    let mut unseen_in_feeds = Vec::new();
    let mut replies: usize = 0;
    for (i, p) in payloads.iter().enumerate() {
        // Each payload a moment later, so feeds hold the newest in order.
        app.clock.advance(1_000);
        let author = match DisplayName::parse(p) {
            Ok(name) => {
                let username = format!("user{i}");
                let api = hostile_author(&app, &host, &username, p).await;
                hostile.push(username.clone());
                unseen_in_feeds.push(feed_text(name.as_str()));
                Some((username, api))
            }
            Err(_) => None,
        };
        let api = author.as_ref().map_or(&host, |(_, api)| api);
        let title = if Title::parse(p).is_ok() {
            p.to_string()
        } else {
            format!("t{i}")
        };
        let body_ok = check_body("body", p, false).is_ok();
        let body = if body_ok {
            p.to_string()
        } else {
            format!("b{i}")
        };
        let mut req = json!({"title": title, "body": body});
        if let Ok(tag) = Tag::parse(p) {
            req["tags"] = json!([p]);
            tags.push(tag.to_string());
        }
        let (status, t) = api.post("/api/v1/spaces/arena/topics", req.clone()).await;
        assert_eq!(status, 201, "payload {i} {p:?}: {t}");
        let html = t["body_html"].as_str().unwrap();
        assert_inert_content(html, &format!("topic body {i}"));
        assert_eq!(sanitize(html), html, "sanitizing again changed topic {i}");
        topics.push((
            t["url"].as_str().unwrap().to_owned(),
            author.as_ref().map(|(u, _)| u.clone()),
        ));

        // Hostile authors reply even when the payload is no body, so their
        // names sit on reply rows.
        if body_ok || author.is_some() {
            let (status, r) = api
                .post(
                    &format!("/api/v1/topics/{board_id}/replies"),
                    json!({"body": body}),
                )
                .await;
            assert_eq!(status, 201, "reply {i}: {r}");
            let html = r["body_html"].as_str().unwrap();
            assert_inert_content(html, &format!("reply {i}"));
            assert_eq!(sanitize(html), html, "sanitizing again changed reply {i}");
            replies += 1;
        }
        if let Some((username, api)) = &author {
            let (status, _) = api
                .post(&format!("/api/v1/topics/{board_id}/reactions"), json!({}))
                .await;
            assert_eq!(status, 200, "like {i}");
            req["kind"] = json!("post");
            let (status, post) = api
                .post(&format!("/api/v1/spaces/~{username}/topics"), req)
                .await;
            assert_eq!(status, 201, "blog post {i}: {post}");
            let feed = scan_feed(&browser, &format!("/feeds/u/{username}")).await;
            assert!(
                feed.contains(&format!(
                    "<name>{}</name>",
                    feed_text(DisplayName::parse(p).unwrap().as_str())
                )),
                "blog feed {i} names its author: {feed}"
            );
            let (_, blog) = browser.page(&format!("/s/~{username}?kind=post")).await;
            assert_inert(&blog, &format!("blog named by payload {i}"));
            let (_, profile) = browser.page(&format!("/u/{username}")).await;
            assert_inert(&profile, &format!("profile named by payload {i}"));
        }
        if SpaceName::parse(p).is_ok() {
            let (status, _) = host.patch("/api/v1/spaces/arena", json!({"name": p})).await;
            assert_eq!(status, 200, "space name {i}");
            let (_, page) = browser.page("/s/arena").await;
            assert_inert(&page, &format!("space page named by payload {i}"));
            let (_, dir) = browser.page("/spaces").await;
            assert_inert(&dir, &format!("directory with payload {i}"));
        }
        // Feeds hold the newest 30 entries: read them before any falls off.
        if (i + 1) % 25 == 0 || i + 1 == payloads.len() {
            let space_feed = scan_feed(&browser, "/feeds/s/arena").await;
            let reply_feed = scan_feed(&browser, &format!("/feeds/t/{board_id}")).await;
            for name in unseen_in_feeds.drain(..) {
                let author = format!("<author><name>{name}</name></author>");
                assert!(space_feed.contains(&author), "{name} in the space feed");
                assert!(reply_feed.contains(&author), "{name} in the reply feed");
            }
        }
    }
    assert!(hostile.len() >= 50, "only {} hostile names", hostile.len());

    // Every page of the space's list, each topic's page and every page of
    // replies carry the hostile names.
    let mut listed = String::new();
    let mut list_page = "/s/arena".to_owned();
    loop {
        let (status, page) = browser.page(&list_page).await;
        assert_eq!(status, 200);
        assert_inert(&page, &format!("topic list {list_page}"));
        listed.push_str(&page);
        match more_topics(&page) {
            Some(more) => list_page = more,
            None => break,
        }
    }
    for (i, (url, author)) in topics.iter().enumerate() {
        let (status, page) = browser.page(url).await;
        assert_eq!(status, 200);
        assert_inert(&page, &format!("topic page {i}"));
        if let Some(username) = author {
            let link = format!("href=\"/u/{username}\"");
            assert!(page.contains(&link), "topic page {i} names its author");
            assert!(listed.contains(&link), "the list names the author of {i}");
        }
    }
    let mut on_board = String::new();
    for page in 1..=replies.div_ceil(50) {
        let (status, html) = browser.page(&format!("{board_url}?page={page}")).await;
        assert_eq!(status, 200);
        assert_inert(&html, &format!("page {page} of hostile replies"));
        on_board.push_str(&html);
    }
    for username in &hostile {
        assert!(
            on_board.contains(&format!("<a href=\"/u/{username}\">")),
            "a reply row names {username}"
        );
    }
    let (_, board_json) = host.get(&format!("/api/v1/topics/{board_id}")).await;
    for r in board_json["replies"]["items"].as_array().unwrap() {
        assert_inert_content(r["body_html"].as_str().unwrap(), "reply in the API");
    }

    // Attachment names carry payloads too: cleaned, escaped on the upload
    // page, and never turned into markup in a download's headers or in the
    // text that shows them.
    let csrf = browser.csrf_from("/s/arena/attachments/new").await;
    let mut shown = String::new();
    for (i, p) in payloads.iter().enumerate().take(60) {
        let (status, a) = host
            .post_raw(
                &format!(
                    "/api/v1/spaces/arena/attachments?filename={}",
                    crate::support::browser::encode(p)
                ),
                "text/plain",
                format!("file {i}").into_bytes(),
            )
            .await;
        assert_eq!(status, 201, "attachment {i}: {a}");
        let markdown = a["markdown"].as_str().unwrap();
        assert_inert_content(
            &hearth_core::markdown::render(markdown),
            &format!("attachment markdown {i}"),
        );
        shown.push_str(markdown);
        shown.push_str("\n\n");
        let resp = browser.get(a["url"].as_str().unwrap()).await;
        assert_eq!(resp.status(), 200, "attachment {i}");
        assert!(resp.headers()["content-disposition"].to_str().is_ok());

        let form = Form::new().text("csrf", csrf.clone()).part(
            "file",
            Part::bytes(format!("page file {i}").into_bytes()).file_name(p.to_string()),
        );
        let resp = browser
            .client
            .post(browser.url("/s/arena/attachments"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "upload page {i}");
        let page = resp.text().await.unwrap();
        assert!(page.contains("Uploaded <a href=\"/a/"), "upload page {i}");
        assert_inert(&page, &format!("upload page for attachment {i}"));
    }
    let (_, t) = host
        .post(
            "/api/v1/spaces/arena/topics",
            json!({"title": "Files", "body": shown}),
        )
        .await;
    let (status, page) = browser.page(t["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_inert(&page, "a topic showing every attachment");

    for tag in tags {
        let encoded = crate::support::browser::encode(&tag);
        let (status, page) = browser.page(&format!("/tags/{encoded}")).await;
        assert!(status == 200 || status == 404, "tag {tag:?}: {status}");
        assert_inert(&page, &format!("tag page {tag:?}"));
        if status == 200 {
            scan_feed(&browser, &format!("/feeds/tags/{encoded}")).await;
        }
    }
}
both!(hostile_input_never_becomes_executable_markup);

/// A member of the arena named `display_name`, with an API client.
async fn hostile_author(app: &TestApp, host: &Api, username: &str, display_name: &str) -> Api {
    let input = UserInput {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        email: format!("{username}@example.org"),
        password: PASSWORD.into(),
    };
    hearth_app::users::create_by_operator(&app.ctx, &input, false)
        .await
        .unwrap();
    let (status, _) = host
        .post(
            "/api/v1/spaces/arena/members",
            json!({"username": username}),
        )
        .await;
    assert_eq!(status, 201, "{username} joins the arena");
    app.api(&app.token(username).await)
}

/// Text as an Atom document carries it.
fn feed_text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The Atom elements a feed may hold; anything else is markup that escaped.
const ATOM: &[&str] = &[
    "feed", "id", "title", "updated", "link", "entry", "author", "name", "content",
];

/// Reads a feed, fails on any element Atom does not define or any entry
/// content that could execute, and returns the XML.
async fn scan_feed(browser: &Browser, path: &str) -> String {
    let (status, xml) = browser.page(path).await;
    assert_eq!(status, 200, "{path}");
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
        .unwrap_or_else(|| panic!("{path} is not an XML document"));
    for tag in body.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(ATOM.contains(&name.as_str()), "{path}: <{name}> in a feed");
    }
    let mut entries = 0;
    for content in body.split("<content type=\"html\">").skip(1) {
        let escaped = content.split("</content>").next().unwrap();
        let html = escaped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        assert_inert_content(&html, &format!("{path} entry {entries}"));
        entries += 1;
    }
    assert!(entries > 0, "{path} is empty");
    xml
}

/// The "More topics" link of a space page, ready to follow.
fn more_topics(html: &str) -> Option<String> {
    let end = html.find("\">More topics</a>")?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&"))
}
