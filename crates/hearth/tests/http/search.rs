//! Search over real HTTP: what is found and how it is marked, the filters
//! and pages, that a reader finds nothing they may not see by any channel,
//! that every change shows in the next search, and that hostile queries
//! answer 200 or a 400 naming the problem.

use serde_json::{Value, json};

use crate::support::app::Api;
use crate::support::{Backend, both, spawn_app};
use crate::topics::{reply, team, topic};

/// `s` percent-encoded for a query string.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The API's answer to a search (`q` and other parameters, already encoded).
async fn search(api: &Api, params: &str) -> Value {
    let (status, body) = api.get(&format!("/api/v1/search?{params}")).await;
    assert_eq!(status, 200, "{params}: {body}");
    body
}

/// The titles found for `q`, in order, with `extra` parameters.
async fn titles(api: &Api, q: &str, extra: &str) -> Vec<String> {
    let found = search(api, &format!("q={}{extra}", enc(q))).await;
    found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let kind = h["type"].as_str().unwrap();
            let title = h["title"].as_str().unwrap();
            if kind == "reply" {
                format!("re: {title}")
            } else {
                title.to_owned()
            }
        })
        .collect()
}

async fn words_phrases_prefixes_and_every_script_are_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ana", &["bo"], "ops", "public").await;
    let (ana, bo) = (&apis[0], &apis[1]);
    topic(ana, "ops", json!({"title": "We deployed the blue green switch", "body": "It went **well**: <b>no</b> downtime."})).await;
    topic(
        ana,
        "ops",
        json!({"title": "Green checks, blue moon", "body": "Unrelated colours."}),
    )
    .await;
    topic(
        ana,
        "ops",
        json!({"title": "Rollback of the deploys", "body": "Deploys rolled back."}),
    )
    .await;
    topic(
        ana,
        "ops",
        json!({"title": "Müller und die Straße", "body": "Grüße aus München"}),
    )
    .await;
    topic(
        ana,
        "ops",
        json!({"title": "Réunion d'été à Genève", "body": "Ordre du jour"}),
    )
    .await;
    topic(
        ana,
        "ops",
        json!({"title": "東京の会議について", "body": "会議は月曜日です"}),
    )
    .await;
    topic(
        ana,
        "ops",
        json!({"title": "Привет из Москвы", "body": "Встреча в понедельник"}),
    )
    .await;
    let doc = topic(
        ana,
        "ops",
        json!({"kind": "document", "title": "Runbook", "body": "Step one: page the oncall."}),
    )
    .await;
    let q = topic(
        bo,
        "ops",
        json!({"kind": "question", "title": "How do I page someone?", "body": "Tell me."}),
    )
    .await;
    reply(
        ana,
        &q,
        "Page the oncall with the rota, see the runbook.",
        None,
    )
    .await;

    // Stems, phrases, prefixes, exclusions.
    assert_eq!(
        titles(ana, "deploying", "&order=newest").await,
        [
            "Rollback of the deploys",
            "We deployed the blue green switch"
        ]
    );
    assert_eq!(
        titles(ana, "\"blue green\"", "").await,
        ["We deployed the blue green switch"]
    );
    assert_eq!(
        titles(ana, "deplo* -rollback", "").await,
        ["We deployed the blue green switch"]
    );
    // Accents and scripts: typed with or without accents, in any case.
    assert_eq!(titles(ana, "muller", "").await, ["Müller und die Straße"]);
    assert_eq!(
        titles(ana, "MÜLLER straße", "").await,
        ["Müller und die Straße"]
    );
    assert_eq!(
        titles(ana, "ete geneve", "").await,
        ["Réunion d'été à Genève"]
    );
    assert_eq!(titles(ana, "会議", "").await, ["東京の会議について"]);
    assert_eq!(titles(ana, "москвы", "").await, ["Привет из Москвы"]);
    // A reply is found as itself, in its topic; a title ranks higher.
    let mut found = titles(ana, "page", "").await;
    assert_eq!(found.remove(0), "How do I page someone?");
    found.sort();
    assert_eq!(found, ["Runbook", "re: How do I page someone?"]);

    // Snippets are plain text with the matched words marked, and nothing else.
    let found = search(ana, "q=downtime").await;
    let hit = &found["items"][0];
    assert_eq!(hit["snippet"], "It went well: no downtime.");
    assert_eq!(
        hit["snippet_html"],
        "It went well: no <mark>downtime</mark>."
    );
    let found = search(ana, "q=blue").await;
    assert_eq!(found["total"], 2);
    for hit in found["items"].as_array().unwrap() {
        assert!(
            hit["title_html"]
                .as_str()
                .unwrap()
                .contains("<mark>blue</mark>"),
            "{hit}"
        );
    }

    // Filters: kind, author, answered, space, tag, dates, and their refusals.
    assert_eq!(titles(ana, "page", "&kind=document").await, ["Runbook"]);
    assert_eq!(
        titles(ana, "page", "&author=bo").await,
        ["How do I page someone?"]
    );
    assert_eq!(titles(ana, "page", "&answered=no").await.len(), 2);
    assert!(titles(ana, "page", "&answered=yes").await.is_empty());
    assert_eq!(
        titles(ana, "runbook", "&space=ops&order=newest")
            .await
            .len(),
        2
    );
    assert!(titles(ana, "page", "&until=2000-01-01").await.is_empty());
    assert_eq!(titles(ana, "page", "&since=2000-01-01").await.len(), 3);
    for (bad, field) in [
        ("&kind=poem", "kind"),
        ("&author=nobody", "author"),
        ("&since=yesterday", "since"),
        ("&order=random", "order"),
        ("&space=nowhere", "space"),
        ("&answered=maybe", "answered"),
        ("&after=x", "after"),
        ("&limit=0", "limit"),
    ] {
        let (status, body) = ana.get(&format!("/api/v1/search?q=page{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{bad}: {body}");
    }
    let _ = doc;

    // Spaces and people are found beside the content.
    let found = search(ana, "q=ops").await;
    assert_eq!(found["spaces"][0]["slug"], "ops");
    let found = search(ana, "q=bo").await;
    assert_eq!(found["people"][0]["username"], "bo");
}
both!(words_phrases_prefixes_and_every_script_are_found);

