//! On set and after (R10, R11): who may pause and who sees it, reconfirmation gating clearance,
//! narrowings, the daily IC report's content rules, post review and the footage-use list.

use closedset::clock::{local_to_utc, parse_zone, utc_to_local};
use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use closedset::vocab::scope::Uses;
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime, macros::time};

use crate::support::{TestApp, build};

struct Set {
    p: i64,
    scene: i64,
    today: i64,
    later: i64,
    alex: i64,
    sam: i64,
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

async fn day(app: &TestApp, p: i64, scene: i64, in_days: i64) -> (i64, OffsetDateTime) {
    let zone = parse_zone("Europe/London").unwrap();
    let date = utc_to_local(OffsetDateTime::now_utc(), zone).date() + Duration::days(in_days);
    let call_at = local_to_utc(date, time!(07:00), zone).unwrap();
    let id = build::shoot_day_called_at(app, p, date, call_at).await;
    build::place(app, id, scene).await;
    (id, call_at)
}

/// Scene 5A with Alex (#1) and Sam (#2), on a shoot day today and one in ten days, both riders
/// signed in time. Terry (#3) is in the production but not in the scene.
async fn setup(app: &TestApp) -> Set {
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let p = app.production("Night Swim", pat).await;
    for (email, name, role) in [
        ("cory@example.test", "Cory Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
        ("terry@example.test", "Terry Noone", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(p, id, role).await;
    }
    let cory = user_id(app, "cory@example.test").await;
    let mut cast = Vec::new();
    for (n, name, email) in [
        (1, "Alex Rivera", "alex@example.test"),
        (2, "Sam Lindqvist", "sam@example.test"),
        (3, "Terry Noone", "terry@example.test"),
    ] {
        cast.push(build::cast(app, p, n, name).signing_in_as(email).await);
    }
    let scene = build::scene(app, p, "5A")
        .on_set("Lake house bedroom")
        .eighths(9)
        .with(&cast[..2])
        .await;
    let b = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![part(cast[0]), part(cast[1])],
        garments: String::new(),
        stills_allowed: true,
        closed_set: vec!["Cory Coordinator".into()],
        monitor_list: vec![],
    };
    build::breakdown(app, p, scene, &b, None).await;
    let (today, today_call) = day(app, p, scene, 0).await;
    let (later, _) = day(app, p, scene, 10).await;
    let set = Set {
        p,
        scene,
        today,
        later,
        alex: cast[0],
        sam: cast[1],
    };
    // Delivered three days before the call and signed an hour later, on the ledger then.
    let delivered = today_call - Duration::hours(72);
    for id in [set.alex, set.sam] {
        build::rider(app, p, id, &[scene])
            .by(cory)
            .uses(Uses {
                in_picture: true,
                trailers: false,
                stills: true,
            })
            .delivered_at(delivered)
            .signed_at(delivered + Duration::hours(1))
            .await;
    }
    set
}

fn on_set(set: &Set, day: i64) -> String {
    format!("/productions/{}/schedule/{day}/on-set", set.p)
}

fn pause_path(set: &Set, day: i64) -> String {
    format!("{}/scenes/{}/pause", on_set(set, day), set.scene)
}

fn performer_path(set: &Set, cast_member_id: i64) -> String {
    format!(
        "{}/scenes/{}/cast/{cast_member_id}",
        on_set(set, set.today),
        set.scene
    )
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

async fn notices(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select n.message from notification n join app_user u using (user_id)
         where u.email = $1 order by n.notification_id",
    )
    .bind(email)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The `keep` checkbox values a performer page offers.
fn keep_values(body: &str) -> Vec<String> {
    body.split("name=\"keep\" value=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&#39;", "'"))
        .collect()
}

/// Reconfirms a performer keeping everything but `drop`.
async fn reconfirm(
    app: &TestApp,
    set: &Set,
    cast_member_id: i64,
    drop: &[&str],
) -> crate::support::Page {
    let mut cory = app.signed_in("cory@example.test").await;
    let path = performer_path(set, cast_member_id);
    let page = cory.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let rider = page
        .body
        .split("name=\"rider_id\" value=\"")
        .nth(1)
        .map(|r| r[..r.find('"').unwrap()].to_string())
        .unwrap();
    let keep: Vec<String> = keep_values(&page.body)
        .into_iter()
        .filter(|v| !drop.contains(&v.as_str()))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("rider_id", &rider), ("time", "")];
    for k in &keep {
        fields.push(("keep", k));
    }
    cory.post(&format!("{path}/reconfirm"), &fields).await
}

#[tokio::test]
async fn performers_in_the_scene_and_coordinators_pause_others_cannot() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut alex = app.signed_in("alex@example.test").await;
    let page = alex.get(&on_set(&set, set.today)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Pause scene 5A"), "{}", page.body);

    let page = alex.post(&pause_path(&set, set.today), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // A second press while the pause is open is the same pause.
    alex.post(&pause_path(&set, set.today), &[]).await;
    assert_eq!(count(&app, "select count(*) from pause").await, 1);
    let cory_notices = notices(&app, "cory@example.test").await;
    assert_eq!(cory_notices.len(), 1);
    assert!(cory_notices[0].contains("Scene 5A is paused"));
    assert!(cory_notices[0].contains("by Alex Rivera"));
    assert!(!cory_notices[0].to_lowercase().contains("complaint"));
    assert_eq!(notices(&app, "dana@example.test").await.len(), 1);
    assert!(notices(&app, "pat@example.test").await.is_empty());
    assert!(notices(&app, "sam@example.test").await.is_empty());

    for email in [
        "terry@example.test",
        "pat@example.test",
        "dana@example.test",
    ] {
        let mut client = app.signed_in(email).await;
        let page = client.post(&pause_path(&set, set.today), &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} paused");
    }
    let mut cory = app.signed_in("cory@example.test").await;
    let page = cory.post(&pause_path(&set, set.today), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "select count(*) from pause").await, 2);

    // Not on the day: nothing is recorded, and the page says when it opens.
    let page = alex.post(&pause_path(&set, set.later), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "select count(*) from pause").await, 2);
    let page = alex.get(&on_set(&set, set.later)).await;
    assert!(page.body.contains("Pause opens on the shoot day"));
    assert!(!page.body.contains("Pause scene 5A"));
    // Terry is not called that day at all.
    let mut terry = app.signed_in("terry@example.test").await;
    assert_eq!(
        terry.get(&on_set(&set, set.today)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn coordinators_directors_and_the_pauser_see_a_pause_other_performers_never() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut alex = app.signed_in("alex@example.test").await;
    alex.post(&pause_path(&set, set.today), &[]).await;
    let board = format!("/productions/{}/schedule", set.p);
    let scene_page = format!("/productions/{}/scenes/{}", set.p, set.scene);

    for email in ["cory@example.test", "dana@example.test"] {
        let mut client = app.signed_in(email).await;
        let page = client.get(&on_set(&set, set.today)).await;
        assert!(page.body.contains("PAUSED") || page.body.contains(">Paused<"));
        assert!(page.body.contains("by Alex Rivera"), "{email}");
        assert!(
            client.get(&board).await.body.contains(">Paused<"),
            "{email}"
        );
        assert!(
            client.get(&scene_page).await.body.contains(">Paused<"),
            "{email}"
        );
    }
    let page = alex.get(&on_set(&set, set.today)).await;
    assert!(page.body.contains("You paused this scene"));
    assert!(page.body.contains("by you"));
    assert!(alex.get(&scene_page).await.body.contains(">Paused<"));
    // Producers see the state, not who pressed.
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat.get(&on_set(&set, set.today)).await;
    assert!(page.body.contains("by a performer in the scene"));
    assert!(!page.body.contains("by Alex Rivera"));

    let mut sam = app.signed_in("sam@example.test").await;
    for path in [on_set(&set, set.today), board.clone(), scene_page.clone()] {
        let page = sam.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains(">Paused<"), "{path}");
        assert!(!page.body.contains("by Alex Rivera"), "{path}");
    }

    // Resolution: coordinators only, with an optional note the pauser reads.
    let pause_id: i64 = count(&app, "select max(pause_id) from pause").await;
    let resolve = format!("/productions/{}/pauses/{pause_id}/resolve", set.p);
    let mut dana = app.signed_in("dana@example.test").await;
    assert_eq!(
        dana.post(&resolve, &[("note", "x")]).await.status,
        StatusCode::NOT_FOUND
    );
    let mut cory = app.signed_in("cory@example.test").await;
    let long = "n".repeat(2001);
    let page = cory.post(&resolve, &[("note", &long)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Keep the note to 2000 characters."));
    assert!(page.body.contains("href=\"#note\"") && page.body.contains("id=\"note\""));
    let page = cory
        .post(&resolve, &[("note", "Robe brought; went on.")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        count(&app, "select count(*) from pause where resolved_at is null").await,
        0
    );
    assert!(
        notices(&app, "alex@example.test")
            .await
            .iter()
            .any(|n| n == "Your pause of scene 5A is resolved.")
    );
    let page = alex.get(&on_set(&set, set.today)).await;
    assert!(page.body.contains("Resolved at"));
    assert!(page.body.contains("Robe brought; went on."));
    assert!(!cory.get(&board).await.body.contains(">Paused<"));
    // Resolving twice changes nothing.
    cory.post(&resolve, &[("note", "again")]).await;
    let note: String = sqlx::query_scalar("select resolution_note from pause")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(note, "Robe brought; went on.");
}

#[tokio::test]
async fn on_the_day_the_scene_is_not_reconfirmed_until_each_performer_is() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let scene_page = format!("/productions/{}/scenes/{}", set.p, set.scene);
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat.get(&scene_page).await;
    assert!(page.body.contains("Not reconfirmed"), "{}", page.body);
    assert!(
        page.body
            .contains("#1 Alex Rivera: not reconfirmed on the day")
    );
    // The later day is not affected before its date.
    assert!(page.body.contains("Cleared"));
    let mut alex = app.signed_in("alex@example.test").await;
    assert!(
        alex.get(&scene_page)
            .await
            .body
            .contains("To reconfirm with your coordinator")
    );
    // Only coordinators record it.
    for email in ["pat@example.test", "dana@example.test", "alex@example.test"] {
        let mut client = app.signed_in(email).await;
        assert_eq!(
            client.get(&performer_path(&set, set.alex)).await.status,
            StatusCode::NOT_FOUND
        );
        let page = client
            .post(
                &format!("{}/reconfirm", performer_path(&set, set.alex)),
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }

    assert_eq!(
        reconfirm(&app, &set, set.alex, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = pat.get(&scene_page).await;
    assert!(!page.body.contains("#1 Alex Rivera: not reconfirmed"));
    assert!(page.body.contains("#2 Sam Lindqvist: not reconfirmed"));
    reconfirm(&app, &set, set.sam, &[]).await;
    let page = pat.get(&scene_page).await;
    assert!(!page.body.contains("Not reconfirmed"), "{}", page.body);
    assert!(!page.body.contains("Blocked"));
    assert!(page.body.contains("Cleared"));

    // Closure after wrap, once. A typed time is not read (the server's clock says when), so
    // even a time that is no time records the closure, now.
    let mut cory = app.signed_in("cory@example.test").await;
    let closure = format!("{}/closure", performer_path(&set, set.alex));
    let page = cory.post(&closure, &[("closure_time", "25:99")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = cory.post(&closure, &[("closure_time", "")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already recorded"));
    assert!(page.body.contains("id=\"closure_time-error\""));
    assert_eq!(count(&app, "select count(*) from closure").await, 1);

    // Not before the day.
    let later = format!(
        "{}/scenes/{}/cast/{}/closure",
        on_set(&set, set.later),
        set.scene,
        set.alex
    );
    let page = cory.post(&later, &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"closure_time-error\""));
}

#[tokio::test]
async fn a_narrowing_blocks_what_it_takes_back_at_once() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let page = reconfirm(&app, &set, set.alex, &["act:Embrace under the sheet"]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    reconfirm(&app, &set, set.sam, &["use:stills"]).await;
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat
        .get(&format!("/productions/{}/scenes/{}", set.p, set.scene))
        .await;
    assert!(page.body.contains("Blocked"));
    assert!(page.body.contains(
        "#1 Alex Rivera: consent narrowed on the day, no longer agreed: act: Embrace under the sheet"
    ));
    // Sam's stills are taken back: that limits the footage, it does not block Sam.
    assert!(!page.body.contains("#2 Sam Lindqvist: consent narrowed"));
    // The later day is blocked too: what was taken back stays taken back.
    assert_eq!(page.body.matches("consent narrowed on the day").count(), 2);
    assert_eq!(
        count(
            &app,
            "select count(*) from consent_event where event = 'narrowed'"
        )
        .await,
        2
    );
    let told = notices(&app, "pat@example.test").await;
    assert!(
        told.iter()
            .any(|n| n.contains("#1 Alex Rivera narrowed consent for scene 5A"))
    );
    assert!(!told.iter().any(|n| n.contains("Embrace")));
    // The items are not offered again.
    let mut cory = app.signed_in("cory@example.test").await;
    let page = cory.get(&performer_path(&set, set.alex)).await;
    assert!(!keep_values(&page.body).contains(&"act:Embrace under the sheet".to_string()));
    assert!(page.body.contains("1 items of this rider were taken back"));
}

#[tokio::test]
async fn the_daily_report_holds_facts_and_times_never_content() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    // Confidential material in every place it could leak from.
    sqlx::query(
        "insert into boundary_profile_version (production_id, cast_member_id, version, entries, notes)
         values ($1, $2, 1, '[{\"area\": \"neck\", \"contact\": \"kissed\", \"answer\": \"no\",
                 \"note\": \"SECRET-BOUNDARY-NOTE\"}]'::jsonb, 'SECRET-PROFILE-NOTE')",
    )
    .bind(set.p)
    .bind(set.alex)
    .execute(&app.pool)
    .await
    .unwrap();
    let conversation: i64 = sqlx::query_scalar(
        "insert into conversation (production_id, kind, held_at, summary)
         values ($1, 'on_the_day_reconfirmation', now(), 'SECRET-CONVERSATION-SUMMARY')
         returning conversation_id",
    )
    .bind(set.p)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into conversation_performer (conversation_id, cast_member_id, production_id)
         values ($1, $2, $3)",
    )
    .bind(conversation)
    .bind(set.alex)
    .bind(set.p)
    .execute(&app.pool)
    .await
    .unwrap();
    reconfirm(&app, &set, set.alex, &["act:Embrace under the sheet"]).await;
    reconfirm(&app, &set, set.sam, &[]).await;
    let mut sam = app.signed_in("sam@example.test").await;
    sam.post(&pause_path(&set, set.today), &[]).await;
    let pause_id = count(&app, "select max(pause_id) from pause").await;
    let mut cory = app.signed_in("cory@example.test").await;
    cory.post(
        &format!("/productions/{}/pauses/{pause_id}/resolve", set.p),
        &[("note", "SECRET-RESOLUTION-NOTE")],
    )
    .await;
    cory.post(&format!("{}/closure", performer_path(&set, set.alex)), &[])
        .await;

    let report = format!("/productions/{}/schedule/{}/ic-report", set.p, set.today);
    for email in ["pat@example.test", "cory@example.test"] {
        let mut client = app.signed_in(email).await;
        let page = client.get(&report).await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        let body = &page.body;
        assert!(body.contains("Daily IC report"));
        assert!(body.contains("#1 Alex Rivera"));
        assert!(body.contains("narrowed: 1 items"), "{body}");
        assert!(body.contains("Paused at") && body.contains("by a performer in the scene"));
        assert!(body.contains("resolved at"));
        assert!(body.contains("first reconfirmation to last closure"));
        for secret in [
            "SECRET-BOUNDARY-NOTE",
            "SECRET-PROFILE-NOTE",
            "SECRET-CONVERSATION-SUMMARY",
            "SECRET-RESOLUTION-NOTE",
            "Embrace under the sheet",
            "by Sam Lindqvist",
        ] {
            assert!(!body.contains(secret), "{email}: the report shows {secret}");
        }
    }
    for email in ["dana@example.test", "alex@example.test"] {
        let mut client = app.signed_in(email).await;
        assert_eq!(client.get(&report).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn post_review_and_footage_use_follow_revocations_and_narrowings() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let review = format!("/productions/{}/scenes/{}/post-review", set.p, set.scene);
    let mut cory = app.signed_in("cory@example.test").await;
    let page = cory
        .post(&review, &[("reviewed_on", "2026-01-02"), ("notes", "kept")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose what the review found."));
    assert!(page.body.contains("kept"));
    let page = cory
        .post(
            &review,
            &[
                ("reviewed_on", "2026-01-02"),
                ("outcome", "changes_requested"),
                ("notes", "Trim the wide."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let scene_page = format!("/productions/{}/scenes/{}", set.p, set.scene);
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat.get(&scene_page).await;
    assert!(page.body.contains("Changes requested") && page.body.contains("Trim the wide."));
    for email in ["dana@example.test", "alex@example.test"] {
        let mut client = app.signed_in(email).await;
        let page = client.get(&scene_page).await;
        assert!(!page.body.contains("Trim the wide."), "{email}");
        assert_eq!(client.get(&review).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            client
                .post(
                    &review,
                    &[("reviewed_on", "2026-01-02"), ("outcome", "as_agreed")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        pat.post(
            &review,
            &[("reviewed_on", "2026-01-02"), ("outcome", "as_agreed")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Footage use: Alex narrows stills on the day; Sam withdraws before anything is shot.
    reconfirm(&app, &set, set.alex, &["use:stills"]).await;
    sqlx::query(
        "update rider set status = 'revoked', revoked_at = now() where cast_member_id = $1",
    )
    .bind(set.sam)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update cast_member set name = $2 where cast_member_id = $1")
        .bind(set.sam)
        .bind("Sam \"Sully\" Lindqvist, Jr")
        .execute(&app.pool)
        .await
        .unwrap();
    let footage = format!("/productions/{}/footage-use", set.p);
    let page = pat.get(&footage).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("no (narrowed on the day)"));
    assert!(page.body.contains("1 item: use in stills"));
    assert!(
        page.body
            .contains("before shooting: no footage may be used")
    );
    assert!(page.body.contains("Unshot"));
    let csv = pat.get(&format!("{footage}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers["content-disposition"],
        "attachment; filename=\"night-swim-footage-use.csv\""
    );
    assert!(
        csv.body
            .starts_with("\u{feff}scene,performer,consent,shot,")
    );
    let lines: Vec<&str> = csv.body.split("\r\n").collect();
    assert!(lines[1].starts_with("5A,#1 Alex Rivera,"));
    assert!(lines[1].contains(",yes,no,no (narrowed on the day),1 item: use in stills"));
    assert!(
        lines[2].starts_with("5A,\"#2 Sam \"\"Sully\"\" Lindqvist, Jr\","),
        "{}",
        lines[2]
    );
    assert!(lines[2].ends_with(",Unshot,no,no,no,"));
    let mut cory = app.signed_in("cory@example.test").await;
    assert_eq!(cory.get(&footage).await.status, StatusCode::OK);
    for email in ["dana@example.test", "alex@example.test"] {
        let mut client = app.signed_in(email).await;
        assert_eq!(client.get(&footage).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            client.get(&format!("{footage}.csv")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_demo_has_a_past_day_on_set_once() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::onset::load(&app.pool, production)
        .await
        .unwrap();
    assert_eq!(count(&app, "select count(*) from pause").await, 1);
    assert_eq!(count(&app, "select count(*) from reconfirmation").await, 2);
    assert_eq!(count(&app, "select count(*) from closure").await, 2);
    assert_eq!(count(&app, "select count(*) from post_review").await, 1);
    let day: i64 = count(
        &app,
        "select shoot_day_id from shoot_day where shoot_date < current_date",
    )
    .await;
    let mut pat = app.client();
    pat.sign_in("producer@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let page = pat
        .get(&format!(
            "/productions/{production}/schedule/{day}/ic-report"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Marked shot at"));
    assert!(page.body.contains("resolved at"));
    assert!(page.body.contains("(4 h 5 min)"), "{}", page.body);
    assert!(!page.body.contains("Monitor moved"));
    let page = pat
        .get(&format!("/productions/{production}/footage-use"))
        .await;
    assert!(
        page.body
            .contains("after the scene was shot: the takes stand")
    );
}

/// The footage list dates signatures, withdrawals and takes where the production shoots: in
/// Auckland a take at 15:00 UTC is the next morning's.
#[tokio::test]
async fn footage_dates_are_the_production_local_ones() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    for sql in [
        "update production set time_zone = 'Pacific/Auckland' where production_id = $1",
        "update shoot_day_scene set shot_at = '2026-11-17 15:00+00' where production_id = $1",
        "update rider set delivered_at = '2026-11-01 10:00+00', signed_at = '2026-11-01 12:00+00'
         where production_id = $1",
    ] {
        sqlx::query(sql)
            .bind(set.p)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "update rider set status = 'revoked', revoked_at = '2026-11-10 20:00+00'
         where cast_member_id = $1",
    )
    .bind(set.sam)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut pat = app.signed_in("pat@example.test").await;
    let csv = pat
        .get(&format!("/productions/{}/footage-use.csv", set.p))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.split("\r\n").collect();
    assert!(
        lines[1].contains(": signed Mon 2 Nov 2026,Shot Wed 18 Nov 2026,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(": revoked Wed 11 Nov 2026, before shooting"),
        "{}",
        lines[2]
    );
}

/// Posts a reconfirmation of `cast_member_id` on `day` standing on `rider_id`, keeping all.
async fn post_reconfirm(
    app: &TestApp,
    set: &Set,
    day: i64,
    cast_member_id: i64,
) -> crate::support::Page {
    let rider: i64 = sqlx::query_scalar(
        "select max(rider_id) from rider where cast_member_id = $1 and production_id = $2",
    )
    .bind(cast_member_id)
    .bind(set.p)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut cory = app.signed_in("cory@example.test").await;
    let path = format!(
        "{}/scenes/{}/cast/{cast_member_id}/reconfirm",
        on_set(set, day),
        set.scene
    );
    cory.post(
        &path,
        &[
            ("rider_id", rider.to_string().as_str()),
            ("time", ""),
            ("keep", "act:Embrace under the sheet"),
            ("keep", "use:in_picture"),
        ],
    )
    .await
}

/// R11: no reconfirmation stands on a withdrawn rider or on one signed for an earlier version
/// of the breakdown: 422, nothing recorded, the scene stays blocked.
#[tokio::test]
async fn reconfirming_on_a_revoked_or_stale_rider_is_refused() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let scene_page = format!("/productions/{}/scenes/{}", set.p, set.scene);
    let mut pat = app.signed_in("pat@example.test").await;

    sqlx::query(
        "update rider set status = 'revoked', revoked_at = now() where cast_member_id = $1",
    )
    .bind(set.alex)
    .execute(&app.pool)
    .await
    .unwrap();
    let page = post_reconfirm(&app, &set, set.today, set.alex).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"keep-error\""), "{}", page.body);
    assert!(page.body.contains("There is no signed rider in place"));
    assert_eq!(count(&app, "select count(*) from reconfirmation").await, 0);
    let page = pat.get(&scene_page).await;
    assert!(page.body.contains("Blocked"));
    assert!(
        page.body.contains("#1 Alex Rivera: consent revoked"),
        "{}",
        page.body
    );

    // Sam's rider is signed, but for the breakdown as it was: the scene asks more now.
    let mut more = part(set.sam);
    more.acts.push("Kiss".into());
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![part(set.alex), more],
        garments: String::new(),
        stills_allowed: true,
        closed_set: vec!["Cory Coordinator".into()],
        monitor_list: vec![],
    };
    build::breakdown(&app, set.p, set.scene, &breakdown, None).await;
    let page = post_reconfirm(&app, &set, set.today, set.sam).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("There is no signed rider in place"));
    assert_eq!(count(&app, "select count(*) from reconfirmation").await, 0);
    let page = pat.get(&scene_page).await;
    assert!(page.body.contains("Blocked"));
    assert!(
        page.body
            .contains("#2 Sam Lindqvist: signed rider is stale"),
        "{}",
        page.body
    );
}

/// R11: reconfirmation is before the scene, on the day: not once it is marked shot, and not
/// before the shoot date.
#[tokio::test]
async fn reconfirming_after_the_shot_or_before_the_day_is_refused() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let page = post_reconfirm(&app, &set, set.later, set.alex).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"time-error\""));
    assert!(
        page.body
            .contains("recorded on the shoot day itself or after")
    );
    assert_eq!(count(&app, "select count(*) from reconfirmation").await, 0);

    sqlx::query("update shoot_day_scene set shot_at = now() where shoot_day_id = $1")
        .bind(set.today)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = post_reconfirm(&app, &set, set.today, set.alex).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already marked shot"), "{}", page.body);
    assert_eq!(count(&app, "select count(*) from reconfirmation").await, 0);
}

/// Adds scene `number` with Alex in it, whose breakdown names only `kinds` (no nudity), to
/// today's shoot day after scene 5A.
async fn intimate_scene(app: &TestApp, set: &Set, number: &str, kinds: Vec<IntimacyKind>) -> i64 {
    let scene = build::scene(app, set.p, number)
        .on_set("Dance hall")
        .eighths(4)
        .with(&[set.alex])
        .await;
    let performers = if kinds.is_empty() {
        vec![]
    } else {
        vec![PerformerPart {
            cast_member_id: set.alex,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![BodyArea::Face],
            touching: vec![BodyArea::Face],
            acts: vec!["Kiss on the mouth".into()],
            garments: String::new(),
        }]
    };
    let b = Breakdown {
        kinds,
        performers,
        garments: String::new(),
        stills_allowed: true,
        closed_set: vec![],
        monitor_list: vec![],
    };
    if !b.kinds.is_empty() {
        build::breakdown(app, set.p, scene, &b, None).await;
    }
    build::place(app, set.today, scene).await;
    scene
}

/// A ledger entry as these tests read it.
#[derive(Debug, sqlx::FromRow)]
struct Event {
    event: String,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
    occurred_at: OffsetDateTime,
    details: String,
}

impl Event {
    fn details(&self) -> serde_json::Value {
        serde_json::from_str(&self.details).unwrap()
    }
}

/// The production's ledger, in order.
async fn events(app: &TestApp, p: i64) -> Vec<Event> {
    sqlx::query_as(
        "select event, rider_id, actor_user_id, occurred_at, details from consent_event
         where production_id = $1 order by seq",
    )
    .bind(p)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The events appended while `action` ran.
async fn appended_by<F: std::future::Future<Output = crate::support::Page>>(
    app: &TestApp,
    p: i64,
    action: F,
) -> (crate::support::Page, Vec<Event>) {
    let before = events(app, p).await.len();
    let page = action.await;
    let after = events(app, p).await;
    (page, after.into_iter().skip(before).collect())
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn shoot_date(now: OffsetDateTime, in_days: i64) -> String {
    let zone = parse_zone("Europe/London").unwrap();
    (utc_to_local(now, zone).date() + Duration::days(in_days)).to_string()
}

/// Asserts that an on-set event names scene 5A (or `scene`) on today's shoot day.
fn names_scene_and_day(event: &Event, set: &Set, scene_id: i64, number: &str) {
    let d = event.details();
    assert_eq!(d["scene_id"], scene_id, "{event:?}");
    assert_eq!(d["scene"], number, "{event:?}");
    assert_eq!(d["shoot_day_id"], set.today, "{event:?}");
    assert_eq!(
        d["shoot_date"],
        shoot_date(OffsetDateTime::now_utc(), 0),
        "{event:?}"
    );
}

/// Runs `closedset ledger verify` on the production; panics with its output if it fails.
fn verify_ledger(app: &TestApp, p: i64) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_closedset"))
        .args(["ledger", "verify", "--production", &p.to_string()])
        .args(["--key", &app.verifier().to_string()])
        .env("DATABASE_URL", crate::support::database_url(&app.db_name))
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// R10 is for every intimate scene: a kiss-only scene, or a sensual dance, is on the on-set
/// page and can be paused on its day, and the director and coordinators hear it at once; it
/// still asks no rider and no reconfirmation. A scene with no intimacy is not there at all.
#[tokio::test]
async fn a_kiss_only_scene_can_be_paused_on_its_day_and_the_director_is_told() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let kiss = intimate_scene(&app, &set, "7", vec![IntimacyKind::Kiss]).await;
    let dance = intimate_scene(&app, &set, "8", vec![IntimacyKind::SensualDance]).await;
    let plain = intimate_scene(&app, &set, "9", vec![]).await;
    assert_eq!(
        count(
            &app,
            "select count(*) from scene s join scene_version v
             on v.scene_version_id = s.current_version_id where v.flagged",
        )
        .await,
        1,
        "only 5A is flagged"
    );
    let pause_of = |scene: i64| format!("{}/scenes/{scene}/pause", on_set(&set, set.today));

    let mut alex = app.signed_in("alex@example.test").await;
    let page = alex.get(&on_set(&set, set.today)).await;
    assert_eq!(page.status, StatusCode::OK);
    for words in ["Pause scene 5A", "Pause scene 7", "Pause scene 8"] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    assert!(!page.body.contains("Pause scene 9"));

    let page = alex.post(&pause_of(kiss), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        count(&app, "select count(*) from pause where resolved_at is null").await,
        1
    );
    let dana = notices(&app, "dana@example.test").await;
    assert_eq!(dana.len(), 1, "{dana:?}");
    assert!(dana[0].contains("Scene 7 is paused"), "{dana:?}");
    assert!(
        notices(&app, "cory@example.test")
            .await
            .iter()
            .any(|n| n.contains("Scene 7 is paused"))
    );
    // "Paused" wherever the scene shows, for the pauser, the coordinator and the director.
    let page = alex.get(&on_set(&set, set.today)).await;
    assert!(page.body.contains("You paused this scene"));
    let scene_page = format!("/productions/{}/scenes/{kiss}", set.p);
    assert!(alex.get(&scene_page).await.body.contains(">Paused<"));
    for email in ["cory@example.test", "dana@example.test"] {
        let mut client = app.signed_in(email).await;
        let page = client.get(&on_set(&set, set.today)).await;
        let card = page
            .body
            .split("Sc. 7 ")
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or_default();
        assert!(card.contains(">Paused<"), "{email}: {}", page.body);
        assert!(card.contains("by Alex Rivera"), "{email}");
        assert!(
            client.get(&scene_page).await.body.contains(">Paused<"),
            "{email}"
        );
    }

    // The coordinator can pause the dance; nobody can pause a scene with no intimacy.
    let mut cory = app.signed_in("cory@example.test").await;
    assert_eq!(
        cory.post(&pause_of(dance), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        cory.post(&pause_of(plain), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(&app, "select count(*) from pause").await, 2);

    // No rider, reconfirmation or closure is asked of an unflagged scene.
    let page = cory.get(&on_set(&set, set.today)).await;
    let card = page
        .body
        .split("Sc. 7 ")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap();
    assert!(!card.contains("not reconfirmed"), "{card}");
    let performer = format!(
        "{}/scenes/{kiss}/cast/{}",
        on_set(&set, set.today),
        set.alex
    );
    assert_eq!(cory.get(&performer).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        cory.post(&format!("{performer}/reconfirm"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    verify_ledger(&app, set.p);
}

/// Every on-set action is one ledger event of its kind, naming the scene and the shoot day:
/// a pause (once, however often pressed), its resolution, a reconfirmation (and a narrowing,
/// its own event), a closure (once). `closedset ledger verify` passes afterwards.
#[tokio::test]
async fn each_on_set_action_appends_one_ledger_event_naming_the_scene_and_day() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let kiss = intimate_scene(&app, &set, "7", vec![IntimacyKind::Kiss]).await;
    let cory_id = user_id(&app, "cory@example.test").await;
    let mut alex = app.signed_in("alex@example.test").await;
    let mut cory = app.signed_in("cory@example.test").await;

    let (page, new) = appended_by(&app, set.p, alex.post(&pause_path(&set, set.today), &[])).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].event, "paused");
    assert_eq!(new[0].rider_id, None);
    names_scene_and_day(&new[0], &set, set.scene, "5A");
    // A second press is the same pause: nothing new on the ledger.
    let (_, new) = appended_by(&app, set.p, alex.post(&pause_path(&set, set.today), &[])).await;
    assert!(new.is_empty(), "{new:?}");
    // The kiss-only scene's pause is on the ledger too.
    let (_, new) = appended_by(
        &app,
        set.p,
        alex.post(
            &format!("{}/scenes/{kiss}/pause", on_set(&set, set.today)),
            &[],
        ),
    )
    .await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].event, "paused");
    names_scene_and_day(&new[0], &set, kiss, "7");

    // The coordinator resolves the 5A pause: one "resumed", with no note on the ledger.
    let pause_id: i64 = sqlx::query_scalar("select pause_id from pause where scene_id = $1")
        .bind(set.scene)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let resolve = format!("/productions/{}/pauses/{pause_id}/resolve", set.p);
    let (page, new) = appended_by(
        &app,
        set.p,
        cory.post(&resolve, &[("note", "PRIVATE-NOTE")]),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].event, "resumed");
    assert_eq!(new[0].actor_user_id, Some(cory_id));
    assert!(!new[0].details.contains("PRIVATE-NOTE"));
    names_scene_and_day(&new[0], &set, set.scene, "5A");
    let (_, new) = appended_by(&app, set.p, cory.post(&resolve, &[("note", "again")])).await;
    assert!(new.is_empty(), "resolving twice: {new:?}");

    // A reconfirmation keeping everything: one "reconfirmed", on the rider it stands on.
    let (page, new) = appended_by(&app, set.p, reconfirm(&app, &set, set.alex, &[])).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].event, "reconfirmed");
    assert_eq!(new[0].actor_user_id, Some(cory_id));
    assert_eq!(new[0].details()["cast_member_id"], set.alex);
    let alex_rider: i64 =
        sqlx::query_scalar("select rider_id from rider where cast_member_id = $1")
            .bind(set.alex)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(new[0].rider_id, Some(alex_rider));
    names_scene_and_day(&new[0], &set, set.scene, "5A");

    // A reconfirmation taking an item back: one "reconfirmed" and one "narrowed".
    let (_, new) = appended_by(&app, set.p, reconfirm(&app, &set, set.sam, &["use:stills"])).await;
    let kinds: Vec<&str> = new.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(kinds, ["reconfirmed", "narrowed"], "{new:?}");
    assert_eq!(new[0].details()["cast_member_id"], set.sam);
    names_scene_and_day(&new[0], &set, set.scene, "5A");
    assert_eq!(new[1].details()["scene"], "5A");
    assert_eq!(
        new[1].details()["shoot_date"],
        shoot_date(OffsetDateTime::now_utc(), 0)
    );

    // A closure: one "closed"; a second attempt adds nothing.
    let closure = format!("{}/closure", performer_path(&set, set.alex));
    let (page, new) = appended_by(&app, set.p, cory.post(&closure, &[])).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].event, "closed");
    assert_eq!(new[0].actor_user_id, Some(cory_id));
    assert_eq!(new[0].details()["cast_member_id"], set.alex);
    names_scene_and_day(&new[0], &set, set.scene, "5A");
    let (_, new) = appended_by(&app, set.p, cory.post(&closure, &[])).await;
    assert!(new.is_empty(), "closing twice: {new:?}");

    verify_ledger(&app, set.p);
}

/// The pause event keeps the pauser's role, never a name: the entry's actor column names the
/// user, as it does for every event, but the details say "performer" or "coordinator".
#[tokio::test]
async fn the_pause_event_names_the_role_only() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut alex = app.signed_in("alex@example.test").await;
    let mut cory = app.signed_in("cory@example.test").await;
    alex.post(&pause_path(&set, set.today), &[]).await;
    cory.post(&pause_path(&set, set.today), &[]).await;
    let paused: Vec<Event> = events(&app, set.p)
        .await
        .into_iter()
        .filter(|e| e.event == "paused")
        .collect();
    assert_eq!(paused.len(), 2, "{paused:?}");
    for (event, role, email) in [
        (&paused[0], "performer", "alex@example.test"),
        (&paused[1], "coordinator", "cory@example.test"),
    ] {
        assert_eq!(event.actor_user_id, Some(user_id(&app, email).await));
        let details = event.details();
        let mut keys: Vec<&String> = details.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                // Which hold, so its `resumed` entry names the row it resolves; never a person.
                "pause_id",
                "paused_as",
                "scene",
                "scene_id",
                "shoot_date",
                "shoot_day_id"
            ],
            "{event:?}"
        );
        assert_eq!(details["paused_as"], role);
        for name in ["Alex", "Rivera", "Cory", "alex@", "cory@"] {
            assert!(!event.details.contains(name), "{event:?}");
        }
    }
    verify_ledger(&app, set.p);
}

/// R11 times are the server's: a reconfirmation or closure posted with a time an hour earlier
/// is recorded at the moment it was posted, the same instant as its ledger event.
#[tokio::test]
async fn a_reconfirmation_posted_an_hour_early_is_stored_at_the_server_time() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let zone = parse_zone("Europe/London").unwrap();
    let hour_ago = utc_to_local(OffsetDateTime::now_utc() - Duration::hours(1), zone);
    let typed = format!("{:02}:{:02}", hour_ago.hour(), hour_ago.minute());
    let rider: i64 = sqlx::query_scalar("select rider_id from rider where cast_member_id = $1")
        .bind(set.alex)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut cory = app.signed_in("cory@example.test").await;
    let path = performer_path(&set, set.alex);
    let before = OffsetDateTime::now_utc();
    let page = cory
        .post(
            &format!("{path}/reconfirm"),
            &[
                ("rider_id", rider.to_string().as_str()),
                ("time", typed.as_str()),
                ("keep", "act:Embrace under the sheet"),
                ("keep", "shown:breasts"),
                ("keep", "touched:shoulders"),
                ("keep", "use:in_picture"),
                ("keep", "use:stills"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = cory
        .post(
            &format!("{path}/closure"),
            &[("closure_time", typed.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let after = OffsetDateTime::now_utc();

    let confirmed_at: OffsetDateTime =
        sqlx::query_scalar("select confirmed_at from reconfirmation where cast_member_id = $1")
            .bind(set.alex)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let closed_at: OffsetDateTime =
        sqlx::query_scalar("select closed_at from closure where cast_member_id = $1")
            .bind(set.alex)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let slack = Duration::seconds(1);
    for (what, at) in [("reconfirmation", confirmed_at), ("closure", closed_at)] {
        assert!(
            at >= before - slack && at <= after + slack,
            "{what} stored at {at}, posted between {before} and {after} (typed {typed})"
        );
    }
    let ledger = events(&app, set.p).await;
    let at_of = |kind: &str| {
        ledger
            .iter()
            .find(|e| e.event == kind)
            .map(|e| e.occurred_at)
            .unwrap()
    };
    assert_eq!(at_of("reconfirmed"), confirmed_at);
    assert_eq!(at_of("closed"), closed_at);
    // The performer page has no time to type.
    let page = cory.get(&performer_path(&set, set.sam)).await;
    assert!(!page.body.contains("type=\"time\""), "{}", page.body);
    verify_ledger(&app, set.p);
}
