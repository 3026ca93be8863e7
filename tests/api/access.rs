//! Need to know: a member of one production can neither read nor change anything in another,
//! on every production-scoped route the source defines.

use std::collections::BTreeMap;
use std::path::Path;

use reqwest::StatusCode;

use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart, empty_breakdown};
use time::macros::{date, datetime};

use crate::support::{TestApp, build};

/// A route as the source declares it: path pattern and HTTP methods.
#[derive(Debug)]
struct Route {
    path: String,
    methods: Vec<&'static str>,
}

/// Reads every `.route("…", …)` call under `src/`, so a new route is walked without anyone
/// remembering to add it here.
fn declared_routes() -> Vec<Route> {
    let mut routes = Vec::new();
    let mut files = Vec::new();
    collect_rs(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let Some(open) = rest.find('"') else { break };
            let close = rest[open + 1..].find('"').unwrap() + open + 1;
            let path = rest[open + 1..close].to_string();
            // The call's arguments run until its parenthesis closes.
            let mut depth = 1;
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let call = &rest[..end];
            let methods = ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .filter(|m| {
                    call.contains(&format!("{m}(")) && !call.contains(&format!("_{m}("))
                        || call.contains(&format!(".{m}("))
                        || call.contains(&format!(" {m}("))
                        || call.starts_with(&format!("{m}("))
                        || call.contains(&format!("({m}("))
                })
                .collect();
            routes.push(Route { path, methods });
        }
    }
    routes
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Everything production B holds, as one text, to prove nothing changed.
async fn snapshot(app: &TestApp, production_id: i64) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "select c.table_name from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
         where c.table_schema = 'public' and c.column_name = 'production_id'
           and t.table_type = 'BASE TABLE'
           -- Insiders' reads during the walk are logged there by design; the walk checks
           -- separately that the outsider left no trace in it.
           and c.table_name <> 'record_view'
         order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(tables.len() >= 3, "{tables:?}");
    let mut all = String::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "select to_jsonb(t)::text from {table} t where production_id = $1 order by 1"
        ))
        .bind(production_id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        all.push_str(&format!("{table}: {rows:?}\n"));
    }
    all
}

struct SeededConsent {
    rider_id: i64,
    conversation_id: i64,
    follow_up_id: i64,
}

/// A delivered rider, a conversation with a follow-up and a boundary profile.
async fn seed_consent(
    app: &TestApp,
    production_id: i64,
    seeded: &Seeded,
    by: i64,
) -> SeededConsent {
    let rider_id = build::rider(
        app,
        production_id,
        seeded.cast_member_id,
        &[seeded.scene_id],
    )
    .by(by)
    .delivered()
    .await;
    // The conversation, follow-up and boundary profile straight in SQL: the app records them
    // only through its forms.
    let conversation_id: i64 = sqlx::query_scalar(
        "insert into conversation (production_id, kind, held_at, summary, created_by)
         values ($1, 'first_one_to_one', now(), 'Confidential summary', $2) returning conversation_id",
    )
    .bind(production_id)
    .bind(by)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into conversation_performer (conversation_id, cast_member_id, production_id)
         values ($1, $2, $3)",
    )
    .bind(conversation_id)
    .bind(seeded.cast_member_id)
    .bind(production_id)
    .execute(&app.pool)
    .await
    .unwrap();
    let follow_up_id: i64 = sqlx::query_scalar(
        "insert into follow_up (conversation_id, production_id, body, due_on)
         values ($1, $2, 'Check the robe', current_date + 3) returning follow_up_id",
    )
    .bind(conversation_id)
    .bind(production_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into boundary_profile_version (production_id, cast_member_id, version, entries)
         values ($1, $2, 1, '[]'::jsonb)",
    )
    .bind(production_id)
    .bind(seeded.cast_member_id)
    .execute(&app.pool)
    .await
    .unwrap();
    SeededConsent {
        rider_id,
        conversation_id,
        follow_up_id,
    }
}

struct Seeded {
    cast_member_id: i64,
    scene_id: i64,
    shoot_day_id: i64,
    rehearsal_id: i64,
}

