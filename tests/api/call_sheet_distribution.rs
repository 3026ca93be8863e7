//! Call sheet distribution (issue #15, point 4) over HTTP: the AD publishes a version, each
//! recipient gets a personal link (in the app and by e-mail), the copy is what was published
//! and only what its reader may see, opening and confirming are recorded with times, and a
//! republished version says what changed.

use std::time::Duration;

use reqwest::StatusCode;

use crate::support::mail::MailSink;
use crate::support::{Client, TestApp};

async fn demo_client(app: &TestApp, email: &str) -> Client {
    let mut client = app.client();
    client.sign_in(email, closedset::demo::DEMO_PASSWORD).await;
    client
}

async fn day_of_5a(app: &TestApp, production: i64) -> i64 {
    sqlx::query_scalar(
        "select d.shoot_day_id from shoot_day d join shoot_day_scene ds using (shoot_day_id)
         join scene s using (scene_id)
         where d.production_id = $1 and s.number = '5A' and d.shoot_date > current_date",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The newest call sheet link in someone's notices.
async fn link_of(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "select n.link from notification n join app_user u using (user_id)
         where u.email = $1 and n.kind = 'call_sheet_published'
         order by n.notification_id desc limit 1",
    )
    .bind(email)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_ad_publishes_and_sees_who_opened_and_confirmed() {
    let mut sink = MailSink::start().await;
    let relay = sink.relay();
    let app = TestApp::spawn_with(|c| c.smtp = Some(relay)).await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let day = day_of_5a(&app, production).await;
    let sheet = format!("/productions/{production}/schedule/{day}/call-sheet");
    let mut dana = demo_client(&app, "director@demo.test").await;
    let page = dana.get(&sheet).await;
    assert!(page.body.contains("Not published yet."));

    let published = dana.post(&format!("{sheet}/publish"), &[]).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    // Staff and the two performers in 5A; Jo is not called that day.
    for email in [
        "producer@demo.test",
        "director@demo.test",
        "coordinator@demo.test",
        "performer1@demo.test",
        "performer2@demo.test",
    ] {
        let link = link_of(&app, email)
            .await
            .unwrap_or_else(|| panic!("{email}"));
        let token = link.strip_prefix("/call-sheets/").unwrap();
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_eq!(link_of(&app, "performer3@demo.test").await, None);
    // The notice is e-mailed with the link, and nothing of the sheet.
    let mut mailed = String::new();
    while let Some(mail) = sink.next(Duration::from_secs(5)).await {
        mailed.push_str(&mail);
        if mailed.matches("call-sheets/").count() >= 5 {
            break;
        }
    }
    assert!(mailed.contains("/call-sheets/"), "{mailed}");
    assert!(!mailed.contains("Lakeside Lane"));

    let page = dana.get(&sheet).await;
    assert!(page.body.contains("Version 1"));
    assert!(page.body.contains("Sam Lindqvist"));
    assert_eq!(
        page.body
            .matches("<td data-label=\"Opened\">Not yet</td>")
            .count(),
        5
    );

    // Sam opens his copy with the link alone, and confirms.
    let link = link_of(&app, "performer2@demo.test").await.unwrap();
    let mut anyone = app.client();
    let copy = anyone.get(&link).await;
    assert_eq!(copy.status, StatusCode::OK);
    assert!(copy.body.contains("Sc. 5A"));
    let confirmed = anyone.post(&format!("{link}/confirm"), &[]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let copy = anyone.get(&link).await;
    assert!(
        copy.body
            .contains("You confirmed you have this call sheet on")
    );
    let page = dana.get(&sheet).await;
    assert_eq!(
        page.body
            .matches("<td data-label=\"Opened\">Not yet</td>")
            .count(),
        4
    );
    assert_eq!(
        page.body
            .matches("<td data-label=\"Confirmed\">Not yet</td>")
            .count(),
        4
    );

    // A link that is not one is the normal 404.
    let wrong = format!("/call-sheets/{}", "0".repeat(64));
    assert_eq!(anyone.get(&wrong).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anyone.get("/call-sheets/xyz").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_copy_is_what_was_published_and_a_new_version_says_what_changed() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let day = day_of_5a(&app, production).await;
    let sheet = format!("/productions/{production}/schedule/{day}/call-sheet");
    let mut dana = demo_client(&app, "director@demo.test").await;
    dana.post(&format!("{sheet}/publish"), &[]).await;
    let first = link_of(&app, "performer1@demo.test").await.unwrap();

    sqlx::query("update shoot_day set weather = 'Heavy rain, 9 °C' where shoot_day_id = $1")
        .bind(day)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut alex = app.client();
    // The published copy does not change under its reader.
    let copy = alex.get(&first).await;
    assert!(copy.body.contains("Dry, 14 °C"));
    assert!(!copy.body.contains("Heavy rain"));

    let published = dana.post(&format!("{sheet}/publish"), &[]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let second = link_of(&app, "performer1@demo.test").await.unwrap();
    assert_ne!(first, second);
    let copy = alex.get(&second).await;
    assert!(copy.body.contains("CHANGED · version 2"));
    assert!(
        copy.body.contains(
            "Weather: Heavy rain, 9 °C (was Dry, 14 °C, light westerly wind; showers possible \
             after 16:00)"
        ),
        "{}",
        copy.body
    );
    let old = alex.get(&first).await;
    assert!(old.body.contains("This call sheet has been replaced."));
    let page = dana.get(&sheet).await;
    assert!(page.body.contains("Version 2 · changed"));
    let notice: String = sqlx::query_scalar(
        "select n.message from notification n join app_user u using (user_id)
         where u.email = 'performer1@demo.test' and n.kind = 'call_sheet_published'
         order by n.notification_id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(notice.contains("changed (version 2)"));
}

#[tokio::test]
async fn a_performers_copy_holds_nothing_of_anyone_elses_part() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    // Scene 8's day: Alex and Theo (no account); Sam is not in it.
    let day: i64 = sqlx::query_scalar(
        "select d.shoot_day_id from shoot_day d join shoot_day_scene ds using (shoot_day_id)
         join scene s using (scene_id)
         where d.production_id = $1 and s.number = '8' and d.shoot_date > current_date",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut dana = demo_client(&app, "director@demo.test").await;
    let sheet = format!("/productions/{production}/schedule/{day}/call-sheet");
    assert_eq!(
        dana.post(&format!("{sheet}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(link_of(&app, "performer2@demo.test").await, None);
    let link = link_of(&app, "performer1@demo.test").await.unwrap();
    let copy = app.client().get(&link).await;
    assert_eq!(copy.status, StatusCode::OK);
    assert!(copy.body.contains("Sc. 8"));
    // Neither Alex's nor Theo's part of the breakdown, nor anyone's clearance.
    let breakdown: String = sqlx::query_scalar(
        "select v.breakdown::text from scene s join scene_version v
           on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and s.number = '8'",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let parsed: closedset::vocab::breakdown::Breakdown = serde_json::from_str(&breakdown).unwrap();
    for part in &parsed.performers {
        for act in &part.acts {
            assert!(!copy.body.contains(act.as_str()), "{act:?} in Alex's copy");
        }
    }
    assert!(!parsed.garments.is_empty() && !copy.body.contains(&parsed.garments));
    assert!(!copy.body.contains("closed-set-clearance"));
}
