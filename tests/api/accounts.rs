//! Signing in and out, sessions, rate limits, invitations and password changes.

use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn wrong_password_is_refused_with_a_message_and_no_session() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    let page = client.sign_in("ana@example.test", "not the password").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("The e-mail address or password is not right")
    );
    // What was typed is kept.
    assert!(page.body.contains("value=\"ana@example.test\""));
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/signin");

    // An unknown account gets exactly the same answer.
    let page = client.sign_in("nobody@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("The e-mail address or password is not right")
    );
}

#[tokio::test]
async fn right_password_signs_in_and_lands_on_the_home_page() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana Lopez").await;
    let mut client = app.client();
    let page = client.sign_in("  ANA@example.test ", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/");
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Ana Lopez"));
}

#[tokio::test]
async fn sign_in_follows_only_relative_next_paths() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    for (next, expected) in [
        ("/account", "/account"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        // Browsers drop tabs and line breaks, turning these into `//evil.example`.
        ("/\t/evil.example", "/"),
        ("/\n/x", "/"),
        ("/\\evil.example", "/"),
    ] {
        let mut client = app.client();
        let page = client
            .post(
                "/signin",
                &[
                    ("email", "ana@example.test"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(page.location(), expected, "next = {next}");
    }
}

#[tokio::test]
async fn a_signed_in_visit_to_signin_follows_no_next_with_a_tab() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.signed_in("ana@example.test").await;
    let page = client.get("/signin?next=/%09/evil.example").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/");
    let page = client.get("/signin?next=/%0a/x").await;
    assert_eq!(page.location(), "/");
    let page = client.get("/signin?next=/account").await;
    assert_eq!(page.location(), "/account");
}

#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_checks_than_the_limit() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    // Forty browsers, each with its own session and token, ready before any of them posts.
    let mut clients = Vec::new();
    for _ in 0..40 {
        let mut client = app.client();
        client.csrf().await;
        clients.push(client);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            tokio::spawn(async move {
                client
                    .sign_in("ana@example.test", "wrong password!")
                    .await
                    .status
            })
        })
        .collect();
    let mut checked = 0;
    let mut paused = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => paused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    // Exactly the limit were checked (and told "wrong"); the rest were refused unchecked.
    assert_eq!((checked, paused), (10, 30));
    let counted: i64 = sqlx::query_scalar("select count(*) from sign_in_failure where email = $1")
        .bind("ana@example.test")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(counted, 10);

    // The account is paused from this address: even the right password is refused now.
    let page = app.client().sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Issue #13: anyone who knew a performer's e-mail could pause their account again and again.
/// Wrong guesses now pause the address they come from (for that account, and past a higher
/// limit for every account), never the account itself. (`client_address.rs` drives the same
/// through a proxy, with the attacker and the owner at different addresses.)
#[tokio::test]
async fn failures_from_other_addresses_do_not_pause_the_owner() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut tx = app.pool.begin().await.unwrap();
    for i in 0..40 {
        // Ten addresses each at their limit for Ana.
        sqlx::query("insert into sign_in_failure (email, client_addr) values ($1, $2)")
            .bind("ana@example.test")
            .bind(format!("203.0.113.{}", i % 10))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let page = app.client().sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // Her signing in clears only her own address's count.
    let left: i64 = sqlx::query_scalar("select count(*) from sign_in_failure")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 40);
}

#[tokio::test]
async fn session_id_changes_at_sign_in_and_cookie_is_http_only_and_lax() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    let before = client.get("/signin").await;
    let anonymous = client
        .session_cookie(&before)
        .expect("a session for the sign-in form");
    let cookie_header = before
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie_header.contains("HttpOnly"), "{cookie_header}");
    assert!(cookie_header.contains("SameSite=Lax"), "{cookie_header}");
    assert!(
        !cookie_header.contains("Secure"),
        "plain http must not set Secure"
    );

    let after = client.sign_in("ana@example.test", PASSWORD).await;
    let signed_in = client
        .session_cookie(&after)
        .expect("a new session cookie at sign-in");
    assert_ne!(anonymous, signed_in);
    // The old id is gone from the store.
    let old_exists: bool =
        sqlx::query_scalar("select exists (select 1 from tower_sessions.session where id = $1)")
            .bind(&anonymous)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!old_exists);
}

