//! Web basics: CSRF, security headers, health checks, error pages.

use reqwest::StatusCode;

use crate::support::{TestApp, drop_database};

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.signed_in("ana@example.test").await;
    let token = client.csrf().await;

    // A form on another site, as a browser would send it.
    let page = client
        .post_raw(
            "/signout",
            &[("csrf", &token)],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = client
        .post_raw(
            "/signout",
            &[("csrf", &token)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // An old browser that sends neither header still needs the session's token.
    let page = client.post_raw("/signout", &[], &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = client.post_raw("/signout", &[("csrf", "0000")], &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("sent from another site or has expired"));
    // Still signed in after all that.
    assert_eq!(client.get("/account").await.status, StatusCode::OK);

    // The same form from our own origin works.
    let origin = format!("http://{}", app.addr);
    let page = client
        .post_raw(
            "/signout",
            &[("csrf", &token)],
            &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_token_from_another_session_is_refused() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut attacker = app.client();
    let their_token = attacker.csrf().await;
    let mut victim = app.signed_in("ana@example.test").await;
    let page = victim
        .post_raw("/signout", &[("csrf", &their_token)], &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/signin").await;
    let h = &page.headers;
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(!h["x-request-id"].to_str().unwrap().is_empty());
    // No inline script anywhere on the page.
    assert!(!page.body.contains("<script>"));
}

#[tokio::test]
async fn unknown_pages_are_a_plain_404() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);

    // Take the database away underneath the running server.
    drop_database(&app.db_name).await;
    let page = client.get("/readyz").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    // The process itself is still up.
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn static_files_are_served() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/static/app.css").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("@media print"));
}
