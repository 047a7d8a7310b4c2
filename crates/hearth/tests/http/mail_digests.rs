//! Digests and sign-in alerts over real SMTP: a member's daily digest goes
//! at their hour in their time zone with what they may see and have not
//! read; a sign-in from a new device is told unless turned off.

use hearth_app::digests::{enqueue_due, next_due};
use hearth_store::{DigestPeriod, MailKind, MailSchedule};
use serde_json::json;

use crate::mail::{mode_of, one_click, well_formed, worker};
use crate::support::app::{PASSWORD, execute_sql, spawn_app_with};
use crate::support::smtp::SmtpSink;
use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::{team, topic};

async fn digests_in_outbox(app: &TestApp) -> usize {
    let mails = app.ctx.store.outbox(None, 1000).await.unwrap();
    mails.iter().filter(|m| m.kind.digest().is_some()).count()
}

async fn a_daily_digest_goes_at_the_members_hour_with_what_they_may_still_read(backend: Backend) {
    let app = spawn_app_with(backend, |app, _| {
        app.mail.base_url = Some("https://hearth.example".into());
    })
    .await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);

    // Bob's digests go at nine in Tokyo; a wrong schedule changes nothing.
    for wrong in [
        json!({"time_zone": "Mars/Olympus", "hour": 9, "weekday": 1}),
        json!({"time_zone": "Asia/Tokyo", "hour": 24, "weekday": 1}),
        json!({"time_zone": "Asia/Tokyo", "hour": 9, "weekday": 0}),
        json!({"time_zone": "Asia/Tokyo\u{0}", "hour": 9, "weekday": 1}),
    ] {
        let (status, body) = bob.put_json("/api/v1/me/mail-schedule", wrong).await;
        assert_eq!(status, 400, "{body}");
    }
    let (_, kept) = bob.get("/api/v1/me/mail-schedule").await;
    assert_eq!(kept, json!({"time_zone": "UTC", "hour": 8, "weekday": 1}));
    let tokyo = json!({"time_zone": "Asia/Tokyo", "hour": 9, "weekday": 1});
    let (status, body) = bob
        .put_json("/api/v1/me/mail-schedule", tokyo.clone())
        .await;
    assert_eq!((status, body), (200, tokyo));

    // New topics where bob follows gather in his daily digest (the default).
    let (_, prefs) = bob.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode_of(&prefs, "new_topic"), "daily");
    let _ = topic(
        ann,
        "crew",
        json!({"title": "Offsite in Lisbon", "body": "Dates?"}),
    )
    .await;
    let read = topic(ann, "crew", json!({"title": "Read already", "body": "x"})).await;
    let gone = topic(ann, "crew", json!({"title": "Withdrawn plan", "body": "x"})).await;
    // Bob reads one on the site; ann deletes another.
    let (_, listed) = bob.get("/api/v1/notifications").await;
    let read_id = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["topic_id"] == read["id"])
        .unwrap()["id"]
        .clone();
    let (status, _) = bob
        .post("/api/v1/notifications/read", json!({"ids": [read_id]}))
        .await;
    assert_eq!(status, 204);
    let (status, _) = ann
        .delete(&format!("/api/v1/topics/{}", gone["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, 204);

    // Nothing goes before nine in Tokyo; at nine, one digest.
    let schedule = MailSchedule {
        time_zone: "Asia/Tokyo".into(),
        hour: 9,
        weekday: 1,
    };
    let due = next_due(app.ctx.now(), &schedule, DigestPeriod::Daily);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0);
    app.clock.advance(due - 1 - app.ctx.now());
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0);
    assert_eq!(digests_in_outbox(&app).await, 0);
    app.clock.advance(1);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 1);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0, "once");
    // A topic written now gathers into the next digest.
    let _ = topic(
        ann,
        "crew",
        json!({"title": "Tomorrow's news", "body": "x"}),
    )
    .await;

    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    let m = sink.wait_for(1).await.remove(0);
    well_formed(&m);
    assert_eq!(m.rcpt_tos, ["bob@example.org"]);
    assert_eq!(
        m.header("Subject"),
        Some("Hearth: what is new for you today")
    );
    let text = m.text();
    assert!(text.contains("Offsite in Lisbon"), "{text}");
    assert!(!text.contains("Read already"), "read on the site: {text}");
    assert!(!text.contains("Withdrawn plan"), "no longer there: {text}");
    assert!(!text.contains("Tomorrow's news"), "{text}");
    m.link("https://hearth.example/t/");
    assert!(m.header("Reply-To").is_none());
    assert!(m.header("In-Reply-To").is_none());

    // The next day's digest holds the topic written meanwhile.
    let next = next_due(app.ctx.now(), &schedule, DigestPeriod::Daily);
    app.clock.advance(next - app.ctx.now());
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 1);
    let first_id = m.header("Message-ID").unwrap().to_owned();
    let second = sink
        .wait_for(2)
        .await
        .into_iter()
        .find(|x| x.header("Message-ID") != Some(first_id.as_str()))
        .unwrap();
    assert!(
        second.text().contains("Tomorrow's news"),
        "{}",
        second.text()
    );
    assert!(!second.text().contains("Offsite in Lisbon"));

    // The digest's one-click link stops every kind gathered into it.
    let link = second.header("List-Unsubscribe").unwrap();
    let path = link
        .trim_matches(['<', '>'])
        .trim_start_matches("https://hearth.example");
    let (status, page) = app.browser().page(path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Stop your daily digest?"), "{page}");
    assert_eq!(one_click(&app, path).await, 200);
    let (_, prefs) = bob.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode_of(&prefs, "new_topic"), "never");
    assert_eq!(
        mode_of(&prefs, "mention"),
        "immediately",
        "only what the digest gathered"
    );
    let _ = topic(ann, "crew", json!({"title": "Unheard", "body": "x"})).await;
    app.clock.advance(2 * 86_400_000);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0, "nothing gathers");
}
both!(a_daily_digest_goes_at_the_members_hour_with_what_they_may_still_read);

