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
async fn our_host_under_the_other_scheme_is_another_site() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.signed_in("ana@example.test").await;
    let token = client.csrf().await;

    // The server is at http://host:port; a page at https://host:port is another origin.
    let other_scheme = format!("https://{}", app.addr);
    let page = client
        .post_raw(
            "/signout",
            &[("csrf", &token)],
            &[("origin", &other_scheme)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("sent from another site or has expired"));
    // A browser that also claims same-origin does not change that.
    let page = client
        .post_raw(
            "/signout",
            &[("csrf", &token)],
            &[("origin", &other_scheme), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(client.get("/account").await.status, StatusCode::OK);

    // `Origin: null` (what browsers send under our no-referrer policy, and what a sandboxed
    // frame sends) is no pass: a cross-site fetch is still refused, and without the form
    // token nothing goes through.
    let page = client
        .post_raw(
            "/signout",
            &[("csrf", &token)],
            &[("origin", "null"), ("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = client
        .post_raw("/signout", &[("csrf", "forged")], &[("origin", "null")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(client.get("/account").await.status, StatusCode::OK);

    // Our own origin, scheme and all, still works.
    let ours = format!("http://{}", app.addr);
    let page = client
        .post_raw("/signout", &[("csrf", &token)], &[("origin", &ours)])
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

#[tokio::test]
async fn static_files_and_health_checks_run_no_sql_and_static_files_may_be_cached() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut client = app.signed_in("ana@example.test").await;
    // A page with the session cookie reads the session and the account...
    let page = client.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(app.query_count(page.request_id()) > 0);
    // ...a static file with the same cookie reads nothing.
    for path in ["/static/app.css", "/static/live.js", "/healthz"] {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            app.query_count(page.request_id()),
            0,
            "{path}: {:?}",
            app.queries(page.request_id())
        );
        // Security headers still apply.
        assert_eq!(page.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(page.headers["x-frame-options"], "DENY", "{path}");
        assert!(page.headers.get("set-cookie").is_none(), "{path}");
    }
    let page = client.get("/readyz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.query_count(page.request_id()), 1, "only the ping");

    let page = client.get("/static/app.css").await;
    assert_eq!(page.headers["cache-control"], "public, max-age=3600");
    assert!(page.headers.get("etag").is_some() || page.headers.get("last-modified").is_some());
    // Pages themselves are still never cached.
    assert_eq!(
        client.get("/account").await.headers["cache-control"],
        "no-store"
    );
    assert_eq!(
        client.get("/healthz").await.headers["cache-control"],
        "no-store"
    );
}

#[tokio::test]
async fn an_anonymous_visit_to_the_home_page_is_sent_to_sign_in_without_a_session() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/signin");
    assert!(page.headers.get("set-cookie").is_none());
    assert_eq!(
        app.query_count(page.request_id()),
        0,
        "{:?}",
        app.queries(page.request_id())
    );
    let sessions: i64 = sqlx::query_scalar("select count(*) from tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
}

/// A NUL byte (or another control character) in any field used to reach PostgreSQL, which
/// refuses it: a 500, even signed out at sign-in. Every form is read through one extractor,
/// which now answers 422 with a page that says what to do, and nothing is saved.
#[tokio::test]
async fn a_nul_byte_in_a_form_is_a_clear_422_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;

    let mut visitor = app.client();
    visitor.get("/signin").await;
    let page = visitor
        .post("/signin", &[("email", "a\0b"), ("password", "whatever")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Some characters cannot be saved"),
        "{}",
        page.body
    );

    let mut producer = app.signed_in("pat@example.test").await;
    let scenes = format!("/productions/{production}/scenes");
    for (field, value) in [
        ("number", "12\0"),
        ("set_name", "Lake\0house"),
        ("synopsis", "bell\u{7}"),
    ] {
        let mut fields = vec![
            ("number", "12"),
            ("int_ext", "int"),
            ("set_name", "Lake house"),
            ("time_of_day", "night"),
            ("eighths", "1"),
            ("synopsis", ""),
            ("revision_colour", "white"),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let page = producer.post(&scenes, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from scene where production_id = $1")
        .bind(production)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    // Line breaks and tabs are text people type, and still go through.
    let page = producer
        .post(
            &scenes,
            &[
                ("number", "12"),
                ("int_ext", "int"),
                ("set_name", "Lake house"),
                ("time_of_day", "night"),
                ("eighths", "1"),
                ("synopsis", "First line\r\nSecond\tline"),
                ("revision_colour", "white"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}
