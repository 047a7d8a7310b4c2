//! People: the directory, profiles people keep themselves, administrators'
//! changes (audited) and pictures; and names that read as they are written.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::admin_api::items;
use crate::support::app::Api;
use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::team;

/// A PNG picture of one colour.
fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_pixel(width, height, image::Rgb(rgb));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&picture, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn usernames(list: &Value) -> Vec<&str> {
    items(list)
        .iter()
        .map(|p| p["username"].as_str().unwrap())
        .collect()
}

async fn named(app: &TestApp, username: &str, display_name: &str) -> Api {
    app.create_user(username, false).await;
    let api = app.api(&app.token(username).await);
    let (status, body) = api
        .patch("/api/v1/me", json!({"display_name": display_name}))
        .await;
    assert_eq!(status, 200, "{body}");
    api
}

async fn members_keep_their_profiles_and_others_see_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = named(&app, "ana", "Ana Lima").await;
    let bob = named(&app, "bob", "Bob Stone").await;
    let (status, me) = ana
        .patch(
            "/api/v1/me",
            json!({"title": "Site reliability engineer", "department": "Platform",
                   "location": "Lisboa", "about": "I keep **kubernetes** running <script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["email"], "ana@example.org", "one sees one's own address");

    let (status, profile) = bob.get("/api/v1/users/ana").await;
    assert_eq!(status, 200);
    let user = &profile["user"];
    assert_eq!(user["display_name"], "Ana Lima");
    assert_eq!(user["title"], "Site reliability engineer");
    assert_eq!(user["department"], "Platform");
    assert_eq!(user["location"], "Lisboa");
    let about = user["about_html"].as_str().unwrap();
    assert!(about.contains("<strong>kubernetes</strong>"), "{about}");
    assert!(!about.contains("<script"), "{about}");
    assert!(user.get("email").is_none(), "hidden unless shown: {user}");
    assert!(user["avatar_small_url"].is_null());

    let (status, _) = ana.patch("/api/v1/me", json!({"show_email": true})).await;
    assert_eq!(status, 200);
    let (_, profile) = bob.get("/api/v1/users/ana").await;
    assert_eq!(profile["user"]["email"], "ana@example.org");
    assert_eq!(
        profile["user"]["title"], "Site reliability engineer",
        "absent fields stay"
    );

    let (_, html) = app.signed_in("bob").await.page("/u/ana").await;
    for shown in [
        "Site reliability engineer",
        "Platform",
        "Lisboa",
        "<strong>kubernetes</strong>",
        "mailto:ana@example.org",
    ] {
        assert!(html.contains(shown), "{shown} on the profile page");
    }
    assert!(!html.contains("/u/ana/edit"), "only she and admins edit it");

    // Refused input changes nothing, not even the fields that were fine.
    for (body, field) in [
        (
            json!({"display_name": "Ana", "title": "x".repeat(101)}),
            "title",
        ),
        (json!({"display_name": "Ana\u{202E}mil"}), "display_name"),
        (json!({"location": "a\u{2028}b"}), "location"),
        (json!({"about": "y".repeat(5001)}), "about"),
        (json!({"display_name": ""}), "display_name"),
    ] {
        let (status, answer) = ana.patch("/api/v1/me", body).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], field, "{answer}");
    }
    let (status, answer) = ana.patch("/api/v1/me", json!({"nickname": "x"})).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = ana
        .patch("/api/v1/me", json!({"email": "ana@elsewhere.example"}))
        .await;
    assert_eq!(
        status, 403,
        "members do not change their address yet: {answer}"
    );
    let (status, _) = bob
        .patch("/api/v1/users/ana", json!({"title": "Intern"}))
        .await;
    assert_eq!(status, 403);
    let (_, me) = ana.get("/api/v1/me").await;
    assert_eq!(me["display_name"], "Ana Lima");
    assert_eq!(me["title"], "Site reliability engineer");
    assert_eq!(me["email"], "ana@example.org");

    // The profile is found: by the directory and by search.
    let (_, found) = bob.get("/api/v1/users?q=reliab").await;
    assert_eq!(usernames(&found), ["ana"]);
    let (_, found) = bob.get("/api/v1/search?q=kubernetes").await;
    let people: Vec<&str> = found["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["username"].as_str().unwrap())
        .collect();
    assert_eq!(people, ["ana"]);
}
both!(members_keep_their_profiles_and_others_see_them);

async fn the_profile_form_saves_and_shows_refusals(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("cy", false).await;
    let b = app.signed_in("cy").await;
    let (status, html) = b.page("/u/cy/edit").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("name=\"email\""),
        "members see their address only"
    );
    let fields = [
        ("display_name", "Cy Young"),
        ("title", "Designer"),
        ("department", "Product"),
        ("location", "Berlin"),
        ("about", "Typefaces and _grids_."),
        ("show_email", "on"),
    ];
    let r = b.submit("/u/cy/edit", "/u/cy/edit", &fields).await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.page("/u/cy").await;
    assert!(html.contains("Cy Young") && html.contains("<em>grids</em>"));
    assert!(
        html.contains("/u/cy/edit"),
        "her own profile links the form"
    );

    let r = b
        .submit(
            "/u/cy/edit",
            "/u/cy/edit",
            &[("display_name", "Cy\u{200B}Young"), ("title", "Boss")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("invisible"), "{html}");
    assert!(html.contains("value=\"Boss\""), "what was typed stays");
    let (_, html) = b.page("/u/cy").await;
    assert!(html.contains("Designer") && !html.contains("Boss"));

    let r = b
        .post_form("/u/cy/edit", &[("display_name", "No token")])
        .await;
    assert_eq!(r.status(), 403, "no CSRF token");
    app.create_user("dee", false).await;
    let (status, _) = app.signed_in("dee").await.page("/u/cy/edit").await;
    assert_eq!(status, 403, "not hers to edit");
}
both!(the_profile_form_saves_and_shows_refusals);

async fn administrators_change_anyones_profile_and_it_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("rex", true).await;
    app.create_user("eve", false).await;
    app.create_user("fay", false).await;
    let root = app.api(&app.token("rex").await);
    let (status, eve) = root
        .patch(
            "/api/v1/users/eve",
            json!({"display_name": "Eve Adams", "email": "eve.adams@example.org",
                   "title": "Accountant"}),
        )
        .await;
    assert_eq!(status, 200, "{eve}");
    assert_eq!(eve["display_name"], "Eve Adams");
    assert_eq!(eve["email"], "eve.adams@example.org");
    let (_, profile) = root.get("/api/v1/users/eve").await;
    assert_eq!(profile["user"]["title"], "Accountant");
    let (_, blog) = root.get("/api/v1/spaces/~eve").await;
    assert_eq!(
        blog["name"], "Eve Adams",
        "the personal space follows the name"
    );

    let (_, audit) = root.get("/api/v1/audit").await;
    let event = items(&audit)
        .iter()
        .find(|e| e["action"] == "user.profile")
        .expect("an audit event");
    assert_eq!(event["before"], "eve Tester <eve@example.org>");
    assert_eq!(event["after"], "Eve Adams <eve.adams@example.org>");

    // A taken address is a conflict, and nothing of the change is written.
    let (status, answer) = root
        .patch(
            "/api/v1/users/eve",
            json!({"email": "fay@example.org", "title": "CFO"}),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    let (_, profile) = root.get("/api/v1/users/eve").await;
    assert_eq!(profile["user"]["title"], "Accountant");
    // Signing in with the new address works, the old one does not.
    let r = app
        .browser()
        .sign_in("eve.adams@example.org", crate::support::app::PASSWORD)
        .await;
    assert_eq!(r.status(), 303);
    // Her own changes are not audited.
    let eve = app.api(&app.token("eve").await);
    let (status, _) = eve.patch("/api/v1/me", json!({"title": "CFO"})).await;
    assert_eq!(status, 200);
    let (_, audit) = root.get("/api/v1/audit").await;
    let profile_events = items(&audit)
        .iter()
        .filter(|e| e["action"] == "user.profile")
        .count();
    assert_eq!(profile_events, 1);
}
both!(administrators_change_anyones_profile_and_it_is_audited);

async fn the_directory_lists_active_members_by_name_for_members_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("amy", true).await;
    let admin = app.api(&app.token("amy").await);
    for (u, name) in [
        ("zed", "Ana Zed"),
        ("yu", "bea Yu"),
        ("xo", "Carl Xo"),
        ("wim", "Dana Wim"),
        ("vic", "Émile Vic"),
    ] {
        named(&app, u, name).await;
    }
    let zed = app.api(&app.token("zed").await);
    let (status, _) = admin
        .patch("/api/v1/users/wim", json!({"status": "locked"}))
        .await;
    assert_eq!(status, 200);

    let r = reqwest::get(app.url("/api/v1/users")).await.unwrap();
    assert_eq!(r.status(), 401, "the directory is for members");
    let (status, _) = app.browser().page("/people").await;
    assert!(status == 303 || status == 401, "{status}");

    // In the order of names, case aside; locked accounts only for admins.
    let (status, all) = zed.get("/api/v1/users?limit=2").await;
    assert_eq!(status, 200, "{all}");
    let mut seen = usernames(&all)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut next = all["next"].as_str().map(str::to_owned);
    while let Some(after) = next {
        let (_, page) = zed
            .get(&format!("/api/v1/users?limit=2&after={after}"))
            .await;
        seen.extend(usernames(&page).into_iter().map(str::to_owned));
        next = page["next"].as_str().map(str::to_owned);
    }
    assert_eq!(seen[..4], ["amy", "zed", "yu", "xo"], "{seen:?}");
    assert!(seen.contains(&"vic".to_owned()) && !seen.contains(&"wim".to_owned()));
    let (_, page) = zed.get("/api/v1/users?limit=100").await;
    for p in items(&page) {
        let own = p["username"] == "zed";
        assert_eq!(p.get("email").is_some(), own, "only one's own address: {p}");
    }
    let (_, everyone) = admin.get("/api/v1/users?limit=100").await;
    assert!(usernames(&everyone).contains(&"wim"));
    assert!(items(&everyone).iter().all(|p| p["email"].is_string()));

    // Words begin words: of names, accents aside.
    let (_, found) = zed.get("/api/v1/users?q=emile").await;
    assert_eq!(usernames(&found), ["vic"]);
    let (_, found) = zed.get("/api/v1/users?q=an").await;
    assert_eq!(usernames(&found), ["zed"], "Ana, not Dana");
    let (_, found) = zed.get("/api/v1/users?q=%25").await;
    assert!(
        items(&found).len() >= 4,
        "a wildcard is no filter of its own"
    );
    let (status, answer) = zed
        .get(&format!("/api/v1/users?q={}", "a".repeat(501)))
        .await;
    assert_eq!(status, 400, "{answer}");
    let (status, _) = zed.get("/api/v1/users?after=x").await;
    assert_eq!(status, 400);

    // A space's members, where the reader may see the space.
    let owners = team(&app, "own", &["una"], "den", "secret").await;
    let (_, members) = owners[0].get("/api/v1/users?space=den").await;
    assert_eq!(usernames(&members), ["own", "una"]);
    let (status, _) = zed.get("/api/v1/users?space=den").await;
    assert_eq!(status, 404, "a secret space is not known to others");

    // The page: cards, a search, paging.
    let b = app.signed_in("zed").await;
    let (status, html) = b.page("/people?q=carl").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Carl Xo") && !html.contains("bea Yu"),
        "{html}"
    );
    let (status, html) = b.page("/people?space=den").await;
    assert_eq!(status, 404, "{html}");
    let (status, _) = b.page("/people?after=nope").await;
    assert_eq!(status, 400);
}
both!(the_directory_lists_active_members_by_name_for_members_only);