async fn a_digest_of_nothing_left_to_tell_is_not_sent(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let (status, _) = bob
        .put_json(
            "/api/v1/me/mail-preferences",
            json!({"new_topic": "weekly"}),
        )
        .await;
    assert_eq!(status, 200);
    let _ = topic(ann, "crew", json!({"title": "Seen", "body": "x"})).await;
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0);
    // Read on the site before the week is out.
    let (status, _) = bob.post("/api/v1/notifications/read", json!({})).await;
    assert_eq!(status, 204);
    app.clock.advance(8 * 86_400_000);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 1);
    let mails = app.ctx.store.outbox(None, 10).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].kind, MailKind::WeeklyDigest);

    let sink = SmtpSink::start();
    let smtp = hearth_app::outbox::Smtp::new(&sink.url, None).unwrap();
    let round = hearth_app::outbox::deliver_due(&app.ctx, &smtp, "w")
        .await
        .unwrap();
    assert_eq!((round.claimed, round.skipped), (1, 1), "{round:?}");
    assert!(sink.received().is_empty());
    let mails = app.ctx.store.outbox(None, 10).await.unwrap();
    assert!(
        mails[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("nothing in it is unread"),
        "{mails:?}"
    );
}
both!(a_digest_of_nothing_left_to_tell_is_not_sent);

