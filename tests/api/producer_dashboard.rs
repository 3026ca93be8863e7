//! The producer's dashboard: the next 14 days, the at-risk list, what is never shown, who may
//! see it, and a fixed number of SQL queries whatever the production's size.

use closedset::demo::DEMO_PASSWORD;
use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use closedset::vocab::scope::{Scope, Uses};
use reqwest::StatusCode;
use sqlx::PgPool;

use closedset::clock::{local_to_utc, parse_zone, utc_to_local};
use time::macros::time;
use time::{Duration, OffsetDateTime};

use crate::support::{Client, TestApp, build, closedset_binary};

const BOUNDARY_NOTE: &str = "PLANTED boundary note: never the left shoulder";
const BOUNDARY_ENTRY_NOTE: &str = "PLANTED entry note: ask before any hand placement";
const CONVERSATION_SUMMARY: &str = "PLANTED conversation summary: prefers a closed monitor";

fn part(cast_member_id: i64) -> PerformerPart {
    PerformerPart {
        cast_member_id,
        nudity: NudityLevel::PartialUpper,
        shown: vec![BodyArea::Breasts],
        touched: vec![BodyArea::Shoulders],
        touching: vec![BodyArea::Hands],
        acts: vec!["Simulated intercourse".into()],
        garments: String::new(),
    }
}

/// A flagged scene with these performers in its breakdown; returns (scene_id,
/// scene_version_id).
async fn scene(app: &TestApp, production: i64, number: &str, cast: &[i64]) -> (i64, i64) {
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::Nudity, IntimacyKind::SimulatedSex],
        performers: cast.iter().map(|&c| part(c)).collect(),
        garments: String::new(),
        stills_allowed: false,
        closed_set: vec!["Director".into()],
        monitor_list: Vec::new(),
    };
    let scene_id = build::scene(app, production, number)
        .on_set("Bedroom")
        .await;
    build::breakdown(app, production, scene_id, &breakdown, None).await;
    let version: i64 =
        sqlx::query_scalar("select current_version_id from scene where scene_id = $1")
            .bind(scene_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    (scene_id, version)
}

/// A shoot day `days` from today with a 07:00 call in the production's zone, holding `scene`.
async fn shoot(app: &TestApp, production: i64, days: i64, scene_id: i64) {
    let zone = parse_zone("Europe/London").unwrap();
    let date = utc_to_local(OffsetDateTime::now_utc(), zone).date() + Duration::days(days);
    let call_at = local_to_utc(date, time!(07:00), zone).unwrap();
    let day = build::shoot_day_called_at(app, production, date, call_at).await;
    build::place(app, day, scene_id).await;
}

/// A rider for one performer and scene, delivered 20 days ago, signed if `signed`: straight in
/// SQL, as the app stamps a delivery with the time it happens.
async fn rider(pool: &PgPool, production: i64, cast: i64, scene: (i64, i64), signed: bool) {
    let rider_id: i64 = sqlx::query_scalar(
        "insert into rider (production_id, cast_member_id, status, body, delivered_at, signed_at)
         values ($1, $2, $3, 'Rider text', now() - interval '20 days',
                 case when $4 then now() - interval '19 days' end)
         returning rider_id",
    )
    .bind(production)
    .bind(cast)
    .bind(if signed { "signed" } else { "delivered" })
    .bind(signed)
    .fetch_one(pool)
    .await
    .unwrap();
    let uses = Uses {
        in_picture: true,
        trailers: false,
        stills: false,
    };
    let scope = serde_json::to_string(&Scope::from_part(&part(cast), uses, false)).unwrap();
    sqlx::query(
        "insert into rider_scene (rider_id, scene_id, scene_version_id, production_id, scope)
         values ($1, $2, $3, $4, $5::jsonb)",
    )
    .bind(rider_id)
    .bind(scene.0)
    .bind(scene.1)
    .bind(production)
    .bind(scope)
    .execute(pool)
    .await
    .unwrap();
}