/// Gives a production one of everything the scenes and schedule pages show.
async fn seed_schedule(app: &TestApp, production_id: i64) -> Seeded {
    let cast_member_id = build::cast(app, production_id, 1, "Bea Cast")
        .playing("Marion")
        .await;
    let scene_id = build::scene(app, production_id, "12A")
        .eighths(11)
        .with(&[cast_member_id])
        .await;
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::SimulatedSex],
        performers: vec![PerformerPart {
            cast_member_id,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![BodyArea::Face],
            touching: vec![BodyArea::Face],
            acts: vec!["Simulated sex under the sheet".into()],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    build::breakdown(app, production_id, scene_id, &breakdown, None).await;
    let shoot_day_id = build::shoot_day_called_at(
        app,
        production_id,
        date!(2027 - 05 - 03),
        datetime!(2027-05-03 07:00 +01),
    )
    .await;
    build::place(app, shoot_day_id, scene_id).await;
    let rehearsal_id = build::rehearsal(
        app,
        scene_id,
        datetime!(2027-04-28 10:00 +01),
        datetime!(2027-04-28 12:00 +01),
    )
    .await;
    Seeded {
        cast_member_id,
        scene_id,
        shoot_day_id,
        rehearsal_id,
    }
}

#[tokio::test]
async fn a_member_of_one_production_gets_404_everywhere_in_another() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@a.test", "Alice").await;
    let bob = app.user("bob@b.test", "Bob").await;
    let bea = app.user("bea@b.test", "Bea").await;
    let a = app.production("Production A", alice).await;
    let b = app.production("Production B", bob).await;
    let bea_member = app.add_member(b, bea, "performer").await;
    let mut bob_client = app.signed_in("bob@b.test").await;
    let page = bob_client
        .post(
            &format!("/productions/{b}/members"),
            &[("email", "new@b.test"), ("role", "director")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let invitation: i64 =
        sqlx::query_scalar("select invitation_id from invitation where production_id = $1")
            .bind(b)
            .fetch_one(&app.pool)
            .await
            .unwrap();

    let cora = app.user("cora@b.test", "Cora").await;
    app.add_member(b, cora, "coordinator").await;
    let seeded = seed_schedule(&app, b).await;
    // Bea is the seeded cast member, so performer-only pages exist for her.
    sqlx::query("update cast_member set user_id = $1 where cast_member_id = $2")
        .bind(bea)
        .bind(seeded.cast_member_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let consent = seed_consent(&app, b, &seeded, bob).await;
    let budget_line_id: i64 = sqlx::query_scalar(
        "insert into budget_line (production_id, account_code, category, description,
                                  quantity_hundredths, unit_rate, planned)
         values ($1, '2950', 'shoot', 'IC on set', 100, 65000, 65000) returning budget_line_id",
    )
    .bind(b)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // A resolved pause of the seeded scene, for the resolve route.
    let pause_id: i64 = sqlx::query_scalar(
        "insert into pause (production_id, shoot_day_id, scene_id, paused_by, paused_as,
                            resolved_at, resolved_by)
         values ($1, $2, $3, $4, 'performer', now(), $5) returning pause_id",
    )
    .bind(b)
    .bind(seeded.shoot_day_id)
    .bind(seeded.scene_id)
    .bind(bea)
    .bind(cora)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // One beat of the seeded scene's choreography (key 1), for the beat routes.
    sqlx::query(
        "insert into choreography_version (scene_id, production_id, version, beats, content_hash)
         values ($1, $2, 1, jsonb_build_object('beats', jsonb_build_array(jsonb_build_object(
                   'key', 1, 'performers', jsonb_build_array($3::bigint), 'action', 'Seeded beat',
                   'contacts', '[]'::jsonb, 'exposures', '[]'::jsonb, 'positions', '',
                   'garments', '', 'camera', '', 'hold_point', false))), repeat('a', 64))",
    )
    .bind(seeded.scene_id)
    .bind(b)
    .bind(seeded.cast_member_id)
    .execute(&app.pool)
    .await
    .unwrap();
    // A location and a banner on the seeded day, for the call sheet's and the board's routes.
    let location_id: i64 = sqlx::query_scalar(
        "insert into location (production_id, name) values ($1, 'Seeded set') returning location_id",
    )
    .bind(b)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let board_banner_id: i64 = sqlx::query_scalar(
        "insert into board_banner (production_id, shoot_day_id, after_position, kind)
         values ($1, $2, 0, 'meal') returning board_banner_id",
    )
    .bind(b)
    .bind(seeded.shoot_day_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Bea's concern, sent to Bob and Cora: all three may read it.
    let concern_id: i64 = sqlx::query_scalar(
        "insert into concern (production_id, raised_by, anonymous, body)
         values ($1, $2, true, 'Seeded concern') returning concern_id",
    )
    .bind(b)
    .bind(bea)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into concern_recipient (concern_id, user_id) values ($1, $2), ($1, $3)")
        .bind(concern_id)
        .bind(bob)
        .bind(cora)
        .execute(&app.pool)
        .await
        .unwrap();
    // A script draft Cora read and has not confirmed, for its preview route.
    let script_import_id: i64 = sqlx::query_scalar(
        "insert into script_import (production_id, user_id, file_name, format, colour,
                                    revised_on, scenes)
         values ($1, $2, 'seeded.fountain', 'Fountain', 'white', date '2026-03-01', '[]')
         returning script_import_id",
    )
    .bind(b)
    .bind(cora)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Bea's request to have her data erased, waiting for a producer of B.
    let erasure_request_id: i64 = sqlx::query_scalar(
        "insert into erasure_request (production_id, cast_member_id, requested_by)
         values ($1, $2, $3) returning erasure_request_id",
    )
    .bind(b)
    .bind(seeded.cast_member_id)
    .bind(bea)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut insiders = [
        app.signed_in("bob@b.test").await,
        app.signed_in("cora@b.test").await,
        app.signed_in("bea@b.test").await,
    ];
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("production_id", b.to_string()),
        ("member_id", bea_member.to_string()),
        ("invitation_id", invitation.to_string()),
        ("cast_member_id", seeded.cast_member_id.to_string()),
        ("scene_id", seeded.scene_id.to_string()),
        ("version", "1".to_string()),
        ("shoot_day_id", seeded.shoot_day_id.to_string()),
        ("rehearsal_id", seeded.rehearsal_id.to_string()),
        ("rider_id", consent.rider_id.to_string()),
        ("conversation_id", consent.conversation_id.to_string()),
        ("follow_up_id", consent.follow_up_id.to_string()),
        ("budget_line_id", budget_line_id.to_string()),
        ("pause_id", pause_id.to_string()),
        ("concern_id", concern_id.to_string()),
        ("erasure_request_id", erasure_request_id.to_string()),
        ("beat_key", "1".to_string()),
        ("script_import_id", script_import_id.to_string()),
        ("location_id", location_id.to_string()),
        ("board_banner_id", board_banner_id.to_string()),
    ]);

    let routes: Vec<Route> = declared_routes()
        .into_iter()
        .filter(|r| r.path.starts_with("/productions/{production_id}"))
        .collect();
    assert!(
        routes.len() >= 5,
        "the walk found too few routes: {routes:?}"
    );

    let before = snapshot(&app, b).await;
    let mut alice_client = app.signed_in("alice@a.test").await;
    assert_eq!(
        alice_client.get(&format!("/productions/{a}")).await.status,
        StatusCode::OK
    );
    let mut walked = 0;
    let mut pages = Vec::new();
    for route in &routes {
        let mut path = route.path.clone();
        while let Some(open) = path.find('{') {
            let close = path[open..].find('}').unwrap() + open;
            let name = &path[open + 1..close];
            let value = values.get(name).unwrap_or_else(|| {
                panic!(
                    "give the access walk a value for {{{name}}} in {}",
                    route.path
                )
            });
            path.replace_range(open..=close, value);
        }
        assert!(
            !route.methods.is_empty(),
            "no methods found for {}",
            route.path
        );
        for method in &route.methods {
            let page = match *method {
                "get" => alice_client.get(&path).await,
                _ => {
                    alice_client
                        .post(
                            &path,
                            &[
                                ("role", "producer"),
                                ("email", "x@a.test"),
                                ("title", "Taken"),
                            ],
                        )
                        .await
                }
            };
            assert_eq!(
                page.status,
                StatusCode::NOT_FOUND,
                "{method} {path} answered {}",
                page.status
            );
            assert!(
                !page.body.contains("Production B"),
                "{method} {path} leaked the title"
            );
            walked += 1;
            if *method == "get" {
                pages.push(path.clone());
            }
        }
    }
    assert!(walked >= routes.len());

    // Production A's own paths with B's object ids: Alice is a member of A, but the objects are
    // B's, so every such page and action is 404 as well.
    let mut answered = Vec::new();
    for route in routes.iter().filter(|r| r.path.matches('{').count() > 1) {
        let mut path = route.path.replacen("{production_id}", &a.to_string(), 1);
        while let Some(open) = path.find('{') {
            let close = path[open..].find('}').unwrap() + open;
            let name = path[open + 1..close].to_string();
            path.replace_range(open..=close, &values[name.as_str()]);
        }
        for method in &route.methods {
            let page = match *method {
                "get" => alice_client.get(&path).await,
                _ => alice_client.post(&path, &[("role", "producer")]).await,
            };
            if page.status != StatusCode::NOT_FOUND || page.body.contains("Production B") {
                answered.push(format!("{method} {path} answered {}", page.status));
            }
        }
    }
    assert!(
        answered.is_empty(),
        "A's paths with B's objects must be 404: {answered:#?}"
    );

    // B's ids offered in the forms of A's own creation routes, by A's producer and coordinator:
    // whatever the answer, nothing in A may come to point at B's cast, scenes or schedule.
    let carl = app.user("carl@a.test", "Carl").await;
    app.add_member(a, carl, "coordinator").await;
    let mut carl_client = app.signed_in("carl@a.test").await;
    let cast = values["cast_member_id"].clone();
    let scene = values["scene_id"].clone();
    let day = values["shoot_day_id"].clone();
    let foreign: Vec<(&str, &str)> = vec![
        ("cast_member_id", cast.as_str()),
        ("original_cast_member_id", cast.as_str()),
        ("double_cast_member_id", cast.as_str()),
        ("cast", cast.as_str()),
        ("performers", cast.as_str()),
        ("rehearsal_cast", cast.as_str()),
        ("scene_id", scene.as_str()),
        ("scenes", scene.as_str()),
        ("rehearsal_scene", scene.as_str()),
        ("shoot_day_id", day.as_str()),
        ("recipients", "1"),
        ("number", "99"),
        ("name", "Probe"),
        ("title", "Probe"),
        ("set_name", "Probe"),
        ("eighths", "1"),
        ("int_ext", "int"),
        ("time_of_day", "day"),
        ("kind", "first_one_to_one"),
        ("date", "2027-05-03"),
        ("held_on", "2027-05-03"),
        ("held_at", "10:00"),
        ("rehearsal_date", "2027-05-03"),
        ("rehearsal_start", "10:00"),
        ("rehearsal_end", "11:00"),
        ("body", "Probe"),
        ("summary", "Probe"),
    ];
    for route in routes.iter().filter(|r| r.path.matches('{').count() == 1) {
        let path = route.path.replace("{production_id}", &a.to_string());
        if !route.methods.contains(&"post") {
            continue;
        }
        for client in [&mut alice_client, &mut carl_client] {
            let page = client.post(&path, &foreign).await;
            assert!(
                !page.status.is_server_error(),
                "POST {path} with B's ids answered {}",
                page.status
            );
        }
    }
    let references: Vec<(String, String)> = sqlx::query_as(
        "select c.table_name::text, c.column_name::text
         from information_schema.columns c
         join information_schema.columns p
           on p.table_schema = c.table_schema and p.table_name = c.table_name
          and p.column_name = 'production_id'
         join information_schema.tables t
           on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
           and c.column_name in ('cast_member_id', 'original_cast_member_id',
                                 'double_cast_member_id', 'scene_id', 'shoot_day_id')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(references.len() >= 5, "{references:?}");
    for (table, column) in references {
        let id = match column.as_str() {
            "scene_id" => &scene,
            "shoot_day_id" => &day,
            _ => &cast,
        };
        let crossed: i64 = sqlx::query_scalar(&format!(
            "select count(*) from {table} where production_id = $1 and {column} = $2"
        ))
        .bind(a)
        .bind(id.parse::<i64>().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(
            crossed, 0,
            "{table}.{column} in production A points at B's object"
        );
    }
    assert_eq!(before, snapshot(&app, b).await, "production B changed");
    let outsider_views: i64 =
        sqlx::query_scalar("select count(*) from record_view where viewer_user_id = $1")
            .bind(alice)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        outsider_views, 0,
        "the outsider's requests reached the access log"
    );
    // Someone inside production B can reach the same GET pages: the 404 is about membership,
    // not a missing page. Checked after the snapshot, because insiders' reads are themselves
    // recorded (a performer's first view of a rider, others' views in the access log).
    for path in &pages {
        let mut reached = false;
        for insider in insiders.iter_mut() {
            reached |= insider.get(path).await.status == StatusCode::OK;
        }
        assert!(reached, "nobody in production B can GET {path}");
    }

    // A production that does not exist looks exactly the same.
    let missing = alice_client.get("/productions/999999").await;
    let forbidden = alice_client.get(&format!("/productions/{b}")).await;
    assert_eq!(missing.status, forbidden.status);
    assert_eq!(missing.body, forbidden.body);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_for_production_pages() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@a.test", "Alice").await;
    let a = app.production("Production A", alice).await;
    let page = app.client().get(&format!("/productions/{a}/members")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        format!("/signin?next=/productions/{a}/members")
    );
}

