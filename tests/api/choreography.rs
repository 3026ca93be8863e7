//! Issue #20: beats held against signed riders (R2), and who reads what of the choreography.

use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use closedset::vocab::scope::{Scope, Uses};
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::support::{Client, TestApp, build};

struct Set {
    production: i64,
    scene: i64,
    day: i64,
    alex: i64,
    sam: i64,
}

impl Set {
    fn scene_path(&self) -> String {
        format!("/productions/{}/scenes/{}", self.production, self.scene)
    }
    fn path(&self) -> String {
        format!("{}/choreography", self.scene_path())
    }
}

fn part(cast_member_id: i64) -> PerformerPart {
    PerformerPart {
        cast_member_id,
        nudity: NudityLevel::PartialUpper,
        shown: vec![BodyArea::UpperBack],
        touched: vec![BodyArea::Shoulders],
        touching: vec![BodyArea::Hands],
        acts: vec!["Embrace under the sheet".into()],
        garments: String::new(),
    }
}

async fn setup(app: &TestApp) -> Set {
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    for (email, name, role) in [
        ("cory@example.test", "Cory Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
        ("kim@example.test", "Kim Other", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
    }
    let mut cast = Vec::new();
    for (n, name, email) in [
        (1, "Alex Rivera", "alex@example.test"),
        (2, "Sam Lindqvist", "sam@example.test"),
        (3, "Kim Other", "kim@example.test"),
    ] {
        cast.push(
            build::cast(app, production, n, name)
                .signing_in_as(email)
                .await,
        );
    }
    let scene = build::scene(app, production, "5A")
        .on_set("Lake house bedroom")
        .synopsis("They undress by the lake")
        .with(&cast[..2])
        .await;
    let b = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![part(cast[0]), part(cast[1])],
        garments: String::new(),
        stills_allowed: false,
        closed_set: vec!["Morgan Ellis".into()],
        monitor_list: vec![],
    };
    build::breakdown(app, production, scene, &b, None).await;
    let call_at = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + Duration::days(10);
    let day = build::shoot_day_called_at(app, production, call_at.date(), call_at).await;
    build::place(app, day, scene).await;
    let set = Set {
        production,
        scene,
        day,
        alex: cast[0],
        sam: cast[1],
    };
    for who in [set.alex, set.sam] {
        signed_rider(app, &set, who, call_at - Duration::hours(72)).await;
    }
    set
}

/// A signed rider agreeing to exactly the breakdown part, straight in SQL as the clearance
/// tests write one.
async fn signed_rider(app: &TestApp, set: &Set, cast_member_id: i64, delivered: OffsetDateTime) {
    let scope = Scope::from_part(
        &part(cast_member_id),
        Uses {
            in_picture: true,
            trailers: false,
            stills: false,
        },
        false,
    );
    let rider: i64 = sqlx::query_scalar(
        "insert into rider (production_id, cast_member_id, status, body, body_sha256,
                            delivered_at, signed_at)
         values ($1, $2, 'signed', 'text', repeat('c', 64), $3, $3 + interval '1 hour')
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
}

/// A beat in which `by` touches `to`'s `area` with their hands.
async fn post_beat(
    client: &mut Client,
    path: &str,
    action: &str,
    performers: &[i64],
    touch: Option<(i64, i64, &str)>,
) -> crate::support::Page {
    let ids: Vec<String> = performers.iter().map(i64::to_string).collect();
    let mut fields: Vec<(&str, &str)> = vec![("action", action), ("hold_point", "1")];
    for id in &ids {
        fields.push(("performer", id));
    }
    let (by, to, area) = touch.map_or((String::new(), String::new(), ""), |(b, t, a)| {
        (b.to_string(), t.to_string(), a)
    });
    if touch.is_some() {
        fields.extend([
            ("contact_by_0", by.as_str()),
            ("contact_with_0", "hands"),
            ("contact_to_0", to.as_str()),
            ("contact_area_0", area),
        ]);
    }
    fields.push(("positions", "Both on the bed, eyeline to the window"));
    client.post(path, &fields).await
}

async fn first_beat_key(app: &TestApp, set: &Set, place: usize) -> i64 {
    let json: String = sqlx::query_scalar(
        "select beats::text from choreography_version where scene_id = $1
         order by version desc limit 1",
    )
    .bind(set.scene)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let c: closedset::vocab::beat::Choreography = serde_json::from_str(&json).unwrap();
    c.beats[place].key
}

#[tokio::test]
async fn a_beat_beyond_a_signed_rider_blocks_the_scene_until_it_is_narrowed() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut cory = app.signed_in("cory@example.test").await;
    let page = cory.get(&set.scene_path()).await;
    assert!(page.body.contains("Cleared"), "{}", page.body);

    let within = post_beat(
        &mut cory,
        &format!("{}/beats", set.path()),
        "Alex rests a hand on Sam's shoulder",
        &[set.alex, set.sam],
        Some((set.alex, set.sam, "shoulders")),
    )
    .await;
    assert_eq!(within.status, StatusCode::SEE_OTHER, "{}", within.body);
    let page = cory.get(&set.scene_path()).await;
    assert!(page.body.contains("Cleared"), "{}", page.body);

    // Beat 2 asks Sam to be touched on the thighs: Sam's rider agrees to shoulders only.
    let beyond = post_beat(
        &mut cory,
        &format!("{}/beats", set.path()),
        "Alex's hand moves to Sam's thigh",
        &[set.alex, set.sam],
        Some((set.alex, set.sam, "thighs")),
    )
    .await;
    assert_eq!(beyond.status, StatusCode::SEE_OTHER, "{}", beyond.body);
    let reason =
        "#2 Sam Lindqvist: beat 2 of the choreography asks more than the signed rider allows";
    for email in ["cory@example.test", "pat@example.test", "dana@example.test"] {
        let mut client = app.signed_in(email).await;
        let page = client.get(&set.scene_path()).await;
        assert!(page.body.contains("Blocked"), "{email}: {}", page.body);
        assert!(page.body.contains(reason), "{email}: {}", page.body);
    }
    let schedule = cory
        .get(&format!("/productions/{}/schedule", set.production))
        .await;
    assert!(schedule.body.contains(reason), "{}", schedule.body);
    // The choreography names the item beyond the rider, beside the beat.
    let chor = cory.get(&set.path()).await;
    assert!(
        chor.body.contains("Beyond the signed rider"),
        "{}",
        chor.body
    );
    assert!(
        chor.body.contains("#2 Sam Lindqvist: Thighs touched"),
        "{}",
        chor.body
    );
    // The coordinator's dashboard says so too.
    let home = cory.get(&format!("/productions/{}", set.production)).await;
    assert!(
        home.body.contains("beat 2 of the choreography"),
        "{}",
        home.body
    );

    // Narrowed back to the shoulders: cleared again.
    let key = first_beat_key(&app, &set, 1).await;
    let narrowed = post_beat(
        &mut cory,
        &format!("{}/beats/{key}", set.path()),
        "Alex's hand stays on Sam's shoulder",
        &[set.alex, set.sam],
        Some((set.alex, set.sam, "shoulders")),
    )
    .await;
    assert_eq!(narrowed.status, StatusCode::SEE_OTHER, "{}", narrowed.body);
    let page = cory.get(&set.scene_path()).await;
    assert!(page.body.contains("Cleared"), "{}", page.body);
    assert!(!page.body.contains("beat 2 of the choreography"));
    let versions: i64 =
        sqlx::query_scalar("select count(*) from choreography_version where scene_id = $1")
            .bind(set.scene)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(versions, 3, "every change is a new version");
}

