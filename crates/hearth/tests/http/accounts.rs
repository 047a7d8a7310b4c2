//! Accounts: creating them, registration, invitations, administration.

use crate::support::app::PASSWORD;
use crate::support::{Backend, both, spawn_app};

async fn an_admin_creates_a_user_who_then_signs_in_and_out(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let admin = app.signed_in("boss").await;
    let resp = admin
        .submit(
            "/admin",
            "/admin/users",
            &[
                ("username", "Carol"),
                ("display_name", "Carol C"),
                ("email", "carol@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);

    let carol = app.signed_in("carol").await;
    let (status, html) = carol.page("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Welcome, Carol C"), "{html}");

    let resp = carol.submit("/", "/signout", &[]).await;
    assert_eq!(resp.status(), 303);
    let resp = carol.get("/account").await;
    assert_eq!(
        resp.status(),
        303,
        "signed out, the account page sends to sign-in"
    );
}
both!(an_admin_creates_a_user_who_then_signs_in_and_out);

async fn duplicate_usernames_and_emails_are_refused_with_409(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    app.create_user("dave", false).await;
    let admin = app.signed_in("boss").await;
    for (username, email) in [("DAVE", "other@example.org"), ("dave2", "Dave@Example.org")] {
        let resp = admin
            .submit(
                "/admin",
                "/admin/users",
                &[
                    ("username", username),
                    ("email", email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(resp.status(), 409, "{username} {email}");
    }
    let users = app.ctx.store.count_users().await.unwrap();
    assert_eq!(users, 2, "nothing was written");
}
both!(duplicate_usernames_and_emails_are_refused_with_409);

async fn usernames_are_validated_with_a_message_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let admin = app.signed_in("boss").await;
    for bad in ["admin", "api", "static", "x", "has space", "ünïcode"] {
        let resp = admin
            .submit(
                "/admin",
                "/admin/users",
                &[
                    ("username", bad),
                    ("email", "e@example.org"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(resp.status(), 400, "{bad}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("username:"), "{bad}: {html}");
    }
    assert_eq!(app.ctx.store.count_users().await.unwrap(), 1);
}
both!(usernames_are_validated_with_a_message_naming_the_field);

async fn registration_is_by_invitation_only_by_default(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let visitor = app.browser();
    let (status, _) = visitor.page("/register").await;
    assert_eq!(status, 403);
    let resp = visitor
        .submit(
            "/signin",
            "/register",
            &[
                ("username", "eve"),
                ("email", "eve@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(app.ctx.store.count_users().await.unwrap(), 1);
}
both!(registration_is_by_invitation_only_by_default);

async fn an_invitation_link_registers_one_account_with_the_invited_address(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let admin = app.signed_in("boss").await;
    let resp = admin
        .submit(
            "/admin",
            "/admin/invites",
            &[("email", "frank@example.org")],
        )
        .await;
    assert_eq!(resp.status(), 201);
    let html = resp.text().await.unwrap();
    let at = html
        .find("/register?invite=")
        .expect("invitation link shown");
    let link: String = html[at..].chars().take_while(|c| *c != '<').collect();

    let frank = app.browser();
    let (status, page) = frank.page(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("frank@example.org"));
    let secret = link.trim_start_matches("/register?invite=");
    let resp = frank
        .submit(
            &link,
            "/register",
            &[
                ("invite", secret),
                ("username", "frank"),
                ("email", "someone-else@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (_, home) = frank.page("/").await;
    assert!(home.contains("Welcome, frank"), "{home}");
    let user = app
        .ctx
        .store
        .user_by_username(&hearth_core::names::Username::parse("frank").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        user.email.as_str(),
        "frank@example.org",
        "the invited address wins"
    );

    let again = app.browser();
    let resp = again
        .submit(
            "/signin",
            "/register",
            &[
                ("invite", secret),
                ("username", "frank2"),
                ("email", "x@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 403, "an invitation works once");
}
both!(an_invitation_link_registers_one_account_with_the_invited_address);

async fn open_registration_lets_anyone_sign_up(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("boss", true).await;
    let admin = app.signed_in("boss").await;
    let resp = admin
        .submit(
            "/admin",
            "/admin/settings",
            &[("site_name", "Acme Hub"), ("registration", "open")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let gina = app.browser();
    let (status, html) = gina.page("/register").await;
    assert_eq!(status, 200);
    assert!(html.contains("Acme Hub"));
    let resp = gina
        .submit(
            "/register",
            "/register",
            &[
                ("username", "gina"),
                ("email", "gina@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let resp = gina
        .submit(
            "/register",
            "/register",
            &[
                ("username", "gina"),
                ("email", "gina2@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 409);
}
both!(open_registration_lets_anyone_sign_up);

async fn only_admins_reach_the_admin_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("hank", false).await;
    let hank = app.signed_in("hank").await;
    let (status, _) = hank.page("/admin").await;
    assert_eq!(status, 403);
    let resp = hank
        .post_form(
            "/admin/settings",
            &[
                ("csrf", &hank.csrf_from("/account").await),
                ("registration", "open"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 403);
    let settings = app.ctx.store.settings().await.unwrap();
    assert_eq!(
        settings.registration,
        hearth_core::model::Registration::InviteOnly
    );
}
both!(only_admins_reach_the_admin_page);

async fn the_first_account_on_a_new_site_becomes_its_administrator(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.browser();
    let (_, home) = first.page("/").await;
    assert!(home.contains("Create the administrator account"));
    let resp = first
        .submit(
            "/register",
            "/register",
            &[
                ("username", "founder"),
                ("email", "founder@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let (status, _) = first.page("/admin").await;
    assert_eq!(status, 200, "the first account administers the site");

    let second = app.browser();
    let (_, home) = second.page("/").await;
    assert!(!home.contains("Create the administrator account"));
    let resp = second
        .submit(
            "/signin",
            "/register",
            &[
                ("username", "late"),
                ("email", "late@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        resp.status(),
        403,
        "after that, registration is by invitation"
    );
}
both!(the_first_account_on_a_new_site_becomes_its_administrator);

async fn of_simultaneous_first_registrations_one_becomes_administrator(backend: Backend) {
    let app = spawn_app(backend).await;
    // Six browsers fill in the form, then all send it at once.
    let all_ready = std::sync::Arc::new(tokio::sync::Barrier::new(6));
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..6 {
        let (base, all_ready) = (app.base.clone(), all_ready.clone());
        attempts.spawn(async move {
            let b = crate::support::Browser::new(&base);
            let csrf = b.csrf_from("/register").await;
            let (name, email) = (format!("founder{i}"), format!("founder{i}@example.org"));
            let fields = [
                ("csrf", csrf.as_str()),
                ("username", name.as_str()),
                ("email", email.as_str()),
                ("password", PASSWORD),
            ];
            all_ready.wait().await;
            b.post_form("/register", &fields).await.status().as_u16()
        });
    }
    let statuses = attempts.join_all().await;
    assert_eq!(
        statuses.iter().filter(|&&s| s == 303).count(),
        1,
        "one founder: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|&s| s == 303 || s == 403 || s == 409),
        "the others are refused: {statuses:?}"
    );
    assert_eq!(app.ctx.store.count_users().await.unwrap(), 1);
}
both!(of_simultaneous_first_registrations_one_becomes_administrator);

async fn a_new_site_invites_its_first_visitor_to_become_its_administrator(backend: Backend) {
    let app = spawn_app(backend).await;
    let notice = "This site has no accounts yet";
    let (status, home) = app.browser().page("/").await;
    assert_eq!(status, 200);
    assert!(home.contains(notice), "{home}");

    app.create_user("boss", true).await;
    let (_, home) = app.browser().page("/").await;
    assert!(!home.contains(notice), "a site with an account: {home}");
    let (_, home) = app.signed_in("boss").await.page("/").await;
    assert!(!home.contains(notice), "signed in: {home}");
}
both!(a_new_site_invites_its_first_visitor_to_become_its_administrator);
