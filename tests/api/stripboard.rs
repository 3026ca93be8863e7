//! The stripboard over HTTP (issue #15, point 5): one week at a time, the unscheduled pool,
//! strips moved to another day or back to the pool (their notice deadline follows), banners,
//! the strip palette, and Day Out of Days on the demo against a count made by hand.

use closedset::vocab::body::{IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart, empty_breakdown};
use reqwest::StatusCode;

use crate::support::{Client, TestApp, build};

struct Board {
    app: TestApp,
    production: i64,
    pat: Client,
}

async fn board() -> Board {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let pat = app.signed_in("pat@example.test").await;
    Board {
        app,
        production,
        pat,
    }
}

impl Board {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    async fn day(&self, date: &str) -> i64 {
        build::shoot_day(&self.app, self.production, build::date(date)).await
    }

    async fn move_strip(&mut self, scene: i64, from: i64, to: &str) -> crate::support::Page {
        let path = self.path(&format!("/schedule/strips/{scene}/move"));
        self.pat
            .post(&path, &[("from", &from.to_string()), ("to", to)])
            .await
    }

    async fn days_of(&self, scene: i64) -> Vec<i64> {
        sqlx::query_scalar(
            "select shoot_day_id from shoot_day_scene where scene_id = $1 order by shoot_day_id",
        )
        .bind(scene)
        .fetch_all(&self.app.pool)
        .await
        .unwrap()
    }
}