async fn results_come_in_pages_that_cover_them_all_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ana", &[], "ops", "public").await;
    for i in 0..23 {
        app.clock.advance(1000);
        topic(
            &apis[0],
            "ops",
            json!({"title": format!("Incident {i}"), "body": "postmortem"}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut params = "q=postmortem&limit=10&order=newest".to_owned();
    loop {
        let page = search(&apis[0], &params).await;
        assert_eq!(page["total"], 23);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["title"].clone()),
        );
        match page["next"].as_str() {
            Some(next) => params = format!("q=postmortem&limit=10&order=newest&after={next}"),
            None => break,
        }
    }
    let want: Vec<Value> = (0..23)
        .rev()
        .map(|i| json!(format!("Incident {i}")))
        .collect();
    assert_eq!(seen, want);

    // The page: a count, the results, and a link to the next page that keeps the filters.
    let b = app.signed_in("ana").await;
    let (status, html) = b.page("/search?q=postmortem&order=newest&limit=10").await;
    assert_eq!(status, 200);
    assert!(html.contains("23 results"), "{html}");
    assert!(html.contains("<mark>postmortem</mark>"), "{html}");
    assert!(
        html.contains("href=\"/search?q=postmortem&#38;order=newest&#38;after=10\""),
        "{html}"
    );
    // Every page carries the search box; a space page one for the space.
    let (_, home) = b.page("/").await;
    assert!(home.contains("action=\"/search\" role=\"search\""));
    let (_, space) = b.page("/s/ops").await;
    assert!(
        space.contains("<input type=\"hidden\" name=\"space\" value=\"ops\">"),
        "{space}"
    );
    let (status, html) = b.page("/search").await;
    assert_eq!(status, 200);
    assert!(!html.contains("results</p>"));
}
both!(results_come_in_pages_that_cover_them_all_once);

