//! Hearth in a real browser: headless Chromium against a real `hearth serve`
//! process, on SQLite and on PostgreSQL. Every key page is checked with
//! axe-core and kept as a screenshot (target/tmp/browser-artifacts/).

use std::process::Child;

use serde_json::Value;

use crate::cli::{create_admin, start_server, storage_args};
use crate::crash::prepare;
use crate::support::app::{DbGuard, PASSWORD, fresh_storage};
use crate::support::chromium::{Chromium, Options};
use crate::support::{Backend, both};

/// A 4×4 PNG, small but real, so the browser can decode it.
pub(crate) const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x04\x00\x00\x00\x04\x08\x02\x00\x00\x00\x26\x93\x09\x29\x00\x00\x00\x10\x49\x44\x41\x54\x78\xda\x63\x38\x11\xa0\x01\x47\x0c\xc4\x71\x00\x12\x52\x14\x01\xfc\x60\x17\x8a\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// A `hearth serve` process that ends with the test, even a failed one.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    _cwd: tempfile::TempDir,
    _db: DbGuard,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a real server on a fresh store with the administrator `opal`.
pub(crate) async fn server(backend: Backend) -> Server {
    let (storage, guard) = fresh_storage(backend).await;
    let cwd = tempfile::tempdir().unwrap();
    let args = storage_args(&storage);
    assert!(create_admin(&args, cwd.path()).status.success());
    let (child, base) = start_server(&args, cwd.path());
    Server {
        child,
        base,
        _cwd: cwd,
        _db: guard,
    }
}

pub(crate) fn test_name(flow: &str, backend: Backend) -> String {
    format!("{flow}-{backend:?}").to_lowercase()
}

pub(crate) async fn sign_in(b: &Chromium, base: &str, login: &str) {
    b.goto(&format!("{base}/signin")).await;
    b.fill("#login", login).await;
    b.fill("#password", PASSWORD).await;
    b.follow("form[action='/signin'] button[type=submit]").await;
    assert!(
        b.has("form[action='/signout']").await,
        "{login} is not signed in: {}",
        b.path().await
    );
}

pub(crate) async fn sign_out(b: &Chromium) {
    b.follow("form[action='/signout'] button").await;
    assert!(b.has("a[href='/signin']").await, "still signed in");
}

/// The administrator, signed in, creates an account on the admin page.
pub(crate) async fn create_member(b: &Chromium, base: &str, username: &str, display_name: &str) {
    b.goto(&format!("{base}/admin")).await;
    b.fill("#new-username", username).await;
    b.fill("#new-display", display_name).await;
    b.fill("#new-email", &format!("{username}@example.org"))
        .await;
    b.fill("#new-password", PASSWORD).await;
    b.follow("form[action='/admin/users'] button[type=submit]")
        .await;
    assert!(
        source(b).await.contains(display_name),
        "{username} was not created"
    );
}

pub(crate) async fn create_space(
    b: &Chromium,
    base: &str,
    slug: &str,
    name: &str,
    visibility: &str,
) {
    b.goto(&format!("{base}/spaces/new")).await;
    b.fill("#slug", slug).await;
    b.fill("#name", name).await;
    b.select("#visibility", visibility).await;
    b.follow("form[action='/spaces'] button[type=submit]").await;
    assert_eq!(b.path().await, format!("/s/{slug}"));
}