/// A production with a scene at risk in three days, a cleared one in ten, one beyond the
/// fortnight, and planted confidential notes. Returns the production id.
async fn small_production(app: &TestApp) -> i64 {
    let producer = app.user("pat@a.test", "Pat Producer").await;
    let production = app.production("Small Film", producer).await;
    let director = app.user("dee@a.test", "Dee Director").await;
    app.add_member(production, director, "director").await;
    let performer = app.user("ana@a.test", "Ana Lopez").await;
    app.add_member(production, performer, "performer").await;
    let coordinator = app.user("cole@a.test", "Cole Coordinator").await;
    app.add_member(production, coordinator, "coordinator").await;
    let ana = build::cast(app, production, 1, "Ana Lopez")
        .linked_to(performer)
        .await;
    let ben = build::cast(app, production, 2, "Ben Ode").await;
    let at_risk = scene(app, production, "12", &[ana, ben]).await;
    shoot(app, production, 3, at_risk.0).await;
    rider(&app.pool, production, ana, at_risk, false).await;
    let cleared = scene(app, production, "14", &[ana, ben]).await;
    shoot(app, production, 10, cleared.0).await;
    rider(&app.pool, production, ana, cleared, true).await;
    rider(&app.pool, production, ben, cleared, true).await;
    let later = scene(app, production, "77", &[ben]).await;
    shoot(app, production, 20, later.0).await;

    sqlx::query(
        "insert into boundary_profile_version (production_id, cast_member_id, version, entries, notes)
         values ($1, $2, 1, $3::jsonb, $4)",
    )
    .bind(production)
    .bind(ana)
    .bind(
        serde_json::json!([{"area": "shoulders", "contact": "touch", "answer": "ask",
                            "note": BOUNDARY_ENTRY_NOTE}])
        .to_string(),
    )
    .bind(BOUNDARY_NOTE)
    .execute(&app.pool)
    .await
    .unwrap();
    let conversation: i64 = sqlx::query_scalar(
        "insert into conversation (production_id, kind, held_at, summary)
         values ($1, 'first_one_to_one', now() - interval '2 days', $2) returning conversation_id",
    )
    .bind(production)
    .bind(CONVERSATION_SUMMARY)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into conversation_performer (conversation_id, cast_member_id, production_id)
         values ($1, $2, $3)",
    )
    .bind(conversation)
    .bind(ana)
    .bind(production)
    .execute(&app.pool)
    .await
    .unwrap();
    production
}

