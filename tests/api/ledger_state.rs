//! The state clearance reads, bound to the consent ledger: a production built through the
//! app's own pages agrees with its ledger row for row, and every row changed behind the
//! ledger's back is named, with its table, however many there are.

use closedset::ledger::state::{Disagreement, disagreements};
use closedset::vocab::body::{BodyArea as A, IntimacyKind as K, NudityLevel as N};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use reqwest::StatusCode;

use crate::support::{Client, PASSWORD, TestApp, build};

/// A production whose ledger holds every kind of entry, all made through the app.
struct Shot {
    app: TestApp,
    p: i64,
    scene: i64,
    today: i64,
    yesterday: i64,
    alex_cast: i64,
    sam_cast: i64,
    /// Alex's first rider, superseded for 5A by `alex_second`.
    alex_first: i64,
    alex_second: i64,
    /// Sam's rider, withdrawn after the shoot.
    sam_rider: i64,
    /// The hold Alex pressed and the coordinator resolved; the hold the coordinator left open.
    resolved_pause: i64,
    open_pause: i64,
    /// Sam's reconfirmation yesterday, with an act taken back.
    narrowed: i64,
}

fn breakdown(alex: i64, sam: i64, closed_set: &[&str]) -> Breakdown {
    Breakdown {
        kinds: vec![K::Nudity, K::Kiss],
        performers: vec![
            PerformerPart {
                cast_member_id: alex,
                nudity: N::PartialUpper,
                shown: vec![A::UpperBack],
                touched: vec![A::Face],
                touching: vec![A::Face],
                acts: vec!["Removes shirt, back to camera".into()],
                garments: String::new(),
            },
            PerformerPart {
                cast_member_id: sam,
                nudity: N::Implied,
                shown: vec![A::Shoulders],
                touched: vec![A::Face],
                touching: vec![A::Face],
                acts: vec!["Lies under the sheet".into(), "Kisses #1".into()],
                garments: String::new(),
            },
        ],
        garments: "Barrier pad between performers".into(),
        stills_allowed: false,
        closed_set: closed_set.iter().map(|s| s.to_string()).collect(),
        monitor_list: vec!["Cora Coordinator".into()],
    }
}

