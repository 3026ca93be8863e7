//! Passkeys (issue #13): adding one from the account page, signing in with it (no code step
//! after it, even with two-step sign-in on), signing a rider with it (the ledger says so and
//! still verifies), and the refusals: another origin, a wrong or replayed challenge, no user
//! verification, a bad signature, a counter going backwards, another account's passkey. The
//! authenticator is software (`authenticator`).

mod authenticator;

use p256::ecdsa::Signature;
use p256::ecdsa::signature::Signer;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::{Client, TestApp, build};
use authenticator::{Answer, Authenticator, UP, UV, b64};

/// Asks the server for a challenge, as the page's script does.
async fn challenge(client: &mut Client, query: &str) -> String {
    let page = client.get(&format!("/passkeys/challenge?{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let json: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    json["challenge"].as_str().unwrap().to_string()
}

/// Adds the authenticator's passkey to the signed-in client's account.
async fn add_passkey(client: &mut Client, key: &Authenticator) {
    let c = challenge(client, "purpose=register").await;
    let page = client
        .post(
            "/account/passkeys",
            &key.register(&c, &key.origin, UP | UV).pairs(),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

async fn passkey_sign_in(client: &mut Client, answer: &Answer) -> crate::support::Page {
    let mut fields = answer.pairs();
    fields.push(("next", "/account"));
    client.post("/signin/passkey", &fields).await
}

/// A production with a rider delivered to Alex, whose account is linked to the cast member.
struct Film {
    app: TestApp,
    production: i64,
    rider: i64,
}

impl Film {
    async fn new(app: TestApp) -> Film {
        let pat = app.user("pat@example.test", "Pat").await;
        let production = app.production("Night Swim", pat).await;
        let cora = app.user("cora@example.test", "Cora").await;
        app.add_member(production, cora, "coordinator").await;
        let alex = app.user("alex@example.test", "Alex").await;
        app.add_member(production, alex, "performer").await;
        app.user("bo@example.test", "Bo").await;
        let rider = build::delivered_rider(&app, production, cora, alex).await;
        Film {
            app,
            production,
            rider,
        }
    }

    async fn text_hash(&self) -> String {
        sqlx::query_scalar::<_, Option<String>>("select body_sha256 from rider where rider_id = $1")
            .bind(self.rider)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
            .unwrap_or_default()
    }

    fn sign_path(&self) -> String {
        format!(
            "/productions/{}/riders/{}/sign",
            self.production, self.rider
        )
    }

    /// Signs the rider with a passkey answer, as the sign form with the script would.
    async fn sign(&self, client: &mut Client, answer: &Answer) -> crate::support::Page {
        let hash = self.text_hash().await;
        let mut fields = answer.pairs();
        fields.push(("text_sha256", &hash));
        fields.push(("password", ""));
        client.post(&self.sign_path(), &fields).await
    }

    async fn sign_challenge(&self, client: &mut Client) -> String {
        let hash = self.text_hash().await;
        challenge(
            client,
            &format!("purpose=sign&rider={}&text={hash}", self.rider),
        )
        .await
    }

    async fn status(&self) -> String {
        sqlx::query_scalar("select status from rider where rider_id = $1")
            .bind(self.rider)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

/// Many refusals come from one address in these tests; the limits get their own test.
async fn roomy_app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.sign_in_max_failures = 1000;
        c.sign_in_max_failures_per_address = 1000;
    })
    .await
}

#[tokio::test]
async fn a_passkey_is_added_signs_in_without_a_code_and_signs_a_rider_the_ledger_records() {
    let film = Film::new(roomy_app().await).await;
    let app = &film.app;
    let mut alex = app.signed_in("alex@example.test").await;
    let mut key = Authenticator::new(app);
    add_passkey(&mut alex, &key).await;
    let account = alex.get("/account").await;
    assert!(account.body.contains("Passkey added"), "{}", account.body);
    assert!(account.body.contains("/static/passkey.js"));

    // Two-step sign-in is on, yet a verified passkey is both factors: no code page.
    sqlx::query("insert into user_totp (user_id, secret, confirmed_at) select user_id, '\\x00', now() from app_user where email = 'alex@example.test'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut phone = app.client();
    let c = challenge(&mut phone, "purpose=signin").await;
    let page = passkey_sign_in(&mut phone, &key.assert(&c)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/account");
    let account = phone.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("alex@example.test"));

    // Signing the rider with the passkey: signed, and the ledger says how.
    let c = film.sign_challenge(&mut phone).await;
    let page = film.sign(&mut phone, &key.assert(&c)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(film.status().await, "signed");
    let details: String = sqlx::query_scalar(
        "select details from consent_event where rider_id = $1 and event = 'signed'",
    )
    .bind(film.rider)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["method"], "passkey");
    assert_eq!(
        details["credential_sha256"],
        hex::encode(Sha256::digest(&key.credential_id))
    );
    assert_eq!(details["text_sha256"], film.text_hash().await);
    let reports = app.verify_ledger(Some(film.production)).await;
    assert_eq!(reports.len(), 1);
    assert!(reports[0].result.is_ok());
    assert!(reports[0].state.is_empty(), "{:?}", reports[0].state);
    assert!(reports[0].checkpoint_problems.is_empty());
}

#[tokio::test]
async fn a_password_signature_says_password() {
    let film = Film::new(roomy_app().await).await;
    let mut alex = film.app.signed_in("alex@example.test").await;
    let hash = film.text_hash().await;
    let page = alex
        .post(
            &film.sign_path(),
            &[
                ("password", crate::support::PASSWORD),
                ("text_sha256", &hash),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let details: String = sqlx::query_scalar(
        "select details from consent_event where rider_id = $1 and event = 'signed'",
    )
    .bind(film.rider)
    .fetch_one(&film.app.pool)
    .await
    .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["method"], "password");
    assert!(details.get("credential_sha256").is_none());
}

#[tokio::test]
async fn sign_in_refuses_another_origin_a_wrong_or_replayed_challenge_no_verification_a_bad_signature_and_a_counter_going_back()
 {
    let film = Film::new(roomy_app().await).await;
    let app = &film.app;
    let mut alex = app.signed_in("alex@example.test").await;
    let mut key = Authenticator::new(app);
    add_passkey(&mut alex, &key).await;
    let mut visitor = app.client();
    let refused = |page: &crate::support::Page| {
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.body
        );
        assert!(page.body.contains("could not sign you in"), "{}", page.body);
    };

    let c = challenge(&mut visitor, "purpose=signin").await;
    let answer = key.assert_with(&c, "http://evil.example", UP | UV, 1);
    refused(&passkey_sign_in(&mut visitor, &answer).await);

    let c = challenge(&mut visitor, "purpose=signin").await;
    let other = b64(&[7u8; 32]);
    assert_ne!(c, other);
    let answer = key.assert_with(&other, &key.origin, UP | UV, 1);
    refused(&passkey_sign_in(&mut visitor, &answer).await);

    let c = challenge(&mut visitor, "purpose=signin").await;
    let answer = key.assert_with(&c, &key.origin, UP, 1);
    refused(&passkey_sign_in(&mut visitor, &answer).await);

    let c = challenge(&mut visitor, "purpose=signin").await;
    let mut answer = key.assert_with(&c, &key.origin, UP | UV, 1);
    // The signature of other data: valid DER, wrong message.
    let wrong: Signature = key.key.sign(b"something else");
    answer.fields[3].1 = b64(wrong.to_der().as_bytes());
    refused(&passkey_sign_in(&mut visitor, &answer).await);

    // A challenge made for signing a rider does not sign anyone in.
    let c = film.sign_challenge(&mut alex).await;
    refused(&passkey_sign_in(&mut alex, &key.assert(&c)).await);

    // The right one at counter 5 signs in; the same answer again finds no challenge.
    key.count = 4;
    let c = challenge(&mut visitor, "purpose=signin").await;
    let answer = key.assert(&c);
    let page = passkey_sign_in(&mut visitor, &answer).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let mut again = app.client();
    challenge(&mut again, "purpose=signin").await;
    refused(&passkey_sign_in(&mut again, &answer).await);

    // A counter below the last one seen: a copied key.
    let c = challenge(&mut again, "purpose=signin").await;
    let answer = key.assert_with(&c, &key.origin, UP | UV, 3);
    refused(&passkey_sign_in(&mut again, &answer).await);
    let count: i64 = sqlx::query_scalar("select sign_count from passkey")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 5);
}

#[tokio::test]
async fn a_rider_is_not_signed_with_another_accounts_passkey_or_another_riders_challenge() {
    let film = Film::new(roomy_app().await).await;
    let app = &film.app;
    let mut bo = app.signed_in("bo@example.test").await;
    let mut bos_key = Authenticator::new(app);
    add_passkey(&mut bo, &bos_key).await;
    let mut alex = app.signed_in("alex@example.test").await;
    let mut alex_key = Authenticator::new(app);
    add_passkey(&mut alex, &alex_key).await;

    let c = film.sign_challenge(&mut alex).await;
    let page = film.sign(&mut alex, &bos_key.assert(&c)).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("could not be checked"));
    assert_eq!(film.status().await, "delivered");

    // A challenge bound to another text hash (an old page) does not sign this one.
    let c = challenge(
        &mut alex,
        &format!("purpose=sign&rider={}&text={}", film.rider, "0".repeat(64)),
    )
    .await;
    let page = film.sign(&mut alex, &alex_key.assert(&c)).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );

    // Without user verification: refused too.
    let c = film.sign_challenge(&mut alex).await;
    alex_key.count += 1;
    let answer = alex_key.assert_with(&c, &alex_key.origin, UP, alex_key.count);
    let page = film.sign(&mut alex, &answer).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_eq!(film.status().await, "delivered");
    let events: i64 = sqlx::query_scalar(
        "select count(*) from consent_event where rider_id = $1 and event = 'signed'",
    )
    .bind(film.rider)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(events, 0);
}

#[tokio::test]
async fn adding_refuses_another_origin_and_no_verification_and_removing_needs_the_password() {
    let film = Film::new(roomy_app().await).await;
    let app = &film.app;
    let mut alex = app.signed_in("alex@example.test").await;
    let key = Authenticator::new(app);

    let c = challenge(&mut alex, "purpose=register").await;
    let page = alex
        .post(
            "/account/passkeys",
            &key.register(&c, "http://evil.example", UP | UV).pairs(),
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("could not be added"));
    let c = challenge(&mut alex, "purpose=register").await;
    let page = alex
        .post(
            "/account/passkeys",
            &key.register(&c, &key.origin, UP).pairs(),
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let none: i64 = sqlx::query_scalar("select count(*) from passkey")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(none, 0);

    add_passkey(&mut alex, &key).await;
    let id: i64 = sqlx::query_scalar("select passkey_id from passkey")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let id = id.to_string();
    let page = alex
        .post(
            "/account/passkeys/remove",
            &[("passkey_id", &id), ("remove_password", "not my password")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This is not your password."));
    let page = alex
        .post(
            "/account/passkeys/remove",
            &[
                ("passkey_id", &id),
                ("remove_password", crate::support::PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let left: i64 = sqlx::query_scalar("select count(*) from passkey")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn failed_passkey_sign_ins_count_against_the_same_limit_as_passwords() {
    let app = TestApp::spawn_with(|c| c.sign_in_max_failures = 2).await;
    app.user("alex@example.test", "Alex").await;
    let mut alex = app.signed_in("alex@example.test").await;
    let mut key = Authenticator::new(&app);
    add_passkey(&mut alex, &key).await;
    let mut visitor = app.client();
    for _ in 0..2 {
        let c = challenge(&mut visitor, "purpose=signin").await;
        let answer = key.assert_with(&c, "http://evil.example", UP | UV, 1);
        let page = passkey_sign_in(&mut visitor, &answer).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right passkey waits now, as the right password would.
    let c = challenge(&mut visitor, "purpose=signin").await;
    let page = passkey_sign_in(&mut visitor, &key.assert(&c)).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
}
