//! R1 on the screens: the scene page, the stripboard and the call sheet say cleared or blocked,
//! and (except the call sheet) why; performers see only their own consent.

use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use closedset::vocab::scope::{Scope, Uses};
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::support::{TestApp, build};

struct Set {
    production: i64,
    scene: i64,
    day: i64,
    alex: i64,
    sam: i64,
    call_at: OffsetDateTime,
}

fn part(cast_member_id: i64) -> PerformerPart {
    PerformerPart {
        cast_member_id,
        nudity: NudityLevel::PartialUpper,
        shown: vec![BodyArea::Breasts],
        touched: vec![BodyArea::Shoulders],
        touching: vec![],
        acts: vec!["Embrace under the sheet".into()],
        garments: String::new(),
    }
}

async fn breakdown(app: &TestApp, set: &Set, acts: &[&str]) {
    let mut alex = part(set.alex);
    alex.acts.extend(acts.iter().map(|a| a.to_string()));
    let b = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![alex, part(set.sam)],
        garments: String::new(),
        stills_allowed: true,
        closed_set: vec!["Morgan Ellis".into()],
        monitor_list: vec![],
    };
    build::breakdown(app, set.production, set.scene, &b, None).await;
}

async fn setup(app: &TestApp) -> Set {
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    for (email, name, role) in [
        ("cory@example.test", "Cory Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
    }
    let mut cast = Vec::new();
    for (n, name, email) in [
        (1, "Alex Rivera", "alex@example.test"),
        (2, "Sam Lindqvist", "sam@example.test"),
    ] {
        cast.push(
            build::cast(app, production, n, name)
                .signing_in_as(email)
                .await,
        );
    }
    let scene = build::scene(app, production, "5A")
        .on_set("Lake house bedroom")
        .eighths(9)
        .with(&cast)
        .await;
    let call_at = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + Duration::days(10);
    let day = build::shoot_day_called_at(app, production, call_at.date(), call_at).await;
    build::place(app, day, scene).await;
    let set = Set {
        production,
        scene,
        day,
        alex: cast[0],
        sam: cast[1],
        call_at,
    };
    breakdown(app, &set, &[]).await;
    set
}

/// A signed rider for the scene's current version, delivered `before` the call: straight in
/// SQL, as the app stamps a delivery with the time it happens.
async fn signed_rider(app: &TestApp, set: &Set, cast_member_id: i64, before: Duration) -> i64 {
    let delivered = set.call_at - before;
    let scope = Scope::from_part(
        &part(cast_member_id),
        Uses {
            in_picture: true,
            trailers: false,
            stills: true,
        },
        false,
    );
    let rider: i64 = sqlx::query_scalar(
        "insert into rider (production_id, cast_member_id, status, body, body_sha256, in_stills,
                            delivered_at, signed_at)
         values ($1, $2, 'signed', 'text', repeat('c', 64), true, $3, $3 + interval '1 hour')
         returning rider_id",
    )
    .bind(set.production)
    .bind(cast_member_id)
    .bind(delivered)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into rider_scene (rider_id, scene_id, scene_version_id, production_id, scope)
         select $1, scene_id, current_version_id, production_id, $2::jsonb from scene where scene_id = $3",
    )
    .bind(rider)
    .bind(serde_json::to_string(&scope).unwrap())
    .bind(set.scene)
    .execute(&app.pool)
    .await
    .unwrap();
    rider
}

#[tokio::test]
async fn without_riders_the_scene_is_blocked_everywhere_with_the_reason() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let p = set.production;
    for email in ["pat@example.test", "cory@example.test", "dana@example.test"] {
        let mut client = app.signed_in(email).await;
        let scene = client
            .get(&format!("/productions/{p}/scenes/{}", set.scene))
            .await;
        assert_eq!(scene.status, StatusCode::OK);
        assert!(scene.body.contains("Blocked"), "{email}");
        assert!(
            scene.body.contains("#1 Alex Rivera: no rider drafted"),
            "{email}"
        );
        assert!(
            scene.body.contains("#2 Sam Lindqvist: no rider drafted"),
            "{email}"
        );
        let board = client.get(&format!("/productions/{p}/schedule")).await;
        assert!(board.body.contains("Blocked"), "{email}");
        assert!(board.body.contains("no rider drafted"), "{email}");
        // The call sheet says blocked, never why.
        let sheet = client
            .get(&format!("/productions/{p}/schedule/{}/call-sheet", set.day))
            .await;
        assert!(
            sheet
                .body
                .contains("closed-set-clearance tag status-blocked\"")
                && sheet.body.contains("data-status-tone>Blocked<"),
            "{email}"
        );
        assert!(!sheet.body.contains("no rider drafted"), "{email}");
    }
}