#[tokio::test]
async fn the_next_fortnight_shows_blocked_scenes_with_reasons_and_the_at_risk_list_counts_down() {
    let app = TestApp::spawn().await;
    let production = small_production(&app).await;
    let mut producer = app.signed_in("pat@a.test").await;
    let page = producer.get(&format!("/productions/{production}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;

    let fortnight = &body[body.find("The next 14 days").expect("the fortnight panel")..];
    let fortnight = &fortnight[..fortnight.find("Recent withdrawals").unwrap()];
    assert!(fortnight.contains("Sc. 12"));
    assert!(fortnight.contains("Blocked"));
    assert!(fortnight.contains("#1 Ana Lopez: rider delivered but not signed"));
    assert!(fortnight.contains("#2 Ben Ode: no rider drafted"));
    assert!(fortnight.contains("Sc. 14"));
    assert!(fortnight.contains("Cleared"));
    assert!(
        !fortnight.contains("Sc. 77"),
        "day 20 is beyond the fortnight"
    );

    // What is blocked this fortnight, and why, comes first: above the counts, on a phone too.
    let blocked_at = body
        .find("Blocked in the next 14 days")
        .expect("the blocked panel");
    assert!(blocked_at < body.find("id=\"counts-title\"").unwrap());
    let blocked = &body[blocked_at..body.find("id=\"counts-title\"").unwrap()];
    assert!(blocked.contains("Sc. 12"), "{blocked}");
    assert!(
        blocked.contains("#2 Ben Ode: no rider drafted"),
        "{blocked}"
    );
    assert!(
        !blocked.contains("Sc. 14"),
        "a cleared scene is not listed as blocked"
    );

    let risk = &body[body.find("At risk").expect("the at-risk panel")..];
    let risk = &risk[..risk.find("The next 14 days").unwrap()];
    assert!(risk.contains("Sc. 12"), "{risk}");
    assert!(!risk.contains("Sc. 14"), "signed riders are not at risk");
    // Deadline: 07:00 London time the day after tomorrow minus 48 h, i.e. tomorrow 07:00.
    assert!(risk.contains("07:00 — in "), "{risk}");
    assert!(risk.contains("#2 Ben Ode: no rider drafted"));

    assert!(body.contains("Riders signed: <strong>2</strong>"));
    assert!(body.contains("Riders outstanding (not yet signed): <strong>1</strong>"));
    assert!(body.contains("<strong>3</strong> flagged"));
    assert!(body.contains("IC budget"));
    assert!(body.contains(&format!("/productions/{production}/budget")));
    assert!(
        !body.contains("No intimacy coordinator"),
        "a coordinator is a member"
    );

    for secret in [BOUNDARY_NOTE, BOUNDARY_ENTRY_NOTE, CONVERSATION_SUMMARY] {
        assert!(!body.contains(secret), "the producer saw {secret}");
    }
}

#[tokio::test]
async fn without_a_coordinator_the_producer_is_warned_and_revocations_are_listed() {
    let app = TestApp::spawn().await;
    let production = small_production(&app).await;
    sqlx::query("delete from member where production_id = $1 and role = 'coordinator'")
        .bind(production)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "update rider set status = 'revoked', revoked_at = now() - interval '1 hour'
         where rider_id = (select min(rider_id) from rider where status = 'signed')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut producer = app.signed_in("pat@a.test").await;
    let body = producer
        .get(&format!("/productions/{production}"))
        .await
        .body;
    assert!(body.contains("No intimacy coordinator"));
    assert!(body.contains("withdrew consent for scene 14"), "{body}");
    assert!(body.contains("Riders revoked: <strong>1</strong>"));
}

#[tokio::test]
async fn directors_and_performers_get_their_own_page_and_never_the_budget() {
    let app = TestApp::spawn().await;
    let production = small_production(&app).await;
    for email in ["dee@a.test", "ana@a.test"] {
        let mut client = app.signed_in(email).await;
        let page = client.get(&format!("/productions/{production}")).await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        for producer_only in ["At risk", "IC budget", "Riders outstanding", "Planned "] {
            assert!(
                !page.body.contains(producer_only),
                "{email} saw {producer_only}"
            );
        }
        for secret in [BOUNDARY_NOTE, BOUNDARY_ENTRY_NOTE, CONVERSATION_SUMMARY] {
            assert!(!page.body.contains(secret) || email == "ana@a.test");
        }
        for path in ["budget", "budget.csv"] {
            let page = client
                .get(&format!("/productions/{production}/{path}"))
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} {path}");
        }
    }
}

/// Statements every signed-in production page runs before its own: one, reading the session
/// with the person, their "Your sessions" row, unread count, second factor and membership
/// (auth::Signed); the session is saved at the end only when it changed.
fn per_request(summary: &str) -> bool {
    summary.contains("tower_sessions") || summary.starts_with("with touched as")
}

async fn counts(app: &TestApp, client: &mut Client, production: i64) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for path in [
        "",
        "/scenes",
        "/schedule",
        "/budget",
        "/riders",
        "/scenes?intimate=yes&page=2",
    ] {
        let path = format!("/productions/{production}{path}");
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let count = app.query_count(page.request_id());
        assert!(count > 0, "statements are counted for {path}");
        out.push((path, count));
    }
    out
}