/// What an outsider and a member find of `word`, by every channel: results,
/// count, snippets, spaces and suggestions.
async fn found_by(api: &Api, word: &str) -> (Vec<String>, i64, String, Vec<String>) {
    let found = search(api, &format!("q={word}")).await;
    let titles = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect();
    let (status, similar) = api
        .get(&format!("/api/v1/search/similar?title={word}"))
        .await;
    assert_eq!(status, 200);
    let similar = similar["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect();
    (
        titles,
        found["total"].as_i64().unwrap(),
        found.to_string(),
        similar,
    )
}

async fn nobody_finds_what_they_may_not_read_by_any_channel(backend: Backend) {
    let app = spawn_app(backend).await;
    let insiders = team(&app, "ana", &["bo"], "inner", "private").await;
    team(&app, "cy", &[], "vault", "secret").await;
    app.create_user("eve", false).await;
    let eve = app.api(&app.token("eve").await);
    let cy = app.api(&app.token("cy").await);

    // Every kind of content, and a reply, in the private and the secret space.
    for (api, space) in [(&insiders[0], "inner"), (&cy, "vault")] {
        for kind in ["discussion", "question", "post", "document"] {
            let t = topic(api, space, json!({"kind": kind, "title": format!("Zebracode {kind}"), "body": "zebracode inside"})).await;
            reply(api, &t, "zebracode in a reply", None).await;
        }
    }
    // A secret space's name is not found either.
    let (status, _) = cy
        .patch("/api/v1/spaces/vault", json!({"name": "Zebracode vault"}))
        .await;
    assert_eq!(status, 200);
    let (titles, total, raw, similar) = found_by(&eve, "zebracode").await;
    assert!(
        titles.is_empty() && total == 0 && similar.is_empty(),
        "{raw}"
    );
    assert!(!raw.to_lowercase().contains("zebracode vault"), "{raw}");
    // Members of the private space find its content, and nothing of the secret one.
    let (titles, total, _, similar) = found_by(&insiders[1], "zebracode").await;
    assert_eq!((titles.len(), total), (8, 8));
    assert_eq!(similar.len(), 4);

    // A topic moved from a public space to a private one leaves the outsider's search.
    let (status, _) = insiders[0]
        .post(
            "/api/v1/spaces",
            json!({"slug": "open", "name": "open", "visibility": "public", "join_policy": "open"}),
        )
        .await;
    assert_eq!(status, 201);
    let t = topic(
        &insiders[0],
        "open",
        json!({"title": "Quagga plans", "body": "quagga"}),
    )
    .await;
    let (titles, _, _, _) = found_by(&eve, "quagga").await;
    assert_eq!(titles, ["Quagga plans"]);
    let (status, body) = insiders[0]
        .post(
            &format!("/api/v1/topics/{}/moderation", t["id"].as_str().unwrap()),
            json!({"action": "move", "to": "inner"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (titles, total, raw, similar) = found_by(&eve, "quagga").await;
    assert!(
        titles.is_empty() && total == 0 && similar.is_empty(),
        "{raw}"
    );
    let (titles, _, _, _) = found_by(&insiders[1], "quagga").await;
    assert_eq!(titles, ["Quagga plans"]);

    // Guests find nothing while guest access is off.
    let (status, _) = app.api("").get("/api/v1/search?q=quagga").await;
    assert_eq!(status, 401);
}
both!(nobody_finds_what_they_may_not_read_by_any_channel);

async fn every_change_shows_in_the_next_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ana", &["bo"], "ops", "public").await;
    app.create_user("eve", false).await;
    let eve = app.api(&app.token("eve").await);
    let t = topic(
        &apis[1],
        "ops",
        json!({"title": "Okapi sighting", "body": "an okapi"}),
    )
    .await;
    let tid = t["id"].as_str().unwrap().to_owned();
    let r = reply(&apis[1], &t, "a pangolin too", None).await;
    let rid = r["id"].as_str().unwrap().to_owned();
    let found = |q: &'static str| {
        let eve = &eve;
        async move { titles(eve, q, "").await.len() }
    };
    assert_eq!((found("okapi").await, found("pangolin").await), (1, 1));

    // An edit: the old words go, the new ones come.
    let (status, _) = apis[1]
        .patch(
            &format!("/api/v1/topics/{tid}"),
            json!({"title": "Tapir sighting", "body": "a tapir"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!((found("okapi").await, found("tapir").await), (0, 1));
    let (status, _) = apis[1]
        .patch(
            &format!("/api/v1/replies/{rid}"),
            json!({"body": "an armadillo"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!((found("pangolin").await, found("armadillo").await), (0, 1));

    // Hidden: gone for others, still found by its author.
    let moderate = |action: &'static str| {
        let (owner, tid) = (&apis[0], tid.clone());
        async move {
            let (status, body) = owner
                .post(
                    &format!("/api/v1/topics/{tid}/moderation"),
                    json!({"action": action}),
                )
                .await;
            assert_eq!(status, 204, "{action}: {body}");
        }
    };
    moderate("hide").await;
    assert_eq!((found("tapir").await, found("armadillo").await), (0, 0));
    assert_eq!(titles(&apis[1], "tapir", "").await.len(), 1);
    moderate("restore").await;
    assert_eq!(found("tapir").await, 1);

    // A deleted reply, then restored; a deleted topic.
    let (status, _) = apis[1].delete(&format!("/api/v1/replies/{rid}")).await;
    assert_eq!(status, 204);
    assert_eq!(found("armadillo").await, 0);
    let (status, _) = apis[0]
        .post(&format!("/api/v1/replies/{rid}/restore"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(found("armadillo").await, 1);
    let (status, _) = apis[1].delete(&format!("/api/v1/topics/{tid}")).await;
    assert_eq!(status, 204);
    assert_eq!((found("tapir").await, found("armadillo").await), (0, 0));
    assert_eq!(
        titles(&apis[1], "tapir", "").await.len(),
        0,
        "deleted topics are listed nowhere"
    );

    // A rename of a space shows in the spaces found.
    let (status, _) = apis[0]
        .patch("/api/v1/spaces/ops", json!({"name": "Kinkajou team"}))
        .await;
    assert_eq!(status, 200);
    let found = search(&eve, "q=kinkajou").await;
    assert_eq!(found["spaces"][0]["slug"], "ops");
}
both!(every_change_shows_in_the_next_search);

async fn hostile_queries_answer_results_or_a_clear_400(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ana", &[], "ops", "public").await;
    topic(
        &apis[0],
        "ops",
        json!({"title": "Title near the stars", "body": "column filters"}),
    )
    .await;
    let long = "word ".repeat(2048);
    let hostile = [
        "\"unbalanced",
        "unbalanced\"",
        "\"\"\"",
        "title:near",
        "{title body}: near",
        "NEAR(near title, 2)",
        "near AND OR NOT title",
        "*",
        "**",
        "near*",
        "-",
        "--near",
        "near -",
        "^near",
        "near:*",
        "'near'",
        "!near & title | x <-> y",
        "\\",
        "(((",
        "\u{0}near\u{0}",
        "\u{1}\u{2}\u{7f}",
        "near\u{202e}title",
        "a\u{301}\u{301}\u{301}",
        "🦀 near",
        "the",
        long.as_str(),
    ];
    for q in hostile {
        let (status, body) = apis[0].get(&format!("/api/v1/search?q={}", enc(q))).await;
        assert!(status == 200 || status == 400, "{q:?}: {status} {body}");
        if status == 400 {
            assert_eq!(body["error"]["fields"][0]["field"], "q", "{q:?}: {body}");
        }
        let (status, _) = apis[0]
            .get(&format!("/api/v1/search/similar?title={}", enc(q)))
            .await;
        assert_eq!(status, 200, "{q:?}");
    }
    let b = app.signed_in("ana").await;
    for q in hostile {
        let (status, html) = b.page(&format!("/search?q={}", enc(q))).await;
        assert!(status == 200 || status == 400, "{q:?}: {status}");
        if status == 400 {
            assert!(html.contains("role=\"alert\""), "{q:?}");
        }
    }
    // What the operators hid is still found as words.
    assert_eq!(
        titles(&apis[0], "NEAR( stars", "").await,
        ["Title near the stars"]
    );
    assert_eq!(
        titles(&apis[0], "title:near", "").await,
        ["Title near the stars"]
    );
    let (status, body) = apis[0]
        .get(&format!("/api/v1/search?q={}", enc(&long)))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("500 characters")
    );
    let (status, body) = apis[0].get("/api/v1/search?q=-alone").await;
    assert_eq!(status, 400, "{body}");
}
both!(hostile_queries_answer_results_or_a_clear_400);
