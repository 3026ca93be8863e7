//! Each role's first page of the demo film: what it must show, and what it must never show.

use reqwest::StatusCode;

use crate::support::TestApp;

async fn demo(app: &TestApp) -> i64 {
    closedset::demo::load(&app.pool).await.unwrap()
}

async fn home(app: &TestApp, email: &str, production: i64) -> String {
    let mut client = app.client();
    let page = client.sign_in(email, closedset::demo::DEMO_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{email}");
    let page = client.get(&format!("/productions/{production}")).await;
    assert_eq!(page.status, StatusCode::OK, "{email}");
    page.body
}

/// Confidential texts of the demo: boundary notes and conversation summaries.
async fn confidential(app: &TestApp) -> Vec<String> {
    let mut texts: Vec<String> = sqlx::query_scalar(
        "select summary from conversation where summary <> ''
         union all select notes from boundary_profile_version where notes <> ''
         union all select e ->> 'note' from boundary_profile_version, jsonb_array_elements(entries) e
                   where coalesce(e ->> 'note', '') <> ''",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    texts.retain(|t| t.len() > 12);
    assert!(
        !texts.is_empty(),
        "the demo should hold confidential notes to look for"
    );
    texts
}

#[tokio::test]
async fn the_coordinator_sees_the_work_queue() {
    let app = TestApp::spawn().await;
    let production = demo(&app).await;
    let body = home(&app, "coordinator@demo.test", production).await;
    for heading in [
        "Recent withdrawals of consent",
        "Riders to draft",
        "Riders to deliver",
        "Riders to chase",
        "Stale riders",
        "First meetings missing",
        "Follow-ups due",
    ] {
        assert!(body.contains(heading), "missing {heading}");
    }
    assert!(
        body.contains("withdrew consent for scene"),
        "the demo's revocation is listed"
    );
    assert!(
        body.contains("the breakdown changed after signing"),
        "the demo's stale rider is listed"
    );
    assert!(
        body.contains("Deliver by") || body.contains("delivered"),
        "a rider to chase"
    );
}

#[tokio::test]
async fn the_performer_sees_their_riders_with_one_way_to_withdraw() {
    let app = TestApp::spawn().await;
    let production = demo(&app).await;
    let body = home(&app, "performer1@demo.test", production).await;
    assert!(body.contains("My riders"));
    assert!(body.contains("Withdraw consent"));
    assert!(body.contains("/revoke"));
    assert!(body.contains("Who viewed my records"));
    // Only their own scenes and riders: performer 2's character never appears as theirs.
    assert!(!body.contains("Sam Lindqvist:"));
    let other = home(&app, "performer3@demo.test", production).await;
    assert!(!other.contains("Alex Rivera"));
}

#[tokio::test]
async fn producers_and_directors_see_consent_status_but_no_confidential_notes() {
    let app = TestApp::spawn().await;
    let production = demo(&app).await;
    let secrets = confidential(&app).await;
    for email in ["producer@demo.test", "director@demo.test"] {
        let body = home(&app, email, production).await;
        assert!(body.contains("Intimate scenes"), "{email}");
        assert!(
            body.contains("Blocked") || body.contains("Cleared"),
            "{email}"
        );
        for secret in &secrets {
            assert!(
                !body.contains(secret.as_str()),
                "{email} saw a confidential note"
            );
        }
    }
    // And the coordinator's page, which does hold them elsewhere, never puts them on the home page.
    let body = home(&app, "coordinator@demo.test", production).await;
    for secret in &secrets {
        assert!(!body.contains(secret.as_str()));
    }
}