async fn a_sign_in_from_a_new_device_is_mailed_unless_turned_off(backend: Backend) {
    let app = spawn_app(backend).await;
    let ann = app.create_user("ann", false).await;
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    let alerts = |app: &TestApp| {
        let store = app.ctx.store.clone();
        async move {
            let mails = store.outbox(None, 100).await.unwrap();
            mails
                .iter()
                .filter(|m| m.kind == MailKind::NewSignIn)
                .count()
        }
    };

    // The first device tells nobody; the same one again neither.
    let first = app.signed_in("ann").await;
    assert_eq!(alerts(&app).await, 0);
    let csrf = first.csrf_from("/account").await;
    let out = first.post_form("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), 303);
    let again = first.sign_in("ann", PASSWORD).await;
    assert_eq!(again.status(), 303);
    assert_eq!(alerts(&app).await, 0);

    // Another browser is a new device.
    let _second = app.signed_in("ann").await;
    assert_eq!(alerts(&app).await, 1);
    let m = sink.wait_for(1).await.remove(0);
    well_formed(&m);
    assert_eq!(m.rcpt_tos, ["ann@example.org"]);
    assert_eq!(
        m.header("Subject"),
        Some("New sign-in to your Hearth account")
    );
    assert!(
        m.text().contains("From the address: 127.0.0.1"),
        "{}",
        m.text()
    );

    // Turned off: a third device tells nothing; a bad value is refused.
    let token = app.token("ann").await;
    let api = app.api(&token);
    let (status, body) = api
        .put_json(
            "/api/v1/me/mail-preferences",
            json!({"new_sign_in": "daily"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, prefs) = api
        .put_json(
            "/api/v1/me/mail-preferences",
            json!({"new_sign_in": "never"}),
        )
        .await;
    assert_eq!(status, 200, "{prefs}");
    let _third = app.signed_in("ann").await;
    assert_eq!(alerts(&app).await, 1);

    // On again from the page; the fields left out keep their values, and
    // a schedule left as it was is not saved (ann keeps the site's).
    let (status, _) = api
        .put_json("/api/v1/me/mail-preferences", json!({"mention": "weekly"}))
        .await;
    assert_eq!(status, 200);
    let page = app.signed_in("ann").await;
    assert_eq!(alerts(&app).await, 1, "that device is known now");
    let resp = page
        .submit(
            "/account/mail",
            "/account/mail",
            &[("new_sign_in", "immediately")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, prefs) = api.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode_of(&prefs, "mention"), "weekly");
    assert_eq!(app.ctx.store.mail_schedule(ann.id).await.unwrap(), None);
    let _fourth = app.signed_in("ann").await;
    assert_eq!(alerts(&app).await, 2);
    assert_eq!(sink.wait_for(2).await.len(), 2);
}
both!(a_sign_in_from_a_new_device_is_mailed_unless_turned_off);

async fn members_who_chose_no_time_zone_get_digests_in_the_sites(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    app.create_user("ada", true).await;
    let ada = app.api(&app.token("ada").await);
    for wrong in ["Berlin", "", "Europe/Berlin\u{0}"] {
        let (status, body) = ada
            .patch("/api/v1/settings", json!({"time_zone": wrong}))
            .await;
        assert_eq!(status, 400, "{wrong:?}: {body}");
    }
    let (status, body) = bob
        .patch("/api/v1/settings", json!({"time_zone": "Asia/Tokyo"}))
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, settings) = ada
        .patch("/api/v1/settings", json!({"time_zone": "Europe/Berlin"}))
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["time_zone"], "Europe/Berlin");
    let (_, schedule) = bob.get("/api/v1/me/mail-schedule").await;
    assert_eq!(
        schedule,
        json!({"time_zone": "Europe/Berlin", "hour": 8, "weekday": 1})
    );

    let _ = topic(ann, "crew", json!({"title": "Kickoff", "body": "x"})).await;
    let berlin = MailSchedule {
        time_zone: "Europe/Berlin".into(),
        ..MailSchedule::default()
    };
    let due = next_due(app.ctx.now(), &berlin, DigestPeriod::Daily);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0);
    app.clock.advance(due - 1 - app.ctx.now());
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0);
    app.clock.advance(1);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 1);
    assert_eq!(digests_in_outbox(&app).await, 1);
}
both!(members_who_chose_no_time_zone_get_digests_in_the_sites);

async fn notifications_left_gathering_without_a_digest_get_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let _ = topic(&apis[0], "crew", json!({"title": "Late", "body": "x"})).await;
    // As if bob's digest had been enqueued while this notification was
    // not yet committed: it gathers with no digest to go in.
    execute_sql(&app.storage, "DELETE FROM mail_digests").await;
    assert_eq!(app.ctx.store.sweep_gathering(100).await.unwrap(), 1);
    assert_eq!(app.ctx.store.sweep_gathering(100).await.unwrap(), 0);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 0);
    app.clock.advance(2 * 86_400_000);
    assert_eq!(enqueue_due(&app.ctx).await.unwrap(), 1);
    assert_eq!(digests_in_outbox(&app).await, 1);
}
both!(notifications_left_gathering_without_a_digest_get_one);
