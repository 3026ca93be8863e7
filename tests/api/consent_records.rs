//! Boundary profiles, the conversation log, the first-meeting rule (R6) and the access log:
//! who can read a performer's private records, and that the performer sees every reader.

use reqwest::StatusCode;

use crate::support::{Client, TestApp};
use closedset::consent::conversations::{first_meeting_missing, open_follow_ups};

/// A production with one person in each role, two linked performers in a flagged scene and
/// one performer whose account is not on the cast list.
struct Set {
    app: TestApp,
    production: i64,
    bea: i64,
    sam: i64,
    scene: i64,
    cora_user: i64,
    bea_user: i64,
}

async fn set_up() -> Set {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let mut users = Vec::new();
    for (email, name, role) in [
        ("cora@example.test", "Cora Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("bea@example.test", "Bea Performer", "performer"),
        ("sam@example.test", "Sam Performer", "performer"),
        ("una@example.test", "Una Unlinked", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
        users.push(id);
    }
    let mut cast = Vec::new();
    for (number, name, user) in [(1, "Bea Cast", users[2]), (2, "Sam Cast", users[3])] {
        let id: i64 = sqlx::query_scalar(
            "insert into cast_member (production_id, cast_number, name, user_id)
             values ($1, $2, $3, $4) returning cast_member_id",
        )
        .bind(production)
        .bind(number)
        .bind(name)
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        cast.push(id);
    }
    let scene = scene(&app, production, "12A", true, &cast).await;
    Set {
        app,
        production,
        bea: cast[0],
        sam: cast[1],
        scene,
        cora_user: users[0],
        bea_user: users[2],
    }
}

async fn scene(app: &TestApp, production: i64, number: &str, flagged: bool, cast: &[i64]) -> i64 {
    let scene_id: i64 = sqlx::query_scalar(
        "insert into scene (production_id, number, sort_key, int_ext, set_name, time_of_day, eighths)
         values ($1, $2, lpad($2, 8, '0'), 'int', 'Lake house', 'night', 8) returning scene_id",
    )
    .bind(production)
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into scene_cast (scene_id, cast_member_id, production_id)
         select $1, unnest($2::bigint[]), $3",
    )
    .bind(scene_id)
    .bind(cast)
    .bind(production)
    .execute(&app.pool)
    .await
    .unwrap();
    let version: i64 = sqlx::query_scalar(
        "insert into scene_version (scene_id, production_id, version, breakdown, content_hash, flagged)
         values ($1, $2, 1, '{}'::jsonb, repeat('a', 64), $3) returning scene_version_id",
    )
    .bind(scene_id)
    .bind(production)
    .bind(flagged)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("update scene set current_version_id = $2 where scene_id = $1")
        .bind(scene_id)
        .bind(version)
        .execute(&app.pool)
        .await
        .unwrap();
    scene_id
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn log_conversation(
    client: &mut Client,
    production: i64,
    kind: &str,
    performers: &[i64],
    summary: &str,
) -> i64 {
    let ids: Vec<String> = performers.iter().map(i64::to_string).collect();
    // A first one-to-one is logged once it has happened; other kinds keep the planned date.
    let date = if kind == "first_one_to_one" {
        "2025-04-20"
    } else {
        "2027-04-20"
    };
    let mut fields = vec![
        ("kind", kind),
        ("date", date),
        ("time", "14:30"),
        ("summary", summary),
        ("follow_up_1", "Send robe sizes to costume"),
        ("follow_up_due_1", "2027-04-25"),
    ];
    for id in &ids {
        fields.push(("performers", id));
    }
    let page = client
        .post(&format!("/productions/{production}/conversations"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_performer_keeps_a_versioned_profile_that_only_coordinators_also_read() {
    let set = set_up().await;
    let p = set.production;
    let mine = format!("/productions/{p}/boundaries/{}", set.bea);
    let mut bea = set.app.signed_in("bea@example.test").await;

    let page = bea.get(&format!("/productions/{p}/boundaries")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), mine);
    let page = bea.get(&mine).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your boundary profile"));

    let first = [
        ("kissed.mouth", "ask"),
        ("seen_unclothed.breasts", "no"),
        ("seen_unclothed.breasts.note", "NOTE-SECRET-ONE"),
        ("notes", "GENERAL-SECRET"),
    ];
    let page = bea.post(&mine, &first).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let versions = "select count(*) from boundary_profile_version where cast_member_id = $1";
    assert_eq!(count(&set.app, versions, set.bea).await, 1);
    let by: Option<i64> = sqlx::query_scalar(
        "select recorded_by from boundary_profile_version where cast_member_id = $1",
    )
    .bind(set.bea)
    .fetch_one(&set.app.pool)
    .await
    .unwrap();
    assert_eq!(by, Some(set.bea_user));

    // The same answers again make no version.
    let page = bea.post(&mine, &first).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&set.app, versions, set.bea).await, 1);
    assert!(bea.get(&mine).await.body.contains("Nothing changed"));

    let page = bea
        .post(
            &mine,
            &[
                ("kissed.mouth", "no"),
                ("seen_unclothed.breasts", "no"),
                ("seen_unclothed.breasts.note", "NOTE-SECRET-ONE"),
                ("notes", "GENERAL-SECRET"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&set.app, versions, set.bea).await, 2);
    let page = bea.get(&mine).await;
    assert!(page.body.contains("Version 2"));
    assert!(page.body.contains("Bea Cast themself"));
    let v1 = bea.get(&format!("{mine}/versions/1")).await;
    assert_eq!(v1.status, StatusCode::OK);
    assert!(v1.body.contains("Ask me first"));
    assert!(v1.body.contains("NOTE-SECRET-ONE"));
    assert!(v1.body.contains("no, version 2 replaces it"));

    // A note with no answer is refused beside its row, keeping what was typed.
    let page = bea
        .post(
            &mine,
            &[
                ("kissed.neck.note", "KEPT-NOTE"),
                ("kissed.mouth", "perhaps"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"kissed.neck-error\""));
    assert!(page.body.contains("href=\"#kissed.neck\""));
    assert!(page.body.contains("id=\"kissed.mouth-error\""));
    assert!(page.body.contains("value=\"KEPT-NOTE\""));
    assert_eq!(count(&set.app, versions, set.bea).await, 2);

    // The coordinator reads it and records Sam's with Sam.
    let mut cora = set.app.signed_in("cora@example.test").await;
    let list = cora.get(&format!("/productions/{p}/boundaries")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Bea Cast"));
    assert!(list.body.contains("Version 2"));
    assert!(!list.body.contains("NOTE-SECRET-ONE"));
    let page = cora.get(&mine).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("NOTE-SECRET-ONE"));
    let sams = format!("/productions/{p}/boundaries/{}", set.sam);
    let page = cora.post(&sams, &[("touched_by_hands.arms", "yes")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"with_performer-error\""));
    let page = cora
        .post(
            &sams,
            &[("touched_by_hands.arms", "yes"), ("with_performer", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let by: Option<i64> = sqlx::query_scalar(
        "select recorded_by from boundary_profile_version where cast_member_id = $1",
    )
    .bind(set.sam)
    .fetch_one(&set.app.pool)
    .await
    .unwrap();
    assert_eq!(by, Some(set.cora_user));
    assert!(
        cora.get(&sams)
            .await
            .body
            .contains("Cora Coordinator, with Sam Cast")
    );

    // Producers, directors and other performers: 404 on every route, no note anywhere.
    for email in ["pat@example.test", "dana@example.test", "sam@example.test"] {
        let mut client = set.app.signed_in(email).await;
        for path in [
            mine.clone(),
            format!("{mine}/versions/1"),
            format!("{mine}/versions/2"),
        ] {
            let page = client.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} GET {path}");
            assert!(!page.body.contains("NOTE-SECRET-ONE"));
        }
        let page = client.post(&mine, &[("kissed.mouth", "yes")]).await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{email} saved Bea's profile"
        );
        let list = client.get(&format!("/productions/{p}/boundaries")).await;
        if email == "sam@example.test" {
            assert_eq!(list.location(), sams, "Sam is sent to his own");
        } else {
            assert_eq!(
                list.status,
                StatusCode::NOT_FOUND,
                "{email} listed profiles"
            );
        }
        let home = client.get(&format!("/productions/{p}")).await;
        assert!(!home.body.contains("NOTE-SECRET-ONE"));
        assert!(!home.body.contains("GENERAL-SECRET"));
    }
    assert_eq!(count(&set.app, versions, set.bea).await, 2);

    // A performer not on the cast list is told why there is nothing.
    let mut una = set.app.signed_in("una@example.test").await;
    let page = una.get(&format!("/productions/{p}/boundaries")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("not linked to the cast list"));
}

#[tokio::test]
async fn conversations_are_read_only_by_coordinators_and_the_performers_in_them() {
    let set = set_up().await;
    let p = set.production;
    let mut cora = set.app.signed_in("cora@example.test").await;

    // Refused: nobody chosen, a date that is not one; what was typed stays.
    let page = cora
        .post(
            &format!("/productions/{p}/conversations"),
            &[
                ("kind", "first_one_to_one"),
                ("date", "next week"),
                ("time", "14:30"),
                ("summary", "TYPED-SUMMARY"),
                ("follow_up_1", ""),
                ("follow_up_due_1", "soon"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["performers", "date", "follow_up_due_1"] {
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
        assert!(page.body.contains(&format!("href=\"#{field}\"")), "{field}");
    }
    assert!(page.body.contains("TYPED-SUMMARY"));
    let conversations = "select count(*) from conversation where production_id = $1";
    assert_eq!(count(&set.app, conversations, p).await, 0);

    let id = log_conversation(
        &mut cora,
        p,
        "scene_preparation",
        &[set.bea],
        "SUMMARY-SECRET",
    )
    .await;
    let held: String = sqlx::query_scalar(
        "select to_char(held_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from conversation
         where conversation_id = $1",
    )
    .bind(id)
    .fetch_one(&set.app.pool)
    .await
    .unwrap();
    assert_eq!(held, "2027-04-20 13:30", "14:30 in London is 13:30 UTC");
    let path = format!("/productions/{p}/conversations/{id}");
    let page = cora.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("SUMMARY-SECRET"));
    assert!(page.body.contains("Tue 20 Apr 2027, 14:30"));
    assert!(page.body.contains("Send robe sizes to costume"));

    // Bea was there: she reads it and her follow-up, and cannot change anything.
    let mut bea = set.app.signed_in("bea@example.test").await;
    let page = bea.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("SUMMARY-SECRET"));
    assert!(!page.body.contains("Mark done"));
    let list = bea.get(&format!("/productions/{p}/conversations")).await;
    assert!(list.body.contains("Send robe sizes to costume"));
    let follow_up: i64 =
        sqlx::query_scalar("select follow_up_id from follow_up where conversation_id = $1")
            .bind(id)
            .fetch_one(&set.app.pool)
            .await
            .unwrap();
    let done = format!("/productions/{p}/follow-ups/{follow_up}/done");
    assert_eq!(bea.post(&done, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        bea.post(&path, &[("kind", "other"), ("summary", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Sam was not; neither are the producer and the director.
    for email in ["sam@example.test", "pat@example.test", "dana@example.test"] {
        let mut client = set.app.signed_in(email).await;
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} read it");
        assert!(!page.body.contains("SUMMARY-SECRET"));
        let list = client.get(&format!("/productions/{p}/conversations")).await;
        assert!(!list.body.contains("SUMMARY-SECRET"));
        assert!(!list.body.contains("Send robe sizes"));
        if email != "sam@example.test" {
            assert_eq!(list.status, StatusCode::NOT_FOUND, "{email} listed them");
        }
        for post in [
            format!("/productions/{p}/conversations"),
            path.clone(),
            format!("{path}/follow-ups"),
            done.clone(),
        ] {
            let page = client
                .post(
                    &post,
                    &[
                        ("kind", "other"),
                        ("performers", &set.sam.to_string()),
                        ("date", "2027-04-21"),
                        ("time", "10:00"),
                        ("follow_up", "Sneaky"),
                    ],
                )
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} POST {post}");
        }
    }
    assert_eq!(count(&set.app, conversations, p).await, 1);

    // Follow-ups: one more, then done.
    let page = cora
        .post(&format!("{path}/follow-ups"), &[("follow_up", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"follow_up-error\""));
    let page = cora
        .post(
            &format!("{path}/follow-ups"),
            &[
                ("follow_up", "Book the lake set closed"),
                ("follow_up_due", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        open_follow_ups(&crate::support::vault(&set.app.db_name), &set.app.pool, p)
            .await
            .unwrap()
            .len(),
        2
    );
    let page = cora.post(&done, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let open = open_follow_ups(&crate::support::vault(&set.app.db_name), &set.app.pool, p)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].body, "Book the lake set closed");
    let done_by: Option<i64> =
        sqlx::query_scalar("select done_by from follow_up where follow_up_id = $1")
            .bind(follow_up)
            .fetch_one(&set.app.pool)
            .await
            .unwrap();
    assert_eq!(done_by, Some(set.cora_user));
    assert!(cora.get(&path).await.body.contains("by Cora Coordinator"));

    // Adding Sam to the log lets him read it.
    let page = cora
        .post(
            &path,
            &[
                ("kind", "scene_preparation"),
                ("performers", &set.bea.to_string()),
                ("performers", &set.sam.to_string()),
                ("date", "2027-04-20"),
                ("time", "14:30"),
                ("summary", "SUMMARY-SECRET, with Sam"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // He opens it and reads who was there, but not the summary: it is now a joint conversation,
    // whose summary is the coordinators' (each performer reads their own note instead).
    let mut sam = set.app.signed_in("sam@example.test").await;
    let page = sam.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("#2 Sam Cast"));
    assert!(!page.body.contains("SUMMARY-SECRET"));
}

#[tokio::test]
async fn r6_a_flagged_rehearsal_waits_for_a_first_one_to_one() {
    let set = set_up().await;
    let p = set.production;
    let plain = scene(&set.app, p, "4", false, &[set.sam]).await;
    let mut pat = set.app.signed_in("pat@example.test").await;
    let rehearse = |scene: i64, cast: Vec<i64>| {
        let mut fields: Vec<(String, String)> = vec![
            ("rehearsal_scene".into(), scene.to_string()),
            ("rehearsal_date".into(), "2027-04-28".into()),
            ("rehearsal_start".into(), "10:00".into()),
            ("rehearsal_end".into(), "12:00".into()),
            ("rehearsal_location".into(), "Studio B".into()),
        ];
        for id in cast {
            fields.push(("rehearsal_cast".into(), id.to_string()));
        }
        fields
    };
    let path = format!("/productions/{p}/schedule/rehearsals");
    let rehearsals = "select count(*) from rehearsal where production_id = $1";

    let missing = first_meeting_missing(&set.app.pool, p).await.unwrap();
    assert_eq!(
        missing,
        vec![
            (set.bea, "#1 Bea Cast".to_string()),
            (set.sam, "#2 Sam Cast".to_string())
        ]
    );
    let fields = rehearse(set.scene, vec![set.bea, set.sam]);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = pat.post(&path, &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"rehearsal_cast-error\""));
    assert!(page.body.contains(
        "R6 First meeting: log a first one-to-one with #1 Bea Cast and #2 Sam Cast before \
         scheduling a rehearsal of this scene."
    ));
    assert!(page.body.contains("value=\"Studio B\""));
    assert_eq!(count(&set.app, rehearsals, p).await, 0);

    // A scene that is not flagged needs no meeting.
    let fields = rehearse(plain, vec![set.sam]);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(pat.post(&path, &form).await.status, StatusCode::SEE_OTHER);

    // Another kind of conversation does not count; a first one-to-one with Bea does, for Bea.
    let mut cora = set.app.signed_in("cora@example.test").await;
    log_conversation(&mut cora, p, "scene_preparation", &[set.bea], "").await;
    let fields = rehearse(set.scene, vec![set.bea]);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pat.post(&path, &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    log_conversation(&mut cora, p, "first_one_to_one", &[set.bea], "").await;
    assert_eq!(pat.post(&path, &form).await.status, StatusCode::SEE_OTHER);
    let fields = rehearse(set.scene, vec![set.bea, set.sam]);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = pat.post(&path, &form).await;
    assert!(
        page.body
            .contains("first one-to-one with #2 Sam Cast before")
    );
    assert_eq!(count(&set.app, rehearsals, p).await, 2);
    assert_eq!(
        first_meeting_missing(&set.app.pool, p).await.unwrap(),
        vec![(set.sam, "#2 Sam Cast".to_string())]
    );
}

#[tokio::test]
async fn performers_see_who_viewed_their_records_but_not_their_own_visits() {
    let set = set_up().await;
    let p = set.production;
    let mine = format!("/productions/{p}/boundaries/{}", set.bea);
    let views = "select count(*) from record_view where cast_member_id = $1";
    let mut bea = set.app.signed_in("bea@example.test").await;
    bea.post(&mine, &[("kissed.mouth", "ask")]).await;
    bea.get(&mine).await;
    bea.get(&format!("{mine}/versions/1")).await;
    assert_eq!(
        count(&set.app, views, set.bea).await,
        0,
        "own visits are not logged"
    );
    let page = bea.get(&format!("/productions/{p}/records/views")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Nobody else has opened your records yet.")
    );

    let mut cora = set.app.signed_in("cora@example.test").await;
    assert_eq!(cora.get(&mine).await.status, StatusCode::OK);
    let rows: Vec<(Option<i64>, String)> = sqlx::query_as(
        "select viewer_user_id, record_kind from record_view where cast_member_id = $1",
    )
    .bind(set.bea)
    .fetch_all(&set.app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![(Some(set.cora_user), "boundary_profile".to_string())]
    );

    // A conversation with both: Cora's visit is logged for both, Bea's only for Sam.
    let id = log_conversation(&mut cora, p, "scene_preparation", &[set.bea, set.sam], "").await;
    let conversation = format!("/productions/{p}/conversations/{id}");
    cora.get(&conversation).await;
    bea.get(&conversation).await;
    assert_eq!(count(&set.app, views, set.bea).await, 2);
    assert_eq!(count(&set.app, views, set.sam).await, 2);

    let page = bea.get(&format!("/productions/{p}/records/views")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Cora Coordinator (Intimacy coordinator)")
    );
    assert!(page.body.contains(&format!("href=\"{mine}/versions/1\"")));
    assert!(page.body.contains(&format!("href=\"{conversation}\"")));
    // Newest first: the conversation view comes before the profile view.
    let conversation_at = page.body.find("A conversation log").unwrap();
    let profile_at = page.body.find("Your boundary profile, version 1").unwrap();
    assert!(conversation_at < profile_at);
    let mut sam = set.app.signed_in("sam@example.test").await;
    let page = sam.get(&format!("/productions/{p}/records/views")).await;
    assert!(page.body.contains("Bea Performer (Performer)"));

    for email in ["pat@example.test", "dana@example.test", "cora@example.test"] {
        let mut client = set.app.signed_in(email).await;
        let page = client.get(&format!("/productions/{p}/records/views")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
    }
}

#[tokio::test]
async fn the_demo_records_load_once() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::records::load(&app.pool, production)
        .await
        .unwrap();
    let conversations = "select count(*) from conversation where production_id = $1";
    let logged = count(&app, conversations, production).await;
    assert!(logged >= 2);
    assert_eq!(
        count(
            &app,
            "select count(*) from boundary_profile_version where production_id = $1",
            production
        )
        .await,
        2
    );
    assert!(
        first_meeting_missing(&app.pool, production)
            .await
            .unwrap()
            .is_empty()
    );
    let open = open_follow_ups(&crate::support::vault(&app.db_name), &app.pool, production)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert!(open[0].due_on.is_some());
    closedset::demo::records::load(&app.pool, production)
        .await
        .unwrap();
    assert_eq!(count(&app, conversations, production).await, logged);

    // The performer's own profile opens as a form with its answers.
    let mut alex = app.client();
    alex.sign_in("performer1@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let page = alex
        .get(&format!("/productions/{production}/boundaries"))
        .await;
    let page = alex.get(page.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Barrier-free is fine after a breath check.")
    );
}

/// The access log is evidence for the performer: the database refuses to change or remove a
/// view, even for the tables' owner (the application's role may not even try).
#[tokio::test]
async fn the_access_log_cannot_be_changed_or_emptied() {
    let set = set_up().await;
    let p = set.production;
    let mut cora = set.app.signed_in("cora@example.test").await;
    let profile = format!("/productions/{p}/boundaries/{}", set.bea);
    assert_eq!(cora.get(&profile).await.status, StatusCode::OK);
    let views = "select count(*) from record_view where cast_member_id = $1";
    assert_eq!(count(&set.app, views, set.bea).await, 1);
    for change in [
        "update record_view set viewed_at = now() - interval '1 year'",
        "update record_view set viewer_user_id = null",
        "delete from record_view",
        "truncate record_view",
    ] {
        let refused = sqlx::query(change).execute(&set.app.owner_pool).await;
        assert!(refused.is_err(), "{change} was allowed");
        assert!(
            refused.unwrap_err().to_string().contains("append-only"),
            "{change}"
        );
    }
    assert_eq!(count(&set.app, views, set.bea).await, 1);
}

/// The conversation form as a coordinator sends it: kind, date, time, summary, who took part
/// and a note per performer.
fn conversation_form<'a>(
    kind: &'a str,
    date: &'a str,
    summary: &'a str,
    performers: &'a [String],
    notes: &'a [(String, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("kind", kind),
        ("date", date),
        ("time", "10:00"),
        ("summary", summary),
    ];
    for id in performers {
        fields.push(("performers", id));
    }
    for (field, note) in notes {
        fields.push((field, note));
    }
    fields
}

#[tokio::test]
async fn an_edit_makes_a_new_version_and_keeps_the_earlier_one_readable() {
    let set = set_up().await;
    let p = set.production;
    let mut cora = set.app.signed_in("cora@example.test").await;
    let id = log_conversation(&mut cora, p, "scene_preparation", &[set.bea], "FIRST-WORDS").await;
    let path = format!("/productions/{p}/conversations/{id}");
    let versions = "select count(*) from conversation_version where conversation_id = $1";
    assert_eq!(count(&set.app, versions, id).await, 1);

    let bea_id = [set.bea.to_string()];
    let edit = conversation_form(
        "rehearsal_check_in",
        "2026-10-01",
        "SECOND-WORDS",
        &bea_id,
        &[],
    );
    let page = cora.post(&path, &edit).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(count(&set.app, versions, id).await, 2);
    // Saving the same again changes nothing, so no version is added.
    assert_eq!(cora.post(&path, &edit).await.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&set.app, versions, id).await, 2);

    // The log and the list read the newest version; the earlier one stays as it was, with who
    // saved each and when.
    let page = cora.get(&path).await;
    assert!(page.body.contains("SECOND-WORDS"));
    assert!(!page.body.contains("FIRST-WORDS"));
    assert!(page.body.contains(&format!("href=\"{path}/versions/1\"")));
    assert!(page.body.contains("by Cora Coordinator"));
    let list = cora.get(&format!("/productions/{p}/conversations")).await;
    assert!(list.body.contains("Rehearsal check-in"));
    let first = cora.get(&format!("{path}/versions/1")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("FIRST-WORDS"));
    assert!(first.body.contains("Scene preparation"));
    assert!(first.body.contains("Cora Coordinator"));
    assert!(first.body.contains("no, version 2 replaces it"));
    assert!(
        cora.get(&format!("{path}/versions/2"))
            .await
            .body
            .contains("SECOND-WORDS")
    );
    assert_eq!(
        cora.get(&format!("{path}/versions/3")).await.status,
        StatusCode::NOT_FOUND
    );

    // Bea was there both times: she reads both versions. Sam, the producer and the director
    // read neither.
    let mut bea = set.app.signed_in("bea@example.test").await;
    let page = bea.get(&format!("{path}/versions/1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("FIRST-WORDS"));
    for email in ["sam@example.test", "pat@example.test", "dana@example.test"] {
        let mut client = set.app.signed_in(email).await;
        let page = client.get(&format!("{path}/versions/1")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
        assert!(!page.body.contains("FIRST-WORDS"));
    }

    // The database keeps versions as they were saved.
    let changed =
        sqlx::query("update conversation_version set summary = 'x' where conversation_id = $1")
            .bind(id)
            .execute(&set.app.pool)
            .await;
    assert!(changed.is_err(), "a saved version was changed");

    // A log written before versions existed keeps what it said as version 1 when edited.
    let old: i64 = sqlx::query_scalar(
        "with k as (insert into conversation (production_id, kind, held_at, summary, created_by)
                    values ($1, 'other', now() - interval '3 days', 'OLD-WORDS', $3)
                    returning conversation_id)
         insert into conversation_performer (conversation_id, cast_member_id, production_id)
         select conversation_id, $2, $1 from k returning conversation_id",
    )
    .bind(p)
    .bind(set.bea)
    .bind(set.cora_user)
    .fetch_one(&set.app.pool)
    .await
    .unwrap();
    let old_path = format!("/productions/{p}/conversations/{old}");
    let edit = conversation_form("other", "2026-10-02", "NEW-WORDS", &bea_id, &[]);
    assert_eq!(
        cora.post(&old_path, &edit).await.status,
        StatusCode::SEE_OTHER
    );
    let first = cora.get(&format!("{old_path}/versions/1")).await;
    assert!(first.body.contains("OLD-WORDS"));
    assert!(cora.get(&old_path).await.body.contains("NEW-WORDS"));
}

#[tokio::test]
async fn a_first_one_to_one_names_one_performer_and_has_already_happened() {
    let set = set_up().await;
    let p = set.production;
    let mut cora = set.app.signed_in("cora@example.test").await;
    let conversations = "select count(*) from conversation where production_id = $1";
    let both = [set.bea.to_string(), set.sam.to_string()];
    let bea_id = [set.bea.to_string()];

    // Two performers: refused beside the performers, what was typed kept, nothing saved.
    let page = cora
        .post(
            &format!("/productions/{p}/conversations"),
            &conversation_form("first_one_to_one", "2026-10-01", "TYPED-BOTH", &both, &[]),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"performers-error\""));
    assert!(
        page.body
            .contains("A first one-to-one is with one performer")
    );
    assert!(page.body.contains("TYPED-BOTH"));
    assert_eq!(count(&set.app, conversations, p).await, 0);

    // Dated the day after tomorrow: refused beside the date.
    let later = (time::OffsetDateTime::now_utc().date() + time::Duration::days(2)).to_string();
    let page = cora
        .post(
            &format!("/productions/{p}/conversations"),
            &conversation_form("first_one_to_one", &later, "TYPED-LATER", &bea_id, &[]),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"date-error\""));
    assert!(page.body.contains("once it has happened"));
    assert!(page.body.contains(&format!("value=\"{later}\"")));
    assert!(page.body.contains("TYPED-LATER"));
    assert_eq!(count(&set.app, conversations, p).await, 0);
    assert_eq!(
        first_meeting_missing(&set.app.pool, p).await.unwrap().len(),
        2
    );

    // A logged one cannot be edited into either: the log stays as it was.
    let id = log_conversation(&mut cora, p, "first_one_to_one", &[set.bea], "MET").await;
    let path = format!("/productions/{p}/conversations/{id}");
    for (date, performers, field) in [
        ("2025-04-20", &both[..], "performers"),
        (later.as_str(), &bea_id[..], "date"),
    ] {
        let page = cora
            .post(
                &path,
                &conversation_form("first_one_to_one", date, "CHANGED", performers, &[]),
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(page.body.contains(&format!("id=\"{field}-error\"")));
    }
    let versions = "select count(*) from conversation_version where conversation_id = $1";
    assert_eq!(count(&set.app, versions, id).await, 1);
    let performers = "select count(*) from conversation_performer where conversation_id = $1";
    assert_eq!(count(&set.app, performers, id).await, 1);
    assert_eq!(
        first_meeting_missing(&set.app.pool, p).await.unwrap(),
        vec![(set.sam, "#2 Sam Cast".to_string())]
    );
}

#[tokio::test]
async fn in_a_joint_conversation_each_performer_reads_only_their_own_note() {
    let set = set_up().await;
    let p = set.production;
    let mut cora = set.app.signed_in("cora@example.test").await;
    let both = [set.bea.to_string(), set.sam.to_string()];
    let bea_note = format!("note_{}", set.bea);
    let sam_note = format!("note_{}", set.sam);

    // A note for someone who was not there is refused, and nothing is saved.
    let page = cora
        .post(
            &format!("/productions/{p}/conversations"),
            &conversation_form(
                "scene_preparation",
                "2026-10-01",
                "JOINT-SUMMARY",
                &both[..1],
                &[(sam_note.clone(), "SAM-NOTE")],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&format!("id=\"{sam_note}-error\"")));
    assert!(page.body.contains("SAM-NOTE"));
    let conversations = "select count(*) from conversation where production_id = $1";
    assert_eq!(count(&set.app, conversations, p).await, 0);

    let page = cora
        .post(
            &format!("/productions/{p}/conversations"),
            &conversation_form(
                "scene_preparation",
                "2026-10-01",
                "JOINT-SUMMARY",
                &both,
                &[
                    (bea_note.clone(), "BEA-NOTE"),
                    (sam_note.clone(), "SAM-NOTE"),
                ],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let path = page.location().to_string();
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();

    // The coordinator reads and edits everything.
    let page = cora.get(&path).await;
    for text in ["JOINT-SUMMARY", "BEA-NOTE", "SAM-NOTE"] {
        assert!(page.body.contains(text), "{text}");
    }

    // Each performer reads the shared facts and their own note, never the other's note or the
    // summary, on any page they open.
    for (email, own, other) in [
        ("bea@example.test", "BEA-NOTE", "SAM-NOTE"),
        ("sam@example.test", "SAM-NOTE", "BEA-NOTE"),
    ] {
        let mut client = set.app.signed_in(email).await;
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        assert!(page.body.contains(own), "{email}");
        assert!(page.body.contains("#1 Bea Cast, #2 Sam Cast"), "{email}");
        assert!(page.body.contains("Scene preparation"), "{email}");
        let version = client.get(&format!("{path}/versions/1")).await;
        assert_eq!(version.status, StatusCode::OK, "{email}");
        assert!(version.body.contains(own), "{email}");
        for page in [
            page,
            version,
            client.get(&format!("/productions/{p}/conversations")).await,
            client.get(&format!("/productions/{p}/records/views")).await,
            client.get(&format!("/productions/{p}")).await,
            client.get("/").await,
        ] {
            assert!(!page.body.contains(other), "{email} read {other}");
            assert!(!page.body.contains("JOINT-SUMMARY"), "{email}");
        }
    }

    // An edit of Sam's note makes a new version; Bea still never reads his notes, old or new.
    let page = cora
        .post(
            &path,
            &conversation_form(
                "scene_preparation",
                "2026-10-01",
                "JOINT-SUMMARY",
                &both,
                &[
                    (bea_note.clone(), "BEA-NOTE"),
                    (sam_note.clone(), "SAM-NOTE-TWO"),
                ],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let versions = "select count(*) from conversation_version where conversation_id = $1";
    assert_eq!(count(&set.app, versions, id).await, 2);
    let mut bea = set.app.signed_in("bea@example.test").await;
    for url in [
        path.clone(),
        format!("{path}/versions/1"),
        format!("{path}/versions/2"),
    ] {
        let page = bea.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{url}");
        assert!(page.body.contains("BEA-NOTE"), "{url}");
        assert!(!page.body.contains("SAM-NOTE"), "{url}");
    }
    let mut sam = set.app.signed_in("sam@example.test").await;
    assert!(sam.get(&path).await.body.contains("SAM-NOTE-TWO"));
}

#[tokio::test]
async fn opening_a_scene_logs_a_breakdown_view_for_each_performer_whose_part_it_shows() {
    use closedset::scenes::{SaveOutcome, save_breakdown};
    use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
    use closedset::vocab::breakdown::{Breakdown, PerformerPart};

    let set = set_up().await;
    let p = set.production;
    let part = |cast_member_id| PerformerPart {
        cast_member_id,
        nudity: NudityLevel::PartialUpper,
        shown: vec![BodyArea::Breasts],
        touched: vec![],
        touching: vec![],
        acts: vec!["Embrace".into()],
        garments: String::new(),
    };
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![part(set.bea), part(set.sam)],
        garments: String::new(),
        stills_allowed: false,
        closed_set: vec![],
        monitor_list: vec![],
    };
    let mut tx = set.app.pool.begin().await.unwrap();
    let outcome = save_breakdown(
        &mut tx,
        p,
        set.scene,
        &breakdown,
        None,
        time::OffsetDateTime::now_utc().date(),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, SaveOutcome::Saved { .. }), "{outcome:?}");
    tx.commit().await.unwrap();
    let scene = format!("/productions/{p}/scenes/{}", set.scene);
    let views = "select count(*) from record_view where record_kind = 'breakdown'
                 and record_id = $1";

    // A performer opening their own scene reads only their part: nothing is logged.
    let mut bea = set.app.signed_in("bea@example.test").await;
    assert_eq!(bea.get(&scene).await.status, StatusCode::OK);
    assert_eq!(count(&set.app, views, set.scene).await, 0);

    // The producer reads both parts: one view for each performer, naming the producer.
    let mut pat = set.app.signed_in("pat@example.test").await;
    assert_eq!(pat.get(&scene).await.status, StatusCode::OK);
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
        "select rv.cast_member_id, u.email from record_view rv
         left join app_user u on u.user_id = rv.viewer_user_id
         where rv.record_kind = 'breakdown' and rv.record_id = $1 order by rv.cast_member_id",
    )
    .bind(set.scene)
    .fetch_all(&set.app.pool)
    .await
    .unwrap();
    let pat_email = Some("pat@example.test".to_string());
    assert_eq!(
        rows,
        vec![(set.bea, pat_email.clone()), (set.sam, pat_email)]
    );

    // Bea sees it on her page, with the way to the scene.
    let page = bea.get(&format!("/productions/{p}/records/views")).await;
    assert!(page.body.contains("Pat Producer (Producer)"));
    assert!(
        page.body
            .contains("Your part of the breakdown of scene 12A")
    );
    assert!(page.body.contains(&format!("href=\"{scene}\"")));
}