async fn pictures_are_scaled_served_and_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("gil", false).await;
    app.create_user("hal", false).await;
    app.create_user("boss", true).await;
    let gil = app.api(&app.token("gil").await);
    let hal = app.api(&app.token("hal").await);
    let (status, me) = gil
        .put_raw(
            "/api/v1/me/avatar",
            "image/png",
            png(300, 200, [200, 20, 20]),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    let small = me["avatar_small_url"].as_str().unwrap().to_owned();
    let large = me["avatar_large_url"].as_str().unwrap().to_owned();
    for (url, side) in [(&small, 96), (&large, 320)] {
        let (status, content_type, bytes) = hal.get_bytes(url).await;
        assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
        let picture = image::load_from_memory(&bytes).unwrap();
        assert_eq!((picture.width(), picture.height()), (side, side));
    }
    let (_, html) = app.signed_in("hal").await.page("/u/gil").await;
    assert!(html.contains(&large.replace('&', "&amp;")), "{html}");
    let (_, html) = app.signed_in("hal").await.page("/people?q=gil").await;
    assert!(html.contains(&small.replace('&', "&amp;")), "{html}");

    // What is not a picture, or too large, is refused and changes nothing.
    for (body, status) in [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), 400),
        (b"GIF89a".to_vec(), 400),
        (png(4, 4, [0; 3])[..30].to_vec(), 400),
        (vec![0; 5 * 1024 * 1024 + 100 * 1024], 413),
    ] {
        let (got, answer) = gil.put_raw("/api/v1/me/avatar", "image/png", body).await;
        assert_eq!(got, status, "{answer}");
    }
    let (_, me) = gil.get("/api/v1/me").await;
    assert_eq!(me["avatar_large_url"].as_str(), Some(large.as_str()));

    // A new picture replaces the old files; removing it leaves no file.
    let (_, me) = gil
        .put_raw("/api/v1/me/avatar", "image/png", png(50, 50, [20, 20, 200]))
        .await;
    assert_ne!(me["avatar_large_url"].as_str(), Some(large.as_str()));
    assert_eq!(app.count("SELECT count(*) FROM blobs").await, 2);
    let (status, me) = gil.delete("/api/v1/me/avatar").await;
    assert_eq!(status, 200);
    assert!(me["avatar_small_url"].is_null());
    assert_eq!(app.count("SELECT count(*) FROM blobs").await, 0);
    let (status, _, _) = hal.get_bytes("/u/gil/avatar/small").await;
    assert_eq!(status, 404);
    let (status, _, _) = hal.get_bytes("/u/gil/avatar/huge").await;
    assert_eq!(status, 404);

    // Only administrators set someone else's, and that is audited.
    let (status, _) = hal
        .put_raw(
            "/api/v1/users/gil/avatar",
            "image/png",
            png(8, 8, [1, 2, 3]),
        )
        .await;
    assert_eq!(status, 403);
    let boss = app.api(&app.token("boss").await);
    let (status, _) = boss
        .put_raw(
            "/api/v1/users/gil/avatar",
            "image/png",
            png(8, 8, [1, 2, 3]),
        )
        .await;
    assert_eq!(status, 200);
    let (_, audit) = boss.get("/api/v1/audit").await;
    assert!(items(&audit).iter().any(|e| e["action"] == "user.avatar"));

    // The form uploads with its CSRF token, and not without.
    let b = app.signed_in("hal").await;
    let csrf = b.csrf_from("/u/hal/edit").await;
    let form = Form::new().text("csrf", csrf).part(
        "avatar",
        Part::bytes(png(64, 64, [9, 9, 9])).file_name("me.png"),
    );
    let r = b
        .client
        .post(b.url("/u/hal/avatar"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, me) = hal.get("/api/v1/me").await;
    assert!(me["avatar_small_url"].is_string());
    let form = Form::new().part("avatar", Part::bytes(png(8, 8, [0; 3])).file_name("x.png"));
    let r = b
        .client
        .post(b.url("/u/hal/avatar"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let csrf = b.csrf_from("/u/hal/edit").await;
    let form = Form::new().text("csrf", csrf).part(
        "avatar",
        Part::bytes(b"not a picture".to_vec()).file_name("x.png"),
    );
    let r = b
        .client
        .post(b.url("/u/hal/avatar"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("PNG, JPEG or WebP"));
}
both!(pictures_are_scaled_served_and_removed);

async fn names_and_titles_refuse_direction_overrides_and_invisible_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = team(&app, "ivy", &[], "yard", "public").await.remove(0);
    for name in ["Yard\u{202E}dray", "Ya\u{2029}rd", "\u{200B}Yard"] {
        let (status, answer) = owner
            .post("/api/v1/spaces", json!({"slug": "yard2", "name": name}))
            .await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], "name");
        let (status, answer) = owner
            .post(
                "/api/v1/spaces/yard/topics",
                json!({"title": format!("Invoice {name}"), "body": "b"}),
            )
            .await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], "title");
    }
    let (status, answer) = owner
        .post(
            "/api/v1/spaces/yard/topics",
            json!({"title": "Ship it 👩\u{200D}💻", "body": "b"}),
        )
        .await;
    assert_eq!(status, 201, "a joiner inside an emoji is kept: {answer}");
    assert_eq!(
        app.count("SELECT count(*) FROM spaces WHERE slug = 'yard2'")
            .await,
        0
    );
}
both!(names_and_titles_refuse_direction_overrides_and_invisible_characters);

