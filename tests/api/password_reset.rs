//! Getting back in without the password (issue #13): a reset link by e-mail, the same answer
//! whether or not an account uses the address, limits on asking, one use, expiry, every other
//! session ended; and, without e-mail, a link made on the members page.

use std::time::Duration;

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::mail::MailSink;
use crate::support::{Client, PASSWORD, TestApp};

const NEW_PASSWORD: &str = "silver harbour morning";

async fn app_with_mail() -> (TestApp, MailSink) {
    let sink = MailSink::start().await;
    let relay = sink.relay();
    let app = TestApp::spawn_with(|config| config.smtp = Some(relay)).await;
    (app, sink)
}

/// The `/reset/<token>` path in a mail (its long lines folded by quoted-printable).
fn link_in(mail: &str) -> String {
    let mail = mail.replace("=\r\n", "");
    let start = mail.find("/reset/").expect("a reset link in the mail");
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
        .collect()
}

async fn ask_for_link(client: &mut Client, email: &str) -> crate::support::Page {
    client.post("/reset", &[("email", email)]).await
}

async fn set_password(client: &mut Client, path: &str, password: &str) -> crate::support::Page {
    client
        .post(
            path,
            &[("password", password), ("confirm_password", password)],
        )
        .await
}

#[tokio::test]
async fn a_mailed_link_sets_a_new_password_once_and_ends_every_other_session() {
    let (app, mut sink) = app_with_mail().await;
    app.user("ana@example.test", "Ana").await;
    let mut phone = app.signed_in("ana@example.test").await;

    let mut laptop = app.client();
    let signin = laptop.get("/signin").await;
    assert!(
        signin
            .body
            .contains(r#"<a href="/reset">Forgot your password?</a>"#)
    );
    let page = ask_for_link(&mut laptop, " ANA@example.test").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("If an account uses ana@example.test, we sent a link to it.")
    );
    let mail = sink
        .next(Duration::from_secs(5))
        .await
        .expect("a reset mail");
    assert!(mail.contains("RCPT TO:<ana@example.test>"), "{mail}");
    assert!(mail.contains("reset your password"), "{mail}");
    let path = link_in(&mail);
    let token = path.trim_start_matches("/reset/");
    assert_eq!(token.len(), 64, "256 random bits: {path}");
    // Only the token's hash is kept.
    let stored: Vec<String> = sqlx::query_scalar("select token_hash from password_reset")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, vec![hex::encode(Sha256::digest(token.as_bytes()))]);

    let form = laptop.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Choose a new password"));
    // The password rules hold here too; the link still works after a refusal.
    let weak = set_password(&mut laptop, &path, "password1234").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains(r#"id="password-error""#));
    let mismatch = laptop
        .post(
            &path,
            &[
                ("password", NEW_PASSWORD),
                ("confirm_password", "something else"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains(r#"id="confirm_password-error""#));

    let done = set_password(&mut laptop, &path, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/");
    // Signed in on this device, out everywhere else.
    let account = laptop.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("Your password is changed"));
    let elsewhere = phone.get("/account").await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
    assert!(elsewhere.location().starts_with("/signin"));
    // And told so by e-mail.
    let notice = sink
        .next(Duration::from_secs(5))
        .await
        .expect("a change mail");
    assert!(notice.contains("RCPT TO:<ana@example.test>"));
    assert!(notice.contains("your password was changed"), "{notice}");
    assert!(!notice.contains(token));

    // Used once.
    assert_eq!(app.client().get(&path).await.status, StatusCode::NOT_FOUND);
    let again = set_password(&mut app.client(), &path, "another long passphrase").await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let mut fresh = app.client();
    assert_eq!(
        fresh.sign_in("ana@example.test", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        fresh.sign_in("ana@example.test", NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_an_account_uses_the_address() {
    let (app, mut sink) = app_with_mail().await;
    app.user("ana@example.test", "Ana").await;
    let known = ask_for_link(&mut app.client(), "ana@example.test").await;
    let unknown = ask_for_link(&mut app.client(), "nobody@example.test").await;
    assert_eq!(known.status, unknown.status);
    let strip = |body: &str, email: &str| {
        // The CSRF token differs per session; the rest must not.
        body.replace(email, "EMAIL")
            .lines()
            .filter(|l| !l.contains("csrf"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&known.body, "ana@example.test"),
        strip(&unknown.body, "nobody@example.test")
    );
    let mail = sink.next(Duration::from_secs(5)).await.expect("one mail");
    assert!(mail.contains("RCPT TO:<ana@example.test>"));
    assert!(sink.next(Duration::from_millis(800)).await.is_none());
    let links: i64 = sqlx::query_scalar("select count(*) from password_reset")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(links, 1);

    // A malformed address is a form error, typed text kept.
    let bad = ask_for_link(&mut app.client(), "not an address").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="email-error""#));
    assert!(bad.body.contains(r#"value="not an address""#));
}

#[tokio::test]
async fn a_newer_link_replaces_older_ones_and_links_expire() {
    let (app, mut sink) = app_with_mail().await;
    app.user("ana@example.test", "Ana").await;
    ask_for_link(&mut app.client(), "ana@example.test").await;
    let first = link_in(&sink.next(Duration::from_secs(5)).await.unwrap());
    ask_for_link(&mut app.client(), "ana@example.test").await;
    let second = link_in(&sink.next(Duration::from_secs(5)).await.unwrap());
    assert_ne!(first, second);
    let old = app.client().get(&first).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert!(old.body.contains("This reset link does not work"));
    assert_eq!(app.client().get(&second).await.status, StatusCode::OK);

    sqlx::query("update password_reset set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let expired = set_password(&mut app.client(), &second, NEW_PASSWORD).await;
    assert_eq!(expired.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client()
            .sign_in("ana@example.test", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER,
        "the password is unchanged"
    );
}

#[tokio::test]
async fn asking_for_links_is_limited_per_address_typed_and_per_client() {
    let (app, mut sink) = app_with_mail().await;
    app.user("ana@example.test", "Ana").await;
    for _ in 0..3 {
        let page = ask_for_link(&mut app.client(), "ana@example.test").await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let flood = ask_for_link(&mut app.client(), "ana@example.test").await;
    assert_eq!(flood.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(flood.body.contains("Too many reset links"));
    for _ in 0..3 {
        assert!(sink.next(Duration::from_secs(5)).await.is_some());
    }
    assert!(
        sink.next(Duration::from_millis(800)).await.is_none(),
        "no fourth mail"
    );
    // An address without an account is counted the same way, so the limit says nothing.
    for _ in 0..3 {
        ask_for_link(&mut app.client(), "nobody@example.test").await;
    }
    let page = ask_for_link(&mut app.client(), "nobody@example.test").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // Six asked from this client so far; four more addresses reach its hourly ten.
    for i in 0..4 {
        let page = ask_for_link(&mut app.client(), &format!("p{i}@example.test")).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let page = ask_for_link(&mut app.client(), "p9@example.test").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_reset_link_gets_in_while_wrong_guesses_pause_the_address() {
    let (app, mut sink) = app_with_mail().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    for _ in 0..10 {
        let page = client.sign_in("ana@example.test", "wrong password!").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let paused = client.sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(paused.body.contains("reset your password"));

    ask_for_link(&mut client, "ana@example.test").await;
    let path = link_in(&sink.next(Duration::from_secs(5)).await.unwrap());
    let done = set_password(&mut client, &path, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(client.get("/account").await.status, StatusCode::OK);
    // The owner's own wrong guesses from here are forgiven with the reset.
    let page = app.client().sign_in("ana@example.test", NEW_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn without_email_producers_and_coordinators_make_a_reset_link_on_the_members_page() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let members = format!("/productions/{production}/members");
    let mut member_ids = Vec::new();
    for (email, name, role) in [
        ("cora@example.test", "Cora Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
    ] {
        let id = app.user(email, name).await;
        member_ids.push(app.add_member(production, id, role).await);
    }
    let (_cora_m, dana_m, alex_m) = (member_ids[0], member_ids[1], member_ids[2]);
    let pat_m: i64 = sqlx::query_scalar("select member_id from member where user_id = $1")
        .bind(pat)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // Asking by e-mail says there is none, and who can help.
    let page = app.client().get("/reset").await;
    assert!(page.body.contains("This server sends no e-mail"));
    let page = ask_for_link(&mut app.client(), "alex@example.test").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Ask a producer or the intimacy coordinator")
    );

    // A director or performer cannot make links.
    for email in ["dana@example.test", "alex@example.test"] {
        let mut someone = app.signed_in(email).await;
        let page = someone.get(&members).await;
        assert!(!page.body.contains("Make a reset link"), "{email}");
        let page = someone
            .post(&format!("{members}/{pat_m}/reset-link"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
    }

    let mut cora = app.signed_in("cora@example.test").await;
    let page = cora.get(&members).await;
    assert!(page.body.contains("Make a reset link for Alex Rivera"));
    assert!(!page.body.contains("Make a reset link for Cora"));
    // Not for oneself, and not for someone outside the production.
    let own: i64 = sqlx::query_scalar(
        "select member_id from member m join app_user u using (user_id)
         where u.email = 'cora@example.test'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = cora.post(&format!("{members}/{own}/reset-link"), &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    let page = cora
        .post(&format!("{members}/{alex_m}/reset-link"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = cora.get(&members).await;
    assert!(page.body.contains("Reset link made for Alex Rivera"));
    let start = page.body.find("/reset/").expect("the link is shown once");
    let path: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert!(!cora.get(&members).await.body.contains(&path), "shown once");
    // Making it changed nothing yet.
    assert_eq!(
        app.client()
            .sign_in("alex@example.test", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let mut alex = app.client();
    let done = set_password(&mut alex, &path, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(alex.get("/account").await.status, StatusCode::OK);
    let issued_by: Option<i64> =
        sqlx::query_scalar("select issued_by from password_reset where used_at is not null")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(issued_by.is_some());
    // Alex is told who made it.
    let notices = alex.get("/notifications").await;
    assert!(
        notices
            .body
            .contains("Cora Coordinator made a password reset link for your account"),
        "{}",
        notices.body
    );

    // A producer can too.
    let mut pat_client = app.signed_in("pat@example.test").await;
    let page = pat_client
        .post(&format!("{members}/{dana_m}/reset-link"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn with_email_configured_the_members_page_makes_no_reset_links() {
    let (app, _sink) = app_with_mail().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let alex = app.user("alex@example.test", "Alex Rivera").await;
    let alex_m = app.add_member(production, alex, "performer").await;
    let mut producer = app.signed_in("pat@example.test").await;
    let members = format!("/productions/{production}/members");
    assert!(
        !producer
            .get(&members)
            .await
            .body
            .contains("Make a reset link")
    );
    let page = producer
        .post(&format!("{members}/{alex_m}/reset-link"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