#[tokio::test]
async fn secure_cookie_behind_https() {
    let app = TestApp::spawn_with(|c| c.base_url = "https://closedset.example".into()).await;
    let page = app.client().get("/signin").await;
    let cookie = page.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("__Host-closedset="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    let page = client.sign_in("ana@example.test", PASSWORD).await;
    let cookie = client.session_cookie(&page).unwrap();

    let page = client.post("/signout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let remaining: i64 =
        sqlx::query_scalar("select count(*) from tower_sessions.session where id = $1")
            .bind(&cookie)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(remaining, 0);

    // Someone who kept a copy of the cookie gets nothing.
    let stolen = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = stolen
        .get(app.url("/account"))
        .header("cookie", format!("closedset={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin")
    );
}

#[tokio::test]
async fn sign_out_is_post_only() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/signout").await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn sessions_end_after_the_absolute_limit() {
    let app = TestApp::spawn_with(|c| c.session_absolute = Duration::seconds(-1)).await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    client.sign_in("ana@example.test", PASSWORD).await;
    let page = client.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/signin"));
}

#[tokio::test]
async fn idle_sessions_expire_in_the_store() {
    let app = TestApp::spawn_with(|c| c.session_idle = Duration::hours(12)).await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    let page = client.sign_in("ana@example.test", PASSWORD).await;
    let cookie = client.session_cookie(&page).unwrap();
    let expiry: OffsetDateTime =
        sqlx::query_scalar("select expiry_date from tower_sessions.session where id = $1")
            .bind(&cookie)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let ahead = expiry - OffsetDateTime::now_utc();
    assert!(
        ahead > Duration::hours(11) && ahead <= Duration::hours(12),
        "{ahead}"
    );
    // Pretend twelve idle hours passed.
    sqlx::query("update tower_sessions.session set expiry_date = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = client.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut laptop = app.signed_in("ana@example.test").await;
    let mut phone = app.signed_in("ana@example.test").await;

    let page = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "silver harbour morning"),
                ("confirm_password", "silver harbour morning"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(laptop.get("/account").await.status, StatusCode::OK);
    assert_eq!(phone.get("/account").await.status, StatusCode::SEE_OTHER);

    let mut fresh = app.client();
    assert_eq!(
        fresh.sign_in("ana@example.test", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        fresh
            .sign_in("ana@example.test", "silver harbour morning")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn changing_the_password_pauses_after_ten_wrong_current_passwords() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.signed_in("ana@example.test").await;
    let change = |current: &'static str| {
        [
            ("current_password", current),
            ("new_password", "silver harbour morning"),
            ("confirm_password", "silver harbour morning"),
        ]
    };
    for _ in 0..10 {
        let page = client
            .post("/account/password", &change("wrong password!"))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("This is not your current password"));
    }
    // Even the right password is not checked now, and nothing changes.
    let page = client.post("/account/password", &change(PASSWORD)).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("id=\"current_password-error\""));
    assert!(page.body.contains("Too many wrong passwords"));
    // The wrong guesses count against sign-in too.
    let page = app.client().sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    sqlx::query("delete from sign_in_failure")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.client().sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the password is unchanged"
    );
}

#[tokio::test]
async fn a_weak_new_password_is_refused_beside_the_field() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.signed_in("ana@example.test").await;
    let page = client
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"new_password-error\""));
    assert!(page.body.contains("too common"));
}