#[tokio::test]
async fn the_board_shows_one_week_and_jumps_to_any_other() {
    let mut b = board().await;
    let first = b.day("2027-05-04").await;
    let second = b.day("2027-05-12").await;
    let (one, two) = (
        build::scene(&b.app, b.production, "1").await,
        build::scene(&b.app, b.production, "2").await,
    );
    build::place(&b.app, first, one).await;
    build::place(&b.app, second, two).await;
    let unplaced = build::scene(&b.app, b.production, "3").await;

    // Both days are in the future: the board opens on the first one's week.
    let page = b.pat.get(&b.path("/schedule")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Stripboard: week of Mon 3 May 2027"));
    assert!(page.body.contains(&format!("id=\"strip-{one}-{first}\"")));
    assert!(!page.body.contains(&format!("id=\"strip-{two}-{second}\"")));
    // The pool holds the scene on no day, every week.
    assert!(page.body.contains(&format!("id=\"strip-{unplaced}-0\"")));
    // Each day is numbered within the whole schedule.
    assert!(page.body.contains("Day 1 of 2 · Tue 4 May 2027"));
    // Pages from the first (white) draft carry no colour; revised pages name theirs.
    assert!(!page.body.contains("strip-revision"));
    sqlx::query("update scene set revision_colour = 'pink' where scene_id = $1")
        .bind(one)
        .execute(&b.app.pool)
        .await
        .unwrap();
    let page = b.pat.get(&b.path("/schedule")).await;
    assert!(
        page.body
            .contains("<span class=\"strip-revision\">Pink pages</span>")
    );

    let page = b.pat.get(&b.path("/schedule?week=2027-05-10")).await;
    assert!(page.body.contains("Day 2 of 2 · Wed 12 May 2027"));
    assert!(!page.body.contains(&format!("id=\"strip-{one}-{first}\"")));
    // Any date of a week is sent to its Monday, the one address of that week.
    let page = b.pat.get(&b.path("/schedule?week=2027-05-13")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().ends_with("/schedule?week=2027-05-10"));
    // An unreadable week is read leniently: the board opens on its usual week.
    for query in [
        "?week=yesterday",
        "?week=1999-01-04",
        "?week=2027-05-10&week=x",
        "?week=",
    ] {
        let page = b.pat.get(&b.path(&format!("/schedule{query}"))).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
    }
    // A week with nothing says so, and still offers the way back.
    let page = b.pat.get(&b.path("/schedule?week=2027-06-07")).await;
    assert!(page.body.contains("No shoot days this week."));
    assert!(page.body.contains("?week=2027-05-03"));
}

/// A flagged scene 5A with a delivered rider for cast #1, owned by a coordinator member.
async fn flagged_scene_with_rider(b: &Board) -> i64 {
    let cora = b.app.user("cora@example.test", "Cora Coordinator").await;
    b.app.add_member(b.production, cora, "coordinator").await;
    let alex = b.app.user("alex@example.test", "Alex Performer").await;
    b.app.add_member(b.production, alex, "performer").await;
    build::delivered_rider(&b.app, b.production, cora, alex).await;
    sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '5A'")
        .bind(b.production)
        .fetch_one(&b.app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_strip_moved_to_another_day_moves_its_notice_deadline() {
    let mut b = board().await;
    let scene = flagged_scene_with_rider(&b).await;
    // 07:00 UTC calls are 08:00 in London in May; the notice period is 48 hours.
    let tuesday = b.day("2027-05-04").await;
    let next_tuesday = b.day("2027-05-11").await;
    build::place(&b.app, tuesday, scene).await;
    let page = b.pat.get(&b.path("/schedule")).await;
    assert!(
        page.body.contains("Riders due by Sun 2 May 2027, 08:00"),
        "{}",
        page.body
    );
    let riders = b.pat.get(&b.path("/riders")).await;
    assert!(riders.body.contains("Sun 2 May 2027, 08:00"));

    let moved = b
        .move_strip(scene, tuesday, &next_tuesday.to_string())
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert!(moved.location().ends_with("/schedule?week=2027-05-10"));
    assert_eq!(b.days_of(scene).await, vec![next_tuesday]);
    let page = b.pat.get(moved.location()).await;
    assert!(page.body.contains("Scene 5A moved to Tue 11 May 2027"));
    assert!(page.body.contains("Riders due by Sun 9 May 2027, 08:00"));
    let riders = b.pat.get(&b.path("/riders")).await;
    assert!(riders.body.contains("Sun 9 May 2027, 08:00"));
    assert!(!riders.body.contains("Sun 2 May 2027, 08:00"));

    // Back to the pool: no day, so no deadline.
    let pooled = b.move_strip(scene, next_tuesday, "0").await;
    assert_eq!(pooled.status, StatusCode::SEE_OTHER);
    assert!(b.days_of(scene).await.is_empty());
    let riders = b.pat.get(&b.path("/riders")).await;
    assert!(riders.body.contains("Not scheduled yet"));
    let page = b.pat.get(&b.path("/schedule?week=2027-05-10")).await;
    assert!(page.body.contains(&format!("id=\"strip-{scene}-0\"")));
    assert!(
        page.body
            .contains("Not scheduled: cleared or blocked once on a day")
    );

    // And from the pool onto a day again, last in its running order.
    let other = build::scene(&b.app, b.production, "9").await;
    build::place(&b.app, tuesday, other).await;
    let placed = b.move_strip(scene, 0, &tuesday.to_string()).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER);
    let position: i32 = sqlx::query_scalar(
        "select position from shoot_day_scene where scene_id = $1 and shoot_day_id = $2",
    )
    .bind(scene)
    .bind(tuesday)
    .fetch_one(&b.app.pool)
    .await
    .unwrap();
    assert_eq!(position, 2);
}

#[tokio::test]
async fn a_refused_move_says_why_beside_its_strip_and_changes_nothing() {
    let mut b = board().await;
    let tuesday = b.day("2027-05-04").await;
    let wednesday = b.day("2027-05-05").await;
    let jo = build::cast(&b.app, b.production, 3, "Jo Young")
        .born(Some(build::date("2012-01-01")))
        .await;
    let scene = build::scene(&b.app, b.production, "12").with(&[jo]).await;
    let nude = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![PerformerPart {
            cast_member_id: jo,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![],
            touching: vec![],
            acts: vec![],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    // Straight in SQL: the editor itself refuses nudity for a minor (R5).
    let version: i64 = sqlx::query_scalar(
        "insert into scene_version (scene_id, production_id, version, breakdown, content_hash,
                                    flagged)
         values ($1, $2, 1, $3::jsonb, $4, true) returning scene_version_id",
    )
    .bind(scene)
    .bind(b.production)
    .bind(serde_json::to_string(&nude).unwrap())
    .bind(nude.content_hash())
    .fetch_one(&b.app.pool)
    .await
    .unwrap();
    sqlx::query("update scene set current_version_id = $2 where scene_id = $1")
        .bind(scene)
        .bind(version)
        .execute(&b.app.pool)
        .await
        .unwrap();

    // R5: a minor's nude scene cannot land on any day.
    let page = b.move_strip(scene, 0, &tuesday.to_string()).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&format!("id=\"to-{scene}-0-error\"")));
    assert!(page.body.contains("Jo Young"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"#to-{scene}-0\"")));
    assert!(b.days_of(scene).await.is_empty());

    // A day of another production, or no day at all, is refused beside the field.
    let elsewhere = {
        let other = b
            .app
            .production("Other film", b.app.user("o@example.test", "O").await);
        build::shoot_day(&b.app, other.await, build::date("2027-05-04")).await
    };
    let plain = build::scene(&b.app, b.production, "13").await;
    build::place(&b.app, tuesday, plain).await;
    for to in [elsewhere.to_string(), "soon".into(), "-1".into()] {
        let page = b.move_strip(plain, tuesday, &to).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
        assert!(page.body.contains("Choose a day from the list."));
        // What was typed stays chosen only when it is a choice; the strip stays put.
        assert_eq!(b.days_of(plain).await, vec![tuesday]);
    }
    // Already on that day: said so, nothing doubled.
    build::place(&b.app, wednesday, plain).await;
    let page = b.move_strip(plain, tuesday, &wednesday.to_string()).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Scene 13 is already on Wed 5 May 2027."));
    assert_eq!(b.days_of(plain).await, vec![tuesday, wednesday]);
    // A strip that is not where the form says is not found.
    let page = b.move_strip(scene, tuesday, &wednesday.to_string()).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Only those who plan the schedule move strips: not a performer, even one in the scene.
    let jo_user = b.app.user("jo@example.test", "Jo Young").await;
    b.app.add_member(b.production, jo_user, "performer").await;
    sqlx::query("update cast_member set user_id = $2 where cast_member_id = $1")
        .bind(jo)
        .bind(jo_user)
        .execute(&b.app.pool)
        .await
        .unwrap();
    let mut jo_client = b.app.signed_in("jo@example.test").await;
    let page = jo_client
        .post(
            &b.path(&format!("/schedule/strips/{plain}/move")),
            &[("from", &tuesday.to_string()), ("to", "0")],
        )
        .await;
    assert!(page.status.is_client_error());
    assert_eq!(b.days_of(plain).await, vec![tuesday, wednesday]);

    // A take marked shot is that day's record: its strip stays.
    sqlx::query("update shoot_day_scene set shot_at = now() where scene_id = $1")
        .bind(plain)
        .execute(&b.app.pool)
        .await
        .unwrap();
    let page = b.move_strip(plain, tuesday, "0").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Scene 13 was marked shot on this day, so it stays on it.")
    );
    assert_eq!(b.days_of(plain).await, vec![tuesday, wednesday]);
}

