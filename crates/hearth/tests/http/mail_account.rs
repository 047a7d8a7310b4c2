//! Account mail over real SMTP: "forgot password" links, invitations and
//! confirming a new e-mail address, each single-use and arriving with both
//! parts and the right headers.

use hearth_store::MailStatus;
use serde_json::json;

use crate::mail::{outbox_of, recorded, well_formed, worker};
use crate::support::app::PASSWORD;
use crate::support::smtp::SmtpSink;
use crate::support::{Backend, TestApp, both, spawn_app};

async fn forgot_password_mails_a_single_use_short_lived_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    app.create_user("ann", false).await;
    let old_session = app.signed_in("ann").await;

    // The page answers the same for a known and an unknown address.
    let visitor = app.browser();
    let known = visitor
        .submit(
            "/forgot-password",
            "/forgot-password",
            &[("email", "ANN@example.org")],
        )
        .await;
    assert_eq!(known.status(), 200);
    let known = known.text().await.unwrap();
    let unknown = visitor
        .submit(
            "/forgot-password",
            "/forgot-password",
            &[("email", "nobody@example.org")],
        )
        .await;
    assert_eq!(unknown.status(), 200);
    let unknown = unknown.text().await.unwrap();
    assert_eq!(
        known.replace("ANN@example.org", "X"),
        unknown.replace("nobody@example.org", "X")
    );
    let bad = visitor
        .submit(
            "/forgot-password",
            "/forgot-password",
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(bad.status(), 400);

    let mail = sink.wait_for(1).await.remove(0);
    well_formed(&mail);
    assert_eq!(mail.rcpt_tos, ["ann@example.org"]);
    assert_eq!(mail.header("To"), Some("ann Tester <ann@example.org>"));
    assert_eq!(mail.header("From"), Some("Hearth <hearth@localhost>"));
    assert_eq!(
        mail.header("Subject"),
        Some("Set a new password for Hearth")
    );
    let link = mail.link(&format!("{}/reset-password?token=", app.base));
    assert!(
        mail.html
            .as_deref()
            .unwrap()
            .contains(&link.replace('&', "&amp;"))
    );
    let path = link.trim_start_matches(&app.base).to_owned();

    let (status, page) = visitor.page(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("<strong>ann</strong>"), "{page}");
    let token = crate::support::browser::hidden(&page, "token").unwrap();
    let short = visitor
        .submit(
            &path,
            "/reset-password",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(short.status(), 400, "a refused password keeps the link");
    let done = visitor
        .submit(
            &path,
            "/reset-password",
            &[("token", &token), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/signin?reset=1");

    // Signed out everywhere; the new password works, the old one not.
    assert_eq!(
        old_session.get("/account").await.status(),
        303,
        "signed out"
    );
    assert_eq!(app.browser().sign_in("ann", PASSWORD).await.status(), 401);
    // From the device ann used before: no new-device mail.
    assert_eq!(
        old_session
            .sign_in("ann", "a brand new password")
            .await
            .status(),
        303
    );

    // Used once, it works no more.
    let csrf = visitor.csrf_from("/forgot-password").await;
    let again = visitor
        .post_form(
            "/reset-password",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "another new password"),
            ],
        )
        .await;
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("expired or was used"));
    let audit = app
        .count("SELECT count(*) FROM audit_events WHERE action = 'auth.password_reset'")
        .await;
    assert_eq!(audit, 1);
    // The link's secret is gone from the outbox with the mail.
    recorded(&app, 1).await;
    let (_, mails) = outbox_of(&app).await;
    assert_eq!(mails.len(), 1, "nothing mailed to the unknown address");
    assert_eq!(mails[0].status, MailStatus::Sent);
    assert!(mails[0].content.is_none());
}
both!(forgot_password_mails_a_single_use_short_lived_link);

