//! Everyday steps in a real browser, with scripts on: empty states that
//! say what to do, a newcomer who joins a space by replying with an image
//! dropped into the editor, notifications and a reply arriving live, and a
//! moderator who moves a topic by picking a space.

use crate::in_browser::{
    PNG, create_member, create_space, last_reply_id, post_topic, server, sign_in, sign_out, source,
    test_name,
};
use crate::support::app::Api;
use crate::support::chromium::{Chromium, Options};
use crate::support::{Backend, both};

/// The bytes of [`PNG`] as a JavaScript array.
fn png_js() -> String {
    let bytes: Vec<String> = PNG.iter().map(u8::to_string).collect();
    format!("[{}]", bytes.join(","))
}

/// Everyday steps with scripts on: empty states that say what to do, a
/// newcomer who replies in an open space (and so joins it) with an image
/// dropped into the editor, and a moderator who moves a topic by picking.
async fn everyday_steps_in_the_browser(backend: Backend) {
    let server = server(backend).await;
    let base = server.base.as_str();
    let b = Chromium::start(&test_name("everyday", backend), Options::default()).await;
    sign_in(&b, base, "opal").await;
    create_member(&b, base, "wren", "Wren Gardener").await;
    create_space(&b, base, "archive", "Archive", "public").await;
    create_space(&b, base, "commons", "Commons", "public").await;
    assert!(b.text(".empty").await.contains("No topics in Commons yet"));
    b.check_page("empty-space").await;
    b.goto(&format!("{base}/search")).await;
    assert!(b.text(".empty").await.contains("people directory"));
    b.check_page("empty-search").await;
    let topic = post_topic(
        &b,
        base,
        "commons",
        "question",
        "Where is the printer?",
        "Asking.",
    )
    .await;
    sign_out(&b).await;

    sign_in(&b, base, "wren").await;
    b.goto(&format!("{base}/t/{topic}")).await;
    assert!(
        source(&b)
            .await
            .contains("Replying makes you a member of Commons")
    );
    b.find(".attach label").await;
    let drop = format!(
        "const file = new File([new Uint8Array({})], 'printer.png', {{type: 'image/png'}});
         const dt = new DataTransfer(); dt.items.add(file);
         const area = document.querySelector('#reply-body');
         area.focus();
         for (const kind of ['dragover', 'drop']) {{
           area.dispatchEvent(new DragEvent(kind, {{dataTransfer: dt, bubbles: true, cancelable: true}}));
         }}
         return true;",
        png_js()
    );
    // A file over the limit is explained at once, and nothing is sent.
    let too_big = drop
        .replace(
            &png_js(),
            "(Number(document.querySelector('#reply-body').dataset.maxBytes) + 1)",
        )
        .replace("printer.png", "huge.png");
    b.script(&too_big).await;
    assert!(
        b.text(".attach-status.error")
            .await
            .contains("files may be at most"),
        "{}",
        b.text(".attach-status").await
    );
    b.script(&drop).await;
    // The upload ends with its Markdown in the text and the image previewed.
    b.find(".preview img[src^='/a/']").await;
    let text = b
        .script("return document.querySelector('#reply-body').value;")
        .await;
    assert!(
        text.as_str().unwrap().contains("![printer.png](/a/"),
        "{text}"
    );
    assert!(
        b.text(".attach-status")
            .await
            .starts_with("Attached printer.png")
    );
    b.follow("#reply button[type=submit]").await;
    let reply = last_reply_id(&b).await;
    assert!(b.has(&format!("#r-{reply} .body img[src^='/a/']")).await);
    assert!(source(&b).await.contains("You are now a member of Commons"));
    b.check_page("joined-by-replying").await;
    // Joining by replying followed the space and the topic: the home page
    // shows it among what is new.
    b.goto(&format!("{base}/")).await;
    assert!(
        b.text("ul.activity")
            .await
            .contains("Where is the printer?")
    );
    b.check_page("activity").await;
    sign_out(&b).await;

    sign_in(&b, base, "opal").await;
    // The asker is told of the reply, on the bell and the notifications page.
    assert!(
        b.text("a.bell").await.contains('1'),
        "{}",
        b.text("a.bell").await
    );
    b.follow("a.bell").await;
    assert!(
        b.text("ul.rows li")
            .await
            .contains("Wren Gardener replied to your topic")
    );
    b.check_page("notifications").await;
    b.goto(&format!("{base}/t/{topic}")).await;

    // A reply posted elsewhere arrives on the open page, and the bell counts it.
    let wren = Api::sign_in(base, "wren").await;
    let (_, posted) = wren
        .post(
            &format!("/api/v1/topics/{topic}/replies"),
            serde_json::json!({"body": "Found it: **second floor**."}),
        )
        .await;
    let live = format!("#r-{} .body strong", posted["id"].as_str().unwrap());
    assert_eq!(b.text(&live).await, "second floor");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while b.text("a.bell .count").await != "2" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bell did not count the reply"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    b.follow("a[href$='/move']").await;
    b.check_page("move-topic").await;
    b.select("#move-to", "archive").await;
    b.follow("button[name=action][value=move]").await;
    assert_eq!(b.text("nav.crumbs a").await, "Archive");
    b.check_page("moved-topic").await;
    sign_out(&b).await;
    b.close().await;
}
both!(everyday_steps_in_the_browser);