#[tokio::test]
async fn a_performer_reads_only_the_beats_they_are_in() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut dana = app.signed_in("dana@example.test").await;
    for (action, people) in [
        ("Both lie down under the sheet", vec![set.alex, set.sam]),
        ("Alex alone turns to the window", vec![set.alex]),
    ] {
        let page = post_beat(
            &mut dana,
            &format!("{}/beats", set.path()),
            action,
            &people,
            None,
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let mut alex = app.signed_in("alex@example.test").await;
    let page = alex.get(&set.path()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Both lie down under the sheet"));
    assert!(page.body.contains("Alex alone turns to the window"));
    let mut sam = app.signed_in("sam@example.test").await;
    let page = sam.get(&set.path()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Both lie down under the sheet"));
    assert!(
        !page.body.contains("Alex alone turns to the window"),
        "{}",
        page.body
    );
    // Performers do not edit, and one not in the scene sees nothing of it.
    let key = first_beat_key(&app, &set, 1).await;
    let edit = sam.get(&format!("{}/beats/{key}", set.path())).await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let tried = post_beat(
        &mut sam,
        &format!("{}/beats", set.path()),
        "Sam adds",
        &[set.sam],
        None,
    )
    .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
    let mut kim = app.signed_in("kim@example.test").await;
    assert_eq!(kim.get(&set.path()).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_producer_learns_the_choreography_exists_but_no_beat() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut cory = app.signed_in("cory@example.test").await;
    post_beat(
        &mut cory,
        &format!("{}/beats", set.path()),
        "Alex kisses Sam's neck slowly",
        &[set.alex, set.sam],
        Some((set.alex, set.sam, "thighs")),
    )
    .await;
    let key = first_beat_key(&app, &set, 0).await;
    let mut pat = app.signed_in("pat@example.test").await;
    let page = pat.get(&set.path()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1 beat"), "{}", page.body);
    for secret in ["kisses", "eyeline", "Thighs", "Hold point"] {
        assert!(!page.body.contains(secret), "{secret}: {}", page.body);
    }
    let scene = pat.get(&set.scene_path()).await;
    assert!(scene.body.contains("beat 1 of the choreography"));
    assert!(!scene.body.contains("Thighs"), "{}", scene.body);
    assert!(!scene.body.contains("kisses"));
    for path in [format!("{}/beats/{key}", set.path())] {
        assert_eq!(pat.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    let tried = post_beat(
        &mut pat,
        &format!("{}/beats", set.path()),
        "x",
        &[set.alex],
        None,
    )
    .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
    let removed = pat
        .post(&format!("{}/beats/{key}/remove", set.path()), &[])
        .await;
    assert_eq!(removed.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_beat_comes_back_with_messages_and_what_was_typed() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut cory = app.signed_in("cory@example.test").await;
    let path = format!("{}/beats", set.path());
    let page = post_beat(&mut cory, &path, "  ", &[], None).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Say what happens in this beat"));
    assert!(page.body.contains("Choose who is in this beat."));
    assert!(page.body.contains("Both on the bed, eyeline to the window"));
    // Someone touched who is not in the beat, and a tampered id.
    let page = post_beat(
        &mut cory,
        &path,
        "Alex touches Sam",
        &[set.alex],
        Some((set.alex, set.sam, "shoulders")),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("must be among the beat"));
    assert!(page.body.contains("Alex touches Sam"));
    let page = post_beat(&mut cory, &path, "Tampered", &[999_999], None).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = cory
        .post(
            &path,
            &[
                ("action", "x"),
                ("performer", &set.alex.to_string()),
                ("contact_by_0", "abc"),
                ("place", "-3"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("leave the whole row empty"));
    let none: i64 = sqlx::query_scalar("select count(*) from choreography_version")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(none, 0);
}

#[tokio::test]
async fn a_rehearsal_marks_beats_and_the_day_and_report_say_which_ran_as_rehearsed() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut cory = app.signed_in("cory@example.test").await;
    for action in ["Both lie down under the sheet", "Alex turns to the window"] {
        post_beat(
            &mut cory,
            &format!("{}/beats", set.path()),
            action,
            &[set.alex, set.sam],
            None,
        )
        .await;
    }
    let first = first_beat_key(&app, &set, 0).await;
    let second = first_beat_key(&app, &set, 1).await;
    let alex = set.alex.to_string();
    let check_in = format!("check_in_{alex}");
    let marked = cory
        .post(
            &format!("{}/beats/{first}/rehearsal", set.path()),
            &[("outcome", "rehearsed"), (check_in.as_str(), "Comfortable")],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    cory.post(
        &format!("{}/beats/{second}/rehearsal", set.path()),
        &[("outcome", "changed")],
    )
    .await;
    let notes: String =
        sqlx::query_scalar("select check_ins::text from beat_rehearsal where beat_key = $1")
            .bind(first)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(notes.contains("Comfortable"));
    // A performer cannot mark, and the producer cannot either.
    let mut sam = app.signed_in("sam@example.test").await;
    let tried = sam
        .post(
            &format!("{}/beats/{first}/rehearsal", set.path()),
            &[("outcome", "dropped")],
        )
        .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);

    let day = cory
        .get(&format!(
            "/productions/{}/schedule/{}/on-set",
            set.production, set.day
        ))
        .await;
    assert_eq!(day.status, StatusCode::OK);
    assert!(day.body.contains("Beats in order"), "{}", day.body);
    assert!(day.body.contains("Hold point"));
    assert!(day.body.contains("Rehearsed as written"));
    assert!(day.body.contains("Changed at rehearsal"));

    let mut pat = app.signed_in("pat@example.test").await;
    let report = pat
        .get(&format!(
            "/productions/{}/schedule/{}/ic-report",
            set.production, set.day
        ))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report
            .body
            .contains("Beats 1 of 2 ran as rehearsed; beat 2: changed at rehearsal."),
        "{}",
        report.body
    );
    assert!(!report.body.contains("lie down"));
    let page = pat.get(&set.path()).await;
    assert!(page.body.contains("2 of 2 rehearsed"), "{}", page.body);
}

#[tokio::test]
async fn the_crew_briefing_fits_one_page_names_no_scene_content_and_records_each_read() {
    let app = TestApp::spawn().await;
    let set = setup(&app).await;
    let mut cory = app.signed_in("cory@example.test").await;
    post_beat(
        &mut cory,
        &format!("{}/beats", set.path()),
        "Alex kisses Sam's neck slowly",
        &[set.alex, set.sam],
        None,
    )
    .await;
    let path = format!("/productions/{}/briefing", set.production);
    let page = cory.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Cory Coordinator",
        "Morgan Ellis",
        "pause",
        "Robes",
        "No personal phones",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    let start = page.body.find("<div class=\"briefing\">").unwrap();
    let end = start + page.body[start..].find("</div>").unwrap();
    let briefing = &page.body[start..end];
    assert!(
        briefing.len() < 3_500,
        "one printed page: {} bytes",
        briefing.len()
    );
    for secret in [
        "kisses",
        "Embrace",
        "undress",
        "Breasts",
        "Upper back",
        "5A",
        "Lake house",
    ] {
        assert!(!briefing.contains(secret), "{secret} in {briefing}");
    }
    // Performers are not sent the crew briefing page; a bad send comes back with its messages.
    let mut sam = app.signed_in("sam@example.test").await;
    assert_eq!(sam.get(&path).await.status, StatusCode::NOT_FOUND);
    let bad = cory
        .post(&path, &[("name", " "), ("department", "Camera")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter the name of the department head."));
    assert!(bad.body.contains("value=\"Camera\""));

    let sent = cory
        .post(&path, &[("name", "Jo Camera"), ("department", "Camera")])
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    let at = sent.body.find("/briefing/").unwrap();
    let link: String = sent.body[at..]
        .chars()
        .take_while(|c| *c != '<' && *c != '"')
        .collect();
    assert!(link.len() > "/briefing/".len() + 32, "{link}");
    let mut jo = app.client();
    let read = jo.get(&link).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("For Jo Camera."));
    assert!(!read.body.contains("kisses"));
    let page = cory.get(&path).await;
    assert!(page.body.contains("Not yet"));
    let confirmed = jo.post(&format!("{link}/confirm"), &[]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let page = cory.get(&path).await;
    assert!(page.body.contains("Confirmed"), "{}", page.body);
    assert_eq!(
        jo.get("/briefing/0000000000000000000000000000000000000000000000000000000000000000")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_demo_scene_has_a_rehearsed_beat_a_beat_beyond_a_rider_and_a_briefing() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::load(&app.pool).await.unwrap();
    let scene: i64 =
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '5A'")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let versions: i64 =
        sqlx::query_scalar("select count(*) from choreography_version where production_id = $1")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(versions, 1, "loading twice changes nothing");
    let mut coordinator = app.client();
    coordinator
        .sign_in("coordinator@demo.test", "closedset-demo")
        .await;
    let page = coordinator
        .get(&format!(
            "/productions/{production}/scenes/{scene}/choreography"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Rehearsed as written"), "{}", page.body);
    assert!(
        page.body.contains("#1 Alex Rivera: Lower back touched"),
        "{}",
        page.body
    );
    let scene_page = coordinator
        .get(&format!("/productions/{production}/scenes/{scene}"))
        .await;
    assert!(
        scene_page
            .body
            .contains("beat 3 of the choreography asks more")
    );
    let briefing = coordinator
        .get(&format!("/productions/{production}/briefing"))
        .await;
    assert!(briefing.body.contains("Camera department head"));
    assert!(briefing.body.contains("Confirmed"));
}