impl Shot {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.p)
    }

    fn on_set(&self, day: i64, rest: &str) -> String {
        self.path(&format!("/schedule/{day}/on-set{rest}"))
    }

    /// Drafted (and re-drafted once, when `redraft`) and delivered by the coordinator.
    async fn delivered(&self, cora: &mut Client, cast: i64, redraft: bool) -> i64 {
        let (cast, scene) = (cast.to_string(), self.scene.to_string());
        let fields = [
            ("cast_member_id", cast.as_str()),
            ("scenes", scene.as_str()),
            ("in_picture", "on"),
        ];
        let page = cora.post(&self.path("/riders"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let rider: i64 = page.location().rsplit('/').next().unwrap().parse().unwrap();
        if redraft {
            let page = cora
                .post(&self.path(&format!("/riders/{rider}")), &fields[1..])
                .await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        }
        let page = cora
            .post(&self.path(&format!("/riders/{rider}/deliver")), &[])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        rider
    }

    /// Read, then signed with the password, by the performer.
    async fn signed(&self, performer: &mut Client, rider: i64) {
        let path = self.path(&format!("/riders/{rider}"));
        assert_eq!(performer.get(&path).await.status, StatusCode::OK);
        let hash: String = sqlx::query_scalar("select body_sha256 from rider where rider_id = $1")
            .bind(rider)
            .fetch_one(&self.app.pool)
            .await
            .unwrap();
        let token = performer.csrf().await;
        let page = performer
            .post_raw(
                &format!("{path}/sign"),
                &[
                    ("password", PASSWORD),
                    ("text_sha256", &hash),
                    ("csrf", &token),
                ],
                &[("user-agent", "LedgerStateTest/1.0")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }

    /// The coordinator reconfirms a performer on a day, keeping all but `drop`.
    async fn reconfirm(&self, cora: &mut Client, day: i64, cast: i64, drop: &[&str]) {
        let path = self.on_set(day, &format!("/scenes/{}/cast/{cast}", self.scene));
        let page = cora.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let value = |rest: &str| rest[..rest.find('"').unwrap()].replace("&#39;", "'");
        let rider = value(
            page.body
                .split("name=\"rider_id\" value=\"")
                .nth(1)
                .unwrap(),
        );
        let keep: Vec<String> = page
            .body
            .split("name=\"keep\" value=\"")
            .skip(1)
            .map(value)
            .filter(|k| !drop.contains(&k.as_str()))
            .collect();
        let mut fields = vec![("rider_id", rider.as_str())];
        fields.extend(keep.iter().map(|k| ("keep", k.as_str())));
        let page = cora.post(&format!("{path}/reconfirm"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }

    async fn id(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .bind(self.p)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

/// Scene 5A with Alex (#1) and Sam (#2) on a shoot day today and yesterday, no notice period. Through the app: riders drafted, re-drafted, delivered, read, signed,
/// superseded, declined and withdrawn; a hold pressed and resolved and another left open; both
/// reconfirmed and the scene shot today, a closure, Sam reconfirmed yesterday with an act taken
/// back, a double, and a breakdown change around them that carries Alex's rider forward.
async fn shot() -> Shot {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let p = app.production("Night Swim", pat).await;
    let mut users = Vec::new();
    for (email, name, role) in [
        ("cora@example.test", "Cora Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(p, id, role).await;
        users.push(id);
    }
    let alex_cast = build::cast(&app, p, 1, "Alex Rivera")
        .linked_to(users[2])
        .await;
    let sam_cast = build::cast(&app, p, 2, "Sam Lindqvist")
        .linked_to(users[3])
        .await;
    let theo_cast = build::cast(&app, p, 5, "Theo Grant").await;
    let scene = build::scene(&app, p, "5A")
        .on_set("Lake house bedroom")
        .with(&[alex_cast, sam_cast])
        .await;
    let closed = ["Cora Coordinator"];
    build::breakdown(
        &app,
        p,
        scene,
        &breakdown(alex_cast, sam_cast, &closed),
        Some(users[0]),
    )
    .await;
    sqlx::query("update production set notice_hours = 0 where production_id = $1")
        .bind(p)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut days = Vec::new();
    for ago in [0, 1] {
        let day: i64 = sqlx::query_scalar(
            "insert into shoot_day (production_id, shoot_date, call_at)
             select production_id, (now() at time zone time_zone)::date - $2,
                    now() + interval '1 hour' - $2 * interval '1 day'
             from production where production_id = $1 returning shoot_day_id",
        )
        .bind(p)
        .bind(ago)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        build::place(&app, day, scene).await;
        days.push(day);
    }
    let mut f = Shot {
        app,
        p,
        scene,
        today: days[0],
        yesterday: days[1],
        alex_cast,
        sam_cast,
        alex_first: 0,
        alex_second: 0,
        sam_rider: 0,
        resolved_pause: 0,
        open_pause: 0,
        narrowed: 0,
    };
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut dana = f.app.signed_in("dana@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut sam = f.app.signed_in("sam@example.test").await;

    f.alex_first = f.delivered(&mut cora, alex_cast, false).await;
    f.signed(&mut alex, f.alex_first).await;
    f.alex_second = f.delivered(&mut cora, alex_cast, true).await;
    f.signed(&mut alex, f.alex_second).await;
    f.sam_rider = f.delivered(&mut cora, sam_cast, false).await;
    f.signed(&mut sam, f.sam_rider).await;

    // Today: a hold pressed and resolved, both reconfirmed, the scene shot, a closure.
    let pause = f.on_set(f.today, &format!("/scenes/{scene}/pause"));
    assert_eq!(alex.post(&pause, &[]).await.status, StatusCode::SEE_OTHER);
    f.resolved_pause = f
        .id("select max(pause_id) from pause where production_id = $1")
        .await;
    let resolve = f.path(&format!("/pauses/{}/resolve", f.resolved_pause));
    let page = cora.post(&resolve, &[("note", "Set reset.")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    for cast in [alex_cast, sam_cast] {
        f.reconfirm(&mut cora, f.today, cast, &[]).await;
    }
    // Called now: every rider was delivered before the call, and the scene may be marked.
    sqlx::query("update shoot_day set call_at = now() where shoot_day_id = $1")
        .bind(f.today)
        .execute(&f.app.pool)
        .await
        .unwrap();
    let mark = f.path(&format!("/schedule/{}/scenes/{scene}/shot", f.today));
    assert_eq!(dana.post(&mark, &[]).await.status, StatusCode::SEE_OTHER);
    let shot: bool = sqlx::query_scalar(
        "select shot_at is not null from shoot_day_scene where shoot_day_id = $1",
    )
    .bind(f.today)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert!(shot, "the scene was not marked shot");
    let closure = f.on_set(
        f.today,
        &format!("/scenes/{scene}/cast/{alex_cast}/closure"),
    );
    assert_eq!(cora.post(&closure, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(cora.post(&pause, &[]).await.status, StatusCode::SEE_OTHER);
    f.open_pause = f
        .id("select max(pause_id) from pause where production_id = $1")
        .await;
    assert_ne!(
        f.open_pause, f.resolved_pause,
        "the second hold was not recorded"
    );

    // Yesterday, written up late: Sam took an act back.
    f.reconfirm(&mut cora, f.yesterday, sam_cast, &["act:Kisses #1"])
        .await;
    f.narrowed = f
        .id(
            "select reconfirmation_id from reconfirmation where production_id = $1
             and narrowed_count = 1",
        )
        .await;

    // After the shoot: a double for Sam, Sam withdraws, Alex declines a third rider, and a
    // change to the closed set carries Alex's signed rider forward.
    let (sam_id, theo_id) = (sam_cast.to_string(), theo_cast.to_string());
    let doubles = f.path(&format!("/scenes/{scene}/doubles"));
    let fields = [
        ("original_cast_member_id", sam_id.as_str()),
        ("double_cast_member_id", theo_id.as_str()),
    ];
    assert_eq!(
        cora.post(&doubles, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let revoke = f.path(&format!("/riders/{}/revoke", f.sam_rider));
    assert_eq!(sam.post(&revoke, &[]).await.status, StatusCode::SEE_OTHER);
    let third = f.delivered(&mut cora, alex_cast, false).await;
    let decline = f.path(&format!("/riders/{third}/revoke"));
    assert_eq!(alex.post(&decline, &[]).await.status, StatusCode::SEE_OTHER);
    let wider = ["Cora Coordinator", "Dana Director"];
    build::breakdown(
        &f.app,
        p,
        scene,
        &breakdown(alex_cast, sam_cast, &wider),
        Some(users[0]),
    )
    .await;

    let events: Vec<String> = sqlx::query_scalar(
        "select distinct event from consent_event where production_id = $1 order by event",
    )
    .bind(p)
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            "carried_forward",
            "closed",
            "declined",
            "delivered",
            "double_assigned",
            "drafted",
            "narrowed",
            "paused",
            "reconfirmed",
            "resumed",
            "revoked",
            "shot",
            "signed",
            "superseded",
            "viewed",
        ]
    );
    f
}

/// Runs `tamper` behind the ledger's back, checks, and rolls the change back.
async fn after(f: &Shot, tamper: &[String]) -> Vec<Disagreement> {
    let mut tx = f.app.pool.begin().await.unwrap();
    for sql in tamper {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    let found = disagreements(&mut tx, f.p).await.unwrap();
    tx.rollback().await.unwrap();
    found
}

fn named(found: &[Disagreement], table: &str, row: &str) -> bool {
    found.iter().any(|d| d.table == table && d.row == row)
}

#[tokio::test]
async fn an_honest_production_agrees_with_its_ledger_and_every_tampered_row_is_named() {
    let f = shot().await;
    let honest = after(&f, &[]).await;
    assert!(honest.is_empty(), "{honest:#?}");

    let (scene, today, yesterday) = (f.scene, f.today, f.yesterday);
    let rider = |id: i64| format!("rider {id}");
    let cases: Vec<(String, &str, String)> = vec![
        (
            format!(
                "update rider set revoked_at = null where rider_id = {}",
                f.sam_rider
            ),
            "rider",
            rider(f.sam_rider),
        ),
        (
            format!(
                "update rider set status = 'signed' where rider_id = {}",
                f.alex_first
            ),
            "rider",
            rider(f.alex_first),
        ),
        (
            format!(
                "update rider set signed_at = signed_at - interval '1 second'
                 where rider_id = {}",
                f.alex_second
            ),
            "rider",
            rider(f.alex_second),
        ),
        (
            format!(
                "update rider set body = body || ' and more' where rider_id = {}",
                f.alex_second
            ),
            "rider",
            rider(f.alex_second),
        ),
        (
            format!(
                "update rider_scene set scope = jsonb_set(scope, '{{acts}}', '[\"Anything\"]')
                 where rider_id = {}",
                f.alex_second
            ),
            "rider",
            rider(f.alex_second),
        ),
        (
            format!(
                "update rider set in_trailers = true where rider_id = {}",
                f.alex_second
            ),
            "rider",
            rider(f.alex_second),
        ),
        (
            format!(
                "update rider_scene set superseded_at = null where rider_id = {}",
                f.alex_first
            ),
            "rider_scene",
            format!("rider_scene (rider {}, scene {scene})", f.alex_first),
        ),
        (
            format!(
                "update rider_scene set carried_to_version_id = null where rider_id = {}",
                f.alex_second
            ),
            "rider_scene",
            format!("rider_scene (rider {}, scene {scene})", f.alex_second),
        ),
        (
            format!(
                "update shoot_day_scene set shot_at = null, shot_by = null where shoot_day_id = {today}"
            ),
            "shoot_day_scene",
            format!("shoot_day_scene (day {today}, scene {scene})"),
        ),
        (
            format!("update shoot_day_scene set shot_at = now() where shoot_day_id = {yesterday}"),
            "shoot_day_scene",
            format!("shoot_day_scene (day {yesterday}, scene {scene})"),
        ),
        (
            format!("delete from pause where pause_id = {}", f.open_pause),
            "pause",
            format!("pause (day {today}, scene {scene})"),
        ),
        (
            format!(
                "update pause set resolved_at = resolved_at + interval '1 minute'
                 where pause_id = {}",
                f.resolved_pause
            ),
            "pause",
            format!("pause {}", f.resolved_pause),
        ),
        (
            format!(
                "update pause set resolved_at = null where pause_id = {}",
                f.resolved_pause
            ),
            "pause",
            format!("pause {}", f.resolved_pause),
        ),
        (
            format!(
                "update reconfirmation set narrowed = '{{}}', narrowed_count = 0
                 where reconfirmation_id = {}",
                f.narrowed
            ),
            "reconfirmation",
            format!("reconfirmation {}", f.narrowed),
        ),
        (
            format!("delete from closure where shoot_day_id = {today}"),
            "closure",
            format!(
                "closure (day {today}, scene {scene}, cast member {})",
                f.alex_cast
            ),
        ),
        (
            format!(
                "insert into scene_double (scene_id, original_cast_member_id,
                                           double_cast_member_id, production_id)
                 values ({scene}, {}, {}, {})",
                f.alex_cast, f.sam_cast, f.p
            ),
            "scene_double",
            format!("scene_double (scene {scene}, cast member {})", f.alex_cast),
        ),
    ];
    for (sql, table, row) in &cases {
        let found = after(&f, std::slice::from_ref(sql)).await;
        assert!(
            named(&found, table, row),
            "{sql}\nexpected {table} / {row}, found {found:#?}"
        );
        // Only the row tampered with (the same row may be named for more than one field).
        assert!(found.iter().all(|d| d.row == *row), "{sql}\n{found:#?}");
    }
}

#[tokio::test]
async fn several_rows_changed_at_once_are_all_named() {
    let f = shot().await;
    let (scene, today) = (f.scene, f.today);
    let tamper = [
        format!(
            "update rider set revoked_at = null, status = 'signed' where rider_id = {}",
            f.sam_rider
        ),
        format!(
            "update shoot_day_scene set shot_at = null, shot_by = null where shoot_day_id = {today}"
        ),
        format!("delete from closure where shoot_day_id = {today}"),
        format!("delete from pause where pause_id = {}", f.open_pause),
        format!(
            "insert into scene_double (scene_id, original_cast_member_id, double_cast_member_id,
                                       production_id)
             values ({scene}, {}, {}, {})",
            f.alex_cast, f.sam_cast, f.p
        ),
    ];
    let found = after(&f, &tamper).await;
    let expected = [
        ("rider", format!("rider {}", f.sam_rider)),
        (
            "shoot_day_scene",
            format!("shoot_day_scene (day {today}, scene {scene})"),
        ),
        (
            "closure",
            format!(
                "closure (day {today}, scene {scene}, cast member {})",
                f.alex_cast
            ),
        ),
        ("pause", format!("pause (day {today}, scene {scene})")),
        (
            "scene_double",
            format!("scene_double (scene {scene}, cast member {})", f.alex_cast),
        ),
    ];
    for (table, row) in &expected {
        assert!(
            named(&found, table, row),
            "expected {table} / {row}, found {found:#?}"
        );
    }
    // Withdrawn consent undone shows as both fields, each a sentence a person can read.
    let sam: Vec<String> = found
        .iter()
        .filter(|d| d.row == expected[0].1)
        .map(ToString::to_string)
        .collect();
    assert_eq!(sam.len(), 2, "{sam:?}");
    assert!(
        sam[0].contains("status is signed on the row, but the ledger says revoked"),
        "{sam:?}"
    );
    assert!(
        sam[1].contains("revoked_at is not set on the row"),
        "{sam:?}"
    );
    // Nothing else: the two fields of Sam's rider and of the shot mark, one line each for the
    // others.
    assert_eq!(found.len(), 7, "{found:#?}");
}

/// The command an administrator or auditor runs names the withdrawal undone behind the
/// ledger's back, with the production's log, tree and checkpoints still intact.
#[tokio::test]
async fn ledger_verify_names_a_withdrawal_undone_behind_its_back() {
    let f = shot().await;
    let key = crate::support::log_key(&f.app.db_name);
    closedset::ledger::checkpoint::seal(&f.app.pool, &key, f.p)
        .await
        .unwrap();
    let honest = f.app.verify_ledger(Some(f.p)).await;
    assert!(honest[0].is_intact(), "{honest:?}");

    sqlx::query("update rider set revoked_at = null, status = 'signed' where rider_id = $1")
        .bind(f.sam_rider)
        .execute(&f.app.owner_pool)
        .await
        .unwrap();
    let reports = f.app.verify_ledger(Some(f.p)).await;
    assert!(reports[0].result.is_ok() && reports[0].checkpoint_problems.is_empty());
    assert!(!reports[0].is_intact());
    assert!(named(
        &reports[0].state,
        "rider",
        &format!("rider {}", f.sam_rider)
    ));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_closedset"))
        .args(["ledger", "verify", "--production", &f.p.to_string()])
        .args(["--key", &f.app.verifier().to_string()])
        .env("DATABASE_URL", crate::support::database_url(&f.app.db_name))
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "state disagrees with the log: rider {}: revoked_at",
            f.sam_rider
        )),
        "{said}"
    );
}
