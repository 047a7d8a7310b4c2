//! Notification mail over real SMTP: each arriving with both parts and
//! the right headers, never to someone who may not see what it tells of;
//! members' choices and one-click unsubscribing; replies by mail.

use hearth_app::outbox::{self, Smtp};
use hearth_store::{MailMode, NotificationKind};
use serde_json::json;
use tokio::sync::watch;

use crate::support::app::spawn_app_with;
use crate::support::smtp::{Received, SmtpSink};
use crate::support::{Backend, TestApp, both, spawn_app};
use crate::topics::{reply, team, topic};

/// The outbox worker of a test node, delivering to `sink` until dropped.
pub(crate) struct Worker {
    stop: watch::Sender<bool>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

pub(crate) fn worker(app: &TestApp, sink: &SmtpSink) -> Worker {
    let smtp = Smtp::new(&sink.url, None).expect("the sink's URL");
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(outbox::run(
        app.ctx.clone(),
        smtp,
        "test-worker".into(),
        stopped,
    ));
    Worker { stop }
}

/// Checks what every mail of Hearth carries.
pub(crate) fn well_formed(m: &Received) {
    assert_eq!(m.content_type, "multipart/alternative", "{m:?}");
    assert_eq!(m.mail_from, "hearth@localhost");
    assert!(m.text.is_some() && m.html.is_some(), "both parts: {m:?}");
    assert_eq!(m.header("Auto-Submitted"), Some("auto-generated"));
    let id = m.header("Message-ID").expect("a Message-ID");
    assert!(
        id.starts_with("<hearth.") && id.ends_with("@localhost>"),
        "{id}"
    );
    assert_eq!(m.header_count("Subject"), 1);
    assert_eq!(m.header_count("To"), 1);
    assert!(
        !m.html.as_deref().unwrap_or("").contains("<img"),
        "no tracking pixel"
    );
}

/// Waits until the worker has recorded `sent` mails as sent: the SMTP
/// server takes a mail before the outbox records it (failing after a
/// minute).
pub(crate) async fn recorded(app: &TestApp, sent: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let counts = app.ctx.store.mail_counts().await.unwrap();
        if counts.sent >= sent {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{counts:?}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

pub(crate) async fn outbox_of(
    app: &TestApp,
) -> (hearth_store::MailCounts, Vec<hearth_store::OutboxMail>) {
    let counts = app.ctx.store.mail_counts().await.unwrap();
    (counts, app.ctx.store.outbox(None, 1000).await.unwrap())
}

async fn replies_and_mentions_are_mailed_to_those_who_may_read_them(backend: Backend) {
    let app = spawn_app_with(backend, |app, _| {
        app.mail.base_url = Some("https://hearth.example".into());
    })
    .await;
    let apis = team(&app, "ann", &["bob", "cy"], "crew", "private").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    app.create_user("dee", false).await;
    let t = topic(
        ann,
        "crew",
        json!({"title": "Quarterly plan", "body": "Draft **one**."}),
    )
    .await;
    // Cy wants no mail for mentions.
    let cy = app
        .ctx
        .store
        .user_by_username(&hearth_core::names::Username::parse("cy").unwrap())
        .await
        .unwrap()
        .unwrap();
    app.ctx
        .store
        .set_mail_preferences(cy.id, vec![(NotificationKind::Mention, MailMode::Never)])
        .await
        .unwrap();
    let from_cy = reply(&apis[2], &t, "My *thoughts*.", None).await;
    let _ = reply(bob, &t, "Agreed with @cy; cc @dee <b>hi</b>", None).await;
    let _ = reply(bob, &t, "Thanks, cy.", Some(&from_cy)).await;

    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    // Ann: each reply to her topic; cy: bob's reply to cy's reply (not the
    // mention, by cy's choice). Dee may not read the private space: told
    // nothing.
    let got = sink.wait_for(4).await;
    let ann_mails = sink.to("ann@example.org");
    assert_eq!(ann_mails.len(), 3, "{got:?}");
    let cy_mails = sink.to("cy@example.org");
    assert_eq!(cy_mails.len(), 1, "{got:?}");
    assert!(
        cy_mails[0]
            .text()
            .contains("bob Tester replied to you in Quarterly plan.")
    );
    assert!(sink.to("dee@example.org").is_empty());
    let thread = format!("<hearth.topic.{}@localhost>", t["id"].as_str().unwrap());
    for m in &got {
        well_formed(m);
        assert_eq!(m.header("Subject"), Some("Re: Quarterly plan"));
        assert_eq!(m.header("In-Reply-To"), Some(thread.as_str()));
        assert_eq!(m.header("References"), Some(thread.as_str()));
        m.link("https://hearth.example/r/");
    }
    let with_markup = ann_mails
        .iter()
        .find(|m| m.text().contains("cc @dee <b>hi</b>"))
        .expect("the reply's words in the text part");
    assert!(
        with_markup
            .text()
            .contains("bob Tester replied to your topic Quarterly plan.")
    );
    let html = with_markup.html.as_deref().unwrap();
    assert!(
        !html.contains("<b>hi"),
        "what people write is escaped: {html}"
    );
    let ids: std::collections::HashSet<_> = got
        .iter()
        .map(|m| m.header("Message-ID").unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4, "each mail its own Message-ID");
    recorded(&app, 4).await;
    let (counts, _) = outbox_of(&app).await;
    assert_eq!((counts.sent, counts.resent), (4, 0));
}
both!(replies_and_mentions_are_mailed_to_those_who_may_read_them);

async fn mail_read_on_the_site_or_no_longer_visible_is_not_sent(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "ann", &["bob"], "crew", "private").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let t = topic(ann, "crew", json!({"title": "Budget", "body": "Numbers."})).await;
    let _ = reply(bob, &t, "First.", None).await;
    // Ann reads it on the site before any mail goes.
    let (status, _) = ann.post("/api/v1/notifications/read", json!({})).await;
    assert_eq!(status, 204);
    // Bob mentions cy, a member who then leaves the space.
    app.create_user("cy", false).await;
    let (status, _) = ann
        .post("/api/v1/spaces/crew/members", json!({"username": "cy"}))
        .await;
    assert_eq!(status, 201);
    let _ = reply(bob, &t, "@cy have a look", None).await;
    let (status, _) = ann.delete("/api/v1/spaces/crew/members/cy").await;
    assert_eq!(status, 204);
    // Ann's notifications after she read hers are unread: those go.
    let _ = reply(bob, &t, "Second.", None).await;

    let sink = SmtpSink::start();
    let smtp = Smtp::new(&sink.url, None).unwrap();
    let round = outbox::deliver_due(&app.ctx, &smtp, "w").await.unwrap();
    assert_eq!(
        (round.claimed, round.sent, round.skipped),
        (4, 2, 2),
        "{round:?}"
    );
    let got = sink.to("ann@example.org");
    assert_eq!(got.len(), 2);
    assert!(got.iter().any(|m| m.text().contains("@cy have a look")));
    assert!(got.iter().any(|m| m.text().contains("Second.")));
    assert!(!got.iter().any(|m| m.text().contains("First.")));
    assert!(sink.to("cy@example.org").is_empty());
    let (counts, mails) = outbox_of(&app).await;
    assert_eq!(counts.skipped, 2);
    let reasons: Vec<_> = mails.iter().filter_map(|m| m.last_error.clone()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("read it on the site")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("may no longer see")),
        "{reasons:?}"
    );
}
both!(mail_read_on_the_site_or_no_longer_visible_is_not_sent);

async fn names_and_titles_never_make_headers_of_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let apis = team(&app, "zoe", &["yann"], "crew", "private").await;
    // An encoded word that decodes to a header line, and letters beyond
    // ASCII: both stay inside the display name.
    let tricky = "Zoë =?utf-8?q?x=0D=0ABcc:_spy@evil.example?=";
    let (status, body) = apis[0]
        .patch("/api/v1/me", json!({"display_name": tricky}))
        .await;
    assert_eq!(status, 200, "{body}");
    let t = topic(
        &apis[0],
        "crew",
        json!({"title": "Résumé =?utf-8?b?QmNjOiBzcHlAZXZpbC5leGFtcGxl?=", "body": "x"}),
    )
    .await;
    let _ = reply(&apis[1], &t, "Seen.", None).await;
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    well_formed(m);
    assert_eq!(m.rcpt_tos, ["zoe@example.org"]);
    for line in m.raw_headers.lines() {
        assert!(
            !line.to_ascii_lowercase().starts_with("bcc"),
            "{}",
            m.raw_headers
        );
    }
    let to = m.header("To").unwrap();
    assert!(
        to.contains("Zoë") && to.ends_with("<zoe@example.org>"),
        "{to}"
    );
    assert!(m.header("Subject").unwrap().starts_with("Re: Résumé"));
}
both!(names_and_titles_never_make_headers_of_their_own);

