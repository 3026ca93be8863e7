//! The demo always has a shoot day today: a performer finds its on-set page with the pause
//! button, and loading again on a later day adds that day without touching recorded consent.

use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::support::TestApp;

/// The demo production's today, in its zone (London).
fn london_today() -> time::Date {
    let zone = closedset::clock::parse_zone("Europe/London").unwrap();
    closedset::clock::utc_to_local(OffsetDateTime::now_utc(), zone).date()
}

async fn day_on(app: &TestApp, production: i64, date: time::Date) -> Option<i64> {
    sqlx::query_scalar(
        "select shoot_day_id from shoot_day where production_id = $1 and shoot_date = $2",
    )
    .bind(production)
    .bind(date)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

/// Everything recorded about consent, as one comparable text.
async fn consent_record(app: &TestApp, production: i64) -> String {
    sqlx::query_scalar(
        "select coalesce(string_agg(concat_ws('|', rider_id, status, delivered_at, signed_at, revoked_at),
                                    ';' order by rider_id), '')
                || '#' || (select count(*) from consent_event)::text
         from rider where production_id = $1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_demo_has_a_shoot_day_today_with_a_pause_button_for_the_performer() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::load(&app.pool).await.unwrap();
    let today = london_today();
    let day = day_on(&app, production, today)
        .await
        .expect("the demo has a shoot day today");
    let days_today: i64 = sqlx::query_scalar(
        "select count(*) from shoot_day where production_id = $1 and shoot_date = $2",
    )
    .bind(production)
    .bind(today)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(days_today, 1, "loading twice adds no second day");

    let mut alex = app.client();
    alex.sign_in("performer1@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let page = alex
        .get(&format!("/productions/{production}/schedule/{day}/on-set"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("class=\"pause-button\""),
        "the performer's on-set page today has a pause button: {}",
        page.body
    );
}

#[tokio::test]
async fn loading_on_a_later_day_adds_that_day_and_keeps_recorded_consent() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let before = consent_record(&app, production).await;
    let later = london_today() + Duration::days(30);
    assert!(day_on(&app, production, later).await.is_none());

    closedset::demo::today::ensure_day(&app.pool, production, later)
        .await
        .unwrap();
    closedset::demo::today::ensure_day(&app.pool, production, later)
        .await
        .unwrap();
    let day = day_on(&app, production, later)
        .await
        .expect("the later day is added");
    let scenes: Vec<String> = sqlx::query_scalar(
        "select s.number from shoot_day_scene d join scene s using (scene_id)
         where d.shoot_day_id = $1",
    )
    .bind(day)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(scenes.len(), 1, "one flagged scene, added once: {scenes:?}");
    assert_eq!(consent_record(&app, production).await, before);
}
