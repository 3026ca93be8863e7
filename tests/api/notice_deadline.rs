//! One deadline rule (issue #16, point 3): a rider's notice deadline is the call of its next
//! shoot day not yet shot, minus the production's notice, and every page that shows it gives
//! the same date. A day already shot no longer sets it: before, the riders list counted from
//! the first day ever scheduled (so it alarmed about a day already shot) while the dashboards
//! counted from the next call, and the two disagreed about the same rider.

use crate::support::{TestApp, build};

#[tokio::test]
async fn every_page_gives_the_deadline_of_the_next_unshot_day() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex Performer").await;
    app.add_member(production, alex, "performer").await;
    build::delivered_rider(&app, production, cora, alex).await;
    let scene: i64 =
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '5A'")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // Shot on a day gone by; to be shot again (a pick-up) on a later day.
    let shot = build::shoot_day(&app, production, build::date("2026-03-02")).await;
    let pickup = build::shoot_day(&app, production, build::date("2099-03-11")).await;
    build::place(&app, shot, scene).await;
    build::place(&app, pickup, scene).await;
    sqlx::query("update shoot_day_scene set shot_at = now() where shoot_day_id = $1")
        .bind(shot)
        .execute(&app.pool)
        .await
        .unwrap();

    // The pick-up's call (07:00 on Wed 11 Mar 2099) less 48 hours' notice.
    let deadline = "Mon 9 Mar 2099";
    let gone_by = "28 Feb 2026";
    // The coordinator's list, and the performer's list and first page. (The coordinator's first
    // page shows deadlines only for riders still to deliver; it reads the same `next_call_sql`.)
    let mut cory = app.signed_in("cora@example.test").await;
    let page = cory.get(&format!("/productions/{production}/riders")).await;
    assert!(page.body.contains(deadline), "{}", page.body);
    assert!(!page.body.contains(gone_by));
    let mut alex = app.signed_in("alex@example.test").await;
    for path in ["/riders", ""] {
        let page = alex.get(&format!("/productions/{production}{path}")).await;
        assert!(
            page.body.contains(deadline),
            "performer {path}: {}",
            page.body
        );
        assert!(!page.body.contains(gone_by), "performer {path}");
    }

    // Once the pick-up is shot too, no page sets a deadline from either day.
    sqlx::query("update shoot_day_scene set shot_at = now() where shoot_day_id = $1")
        .bind(pickup)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = cory.get(&format!("/productions/{production}/riders")).await;
    assert!(!page.body.contains(deadline));
    assert!(!page.body.contains(gone_by));
}
