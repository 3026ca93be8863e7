//! "Your sessions" (issue #13): the devices signed in to an account, with browser, address,
//! signed in and last seen; signing out one of them, or all but this one, takes effect at
//! their next request; signing out removes the device from the list.

use reqwest::StatusCode;

use crate::support::{Client, PASSWORD, TestApp};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// A client whose browser says it is `user_agent`, signed in as `email`.
async fn signed_in_with(app: &TestApp, email: &str, user_agent: &str) -> Client {
    let mut client = app.client();
    client.http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .unwrap();
    let page = client.sign_in(email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    client
}

async fn session_ids(app: &TestApp, email: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "select s.user_session_id from user_session s join app_user u using (user_id)
         where u.email = $1 order by s.signed_in_at",
    )
    .bind(email)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn your_sessions_lists_devices_and_signs_them_out() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    app.user("ben@example.test", "Ben").await;
    let mut laptop = signed_in_with(&app, "ana@example.test", FIREFOX).await;
    let mut phone = signed_in_with(&app, "ana@example.test", "curl/8.0 (iPhone)").await;
    let mut tablet = app.signed_in("ana@example.test").await;
    let mut ben = app.signed_in("ben@example.test").await;
    let ids = session_ids(&app, "ana@example.test").await;
    assert_eq!(ids.len(), 3);

    let page = laptop.get("/account/sessions").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Firefox on Linux <strong>(this device)</strong>")
    );
    assert!(page.body.contains("curl on iPhone"));
    assert!(page.body.contains("127.0.0.1"));
    assert_eq!(page.body.matches("(this device)").count(), 1);
    assert!(!page.body.contains("Ben"));

    // Another account's session is not Ana's to end.
    let ben_id = session_ids(&app, "ben@example.test").await[0];
    let page = laptop
        .post(&format!("/account/sessions/{ben_id}/signout"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(ben.get("/account").await.status, StatusCode::OK);

    // Signing out the phone ends it at its next request, and only it.
    let page = laptop
        .post(&format!("/account/sessions/{}/signout", ids[1]), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = phone.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/signin"));
    assert_eq!(tablet.get("/account").await.status, StatusCode::OK);
    assert!(
        !laptop
            .get("/account/sessions")
            .await
            .body
            .contains("curl on iPhone")
    );

    // Everywhere else: the tablet goes, the laptop stays.
    let page = laptop.post("/account/sessions/others/signout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(tablet.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account").await.status, StatusCode::OK);
    assert_eq!(ben.get("/account").await.status, StatusCode::OK);
    assert_eq!(session_ids(&app, "ana@example.test").await, vec![ids[0]]);

    // Signing out removes the row.
    let page = laptop.post("/signout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(session_ids(&app, "ana@example.test").await.is_empty());
}

#[tokio::test]
async fn last_seen_moves_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    app.user("ana@example.test", "Ana").await;
    let mut ana = app.signed_in("ana@example.test").await;
    let seen = || async {
        sqlx::query_scalar::<_, time::OffsetDateTime>("select last_seen_at from user_session")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let first = seen().await;
    ana.get("/account").await;
    assert_eq!(seen().await, first, "not written again within the minute");
    sqlx::query("update user_session set last_seen_at = now() - interval '2 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let old = seen().await;
    ana.get("/account").await;
    assert!(seen().await > old, "touched after a minute");
}