#[tokio::test]
async fn pages_run_the_same_number_of_queries_for_a_small_and_a_large_production() {
    let app = TestApp::spawn().await;
    let small = small_production(&app).await;
    let large = closedset::demo::large::load(&app.pool).await.unwrap();

    let mut client = app.signed_in("pat@a.test").await;
    let small_counts = counts(&app, &mut client, small).await;
    let mut client = app.client();
    client
        .sign_in(closedset::demo::large::LARGE_PRODUCER, DEMO_PASSWORD)
        .await;
    let large_counts = counts(&app, &mut client, large).await;
    for ((path, small), (_, large)) in small_counts.iter().zip(&large_counts) {
        assert_eq!(small, large, "{path}: {small} queries small, {large} large");
    }

    // The dashboard's own data: at most four statements beyond the per-request ones.
    let page = client.get(&format!("/productions/{large}")).await;
    let queries = app.queries(page.request_id());
    let own: Vec<&String> = queries.iter().filter(|q| !per_request(q)).collect();
    assert!(own.len() <= 4, "dashboard data queries: {own:?}");
    // The one statement of auth::Signed, the session's read included; the session is written
    // back only every few minutes, not on every view.
    assert_eq!(
        queries.len() - own.len(),
        1,
        "per-request queries: {queries:?}"
    );
    // Every other page counted above spends the same one before its own.
    for (path, _) in &large_counts {
        let page = client.get(path).await;
        let overhead = app
            .queries(page.request_id())
            .iter()
            .filter(|q| per_request(q))
            .count();
        assert_eq!(overhead, 1, "{path}: per-request statements");
    }
}

#[tokio::test]
async fn demo_large_seeds_a_production_whose_ledger_verifies() {
    let app = TestApp::spawn().await;
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("log.key");
    // Run as a deployment with separate roles would: the loader needs no ownership.
    let out = closedset_binary(&app.db_name)
        .args(["demo", "--large", "--no-serve"])
        .env("CLOSEDSET_LOG_KEY", &key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (scenes, cast, days, riders, events): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from scene), (select count(*) from cast_member),
                (select count(*) from shoot_day), (select count(*) from rider),
                (select count(*) from consent_event)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (scenes, cast, days, riders, events),
        (300, 60, 90, 600, 5000)
    );
    // Every scene is on the schedule, two performers each with a rider.
    let placed: i64 = sqlx::query_scalar("select count(*) from shoot_day_scene")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(placed, 300);

    let verify = closedset_binary(&app.db_name)
        .args(["ledger", "verify"])
        .env("CLOSEDSET_LOG_KEY", &key)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // Loading signed the log: one checkpoint covers all 5,000 entries.
    assert!(
        said.contains("5000 entries, chain intact, 1 signed checkpoint checked"),
        "{said}"
    );

    // Loading again changes nothing.
    let again = closedset::demo::large::load(&app.pool).await.unwrap();
    let productions: i64 = sqlx::query_scalar("select count(*) from production")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(productions, 1);
    assert!(again > 0);
}

/// `closedset demo` writes its consent history the way the app does: every rider, shot mark,
/// hold, reconfirmation and closure it loads is borne out by its ledger.
#[tokio::test]
async fn the_demo_loads_consent_state_its_ledger_bears_out() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let verify = closedset_binary(&app.db_name)
        .args(["ledger", "verify", "--production", &production.to_string()])
        .args(["--key", &app.verifier().to_string()])
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(verify.status.success(), "{said}");
    assert!(!said.contains("disagrees"), "{said}");
    let (pauses, reconfirmations, closures, shot): (i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from pause), (select count(*) from reconfirmation),
                (select count(*) from closure),
                (select count(*) from shoot_day_scene where shot_at is not null)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((pauses, reconfirmations, closures, shot), (1, 2, 2, 1));
}

