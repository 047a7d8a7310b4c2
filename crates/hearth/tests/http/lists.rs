//! Topic lists: a space's tabs and filters from page to page, and tag
//! links that reach their tag whatever it holds.

use serde_json::json;

use crate::support::{Backend, both, spawn_app};
use crate::topics::{reply, team, topic};

/// The titles of a topic list page, in order.
pub(crate) fn listed_titles(html: &str) -> Vec<String> {
    html.split("<a class=\"title\" href=\"")
        .skip(1)
        .map(|rest| {
            let text = rest.split_once('>').unwrap().1;
            text.split("</a>").next().unwrap().to_owned()
        })
        .collect()
}

/// The "More topics" link of a space page, ready to follow.
fn more_topics(html: &str) -> Option<String> {
    let end = html.find("\">More topics</a>")?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&"))
}

async fn the_unanswered_tab_keeps_its_filter_from_page_to_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "vera", &["wim"], "qa", "public").await;
    let solved = topic(
        &apis[0],
        "qa",
        json!({"kind": "question", "title": "Solved question", "body": "?", "tags": ["c#"]}),
    )
    .await;
    let answer = reply(&apis[1], &solved, "Like this", None).await;
    let (status, _) = apis[0]
        .post(
            &format!("/api/v1/topics/{}/accepted", solved["id"].as_str().unwrap()),
            json!({"reply": answer["id"]}),
        )
        .await;
    assert_eq!(status, 204);
    topic(
        &apis[0],
        "qa",
        json!({"title": "A discussion", "body": "x", "tags": ["c#"]}),
    )
    .await;
    for i in 0..31 {
        app.clock.advance(1000);
        topic(
            &apis[0],
            "qa",
            json!({"kind": "question", "title": format!("Open question {i}"), "body": "?", "tags": ["c#"]}),
        )
        .await;
    }
    app.clock.advance(1000);
    topic(
        &apis[0],
        "qa",
        json!({"kind": "question", "title": "Untagged question", "body": "?"}),
    )
    .await;

    let wim = app.signed_in("wim").await;
    // Follows "More topics" from `path` to the end; every page must keep
    // the Unanswered tab current.
    let all_pages = |path: &'static str| {
        let wim = &wim;
        async move {
            let (status, mut html) = wim.page(path).await;
            assert_eq!(status, 200);
            let mut titles = Vec::new();
            loop {
                assert!(
                    html.contains("href=\"/s/qa?kind=question&amp;unanswered=1\" aria-current=\"page\">Unanswered"),
                    "{path}"
                );
                assert!(!html.contains("aria-current=\"page\">Questions"));
                assert!(!html.contains("aria-current=\"page\">All"));
                titles.extend(listed_titles(&html));
                match more_topics(&html) {
                    Some(more) => html = wim.page(&more).await.1,
                    None => return titles,
                }
            }
        }
    };
    let titles = all_pages("/s/qa?kind=question&unanswered=1").await;
    assert_eq!(titles.len(), 32, "{titles:?}");
    assert!(
        titles
            .iter()
            .all(|t| t.starts_with("Open question") || t == "Untagged question"),
        "{titles:?}"
    );
    let titles = all_pages("/s/qa?kind=question&unanswered=1&tag=c%23").await;
    assert_eq!(titles.len(), 31, "{titles:?}");
    assert!(
        titles.iter().all(|t| t.starts_with("Open question")),
        "{titles:?}"
    );

    let (_, questions) = wim.page("/s/qa?kind=question").await;
    assert!(questions.contains("aria-current=\"page\">Questions"));
    assert!(!questions.contains("aria-current=\"page\">Unanswered"));
}
both!(the_unanswered_tab_keeps_its_filter_from_page_to_page);

/// Every `href` in a page that starts with `prefix`, as written.
fn hrefs(html: &str, prefix: &str) -> Vec<String> {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .map(|rest| format!("{prefix}{}", rest.split('"').next().unwrap()))
        .collect()
}

async fn tag_links_lead_to_their_tag_whatever_it_holds(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ines", &["jo"], "langs", "public").await;
    let t = topic(
        &apis[0],
        "langs",
        json!({"title": "Sharp and plus", "body": "x", "tags": ["C#", "c++"]}),
    )
    .await;
    topic(
        &apis[0],
        "langs",
        json!({"title": "Plain C", "body": "x", "tags": ["c"]}),
    )
    .await;
    let jo = app.signed_in("jo").await;
    let (_, page) = jo.page(t["url"].as_str().unwrap()).await;
    let links = hrefs(&page, "/tags/");
    assert_eq!(links, ["/tags/c%23", "/tags/c%2B%2B"], "the topic page");
    let (_, list) = jo.page("/s/langs").await;
    let listed = hrefs(&list, "/tags/");
    assert!(
        listed.contains(&"/tags/c%23".to_owned()),
        "the topic list: {listed:?}"
    );
    for link in &links {
        let (status, tag_page) = jo.page(link).await;
        assert_eq!(status, 200, "{link}");
        assert!(
            tag_page.contains("Sharp and plus") && !tag_page.contains("Plain C"),
            "{link} lists only its topics: {tag_page}"
        );
        let feed = hrefs(&tag_page, "/feeds/tags/");
        assert_eq!(feed, [format!("/feeds{link}")]);
        let resp = jo.get(&feed[0]).await;
        assert_eq!(resp.status(), 200);
        let xml = resp.text().await.unwrap();
        assert!(
            xml.contains("Sharp and plus") && !xml.contains("Plain C"),
            "{xml}"
        );
        assert!(
            xml.contains(&format!("{link}\"/>")),
            "the feed links to its tag page: {xml}"
        );
    }
}
both!(tag_links_lead_to_their_tag_whatever_it_holds);
