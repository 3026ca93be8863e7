//! Two-step sign-in (issue #13): setting up an authenticator app, the code asked after the
//! password, codes that cannot be replayed, recovery codes that work once, wrong codes counted
//! in the sign-in limits, and turning it off only with the password. Codes are computed here
//! with RFC 6238 independently of the server's code.

use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use sha1::Sha1;

use crate::support::{Client, PASSWORD, TestApp};

/// RFC 4648 base32, as the setup link carries the secret.
fn base32_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u64, 0);
    for c in text.chars() {
        let value = match c {
            'A'..='Z' => c as u64 - 'A' as u64,
            '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => panic!("not base32: {c}"),
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// RFC 6238 with SHA-1, 6 digits, 30-second steps, at step `step`.
fn totp(secret: &[u8], step: u64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).unwrap();
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 0xf) as usize;
    let n = ((u32::from(h[o]) & 0x7f) << 24)
        | (u32::from(h[o + 1]) << 16)
        | (u32::from(h[o + 2]) << 8)
        | u32::from(h[o + 3]);
    format!("{:06}", n % 1_000_000)
}

fn step_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 30
}

/// Turns two-step sign-in on for a signed-in client; the secret, the recovery codes and the
/// code that turned it on.
async fn turn_on(client: &mut Client) -> (Vec<u8>, Vec<String>, String) {
    let page = client.post("/account/two-step/start", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = client.get("/account/two-step").await;
    let start = page.body.find("secret=").expect("a setup link") + "secret=".len();
    let secret: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert!(page.body.contains(&format!("<code>{secret}</code>")));
    assert!(page.body.contains("otpauth://totp/"));
    assert!(page.body.contains("<svg"), "a QR code");
    let secret = base32_decode(&secret);

    let wrong = client
        .post("/account/two-step/confirm", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("This code is not right"));

    let code = totp(&secret, step_now());
    let page = client
        .post("/account/two-step/confirm", &[("code", &code)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = client.get("/account/two-step").await;
    let codes: Vec<String> = page
        .body
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{}", page.body);
    // Shown once.
    let again = client.get("/account/two-step").await;
    assert!(!again.body.contains(&codes[0]));
    assert!(again.body.contains("10 recovery codes left"));
    (secret, codes, code)
}

async fn failures(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from sign_in_failure")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_step_sign_in_asks_for_a_fresh_code_after_the_password() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut ana = app.signed_in("ana@example.test").await;
    let (secret, codes, used) = turn_on(&mut ana).await;
    let stored: Vec<String> = sqlx::query_scalar("select code_hash from recovery_code")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|h| !codes.iter().any(|c| h.contains(c))));

    // The password alone no longer signs in.
    let mut other = app.client();
    let page = other.sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/signin/code");
    assert_eq!(other.get("/account").await.status, StatusCode::SEE_OTHER);
    let page = other.get("/signin/code").await;
    assert!(page.body.contains("Enter your code"));

    // The code used to turn it on cannot be used again.
    let before = failures(&app).await;
    let page = other.post("/signin/code", &[("code", &used)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already used"));
    assert!(
        failures(&app).await > before,
        "wrong codes count as failures"
    );
    assert_eq!(other.get("/account").await.status, StatusCode::SEE_OTHER);

    // The next step's code works (clocks may drift by a step) and signs in.
    let next = totp(&secret, step_now() + 1);
    assert_ne!(next, used);
    let page = other.post("/signin/code", &[("code", &next)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/");
    assert_eq!(other.get("/account").await.status, StatusCode::OK);

    // Replayed on another device, it is refused.
    let mut third = app.client();
    third.sign_in("ana@example.test", PASSWORD).await;
    let page = third.post("/signin/code", &[("code", &next)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A recovery code works once.
    let page = third.post("/signin/code", &[("code", &codes[0])]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(third.get("/account").await.status, StatusCode::OK);
    let mut fourth = app.client();
    fourth.sign_in("ana@example.test", PASSWORD).await;
    let page = fourth.post("/signin/code", &[("code", &codes[0])]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = ana.get("/account/two-step").await;
    assert!(page.body.contains("9 recovery codes left"));

    // Turning it off needs the password.
    let page = ana
        .post("/account/two-step/off", &[("password", "not my password")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This is not your password."));
    let page = ana
        .post("/account/two-step/off", &[("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = app.client().sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.location(), "/");
}

#[tokio::test]
async fn wrong_codes_pause_the_second_step_like_wrong_passwords() {
    let app = TestApp::spawn_with(|config| config.sign_in_max_failures = 3).await;
    app.user("ana@example.test", "Ana").await;
    let mut ana = app.signed_in("ana@example.test").await;
    let (secret, ..) = turn_on(&mut ana).await;
    let mut guesser = app.client();
    guesser.sign_in("ana@example.test", PASSWORD).await;
    for _ in 0..3 {
        let page = guesser.post("/signin/code", &[("code", "123456")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right code is not checked now.
    let right = totp(&secret, step_now() + 1);
    let page = guesser.post("/signin/code", &[("code", &right)]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(guesser.get("/account").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_production_can_require_a_second_factor_of_producers_and_coordinators() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex Rivera").await;
    app.add_member(production, alex, "performer").await;
    let base = format!("/productions/{production}");
    let mut pat_client = app.signed_in("pat@example.test").await;
    let page = pat_client.get(&format!("{base}/settings")).await;
    assert!(
        page.body
            .contains("Producers and coordinators must use a second factor")
    );
    let settings: Vec<(String, String)> = [
        ("title", "Night Swim"),
        ("kind", "feature"),
        ("phase", "pre_production"),
        ("time_zone", "Europe/London"),
        ("currency", "GBP"),
        ("agreement", "equity_uk"),
        ("notice_hours", "48"),
        ("ic_account_code", "2950"),
        ("second_factor_required", "yes"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let once_start = page.body.find("name=\"once\" value=\"").unwrap() + 19;
    let once: String = page.body[once_start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let mut fields: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.push(("once", &once));
    let page = pat_client.post(&format!("{base}/settings"), &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // The producer and the coordinator are sent to set one up; the performer is not.
    for client in [
        &mut pat_client,
        &mut app.signed_in("cora@example.test").await,
    ] {
        let page = client.get(&base).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), "/account/two-step?required");
        let page = client.get("/account/two-step?required").await;
        assert!(page.body.contains("Night Swim requires producers"));
    }
    let mut alex_client = app.signed_in("alex@example.test").await;
    assert_eq!(alex_client.get(&base).await.status, StatusCode::OK);

    // With a second factor, the coordinator gets in.
    let mut cora_client = app.client();
    cora_client.sign_in("cora@example.test", PASSWORD).await;
    turn_on(&mut cora_client).await;
    assert_eq!(cora_client.get(&base).await.status, StatusCode::OK);
}

#[tokio::test]
async fn signing_in_half_way_on_a_signed_in_browser_signs_the_first_person_out() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    app.user("ben@example.test", "Ben").await;
    let mut ana = app.signed_in("ana@example.test").await;
    let (secret, ..) = turn_on(&mut ana).await;
    let mut shared = app.signed_in("ben@example.test").await;
    assert_eq!(shared.get("/account").await.status, StatusCode::OK);
    let page = shared.sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.location(), "/signin/code");
    let page = shared.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "Ben is signed out");
    let page = shared.get("/signin/code").await;
    assert_eq!(page.status, StatusCode::OK);
    let code = totp(&secret, step_now() + 1);
    let page = shared.post("/signin/code", &[("code", &code)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = shared.get("/account").await;
    assert!(page.body.contains("ana@example.test"));
}