#[tokio::test]
async fn banners_sit_between_strips_and_can_be_removed() {
    let mut b = board().await;
    let tuesday = b.day("2027-05-04").await;
    let first = build::scene(&b.app, b.production, "1").await;
    let second = build::scene(&b.app, b.production, "2").await;
    build::place(&b.app, tuesday, first).await;
    build::place(&b.app, tuesday, second).await;
    let path = b.path(&format!("/schedule/{tuesday}/banners"));
    let page = b
        .pat
        .post(
            &path,
            &[("kind", "meal"), ("after", "1"), ("label", "Lunch, 60 min")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = b
        .pat
        .post(
            &path,
            &[
                ("kind", "company_move"),
                ("after", "9"),
                ("label", "to the lake"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let board = b.pat.get(&b.path("/schedule?week=2027-05-03")).await;
    let at = |text: &str| board.body.find(text).unwrap_or_else(|| panic!("{text}"));
    assert!(at(&format!("id=\"strip-{first}-{tuesday}\"")) < at("Meal break — Lunch, 60 min"));
    assert!(at("Meal break — Lunch, 60 min") < at(&format!("id=\"strip-{second}-{tuesday}\"")));
    // Past the last strip, the banner closes the day.
    assert!(at(&format!("id=\"strip-{second}-{tuesday}\"")) < at("Company move — to the lake"));

    let page = b
        .pat
        .post(
            &path,
            &[
                ("kind", "party"),
                ("after", "x"),
                ("label", "Kept as typed"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&format!("id=\"kind-{tuesday}-error\"")));
    assert!(page.body.contains(&format!("id=\"after-{tuesday}-error\"")));
    assert!(page.body.contains("value=\"Kept as typed\""));

    let banner: i64 = sqlx::query_scalar("select min(board_banner_id) from board_banner")
        .fetch_one(&b.app.pool)
        .await
        .unwrap();
    let page = b
        .pat
        .post(&b.path(&format!("/schedule/banners/{banner}/delete")), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let board = b.pat.get(&b.path("/schedule?week=2027-05-03")).await;
    assert!(!board.body.contains("Meal break — Lunch"));
    assert!(board.body.contains("Company move — to the lake"));
}

#[tokio::test]
async fn the_strip_palette_is_the_productions_own() {
    let mut b = board().await;
    let tuesday = b.day("2027-05-04").await;
    let scene = build::scene(&b.app, b.production, "1")
        .heading("int", "day")
        .await;
    build::place(&b.app, tuesday, scene).await;
    let board = b.pat.get(&b.path("/schedule")).await;
    assert!(
        board
            .body
            .contains("class=\"strip strip-int-day swatch-white\"")
    );
    let page = b
        .pat
        .post(
            &b.path("/schedule/palette"),
            &[
                ("strip_int_day", "pink"),
                ("strip_ext_day", "yellow"),
                ("strip_int_night", "blue"),
                ("strip_ext_night", "green"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let board = b.pat.get(&b.path("/schedule")).await;
    assert!(
        board
            .body
            .contains("class=\"strip strip-int-day swatch-pink\"")
    );
    // Never colour alone: the strip says where and when in words.
    assert!(board.body.contains("INT"));

    let page = b
        .pat
        .post(
            &b.path("/schedule/palette"),
            &[
                ("strip_int_day", "#000000"),
                ("strip_ext_day", "yellow"),
                ("strip_int_night", "blue"),
                ("strip_ext_night", "green"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"strip_int_day-error\""));
    let stored: Option<String> =
        sqlx::query_scalar("select strip_int_day from production where production_id = $1")
            .bind(b.production)
            .fetch_one(&b.app.pool)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("pink"));
}

/// The demo's Day Out of Days, counted by hand from `src/demo/scenes.rs` and
/// `src/demo/schedule.rs` and `src/demo/today.rs`. Columns: the on-set day three days ago (5A,
/// shot), the day the demo was loaded (8: the first flagged scene of #1 not yet shot, with #5),
/// Mon–Fri of the first week, the Sunday rehearsal of 8, Mon–Fri of the second week. Scenes by
/// day: 1 and 2 (Mon), 3 (Tue), 4 (Wed), 5 (Thu), 5A (Fri, flagged), 6, 7, 8 (Wed, flagged), 9, 10.
/// Rehearsals: 5A on the first Tuesday (#1, #2), 8 on the Sunday (#1, #5).
#[tokio::test]
async fn day_out_of_days_on_the_demo_matches_a_count_by_hand() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let mut cory = app.client();
    cory.sign_in("coordinator@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let csv = cory
        .get(&format!(
            "/productions/{production}/schedule/day-out-of-days.csv"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows: Vec<Vec<&str>> = csv
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').collect())
        .collect();
    //               past  today Mon   Tue   Wed   Thu   Fri   Sun   Mon   Tue   Wed   Thu   Fri   W  H  R  T  all
    let by_hand: [(&str, [&str; 13], [&str; 5]); 6] = [
        (
            "#1 Alex Rivera",
            [
                "SW", "W", "W", "R", "W", "W", "W", "R", "W", "H", "W", "H", "WF",
            ],
            ["9", "2", "2", "0", "13"],
        ),
        (
            "#2 Sam Lindqvist",
            [
                "SW", "H", "W", "W", "H", "W", "W", "", "H", "H", "H", "H", "WF",
            ],
            ["6", "6", "0", "0", "12"],
        ),
        (
            "#3 Jo Mercer",
            [
                "", "", "", "SW", "H", "W", "H", "", "H", "H", "H", "H", "WF",
            ],
            ["3", "6", "0", "0", "9"],
        ),
        (
            "#4 Ruth Adair",
            [
                "", "", "SW", "H", "H", "W", "H", "", "H", "W", "H", "H", "WF",
            ],
            ["4", "6", "0", "0", "10"],
        ),
        (
            "#5 Theo Grant",
            [
                "", "SW", "H", "H", "W", "H", "H", "R", "H", "W", "W", "WF", "",
            ],
            ["5", "5", "1", "0", "11"],
        ),
        (
            "Intimacy coordinator",
            [
                "SW", "W", "H", "R", "H", "H", "W", "R", "H", "H", "WF", "", "",
            ],
            ["4", "5", "2", "0", "11"],
        ),
    ];
    assert_eq!(rows.len(), 1 + by_hand.len(), "{}", csv.body);
    assert_eq!(rows[0].len(), 1 + 13 + 7);
    for ((name, codes, totals), row) in by_hand.iter().zip(&rows[1..]) {
        assert_eq!(row[0], *name);
        assert_eq!(&row[1..14], codes, "{name}");
        assert_eq!(&row[14..19], totals, "{name}");
    }
    // The page shows the same table to those who plan, and nothing to performers.
    let page = cory
        .get(&format!(
            "/productions/{production}/schedule/day-out-of-days"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<th scope=\"row\">Intimacy coordinator</th>")
    );
    let mut alex = app.client();
    alex.sign_in("performer1@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let page = alex
        .get(&format!(
            "/productions/{production}/schedule/day-out-of-days"
        ))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

/// The schedule is planned by producers, coordinators and the director / 1st AD (the access
/// table's EditSchedule). A performer called that day tries every planning form with values
/// that would be accepted from the 1st AD; each is refused and nothing changes.
#[tokio::test]
async fn a_performer_cannot_plan_the_board_or_publish_the_call_sheet() {
    let b = board().await;
    let day = b.day("2027-05-04").await;
    let other_day = b.day("2027-05-05").await;
    let alex = b.app.user("alex@example.test", "Alex Performer").await;
    b.app.add_member(b.production, alex, "performer").await;
    let cast = build::cast(&b.app, b.production, 1, "Alex Performer")
        .linked_to(alex)
        .await;
    let scene = build::scene(&b.app, b.production, "1").with(&[cast]).await;
    build::place(&b.app, day, scene).await;
    let tables = ["board_banner", "location", "call_sheet_version"];
    let mut before = Vec::new();
    for table in tables {
        before.push(b.app.rows_of(table, b.production).await);
    }

    let mut alex = b.app.signed_in("alex@example.test").await;
    let attempts: [(String, Vec<(&str, String)>); 5] = [
        (
            b.path(&format!("/schedule/strips/{scene}/move")),
            vec![("from", day.to_string()), ("to", other_day.to_string())],
        ),
        (
            b.path(&format!("/schedule/{day}/banners")),
            vec![
                ("kind", "meal".into()),
                ("after", "1".into()),
                ("label", "Lunch".into()),
            ],
        ),
        (
            b.path("/schedule/palette"),
            vec![
                ("strip_int_day", "pink".into()),
                ("strip_ext_day", "yellow".into()),
                ("strip_int_night", "blue".into()),
                ("strip_ext_night", "green".into()),
            ],
        ),
        (
            b.path("/locations"),
            vec![
                ("name", "Lake house".into()),
                ("address", "1 Lake Lane".into()),
                ("latitude", "51.5".into()),
                ("longitude", "-0.1".into()),
            ],
        ),
        (
            b.path(&format!("/schedule/{day}/call-sheet/publish")),
            vec![],
        ),
    ];
    for (path, fields) in &attempts {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = alex.post(path, &fields).await;
        assert!(
            page.status == StatusCode::NOT_FOUND || page.status == StatusCode::FORBIDDEN,
            "{path}: {}",
            page.status
        );
    }

    assert_eq!(b.days_of(scene).await, vec![day], "the strip stayed put");
    for (table, count) in tables.iter().zip(before) {
        assert_eq!(b.app.rows_of(table, b.production).await, count, "{table}");
    }
    let palette: Option<String> =
        sqlx::query_scalar("select strip_int_day from production where production_id = $1")
            .bind(b.production)
            .fetch_one(&b.app.pool)
            .await
            .unwrap();
    assert_ne!(palette.as_deref(), Some("pink"));
}