async fn invite(
    app: &TestApp,
    production_id: i64,
    producer_email: &str,
    email: &str,
    role: &str,
) -> String {
    let mut producer = app.signed_in(producer_email).await;
    let page = producer
        .post(
            &format!("/productions/{production_id}/members"),
            &[("email", email), ("role", role)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = producer
        .get(&format!("/productions/{production_id}/members"))
        .await;
    let start = page
        .body
        .find("/invitations/")
        .expect("the link is shown once");
    let end = page.body[start..].find('"').unwrap() + start;
    let path = page.body[start..end].to_string();
    // Shown once only.
    let again = producer
        .get(&format!("/productions/{production_id}/members"))
        .await;
    assert!(!again.body.contains(&path));
    path
}

#[tokio::test]
async fn an_invitation_makes_an_account_and_a_member_once() {
    let app = TestApp::spawn().await;
    let producer = app.user("prod@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", producer).await;
    let path = invite(
        &app,
        production,
        "prod@example.test",
        "Cleo@Example.test",
        "performer",
    )
    .await;

    let mut invitee = app.client();
    let page = invitee.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Night Swim"));
    assert!(page.body.contains("Performer"));

    // A short password is refused, and the typed name is kept.
    let page = invitee
        .post(
            &path,
            &[
                ("name", "Cleo Hart"),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"Cleo Hart\""));
    assert!(page.body.contains("at least 12 characters"));

    let page = invitee
        .post(
            &path,
            &[
                ("name", "Cleo Hart"),
                ("password", "violet paper comet"),
                ("confirm_password", "violet paper comet"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), format!("/productions/{production}"));
    let home = invitee.get("/").await;
    assert!(home.body.contains("Night Swim"));
    assert!(home.body.contains("Performer"));

    // The link is single use.
    let mut other = app.client();
    let page = other.get(&path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = other
        .post(
            &path,
            &[
                ("name", "Mallory"),
                ("password", "violet paper comet"),
                ("confirm_password", "violet paper comet"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let users: i64 =
        sqlx::query_scalar("select count(*) from app_user where email = 'cleo@example.test'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(users, 1);
    // The token is stored only as a hash.
    let token = path.trim_start_matches("/invitations/");
    let stored: i64 = sqlx::query_scalar("select count(*) from invitation where token_hash = $1")
        .bind(token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = TestApp::spawn().await;
    let producer = app.user("prod@example.test", "Pat").await;
    let production = app.production("Night Swim", producer).await;
    let path = invite(
        &app,
        production,
        "prod@example.test",
        "cleo@example.test",
        "director",
    )
    .await;
    sqlx::query("update invitation set expires_at = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut invitee = app.client();
    let page = invitee.get(&path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("more than 7 days old"));
    let page = invitee
        .post(
            &path,
            &[
                ("name", "Cleo"),
                ("password", "violet paper comet"),
                ("confirm_password", "violet paper comet"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let members: i64 = sqlx::query_scalar("select count(*) from member where production_id = $1")
        .bind(production)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(members, 1);
}

#[tokio::test]
async fn invitations_expire_after_seven_days() {
    let app = TestApp::spawn().await;
    let producer = app.user("prod@example.test", "Pat").await;
    let production = app.production("Night Swim", producer).await;
    invite(
        &app,
        production,
        "prod@example.test",
        "cleo@example.test",
        "director",
    )
    .await;
    let days: f64 = sqlx::query_scalar(
        "select extract(epoch from expires_at - created_at)::float8 / 86400 from invitation",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((days - 7.0).abs() < 0.01, "{days}");
}

#[tokio::test]
async fn an_existing_account_accepts_with_its_password() {
    let app = TestApp::spawn().await;
    let producer = app.user("prod@example.test", "Pat").await;
    app.user("cleo@example.test", "Cleo").await;
    let production = app.production("Night Swim", producer).await;
    let path = invite(
        &app,
        production,
        "prod@example.test",
        "cleo@example.test",
        "coordinator",
    )
    .await;
    let mut invitee = app.client();
    let page = invitee
        .post(&path, &[("password", "wrong password here")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = invitee.post(&path, &[("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let role: String = sqlx::query_scalar(
        "select m.role from member m join app_user u using (user_id) where u.email = 'cleo@example.test'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(role, "coordinator");
}

#[tokio::test]
async fn accepting_with_an_existing_account_pauses_after_ten_wrong_passwords() {
    let app = TestApp::spawn().await;
    let producer = app.user("prod@example.test", "Pat").await;
    app.user("cleo@example.test", "Cleo").await;
    let production = app.production("Night Swim", producer).await;
    let path = invite(
        &app,
        production,
        "prod@example.test",
        "cleo@example.test",
        "coordinator",
    )
    .await;
    let mut invitee = app.client();
    for _ in 0..10 {
        let page = invitee
            .post(&path, &[("password", "wrong password here")])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = invitee.post(&path, &[("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("id=\"password-error\""));
    assert!(page.body.contains("Too many wrong passwords"));
    let members: i64 = sqlx::query_scalar(
        "select count(*) from member m join app_user u using (user_id)
         where u.email = 'cleo@example.test'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(members, 0, "the invitation is not accepted while paused");
}

#[tokio::test]
async fn a_withdrawn_invitation_no_longer_works() {
    let app = TestApp::spawn().await;
    let producer = app.user("prod@example.test", "Pat").await;
    let production = app.production("Night Swim", producer).await;
    let path = invite(
        &app,
        production,
        "prod@example.test",
        "cleo@example.test",
        "director",
    )
    .await;
    let id: i64 = sqlx::query_scalar("select invitation_id from invitation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut producer_client = app.signed_in("prod@example.test").await;
    let page = producer_client
        .post(
            &format!("/productions/{production}/invitations/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.client().get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn there_is_no_public_sign_up() {
    let app = TestApp::spawn().await;
    for path in ["/signup", "/register", "/users/new"] {
        assert_eq!(app.client().get(path).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn command_line_accounts_follow_the_password_policy() {
    let app = TestApp::spawn().await;
    let weak = closedset::auth::create_user(
        &app.pool,
        "admin@example.test",
        "Admin",
        &closedset::auth::password::Password::new("closedset"),
        true,
    )
    .await;
    assert!(weak.is_err());
    let id = app.admin("admin@example.test").await;
    let is_admin: bool = sqlx::query_scalar("select is_admin from app_user where user_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(is_admin);
    // The hash is argon2id, never the password.
    let hash: String = sqlx::query_scalar("select password_hash from app_user where user_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains(PASSWORD));
}