#[tokio::test]
async fn a_removed_member_loses_access_at_once() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let dana = app.user("dana@example.test", "Dana").await;
    let production = app.production("Night Swim", pat).await;
    let dana_member = app.add_member(production, dana, "director").await;
    let mut dana_client = app.signed_in("dana@example.test").await;
    assert_eq!(
        dana_client
            .get(&format!("/productions/{production}"))
            .await
            .status,
        StatusCode::OK
    );

    let mut pat_client = app.signed_in("pat@example.test").await;
    let page = pat_client
        .post(
            &format!("/productions/{production}/members/{dana_member}/remove"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    // Same session, next request: gone.
    assert_eq!(
        dana_client
            .get(&format!("/productions/{production}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let home = dana_client.get("/").await;
    assert!(!home.body.contains("Night Swim"));
}

#[tokio::test]
async fn only_producers_manage_members() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let production = app.production("Night Swim", pat).await;
    for (email, role) in [
        ("cory@example.test", "coordinator"),
        ("dana@example.test", "director"),
        ("perry@example.test", "performer"),
    ] {
        let id = app.user(email, role).await;
        app.add_member(production, id, role).await;
    }
    let pat_member: i64 = sqlx::query_scalar("select member_id from member where user_id = $1")
        .bind(pat)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for email in [
        "cory@example.test",
        "dana@example.test",
        "perry@example.test",
    ] {
        let mut client = app.signed_in(email).await;
        let page = client
            .post(
                &format!("/productions/{production}/members"),
                &[("email", "x@example.test"), ("role", "producer")],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{email} invited someone"
        );
        let page = client
            .post(
                &format!("/productions/{production}/members/{pat_member}/role"),
                &[("role", "performer")],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} changed a role");
        let page = client
            .get(&format!("/productions/{production}/settings"))
            .await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{email} reached settings"
        );
    }
    // Performers do not see the member list at all.
    let mut perry = app.signed_in("perry@example.test").await;
    assert_eq!(
        perry
            .get(&format!("/productions/{production}/members"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let invitations: i64 = sqlx::query_scalar("select count(*) from invitation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(invitations, 0);
}

#[tokio::test]
async fn the_route_scanner_sees_methods() {
    let routes = declared_routes();
    let members = routes
        .iter()
        .find(|r| r.path == "/productions/{production_id}/members")
        .expect("members route");
    assert_eq!(members.methods, vec!["get", "post"]);
}