/// The dashboard body is cached by production revision: a change committed anywhere it
/// summarises must show on the very next view, never a stale consent status.
#[tokio::test]
async fn the_cached_dashboard_never_outlives_a_change() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let mut producer = app.client();
    producer.sign_in("producer@demo.test", DEMO_PASSWORD).await;
    let path = format!("/productions/{production}");
    let revoked = |body: &str| -> usize {
        let marker = "Riders revoked: <strong>";
        let at = body.find(marker).expect("the revoked count") + marker.len();
        body[at..at + body[at..].find('<').unwrap()]
            .parse()
            .unwrap()
    };
    let first = producer.get(&path).await;
    let again = producer.get(&path).await;
    assert_eq!(
        first.body, again.body,
        "served from the cache within the minute"
    );
    assert!(
        app.queries(again.request_id())
            .iter()
            .all(|q| per_request(q)),
        "a cached view runs no data queries"
    );

    let rider: i64 = sqlx::query_scalar(
        "select rider_id from rider where production_id = $1 and status = 'signed' limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("update rider set status = 'revoked', revoked_at = now() where rider_id = $1")
        .bind(rider)
        .execute(&app.pool)
        .await
        .unwrap();
    let after = producer.get(&path).await;
    assert_eq!(revoked(&after.body), revoked(&first.body) + 1);

    // A change to the production's own settings moves it too: the notice period decides which
    // deliveries are late.
    assert!(after.body.contains("48 hours"));
    sqlx::query("update production set notice_hours = 72 where production_id = $1")
        .bind(production)
        .execute(&app.pool)
        .await
        .unwrap();
    let settings = producer.get(&path).await;
    assert!(
        settings.body.contains("72 hours"),
        "the cached body outlived a settings change"
    );
}

/// Recent pauses (R10) reach the producer's first page, without saying who pressed them.
#[tokio::test]
async fn the_dashboard_lists_recent_pauses_without_the_pauser() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let (number, pauser): (String, String) = sqlx::query_as(
        "select s.number, u.name from pause p join scene s using (scene_id)
         join app_user u on u.user_id = p.paused_by where p.production_id = $1 limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .expect("the demo has a pause");
    let mut producer = app.client();
    producer.sign_in("producer@demo.test", DEMO_PASSWORD).await;
    let page = producer.get(&format!("/productions/{production}")).await;
    let start = page.body.find("<h3>Pauses</h3>").expect("a pauses panel");
    let panel = &page.body[start..start + page.body[start..].find("</ul>").expect("a list")];
    assert!(
        panel.contains(&format!("Sc. {number}</a> paused by")),
        "{panel}"
    );
    assert!(
        !panel.contains(&pauser),
        "the producer must not learn who paused"
    );
}

/// The forecast on the cached body counts rehearsals of flagged scenes: adding or deleting one
/// shows on the next view, within the same minute.
#[tokio::test]
async fn a_rehearsal_moves_the_cached_forecast_at_once() {
    let app = TestApp::spawn().await;
    let production = small_production(&app).await;
    sqlx::query("insert into budget_setting (production_id, ic_day_rate) values ($1, 50000)")
        .bind(production)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut producer = app.signed_in("pat@a.test").await;
    let path = format!("/productions/{production}");
    let forecast = |body: &str| -> String {
        let at = body.find(" · forecast ").expect("the budget line") + " · forecast ".len();
        body[at..at + body[at..].find(" · ").unwrap()].to_string()
    };
    let before = forecast(&producer.get(&path).await.body);
    let flagged: i64 =
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '12'")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let tomorrow = OffsetDateTime::now_utc() + Duration::days(1);
    let rehearsal = build::rehearsal(&app, flagged, tomorrow, tomorrow + Duration::hours(2)).await;
    let with = forecast(&producer.get(&path).await.body);
    assert_ne!(with, before, "the cached forecast ignored a new rehearsal");
    sqlx::query("delete from rehearsal where rehearsal_id = $1")
        .bind(rehearsal)
        .execute(&app.pool)
        .await
        .unwrap();
    let without = forecast(&producer.get(&path).await.body);
    assert_eq!(
        without, before,
        "the cached forecast kept a deleted rehearsal"
    );
}

