//! The client's address behind a reverse proxy (issue #13): forwarding headers count only from
//! a configured proxy, and then signatures and sign-in limits use the real client; wrong
//! guesses from one address never lock the account's owner out from another. HSTS over https.

use closedset::config::TrustedProxies;
use reqwest::StatusCode;

use crate::support::{Client, PASSWORD, Page, TestApp, build};

/// Signs in as a browser behind a proxy would, the proxy adding `X-Forwarded-For`.
async fn sign_in_from(client: &mut Client, from: &str, email: &str, password: &str) -> Page {
    let token = client.csrf().await;
    client
        .post_raw(
            "/signin",
            &[("email", email), ("password", password), ("csrf", &token)],
            &[("x-forwarded-for", from)],
        )
        .await
}

async fn behind_proxy() -> TestApp {
    TestApp::spawn_with(|config| {
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1/32, ::1").unwrap();
    })
    .await
}

async fn failure_addresses(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("select distinct client_addr from sign_in_failure order by 1")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_forwarded_header_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut attacker = app.client();
    // A different made-up address each time: all count against the real peer.
    for i in 0..10 {
        let page = sign_in_from(
            &mut attacker,
            &format!("198.51.100.{i}"),
            "ana@example.test",
            "wrong password!",
        )
        .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(failure_addresses(&app).await, vec!["127.0.0.1".to_string()]);
    let page = sign_in_from(&mut attacker, "198.51.100.99", "ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn wrong_guesses_pause_the_attackers_address_and_the_owner_elsewhere_still_signs_in() {
    let app = behind_proxy().await;
    app.user("ana@example.test", "Ana").await;
    let mut attacker = app.client();
    for _ in 0..10 {
        // The client's own claim comes first; the proxy appends the address it saw.
        let page = sign_in_from(
            &mut attacker,
            "10.9.9.9, 203.0.113.66",
            "ana@example.test",
            "wrong password!",
        )
        .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        failure_addresses(&app).await,
        vec!["203.0.113.66".to_string()]
    );
    // The attacker's address is paused for Ana, even with the right password...
    let page = sign_in_from(&mut attacker, "203.0.113.66", "ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.body
            .contains("Too many failed sign-in attempts from here")
    );
    // ...and Ana at home is not.
    let mut owner = app.client();
    let page = sign_in_from(&mut owner, "192.0.2.10", "ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(owner.get("/account").await.status, StatusCode::OK);
    // Her signing in does not lift the attacker's pause.
    let page = sign_in_from(
        &mut app.client(),
        "203.0.113.66",
        "ana@example.test",
        PASSWORD,
    )
    .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_guessing_across_accounts_is_paused_for_all_of_them() {
    let app = TestApp::spawn_with(|config| config.sign_in_max_failures_per_address = 12).await;
    for (email, name) in [
        ("ana@example.test", "Ana"),
        ("ben@example.test", "Ben"),
        ("cleo@example.test", "Cleo"),
        ("dev@example.test", "Dev"),
    ] {
        app.user(email, name).await;
    }
    let mut client = app.client();
    for _ in 0..10 {
        let page = client.sign_in("ana@example.test", "wrong password!").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Ana is paused from here; Ben, from the same address, is not yet.
    let page = client.sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let page = app.client().sign_in("ben@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // Two more wrong guesses on another account reach the address's limit: all paused.
    for _ in 0..2 {
        let page = client.sign_in("cleo@example.test", "wrong password!").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = app.client().sign_in("dev@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // Once the failures are older than the window, signing in works again.
    sqlx::query("update sign_in_failure set failed_at = now() - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.client().sign_in("ana@example.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_signature_through_a_trusted_proxy_records_the_real_client_address() {
    let app = behind_proxy().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex").await;
    app.add_member(production, alex, "performer").await;
    let rider = build::delivered_rider(&app, production, cora, alex).await;

    let mut performer = app.client();
    let page = sign_in_from(
        &mut performer,
        "198.51.100.23",
        "alex@example.test",
        PASSWORD,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let path = format!("/productions/{production}/riders/{rider}");
    assert_eq!(performer.get(&path).await.status, StatusCode::OK);
    let hash: String = sqlx::query_scalar("select body_sha256 from rider where rider_id = $1")
        .bind(rider)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let token = performer.csrf().await;
    let page = performer
        .post_raw(
            &format!("{path}/sign"),
            &[
                ("password", PASSWORD),
                ("text_sha256", &hash),
                ("csrf", &token),
            ],
            &[(
                "forwarded",
                r#"for=6.6.6.6, for="[2001:db8::23]:4711";proto=https"#,
            )],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // The ledger holds the device's hash; the address itself is kept beside it.
    let (details, addr): (String, String) = sqlx::query_as(
        "select e.details, c.client_addr from consent_event e
         join consent_event_client c using (consent_event_id)
         where e.rider_id = $1 and e.event = 'signed'",
    )
    .bind(rider)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(addr, "2001:db8::23");
    assert!(!details.contains("2001:db8::23"));
}

#[tokio::test]
async fn browsers_are_told_to_keep_to_https_only_when_the_site_is_https() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/signin").await;
    assert!(page.headers.get("strict-transport-security").is_none());

    let app = TestApp::spawn_with(|config| {
        config.base_url = "https://sets.example.org".into();
    })
    .await;
    let response = reqwest::get(app.url("/signin")).await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let response = reqwest::get(app.url("/static/app.css")).await.unwrap();
    assert!(response.headers().contains_key("strict-transport-security"));
}
