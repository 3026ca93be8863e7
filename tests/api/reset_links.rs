//! Who may make a password reset link on the members page (issue #13): a link opens the whole
//! account, so it never reaches an administrator, a producer (unless a producer makes it), or
//! someone who is in a production where the maker is not a producer or coordinator.

use reqwest::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn reset_links_reach_no_further_than_the_makers_own_standing() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let members = format!("/productions/{production}/members");
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex Rivera").await;
    let alex_m = app.add_member(production, alex, "performer").await;
    let pia = app.user("pia@example.test", "Pia Second").await;
    let pia_m = app.add_member(production, pia, "producer").await;
    let admin = app.admin("root@example.test").await;
    let admin_m = app.add_member(production, admin, "director").await;
    // Sam is also in another production where Cora is not, but Pat produces it.
    let sam = app.user("sam@example.test", "Sam Other").await;
    let sam_m = app.add_member(production, sam, "performer").await;
    let other = app.production("Other Film", pat).await;
    app.add_member(other, sam, "performer").await;
    // In a third production Cora is only a director, as Pat is: Dee is beyond both.
    let dee = app.user("dee@example.test", "Dee Elsewhere").await;
    let dee_m = app.add_member(production, dee, "performer").await;
    let quinn = app.user("quinn@example.test", "Quinn Third").await;
    let third = app.production("Third Film", quinn).await;
    app.add_member(third, dee, "performer").await;
    app.add_member(third, cora, "director").await;
    app.add_member(third, pat, "director").await;

    let mut cora_client = app.signed_in("cora@example.test").await;
    let page = cora_client.get(&members).await;
    assert!(page.body.contains("Make a reset link for Alex Rivera"));
    for refused in ["Pia Second", "Admin", "Sam Other", "Dee Elsewhere"] {
        assert!(
            !page
                .body
                .contains(&format!("Make a reset link for {refused}")),
            "{refused}"
        );
        assert!(
            page.body.contains(&format!(
                "<strong>{refused}</strong>: no reset link from here."
            )),
            "{refused}"
        );
    }
    assert!(
        page.body
            .contains("Only a producer can make a reset link for a producer.")
    );
    assert!(page.body.contains("They administer this server"));
    for target in [pia_m, admin_m, sam_m, dee_m] {
        let page = cora_client
            .post(&format!("{members}/{target}/reset-link"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{target}");
    }
    let made: i64 = sqlx::query_scalar("select count(*) from password_reset")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(made, 0);
    let page = cora_client
        .post(&format!("{members}/{alex_m}/reset-link"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    // A producer may reach another producer, and Sam (Pat produces Sam's other production),
    // but still not an administrator, nor Dee.
    let mut pat_client = app.signed_in("pat@example.test").await;
    let page = pat_client.get(&members).await;
    assert!(page.body.contains("Make a reset link for Pia Second"));
    assert!(page.body.contains("Make a reset link for Sam Other"));
    assert!(!page.body.contains("Make a reset link for Admin"));
    assert!(!page.body.contains("Make a reset link for Dee Elsewhere"));
    for (target, expected) in [
        (pia_m, StatusCode::SEE_OTHER),
        (sam_m, StatusCode::SEE_OTHER),
        (admin_m, StatusCode::NOT_FOUND),
        (dee_m, StatusCode::NOT_FOUND),
    ] {
        let page = pat_client
            .post(&format!("{members}/{target}/reset-link"), &[])
            .await;
        assert_eq!(page.status, expected, "{target}");
    }
}