/// R7 through the cache: once the warning has been shown, adding a coordinator removes it on
/// the very next view.
#[tokio::test]
async fn adding_a_coordinator_clears_the_cached_warning() {
    let app = TestApp::spawn().await;
    let production = small_production(&app).await;
    let coordinator: i64 = sqlx::query_scalar(
        "delete from member where production_id = $1 and role = 'coordinator' returning user_id",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut producer = app.signed_in("pat@a.test").await;
    let path = format!("/productions/{production}");
    assert!(
        producer
            .get(&path)
            .await
            .body
            .contains("No intimacy coordinator")
    );
    app.add_member(production, coordinator, "coordinator").await;
    let body = producer.get(&path).await.body;
    assert!(
        !body.contains("No intimacy coordinator"),
        "a stale R7 warning"
    );
}

/// Tables that hold a production's rows but that no cached page summarises, so a write to them
/// need not move the production's revision. A new table with a production_id column must be
/// added either here (saying why) or to the triggers of migration 0013.
const NOT_SUMMARISED: &[&str] = &[
    // Invitations show on the members page only, which is not cached.
    "invitation",
    // Calendar feed tokens: per user, read by the feed only.
    "calendar_feed",
    // The consent ledger: every event also writes the rider row, which has a trigger.
    "consent_event",
    // The ledger's signed checkpoints: the sealer writes them after the events, which already
    // moved the revision; no page summarises them.
    "ledger_checkpoint",
    // Confidential records (DOMAIN §4): never on the producer's page.
    "boundary_profile_version",
    "conversation",
    "conversation_performer",
    "conversation_version",
    "conversation_version_performer",
    "follow_up",
    "record_view",
    // Per-user; the unread count is outside the cached body.
    "notification",
    // The IC's closures and post reviews feed the daily report, not the dashboard.
    "closure",
    "post_review",
    // Concerns reach only their chosen recipients (R13), never a shared cached page.
    "concern",
    "concern_setting",
    // Rehearsal marks of beats and crew-briefing reads: choreography and briefing pages read
    // them fresh; no cached page summarises them (the beats themselves do move the revision).
    "beat_rehearsal",
    "crew_briefing_recipient",
    // A script's drafts, each scene's text per draft and drafts awaiting review: read fresh by
    // the import pages; what a confirmed draft changes is written to `scene`, which has one.
    "scene_script",
    "script_import",
    "script_revision",
    // Keys, retention, erasure and the administrative audit trail: no cached page shows them.
    "data_key",
    "consent_event_client",
    "retention_setting",
    "erasure_request",
    "admin_audit",
];

/// Every table with a production_id either moves the revision on every write or is listed, with
/// a reason, as not summarised by any cached page: the list cannot drift silently again.
#[tokio::test]
async fn every_production_table_has_a_revision_trigger_or_a_reason() {
    let app = TestApp::spawn().await;
    let untriggered: Vec<String> = sqlx::query_scalar(
        "select c.table_name::text from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
         where c.table_schema = 'public' and c.column_name = 'production_id'
           and t.table_type = 'BASE TABLE' and c.table_name <> 'production'
           and not exists (select 1 from pg_trigger g
                           join pg_proc f on f.oid = g.tgfoid
                           where g.tgrelid = ('public.' || c.table_name)::regclass
                             and f.proname = 'bump_production_revisions')
         order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut expected: Vec<&str> = NOT_SUMMARISED.to_vec();
    expected.sort_unstable();
    assert_eq!(untriggered, expected, "tables without a revision trigger");
}

/// A bulk write moves each production it touches once, not once per row.
#[tokio::test]
async fn one_statement_moves_the_revision_once() {
    let app = TestApp::spawn().await;
    let production = small_production(&app).await;
    let revision = || async {
        sqlx::query_scalar::<_, i64>("select revision from production where production_id = $1")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = revision().await;
    let touched = sqlx::query("update scene set eighths = eighths where production_id = $1")
        .bind(production)
        .execute(&app.pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(touched, 3);
    assert_eq!(revision().await, before + 1);
    sqlx::query("delete from shoot_day_scene where production_id = $1")
        .bind(production)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(revision().await, before + 2);
}
