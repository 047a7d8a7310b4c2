//! Hostile input everywhere it can go: the Big List of Naughty Strings and a
//! payload for each sanitizer rule, through titles, bodies, replies, tags,
//! display names and space names; no page or API response may carry
//! executable markup, and sanitized HTML is stable under sanitizing again.

use hearth_app::users::UserInput;
use hearth_core::content::{Tag, Title, check_body};
use hearth_core::markdown::sanitize;
use hearth_core::names::{DisplayName, SpaceName};
use serde_json::json;

use crate::support::app::PASSWORD;
use crate::support::markup::{assert_inert, assert_inert_content};
use crate::support::{Backend, both, spawn_app};

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
    let browser = app.signed_in("host").await;

    let mut topic_urls = Vec::new();
    let mut tags = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let title = if Title::parse(p).is_ok() {
            p.to_string()
        } else {
            format!("t{i}")
        };
        let body = if check_body("body", p, false).is_ok() {
            p.to_string()
        } else {
            format!("b{i}")
        };
        let mut req = json!({"title": title, "body": body});
        if let Ok(tag) = Tag::parse(p) {
            req["tags"] = json!([p]);
            tags.push(tag.to_string());
        }
        let (status, t) = host.post("/api/v1/spaces/arena/topics", req).await;
        assert_eq!(status, 201, "payload {i} {p:?}: {t}");
        assert_inert_content(t["body_html"].as_str().unwrap(), &format!("topic body {i}"));
        let html = t["body_html"].as_str().unwrap();
        assert_eq!(sanitize(html), html, "sanitizing again changed payload {i}");
        topic_urls.push(t["url"].as_str().unwrap().to_owned());

        if check_body("body", p, false).is_ok() {
            let (status, r) = host
                .post(
                    &format!("/api/v1/topics/{board_id}/replies"),
                    json!({"body": p}),
                )
                .await;
            assert_eq!(status, 201, "reply {i}: {r}");
            assert_inert_content(r["body_html"].as_str().unwrap(), &format!("reply {i}"));
        }
        if SpaceName::parse(p).is_ok() {
            let (status, _) = host.patch("/api/v1/spaces/arena", json!({"name": p})).await;
            assert_eq!(status, 200, "space name {i}");
            let (_, page) = browser.page("/s/arena").await;
            assert_inert(&page, &format!("space page named by payload {i}"));
            let (_, dir) = browser.page("/spaces").await;
            assert_inert(&dir, &format!("directory with payload {i}"));
        }
        if DisplayName::parse(p).is_ok() {
            let username = format!("user{i}");
            let input = UserInput {
                username: username.clone(),
                display_name: p.to_string(),
                email: format!("{username}@example.org"),
                password: PASSWORD.into(),
            };
            hearth_app::users::create_by_operator(&app.ctx, &input, false)
                .await
                .unwrap();
            let (_, profile) = browser.page(&format!("/u/{username}")).await;
            assert_inert(&profile, &format!("profile named by payload {i}"));
        }
    }

    let (_, space_page) = browser.page("/s/arena").await;
    assert_inert(&space_page, "space page");
    for (i, url) in topic_urls.iter().enumerate() {
        let (status, page) = browser.page(url).await;
        assert_eq!(status, 200);
        assert_inert(&page, &format!("topic page {i}"));
    }
    let (status, board_page) = browser.page(board["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_inert(&board_page, "page of hostile replies");
    let (_, board_json) = host.get(&format!("/api/v1/topics/{board_id}")).await;
    for r in board_json["replies"]["items"].as_array().unwrap() {
        assert_inert_content(r["body_html"].as_str().unwrap(), "reply in the API");
    }
    // Attachment names carry payloads too: cleaned, escaped on the upload
    // page, and never turned into markup in a download's headers.
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
        assert_inert_content(
            &hearth_core::markdown::render(a["markdown"].as_str().unwrap()),
            &format!("attachment markdown {i}"),
        );
        let resp = browser.get(a["url"].as_str().unwrap()).await;
        assert_eq!(resp.status(), 200, "attachment {i}");
        assert!(resp.headers()["content-disposition"].to_str().is_ok());
    }
    // Feeds carry titles as text and bodies as sanitized HTML.
    let (status, feed) = browser.page("/feeds/s/arena").await;
    assert_eq!(status, 200);
    assert!(
        !feed.contains("<script") && !feed.contains("<img"),
        "markup in a feed must be escaped"
    );
    let unescaped = feed
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    for content in unescaped.split("<content type=\"html\">").skip(1) {
        let html = content.split("</content>").next().unwrap();
        assert_inert_content(html, "feed entry");
    }
    for tag in tags {
        let (status, page) = browser
            .page(&format!("/tags/{}", crate::support::browser::encode(&tag)))
            .await;
        assert!(status == 200 || status == 404, "tag {tag:?}: {status}");
        assert_inert(&page, &format!("tag page {tag:?}"));
    }
}
both!(hostile_input_never_becomes_executable_markup);