/// A JSON call with no credentials.
async fn anonymous_post(
    app: &TestApp,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let resp = reqwest::Client::new()
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

async fn reset_links_expire_and_an_account_gets_few(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("bo", false).await;
    let origin = "https://hearth.example";
    for _ in 0..5 {
        hearth_app::password_reset::request(&app.ctx, "bo@example.org", origin)
            .await
            .unwrap()
            .await
            .unwrap();
    }
    let (counts, mails) = outbox_of(&app).await;
    assert_eq!(counts.queued, 3, "three an hour at most");
    let text = &mails[0].content.as_ref().unwrap().text_body;
    let at = text.find("token=").unwrap() + "token=".len();
    let token: String = text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64);

    // An hour on, the link has expired: a clear 400 naming the token, and
    // the password is unchanged.
    app.clock.advance(3_600_001);
    let (status, body) = anonymous_post(
        &app,
        "/api/v1/password-resets/use",
        json!({"token": token, "password": "a brand new password"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "token");
    assert_eq!(app.browser().sign_in("bo", PASSWORD).await.status(), 303);
    // And the window has passed: a new request mails again.
    let (status, _) = anonymous_post(
        &app,
        "/api/v1/password-resets",
        json!({"email": "bo@example.org"}),
    )
    .await;
    assert_eq!(status, 202);
    let (status, body) = anonymous_post(
        &app,
        "/api/v1/password-resets",
        json!({"email": "bo@example"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}
both!(reset_links_expire_and_an_account_gets_few);

async fn an_invitation_is_mailed_with_its_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);
    app.create_user("ada", true).await;
    let admin = app.api(&app.token("ada").await);
    let (status, invite) = admin
        .post(
            "/api/v1/invites",
            json!({"email": "new.person@example.org"}),
        )
        .await;
    assert_eq!(status, 201, "{invite}");
    let mail = sink.wait_for(1).await.remove(0);
    well_formed(&mail);
    assert_eq!(mail.rcpt_tos, ["new.person@example.org"]);
    assert_eq!(
        mail.header("Subject"),
        Some("ada Tester invites you to Hearth")
    );
    let link = mail.link(&format!("{}/register?invite=", app.base));
    assert!(link.ends_with(invite["link"].as_str().unwrap()), "{link}");
    let (status, page) = app.browser().page(link.trim_start_matches(&app.base)).await;
    assert_eq!(status, 200);
    assert!(page.contains("new.person@example.org"));

    // Administrators see it in the outbox; members may not.
    recorded(&app, 1).await;
    let (status, list) = admin.get("/api/v1/mail").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["counts"]["sent"], 1);
    assert_eq!(list["items"][0]["kind"], "invitation");
    assert_eq!(list["items"][0]["status"], "sent");
    app.create_user("mo", false).await;
    let (status, _) = app.api(&app.token("mo").await).get("/api/v1/mail").await;
    assert_eq!(status, 403);
    let (status, page) = app.signed_in("ada").await.page("/admin/mail").await;
    assert_eq!(status, 200);
    assert!(page.contains("new.person@example.org") && page.contains("No SMTP server"));
}
both!(an_invitation_is_mailed_with_its_link);

async fn a_new_email_address_is_confirmed_from_it_and_the_old_one_told(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ann", false).await;
    app.create_user("bob", false).await;
    let ann = app.api(&app.token("ann").await);
    let sink = SmtpSink::start();
    let _worker = worker(&app, &sink);

    // A member may not just write a new address into their profile.
    let (status, _) = ann
        .patch("/api/v1/me", json!({"email": "ann@new.example"}))
        .await;
    assert_eq!(status, 403);
    let ask = |email: &'static str, password: &'static str| {
        ann.post(
            "/api/v1/me/email",
            json!({"email": email, "password": password}),
        )
    };
    let (status, body) = ask("ann@new.example", "not my password").await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (400, Some("password"))
    );
    let (status, _) = ask("bob@example.org", PASSWORD).await;
    assert_eq!(status, 409, "another account's address");
    let (status, body) = ask("ann@new.example", PASSWORD).await;
    assert_eq!(status, 202, "{body}");

    let mail = sink.wait_for(1).await.remove(0);
    well_formed(&mail);
    assert_eq!(mail.rcpt_tos, ["ann@new.example"]);
    let (_, me) = ann.get("/api/v1/me").await;
    assert_eq!(
        me["email"], "ann@example.org",
        "nothing changes before it is confirmed"
    );
    let link = mail.link(&format!("{}/account/email/confirm?token=", app.base));
    let path = link.trim_start_matches(&app.base).to_owned();
    let visitor = app.browser();
    let (status, page) = visitor.page(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("ann@new.example"), "{page}");
    let token = crate::support::browser::hidden(&page, "token").unwrap();
    let done = visitor
        .submit(&path, "/account/email/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status(), 303);
    let (_, me) = ann.get("/api/v1/me").await;
    assert_eq!(me["email"], "ann@new.example");
    let told = sink.wait_for(2).await;
    let old = told
        .iter()
        .find(|m| m.rcpt_tos == ["ann@example.org"])
        .expect("the old address is told");
    assert!(old.text().contains("now uses the address ann@new.example"));
    // Once only.
    let (status, _) = visitor.page(&path).await;
    assert_eq!(status, 400);
    let csrf = visitor.csrf_from("/signin").await;
    let again = visitor
        .post_form(
            "/account/email/confirm",
            &[("csrf", &csrf), ("token", &token)],
        )
        .await;
    assert_eq!(again.status(), 400);
    let audit = app
        .count("SELECT count(*) FROM audit_events WHERE action = 'auth.email'")
        .await;
    assert_eq!(audit, 1);
    // Sign-in by the new address works.
    assert_eq!(
        app.browser()
            .sign_in("ann@new.example", PASSWORD)
            .await
            .status(),
        303
    );
}
both!(a_new_email_address_is_confirmed_from_it_and_the_old_one_told);