#[tokio::test]
async fn riders_signed_in_time_clear_the_scene_and_a_change_to_a_part_makes_only_that_rider_stale()
{
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    signed_rider(&app, &set, set.alex, Duration::hours(72)).await;
    signed_rider(&app, &set, set.sam, Duration::hours(48)).await;
    let mut pat = app.signed_in("pat@example.test").await;
    let path = format!("/productions/{}/scenes/{}", set.production, set.scene);
    let page = pat.get(&path).await;
    assert!(page.body.contains("Cleared"), "{}", page.body);
    assert!(page.body.contains("stills allowed"));
    let sheet = pat
        .get(&format!(
            "/productions/{}/schedule/{}/call-sheet",
            set.production, set.day
        ))
        .await;
    assert!(
        sheet
            .body
            .contains("closed-set-clearance tag status-cleared\"")
            && sheet.body.contains("data-status-tone>Cleared<")
    );

    // The coordinator adds an act to Alex's part: Alex's signed rider no longer covers the
    // scene. Sam's part is as it was, so Sam's rider carries forward (DOMAIN §3).
    breakdown(&app, &set, &["Kiss on the shoulder"]).await;
    let page = pat.get(&path).await;
    assert!(page.body.contains("Blocked"), "{}", page.body);
    assert!(page.body.contains("#1 Alex Rivera: signed rider is stale"));
    assert!(
        !page
            .body
            .contains("#2 Sam Lindqvist: signed rider is stale"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_rider_delivered_inside_the_notice_period_blocks() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    signed_rider(&app, &set, set.alex, Duration::hours(72)).await;
    signed_rider(
        &app,
        &set,
        set.sam,
        Duration::hours(47) + Duration::minutes(59),
    )
    .await;
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat
        .get(&format!(
            "/productions/{}/scenes/{}",
            set.production, set.scene
        ))
        .await;
    assert!(
        page.body
            .contains("#2 Sam Lindqvist: rider delivered after the notice deadline"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("#1 Alex Rivera: rider delivered after"));
    assert!(!page.body.contains("#1 Alex Rivera: no rider"));
}

#[tokio::test]
async fn revocation_blocks_and_each_performer_sees_only_their_own_consent() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let alex_rider = signed_rider(&app, &set, set.alex, Duration::hours(72)).await;
    signed_rider(&app, &set, set.sam, Duration::hours(72)).await;
    sqlx::query("update rider set status = 'revoked', revoked_at = now() where rider_id = $1")
        .bind(alex_rider)
        .execute(&app.pool)
        .await
        .unwrap();
    let path = format!("/productions/{}/scenes/{}", set.production, set.scene);
    let mut dana = app.signed_in("dana@example.test").await;
    let page = dana.get(&path).await;
    assert!(page.body.contains("#1 Alex Rivera: consent revoked"));

    let mut alex = app.signed_in("alex@example.test").await;
    let page = alex.get(&path).await;
    assert!(page.body.contains("You withdrew consent"));
    assert!(!page.body.contains("Sam Lindqvist:"));

    let mut sam = app.signed_in("sam@example.test").await;
    let page = sam.get(&path).await;
    assert!(page.body.contains("Your consent is in place"));
    // Sam never learns that Alex withdrew.
    assert!(!page.body.contains("revoked"));
    assert!(!page.body.contains("Blocked"));
    let board = sam
        .get(&format!("/productions/{}/schedule", set.production))
        .await;
    assert!(!board.body.contains("Blocked") && !board.body.contains("revoked"));
}

#[tokio::test]
async fn a_scene_marked_shot_stays_shot_after_revocation() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let alex_rider = signed_rider(&app, &set, set.alex, Duration::hours(72)).await;
    signed_rider(&app, &set, set.sam, Duration::hours(72)).await;
    sqlx::query("update shoot_day_scene set shot_at = now() where shoot_day_id = $1")
        .bind(set.day)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update rider set status = 'revoked', revoked_at = now() where rider_id = $1")
        .bind(alex_rider)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat
        .get(&format!(
            "/productions/{}/scenes/{}",
            set.production, set.scene
        ))
        .await;
    assert!(page.body.contains(">Shot<"), "{}", page.body);
    assert!(!page.body.contains("consent revoked"));
}
