//! The session's row names who it is signed in as, so one statement reads the session with the
//! person (auth::Signed); a row saved before those columns existed is still read correctly.

use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp};

/// The statements that read the session and who it belongs to (sqlx names a statement by its
/// first words).
fn per_request(app: &TestApp, request_id: &str) -> usize {
    app.queries(request_id)
        .iter()
        .filter(|q| q.contains("tower_sessions") || q.starts_with("with touched as"))
        .count()
}

#[tokio::test]
async fn a_session_row_names_its_person_and_one_saved_without_is_still_signed_in() {
    let app = TestApp::spawn().await;
    let user_id = app.user("ana@example.test", "Ana").await;
    let mut client = app.client();
    let page = client.sign_in("ana@example.test", PASSWORD).await;
    let cookie = client.session_cookie(&page).unwrap();
    let (row_user, row_key): (Option<i64>, Option<String>) = sqlx::query_as(
        "select user_id, user_session_key from tower_sessions.session where id = $1",
    )
    .bind(&cookie)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row_user, Some(user_id));
    let open_key: String =
        sqlx::query_scalar("select session_key from user_session where user_id = $1")
            .bind(user_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(row_key.as_deref(), Some(open_key.as_str()));

    // The first page after sign-in writes the session back once (its idle expiry moves).
    client.get("/").await;
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        per_request(&app, page.request_id()),
        1,
        "one statement for the session and the person: {:?}",
        app.queries(page.request_id())
    );

    // As if saved before the columns existed: still signed in, read the longer way.
    sqlx::query("update tower_sessions.session set user_id = null, user_session_key = null")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ana"), "still signed in");
    assert_eq!(per_request(&app, page.request_id()), 2);

    // Columns that name someone else never sign the session in as them: the record decides.
    let other = app.user("bo@example.test", "Bo").await;
    sqlx::query("update tower_sessions.session set user_id = $1")
        .bind(other)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ana") && !page.body.contains(">Bo<"));

    // Signed out from "Your sessions": the very next request is sent to sign in.
    sqlx::query("delete from user_session where user_id = $1")
        .bind(user_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}