/// The mode of `kind` in an answer of `/api/v1/me/mail-preferences`.
pub(crate) fn mode_of(prefs: &serde_json::Value, kind: &str) -> String {
    prefs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == kind)
        .map(|p| p["mode"].as_str().unwrap().to_owned())
        .unwrap()
}

/// Follows an unsubscribe link as a mail client does (RFC 8058): one
/// POST, no cookie.
pub(crate) async fn one_click(app: &TestApp, path: &str) -> u16 {
    reqwest::Client::new()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn members_choose_their_mail_and_unsubscribe_in_one_click(backend: Backend) {
    let app = spawn_app_with(backend, |app, _| {
        app.mail.base_url = Some("https://hearth.example".into());
    })
    .await;
    let apis = team(&app, "ann", &["bob"], "crew", "public").await;
    let (ann, bob) = (&apis[0], &apis[1]);

    // The API: every kind with its default, then a change.
    let (status, prefs) = ann.get("/api/v1/me/mail-preferences").await;
    assert_eq!(status, 200, "{prefs}");
    let mode = mode_of;
    assert_eq!(
        prefs["items"].as_array().unwrap().len(),
        NotificationKind::ALL.len() + 1,
        "every kind, and sign-ins from new devices"
    );
    assert_eq!(mode(&prefs, "mention"), "immediately");
    assert_eq!(mode(&prefs, "new_topic"), "daily");
    assert_eq!(mode(&prefs, "liked"), "never");
    assert_eq!(mode(&prefs, "new_sign_in"), "immediately");
    let (status, body) = ann
        .put_json(
            "/api/v1/me/mail-preferences",
            json!({"new_topic": "immediately", "mention": "sometimes"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (_, prefs) = ann.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode(&prefs, "new_topic"), "daily", "nothing changed");
    let (status, prefs) = ann
        .put_json(
            "/api/v1/me/mail-preferences",
            json!({"new_topic": "immediately"}),
        )
        .await;
    assert_eq!(status, 200, "{prefs}");
    assert_eq!(mode(&prefs, "new_topic"), "immediately");

    // The page: a mode for each kind, and when digests go.
    let page = app.signed_in("bob").await;
    let (status, html) = page.page("/account/mail").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<option value=\"Europe/Berlin\">"),
        "time zones offered"
    );
    let resp = page
        .submit(
            "/account/mail",
            "/account/mail",
            &[
                ("mention", "immediately"),
                ("reply_to_topic", "never"),
                ("accepted", "weekly"),
                ("time_zone", "Europe/Berlin"),
                ("hour", "7"),
                ("weekday", "5"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (status, bob_prefs) = bob.get("/api/v1/me/mail-preferences").await;
    assert_eq!(status, 200);
    assert_eq!(mode(&bob_prefs, "mention"), "immediately");
    assert_eq!(mode(&bob_prefs, "reply_to_topic"), "never");
    assert_eq!(mode(&bob_prefs, "accepted"), "weekly");
    assert_eq!(mode(&bob_prefs, "new_sign_in"), "never", "its box unticked");
    let (_, schedule) = bob.get("/api/v1/me/mail-schedule").await;
    assert_eq!(
        schedule,
        json!({"time_zone": "Europe/Berlin", "hour": 7, "weekday": 5})
    );
    // A time zone that is none is refused on the page, and nothing changes.
    let resp = page
        .submit(
            "/account/mail",
            "/account/mail",
            &[("mention", "never"), ("time_zone", "Berlin")],
        )
        .await;
    assert_eq!(resp.status(), 400);
    let body = resp.text().await.unwrap();
    assert!(body.contains("is not a time zone"), "{body}");
    let (_, bob_prefs) = bob.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode(&bob_prefs, "mention"), "immediately");

    let t = topic(ann, "crew", json!({"title": "Offsite", "body": "Where?"})).await;
    let _ = reply(bob, &t, "Lisbon.", None).await;
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    let m = sink.wait_for(1).await.remove(0);
    well_formed(&m);
    assert_eq!(m.rcpt_tos, ["ann@example.org"]);
    assert_eq!(
        m.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    let link = m.header("List-Unsubscribe").unwrap();
    let link = link.trim_matches(['<', '>']);
    assert!(
        link.starts_with("https://hearth.example/mail/unsubscribe?t="),
        "{link}"
    );
    assert!(m.text().contains(link), "the link in the text too");
    let path = link.trim_start_matches("https://hearth.example");

    // Opening the link changes nothing; a forged one is refused.
    let (status, page) = app.browser().page(path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Stop mail of replies to your topics?"),
        "{page}"
    );
    let forged = path
        .replace("t=", "t=1")
        .replace(&format!(".{}", "reply_to_topic"), ".mention");
    let (status, _) = app.browser().page(&forged).await;
    assert_eq!(status, 400);
    let (_, prefs) = ann.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode(&prefs, "reply_to_topic"), "immediately");

    assert_eq!(one_click(&app, path).await, 200);
    let (_, prefs) = ann.get("/api/v1/me/mail-preferences").await;
    assert_eq!(mode(&prefs, "reply_to_topic"), "never");
    assert_eq!(mode(&prefs, "new_topic"), "immediately", "only that kind");
    assert_eq!(one_click(&app, &forged).await, 400);
}
both!(members_choose_their_mail_and_unsubscribe_in_one_click);

/// Runs `hearth mail-in` on `mail`: its exit status and what it said.
fn mail_in(app: &TestApp, mail: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = crate::cli::hearth()
        .arg("mail-in")
        .args(crate::cli::storage_args(&app.storage))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(mail.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), said)
}

fn reply_mail(from: &str, to: &str, message_id: &str, body: &str) -> String {
    format!(
        "From: Someone <{from}>\r\nTo: {to}\r\nSubject: Re: Offsite\r\nMessage-ID: <{message_id}>\r\n\
         Date: Thu, 3 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
}

async fn replies_by_mail_are_posted_once_and_forged_ones_never(backend: Backend) {
    let app = spawn_app(backend).await;
    // `hearth mail-in` runs on the real clock: so do the mails it answers.
    use hearth_app::Clock;
    app.clock
        .advance(hearth_app::SystemClock.now_ms() - crate::support::app::T0);
    let apis = team(&app, "ann", &["bob"], "crew", "private").await;
    let (ann, bob) = (&apis[0], &apis[1]);
    let t = topic(ann, "crew", json!({"title": "Offsite", "body": "Where?"})).await;
    let topic_id = hearth_core::ids::TopicId(t["id"].as_str().unwrap().parse().unwrap());
    let _ = reply(bob, &t, "Lisbon?", None).await;
    let _ = reply(ann, &t, "Good idea @bob", None).await;
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    sink.wait_for(2).await;
    let to_ann = sink.to("ann@example.org").remove(0);
    let address = |m: &Received| {
        let reply_to = m.header("Reply-To").expect("a Reply-To");
        let at = reply_to.find("<reply+").unwrap();
        reply_to[at + 1..reply_to.len() - 1].to_owned()
    };
    let ann_address = address(&to_ann);
    assert!(ann_address.ends_with("@localhost"), "{ann_address}");
    assert!(to_ann.text().contains("Reply to this mail"));
    let bob_address = address(&sink.to("bob@example.org").remove(0));
    assert_ne!(ann_address, bob_address, "each member their own address");

    let replies = || async { app.ctx.store.replies(topic_id, 0, 100, None).await.unwrap() };
    let before = replies().await.len();
    let answer = reply_mail(
        "ann@example.org",
        &ann_address,
        "r1@client.example",
        "Lisbon it is.\r\n\r\nOn Thu, Bob wrote:\r\n> Lisbon?\r\n",
    );
    let (status, said) = mail_in(&app, &answer);
    assert_eq!(status, 0, "{said}");
    let now = replies().await;
    assert_eq!(now.len(), before + 1);
    let posted = now.last().unwrap();
    assert_eq!(posted.author.username.as_str(), "ann");
    assert_eq!(posted.body_md, "Lisbon it is.");

    // The same mail again: refused, not posted twice.
    let (status, said) = mail_in(&app, &answer);
    assert_eq!(status, 77, "{said}");
    assert!(said.contains("posted already"), "{said}");
    // A forged address, someone else's mail to ann's address, a mail
    // with nothing new, and no mail at all: nothing posted.
    let mut forged = ann_address.clone();
    let at = forged.find('@').unwrap();
    let flip = if &forged[at - 1..at] == "0" { "1" } else { "0" };
    forged.replace_range(at - 1..at, flip);
    let cases = [
        (
            reply_mail("ann@example.org", &forged, "r2@c", "Hi"),
            77,
            "not one Hearth made",
        ),
        (
            reply_mail("bob@example.org", &ann_address, "r3@c", "Hi"),
            77,
            "not from the address",
        ),
        (
            reply_mail("ann@example.org", &ann_address, "r4@c", "> only quoted"),
            65,
            "no new text",
        ),
        ("garbage without headers".to_owned(), 65, ""),
        (
            reply_mail("ann@example.org", "ann@example.org", "r5@c", "Hi"),
            77,
            "not addressed",
        ),
    ];
    for (mail, code, why) in cases {
        let (status, said) = mail_in(&app, &mail);
        assert_eq!(status, code, "{said}");
        assert!(said.contains(why), "{said}");
    }
    assert_eq!(replies().await.len(), before + 1);

    // Bob, removed from the private space, may no longer reply there.
    let (status, _) = ann.delete("/api/v1/spaces/crew/members/bob").await;
    assert_eq!(status, 204);
    let late = reply_mail("bob@example.org", &bob_address, "r6@c", "Still me.");
    let (status, said) = mail_in(&app, &late);
    assert_eq!(status, 77, "{said}");
    assert_eq!(replies().await.len(), before + 1);
}
both!(replies_by_mail_are_posted_once_and_forged_ones_never);