async fn an_image_in_a_profile_is_shown_to_whoever_sees_the_profile(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = named(&app, "ana", "Ana Lima").await;
    let bob = named(&app, "bob", "Bob Stone").await;
    let (status, file) = ana
        .post_raw(
            "/api/v1/spaces/~ana/attachments?filename=me.png",
            "application/octet-stream",
            png(8, 8, [10, 120, 200]),
        )
        .await;
    assert_eq!(status, 201, "{file}");
    let url = file["url"].as_str().unwrap();
    let (status, _, _) = bob.get_bytes(url).await;
    assert_eq!(status, 404, "its uploader's alone until a profile links it");

    // Someone else linking it in their own profile does not publish it.
    let markdown = file["markdown"].as_str().unwrap();
    let (status, _) = bob
        .patch("/api/v1/me", json!({"about": format!("Look: {markdown}")}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(bob.get_bytes(url).await.0, 404);

    let (status, me) = ana
        .patch("/api/v1/me", json!({"about": format!("Hello. {markdown}")}))
        .await;
    assert_eq!(status, 200, "{me}");
    assert!(me["about_html"].as_str().unwrap().contains(url), "{me}");
    let (status, kind, bytes) = bob.get_bytes(url).await;
    assert_eq!(status, 200);
    assert_eq!(kind, "image/png");
    assert_eq!(bytes, png(8, 8, [10, 120, 200]));
}
both!(an_image_in_a_profile_is_shown_to_whoever_sees_the_profile);