/// Posts a topic through the form and returns its id.
pub(crate) async fn post_topic(
    b: &Chromium,
    base: &str,
    space: &str,
    kind: &str,
    title: &str,
    body: &str,
) -> String {
    b.goto(&format!("{base}/s/{space}/new")).await;
    b.click(&format!("input[name=kind][value={kind}]")).await;
    b.fill("#title", title).await;
    b.fill("#body", body).await;
    b.follow("form[action$='/topics'] button[type=submit]")
        .await;
    let path = b.path().await;
    let id = path
        .strip_prefix("/t/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("posting landed on {path}"));
    assert_eq!(b.text("article.topic h1").await, title);
    id.to_owned()
}

/// Posts a reply with the form at the foot of the topic page; returns its id.
pub(crate) async fn post_reply(b: &Chromium, body: &str) -> String {
    b.fill("#reply-body", body).await;
    b.follow("#reply button[type=submit]").await;
    last_reply_id(b).await
}

pub(crate) async fn last_reply_id(b: &Chromium) -> String {
    let id = b
        .script("const r = document.querySelectorAll('article.reply'); return r[r.length - 1].id;")
        .await;
    id.as_str().unwrap().trim_start_matches("r-").to_owned()
}

pub(crate) async fn source(b: &Chromium) -> String {
    b.client.source().await.unwrap()
}

/// The whole day of a member: sign in, create spaces, discuss, reply in a
/// thread, like, mention, upload an image, edit a document and read its
/// diff; then another member who must not see the secret space; sign out.
async fn a_day_in_the_community(backend: Backend) {
    let server = server(backend).await;
    let base = server.base.as_str();
    let b = Chromium::start(&test_name("community-day", backend), Options::default()).await;

    b.goto(&format!("{base}/signin")).await;
    b.check_page("signin").await;
    sign_in(&b, base, "opal").await;
    b.check_page("home").await;

    // The administrator creates a colleague's account.
    b.goto(&format!("{base}/admin")).await;
    b.check_page("admin").await;
    create_member(&b, base, "wren", "Wren Gardener").await;

    create_space(&b, base, "garden", "Garden", "public").await;
    b.check_page("space").await;

    // A discussion that mentions wren; the live preview renders the mention.
    b.goto(&format!("{base}/s/garden/new")).await;
    b.check_page("new-topic").await;
    b.fill("#body", "Who brings tomatoes? @wren knows best.")
        .await;
    assert_eq!(
        b.find(".preview a.mention")
            .await
            .attr("href")
            .await
            .unwrap()
            .as_deref(),
        Some("/u/wren"),
        "the live preview did not render the mention"
    );
    let topic = post_topic(
        &b,
        base,
        "garden",
        "discussion",
        "Seed swap in spring",
        "Who brings tomatoes? @wren knows best.",
    )
    .await;
    assert!(b.has("article.topic a.mention[href='/u/wren']").await);

    // Found from the header's search box, with the matched word marked.
    b.fill("#header-q", "tomato").await;
    b.follow("form.header-search button[type=submit]").await;
    assert!(b.path().await.starts_with("/search?"));
    b.check_page("search").await;
    assert_eq!(b.text("ol.results mark").await, "tomatoes");
    b.follow("ol.results a.title").await;
    assert_eq!(b.path().await, format!("/t/{topic}/seed-swap-in-spring"));

    // Writing a title like it suggests the topic before it is asked again.
    b.goto(&format!("{base}/s/garden/new")).await;
    b.fill("#title", "Seed swap next spring?").await;
    assert_eq!(
        b.text("#similar-topics a").await,
        "Seed swap in spring",
        "no similar topic was suggested"
    );
    b.goto(&format!("{base}/t/{topic}/seed-swap-in-spring"))
        .await;

    // A reply, and a reply to that reply, shown nested.
    let first = post_reply(&b, "I bring **cherry** tomatoes.").await;
    assert_eq!(b.text(&format!("#r-{first} strong")).await, "cherry");
    b.click(&format!("#r-{first} details.reply-to summary"))
        .await;
    b.fill(&format!("#reply-{first}"), "Save me some, please.")
        .await;
    b.follow(&format!("#r-{first} details.reply-to button[type=submit]"))
        .await;
    let nested = last_reply_id(&b).await;
    assert_ne!(nested, first);
    let class = b
        .find(&format!("#r-{nested}"))
        .await
        .attr("class")
        .await
        .unwrap();
    assert!(
        class.unwrap_or_default().contains("indent-1"),
        "the answer is not nested"
    );

    // Like the topic.
    b.follow(&format!("form[action='/t/{topic}/like'] button"))
        .await;
    assert_eq!(
        b.text(&format!("form[action='/t/{topic}/like'] button"))
            .await,
        "Liked · 1"
    );

    // Upload an image and show it inline in a reply.
    let file = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(file.path(), PNG).unwrap();
    b.goto(&format!("{base}/s/garden/attachments/new")).await;
    b.check_page("upload").await;
    b.find("#file")
        .await
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    b.follow("form[action='/s/garden/attachments'] button[type=submit]")
        .await;
    let markdown = b.text("code.secret").await;
    assert!(markdown.starts_with("!["), "no image Markdown: {markdown}");
    b.goto(&format!("{base}/t/{topic}")).await;
    let with_image = post_reply(&b, &format!("Last year's crop: {markdown}")).await;
    let width = b
        .eventually(&format!(
            "const i = document.querySelector('#r-{with_image} img'); return i && i.complete ? i.naturalWidth : 0;"
        ))
        .await;
    assert_eq!(width, Value::from(4), "the image is not shown inline");
    b.check_page("topic").await;

    // Her profile: a picture and a title, then found in the directory.
    b.goto(&format!("{base}/u/opal/edit")).await;
    b.check_page("profile-edit").await;
    b.find("#avatar")
        .await
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    b.follow("form[action='/u/opal/avatar'] button[type=submit]")
        .await;
    b.fill("#title", "Head gardener").await;
    b.follow("form[action='/u/opal/edit'] button[type=submit]")
        .await;
    assert_eq!(b.path().await, "/u/opal");
    let width = b
        .eventually("const i = document.querySelector('.profile-head img.avatar'); return i && i.complete ? i.naturalWidth : 0;")
        .await;
    assert_eq!(width, Value::from(320), "the picture is not shown");
    b.goto(&format!("{base}/people?q=head")).await;
    assert!(b.text("ul.people").await.contains("Head gardener"));
    b.check_page("people").await;

    // A document, edited, with its history and a readable diff.
    let doc = post_topic(
        &b,
        base,
        "garden",
        "document",
        "Planting plan",
        "Tomatoes in bed one.\n\nBeans in bed two.",
    )
    .await;
    b.follow(&format!("a[href='/t/{doc}/edit']")).await;
    b.check_page("edit").await;
    b.fill("#body", "Tomatoes in bed one.\n\nSquash in bed two.")
        .await;
    b.follow(&format!("form[action='/t/{doc}/edit'] button[type=submit]"))
        .await;
    b.follow(&format!("a[href='/t/{doc}/history']")).await;
    b.check_page("history").await;
    b.follow(&format!(
        "form[action='/t/{doc}/diff'] > button[type=submit]"
    ))
    .await;
    assert!(b.text("pre.diff ins").await.contains("Squash in bed two."));
    assert!(b.text("pre.diff del").await.contains("Beans in bed two."));
    b.check_page("diff").await;

    // A secret space with a topic in it.
    create_space(&b, base, "vault", "Vault", "secret").await;
    let secret = post_topic(&b, base, "vault", "discussion", "Salary review", "Numbers.").await;

    for (page, name) in [
        ("/spaces", "spaces"),
        ("/account", "account"),
        ("/status", "status"),
        ("/u/opal", "profile"),
        ("/tags/seeds", "tag"),
    ] {
        b.goto(&format!("{base}{page}")).await;
        b.check_page(name).await;
    }

    sign_out(&b).await;
    b.goto(&format!("{base}/account")).await;
    assert!(
        b.path().await.starts_with("/signin"),
        "the account page is open after sign-out"
    );

    // A colleague who is not a member sees no trace of the secret space.
    sign_in(&b, base, "wren").await;
    for page in ["/", "/spaces", "/u/opal"] {
        b.goto(&format!("{base}{page}")).await;
        let html = source(&b).await;
        assert!(
            !html.contains("Vault") && !html.contains("Salary review"),
            "{page} shows the secret space"
        );
    }
    for page in ["/s/vault".to_owned(), format!("/t/{secret}")] {
        b.goto(&format!("{base}{page}")).await;
        let html = source(&b).await;
        assert!(
            b.title().await.starts_with("404"),
            "{page}: {}",
            b.title().await
        );
        assert!(!html.contains("Vault") && !html.contains("Salary review"));
    }
    b.check_page("not-found").await;
    // The mention reached wren's profile link; the public topic reads fine.
    b.goto(&format!("{base}/t/{topic}")).await;
    assert!(b.has(&format!("#r-{nested}")).await);
    sign_out(&b).await;
    b.close().await;
}
both!(a_day_in_the_community);

/// Reading, posting and replying work with JavaScript turned off.
async fn core_flows_work_without_javascript(backend: Backend) {
    let server = server(backend).await;
    let base = server.base.as_str();
    let options = Options {
        javascript: false,
        ..Options::default()
    };
    let b = Chromium::start(&test_name("no-javascript", backend), options).await;

    sign_in(&b, base, "opal").await;
    create_space(&b, base, "plain", "Plain", "public").await;
    let topic = post_topic(
        &b,
        base,
        "plain",
        "discussion",
        "No scripts here",
        "Plain **HTML** forms.",
    )
    .await;
    // With scripts on, preview.js adds a preview box to every text area.
    assert!(!b.has(".preview").await, "JavaScript is running");
    let reply = post_reply(&b, "And a reply without scripts.").await;
    b.goto(&format!("{base}/t/{topic}")).await;
    assert_eq!(b.text("article.topic strong").await, "HTML");
    assert_eq!(
        b.text(&format!("#r-{reply} .body")).await,
        "And a reply without scripts."
    );
    b.click(&format!("#r-{reply} details.reply-to summary"))
        .await;
    b.fill(&format!("#reply-{reply}"), "Nested, still without scripts.")
        .await;
    b.follow(&format!("#r-{reply} details.reply-to button[type=submit]"))
        .await;
    let nested = last_reply_id(&b).await;
    assert_eq!(
        b.text(&format!("#r-{nested} .body")).await,
        "Nested, still without scripts."
    );
    b.screenshot("topic").await;

    // A colleague who has not joined replies, and is a member after.
    create_member(&b, base, "wren", "Wren Gardener").await;
    sign_out(&b).await;
    sign_in(&b, base, "wren").await;
    b.goto(&format!("{base}/t/{topic}")).await;
    assert!(
        source(&b)
            .await
            .contains("Replying makes you a member of Plain")
    );
    post_reply(&b, "Joined by replying.").await;
    assert!(source(&b).await.contains("You are now a member of Plain"));
    b.goto(&format!("{base}/s/plain")).await;
    assert!(source(&b).await.contains("you are member"));
    sign_out(&b).await;
    b.close().await;
}
both!(core_flows_work_without_javascript);

/// Key pages fit a 375 px phone and a 640 px viewport (a 1280 px window at
/// 200% zoom) without sideways scrolling, and the keyboard reaches the
/// content through the skip link with a visible focus ring.
async fn pages_fit_small_screens_and_keyboards(backend: Backend) {
    let server = server(backend).await;
    let base = server.base.as_str();
    let client = reqwest::Client::new();
    let (_token, topic) = prepare(&client, base).await;
    let pages = [
        "/signin".to_owned(),
        "/".to_owned(),
        "/spaces".to_owned(),
        "/s/crash".to_owned(),
        format!("/t/{topic}"),
        "/s/crash/new".to_owned(),
        "/account".to_owned(),
    ];
    for width in [375, 640] {
        let options = Options {
            width,
            height: 800,
            ..Options::default()
        };
        let b = Chromium::start(&test_name(&format!("width-{width}"), backend), options).await;
        b.goto(&format!("{base}/signin")).await;
        b.screenshot("signin").await;
        sign_in(&b, base, "opal").await;
        for page in &pages {
            b.goto(&format!("{base}{page}")).await;
            let viewport = b.script("return window.innerWidth;").await;
            assert_eq!(
                viewport,
                Value::from(width),
                "the viewport is not {width} px wide"
            );
            let overflow = b
                .script("const e = document.documentElement; return e.scrollWidth - e.clientWidth;")
                .await;
            assert_eq!(
                overflow,
                Value::from(0),
                "{page} scrolls sideways at {width} px"
            );
            let name = page.trim_matches('/').replace('/', "-");
            b.screenshot(if name.is_empty() { "home" } else { &name })
                .await;
        }

        // Tab from the top reaches the skip link first, with a focus ring.
        b.goto(&format!("{base}/s/crash")).await;
        b.press(fantoccini::key::Key::Tab).await;
        let focused = b
            .script(
                "const a = document.activeElement; const s = getComputedStyle(a);
                 return [a.className, s.outlineStyle, s.outlineWidth];",
            )
            .await;
        assert_eq!(focused[0], "skip", "Tab did not reach the skip link first");
        assert_ne!(focused[1], "none", "the focused skip link has no outline");
        assert_ne!(focused[2], "0px", "the focused skip link has no outline");
        b.press(fantoccini::key::Key::Enter).await;
        let target = b.script("return document.activeElement.id;").await;
        assert_eq!(
            target, "main",
            "the skip link does not move focus to the content"
        );
        b.close().await;
    }
}
both!(pages_fit_small_screens_and_keyboards);

/// The accessibility check has teeth: a page with an unlabelled field and
/// an image without alternative text fails it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_check_catches_violations() {
    let b = Chromium::start("axe-control", Options::default()).await;
    b.goto("data:text/html,<!doctype html><html lang=en><title>Broken</title><main><h1>Broken</h1><img src=x.png><input name=q></main></html>")
        .await;
    let violations = b.accessibility_violations().await;
    for rule in ["image-alt", "label"] {
        assert!(
            violations
                .iter()
                .any(|v| v.starts_with(&format!("\"{rule}\""))),
            "axe missed {rule}: {violations:?}"
        );
    }
    b.close().await;
}
