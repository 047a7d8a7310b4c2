//! Stylesheets and scripts by fingerprint: immutable, and served by every
//! node whichever release's page names them (a rolling upgrade).

use hearth_app::records::Asset;

use crate::support::app::{Backend, spawn_app};
use crate::support::both;

async fn assets_are_served_by_fingerprint_from_any_release(backend: Backend) {
    let app = spawn_app(backend).await;
    let page = reqwest::get(app.url("/signin"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let css = hearth_web::assets::url("hearth.css");
    assert!(page.contains(&format!("href=\"{css}\"")), "{page}");
    let fingerprint = css.split('/').nth(2).unwrap().to_owned();
    assert_eq!(fingerprint.len(), 16, "{css}");
    let ours = reqwest::get(app.url(&css)).await.unwrap();
    assert_eq!(ours.status(), 200);
    assert_eq!(ours.headers()["content-type"], "text/css; charset=utf-8");
    assert!(
        ours.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let body = ours.text().await.unwrap();
    let plain = reqwest::get(app.url("/static/hearth.css")).await.unwrap();
    assert_eq!(
        plain.text().await.unwrap(),
        body,
        "the plain name serves the same"
    );

    // Another release's stylesheet, kept in the database by its node, is
    // served by a node of this release that never had it.
    let other_release = b"body { color: black }".to_vec();
    let theirs = hearth_app::assets::fingerprint(&other_release);
    let other = app.second_node().await;
    let path = format!("/static/{theirs}/hearth.css");
    let before = reqwest::get(format!("{}{path}", other.base)).await.unwrap();
    assert_eq!(before.status(), 404, "not kept yet");
    hearth_app::assets::keep(
        &app.ctx,
        vec![Asset {
            fingerprint: theirs.clone(),
            name: "hearth.css".into(),
            body: other_release.clone(),
        }],
    )
    .await
    .unwrap();
    let served = reqwest::get(format!("{}{path}", other.base)).await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), other_release);

    for wrong in [
        format!("/static/{theirs}/live.js"),
        format!("/static/{fingerprint}/live.js"),
        "/static/0123456789abcdef/hearth.css".to_owned(),
        "/static/not-hex-at-all!/hearth.css".to_owned(),
        "/static/nothing.css".to_owned(),
    ] {
        let r = reqwest::get(app.url(&wrong)).await.unwrap();
        assert_eq!(r.status(), 404, "{wrong}");
    }
}
both!(assets_are_served_by_fingerprint_from_any_release);
