//! The pool hands out connections without pinging them first (issue #19): a connection whose
//! backend died while idle is found by the statement that uses it, and the request's first
//! statements clear out the dead ones and run again once, so nobody sees an error for it.

use reqwest::StatusCode;

use crate::support::TestApp;

/// Ends every other backend of this database, as a restart or an administrator would.
async fn terminate_every_backend(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "select count(*) from (
             select pg_terminate_backend(pid) from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid()) t",
    )
    .fetch_one(&app.owner_pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn pages_answer_after_every_pooled_connection_was_terminated() {
    let app = TestApp::spawn().await;
    let producer = app.user("pat@a.test", "Pat").await;
    let production = app.production("Night Swim", producer).await;
    let mut client = app.signed_in("pat@a.test").await;
    let home = format!("/productions/{production}");
    // Warm the pool: several connections idle in it.
    for _ in 0..4 {
        assert_eq!(client.get(&home).await.status, StatusCode::OK);
    }
    let idle_before = app.pool.num_idle();
    assert!(idle_before > 0, "connections are idle in the pool");
    assert!(terminate_every_backend(&app).await > 0);
    // Give the backends a moment to go.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    for path in [home.as_str(), "/notifications", "/account", home.as_str()] {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path} after the terminations");
    }
    let health = app.client().get("/readyz").await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn readyz_answers_after_every_pooled_connection_was_terminated() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(app.client().get("/readyz").await.status, StatusCode::OK);
    }
    assert!(terminate_every_backend(&app).await > 0);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let health = app.client().get("/readyz").await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
}
