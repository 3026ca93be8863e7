//! E-mail through any relay (issue #13): a login when the URL carries one, and never a word in
//! clear when the URL asks for STARTTLS and the relay cannot do it.

use std::time::Duration;

use base64::Engine;
use closedset::config::SmtpRelay;
use reqwest::StatusCode;

use crate::support::TestApp;
use crate::support::mail::MailSink;

#[tokio::test]
async fn mail_goes_through_a_relay_that_wants_a_login() {
    let mut sink = MailSink::start_with_login().await;
    let relay =
        SmtpRelay::parse(&format!("smtp://mailer:s3cret%21@127.0.0.1:{}", sink.port)).unwrap();
    let app = TestApp::spawn_with(|config| config.smtp = Some(relay)).await;
    app.user("ana@example.test", "Ana").await;
    let page = app
        .client()
        .post("/reset", &[("email", "ana@example.test")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let mail = sink.next(Duration::from_secs(5)).await.expect("a mail");
    let plain = base64::engine::general_purpose::STANDARD.encode("\0mailer\0s3cret!");
    assert!(mail.contains(&format!("AUTH PLAIN {plain}")), "{mail}");
    assert!(mail.contains("RCPT TO:<ana@example.test>"), "{mail}");
    assert!(mail.find("AUTH").unwrap() < mail.find("MAIL FROM").unwrap());
}

#[tokio::test]
async fn a_relay_without_starttls_gets_nothing_when_tls_is_required() {
    let mut sink = MailSink::start_with_login().await;
    let relay = SmtpRelay::parse(&format!(
        "smtp://mailer:s3cret@127.0.0.1:{}?tls=required",
        sink.port
    ))
    .unwrap();
    let app = TestApp::spawn_with(|config| config.smtp = Some(relay)).await;
    app.user("ana@example.test", "Ana").await;
    // The page answers as always; the mail is refused behind it and the failure logged.
    let page = app
        .client()
        .post("/reset", &[("email", "ana@example.test")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("we sent a link"));
    // The relay was reached and greeted, then left: no login, envelope or message in clear.
    let session = sink
        .next(Duration::from_secs(5))
        .await
        .expect("the relay is reached");
    assert!(session.starts_with("EHLO"), "{session}");
    for word in ["AUTH", "MAIL FROM", "RCPT TO", "Subject"] {
        assert!(!session.contains(word), "{word} in {session}");
    }
    // The link was made all the same (the owner may ask again once the relay is fixed).
    let links: i64 = sqlx::query_scalar("select count(*) from password_reset")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(links, 1);
}

#[test]
fn a_password_is_never_sent_to_a_remote_relay_without_tls() {
    let refused = SmtpRelay::parse("smtp://mailer:s3cret@mail.example.org:25").unwrap_err();
    assert!(refused.to_string().contains("tls=required"), "{refused}");
    assert!(!refused.to_string().contains("s3cret"));
    assert!(SmtpRelay::parse("smtp://mailer:s3cret@mail.example.org:587?tls=required").is_ok());
    assert!(SmtpRelay::parse("smtps://mailer:s3cret@mail.example.org").is_ok());
}

#[tokio::test]
async fn smtps_speaks_tls_from_the_first_byte_and_never_plain_text() {
    let mut sink = MailSink::start_with_login().await;
    let relay =
        SmtpRelay::parse(&format!("smtps://mailer:s3cret@127.0.0.1:{}", sink.port)).unwrap();
    let app = TestApp::spawn_with(|config| config.smtp = Some(relay)).await;
    app.user("ana@example.test", "Ana").await;
    let page = app
        .client()
        .post("/reset", &[("email", "ana@example.test")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // The plain-text sink hears a TLS greeting it cannot read, and no SMTP command at all.
    assert!(sink.next(Duration::from_secs(2)).await.is_none());
}
