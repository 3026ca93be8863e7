//! Status words that stay true on open pages (issue #16): the `/status` endpoint gives each
//! viewer only the words their pages show them, refuses hostile ids, and a withdrawal on one
//! server process reaches a member's event stream on another as a content-free `status` event.

use std::time::Duration;

use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart, empty_breakdown};
use reqwest::StatusCode;
use serde_json::Value;

use crate::live::{Crew, Events, crew};
use crate::support::{Client, TestApp, build};

/// Another performer, in another flagged scene, with their own signed rider; and a director.
struct Others {
    bo_rider: i64,
    scene_5a: i64,
}

async fn others(c: &Crew) -> Others {
    let app = &c.app;
    let bo = app.user("bo@live.test", "Bo Lane").await;
    app.add_member(c.production, bo, "performer").await;
    let dana = app.user("dana@live.test", "Dana Director").await;
    app.add_member(c.production, dana, "director").await;
    app.user("nina@live.test", "Nina Nobody").await;
    let bo_cast = build::cast(app, c.production, 2, "Bo Lane")
        .playing("Jules")
        .linked_to(bo)
        .await;
    let scene_6b = build::scene(app, c.production, "6B")
        .eighths(4)
        .with(&[bo_cast])
        .await;
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![PerformerPart {
            cast_member_id: bo_cast,
            nudity: NudityLevel::PartialUpper,
            shown: vec![BodyArea::UpperBack],
            touched: vec![],
            touching: vec![],
            acts: vec!["Removes shirt".into()],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    build::breakdown(app, c.production, scene_6b, &breakdown, None).await;
    let bo_rider: i64 = sqlx::query_scalar(
        "with r as (
             insert into rider (production_id, cast_member_id, status, body, body_sha256,
                                created_by, delivered_at, signed_at)
             values ($1, $2, 'signed', 'Bo''s rider', repeat('c', 64), $3, now(), now())
             returning rider_id),
         rs as (insert into rider_scene (rider_id, scene_id, scene_version_id, production_id,
                                         scope)
                select r.rider_id, s.scene_id, s.current_version_id, $1, '{}'::jsonb
                from r, scene s where s.scene_id = $4)
         select rider_id from r",
    )
    .bind(c.production)
    .bind(bo_cast)
    .bind(bo)
    .bind(scene_6b)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let scene_5a: i64 =
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '5A'")
            .bind(c.production)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    Others { bo_rider, scene_5a }
}

/// The words a client is given for `ids`, as JSON, after checking the answer is 200 and private.
async fn words(client: &mut Client, production: i64, ids: &str) -> Value {
    let page = client
        .get(&format!("/productions/{production}/status?ids={ids}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{ids}: {}", page.body);
    assert!(
        page.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    serde_json::from_str(&page.body).unwrap()
}

#[tokio::test]
async fn each_role_gets_only_the_status_words_its_pages_show() {
    let c = crew(TestApp::spawn().await).await;
    let o = others(&c).await;
    let p = c.production;
    let ids = format!(
        "rider-{},rider-{},scene-{}",
        c.rider, o.bo_rider, o.scene_5a
    );
    let rider = format!("rider-{}", c.rider);
    let bo_rider = format!("rider-{}", o.bo_rider);
    let scene = format!("scene-{}", o.scene_5a);

    // Staff who read riders see every rider and the scene, with a word and a tone.
    for email in ["cora@live.test", "pam@live.test"] {
        let mut staff = c.app.signed_in(email).await;
        let w = words(&mut staff, p, &ids).await;
        assert_eq!(w[&rider]["word"], "Signed", "{email}: {w}");
        assert_eq!(w[&rider]["tone"], "status-cleared");
        assert_eq!(w[&bo_rider]["word"], "Signed");
        assert!(w[&scene]["word"].is_string(), "{email}: {w}");
        assert!(w[&scene]["tone"].as_str().unwrap().starts_with("status-"));
    }

    // A director sees the scene's status but no rider (DOMAIN §4).
    let mut dana = c.app.signed_in("dana@live.test").await;
    let w = words(&mut dana, p, &ids).await;
    assert!(w.get(&rider).is_none() && w.get(&bo_rider).is_none(), "{w}");
    assert!(w[&scene]["word"].is_string(), "{w}");

    // Each performer sees their own rider and scene, in their own words, and nothing of the
    // other's: not even that the other's rider exists.
    let mut alex = c.app.signed_in("alex@live.test").await;
    let w = words(&mut alex, p, &ids).await;
    assert_eq!(w[&rider]["word"], "Signed", "{w}");
    assert!(w.get(&bo_rider).is_none(), "{w}");
    assert_eq!(w.as_object().unwrap().len(), 2, "{w}");
    let alex_scene_word = w[&scene]["word"].as_str().unwrap().to_string();
    assert!(
        alex_scene_word.starts_with("Your") || alex_scene_word.starts_with("To reconfirm"),
        "a performer reads their own status in the second person: {alex_scene_word}"
    );
    let mut bo = c.app.signed_in("bo@live.test").await;
    let w = words(&mut bo, p, &ids).await;
    assert_eq!(w[&bo_rider]["word"], "Signed", "{w}");
    assert!(w.get(&rider).is_none() && w.get(&scene).is_none(), "{w}");

    // Someone outside the production finds nothing there at all.
    let mut nina = c.app.signed_in("nina@live.test").await;
    let page = nina
        .get(&format!("/productions/{p}/status?ids={rider}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("Signed"));

    // Once Alex withdraws, the coordinator is given the new words and tone.
    let page = alex
        .post(&format!("/productions/{p}/riders/{}/revoke", c.rider), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let mut cora = c.app.signed_in("cora@live.test").await;
    let w = words(&mut cora, p, &ids).await;
    assert_eq!(w[&rider]["word"], "Consent withdrawn", "{w}");
    assert_eq!(w[&rider]["tone"], "status-blocked");
    assert_eq!(w[&scene]["word"], "Blocked", "{w}");
    assert_eq!(w[&scene]["tone"], "status-blocked");
    let w = words(&mut alex, p, &ids).await;
    assert_eq!(w[&scene]["word"], "You withdrew consent", "{w}");
}

#[tokio::test]
async fn hostile_status_ids_are_refused_and_never_answered_with_500() {
    let c = crew(TestApp::spawn().await).await;
    let p = c.production;
    let mut cora = c.app.signed_in("cora@live.test").await;

    let too_many = (1..=201)
        .map(|i| format!("rider-{i}"))
        .collect::<Vec<_>>()
        .join(",");
    for hostile in [
        "rider-abc",
        "rider--1",
        "rider-1%20or%201=1",
        "rider-1';drop%20table%20rider;--",
        "scene-1-day-",
        "rider-99999999999999999999999",
        "%F0%9F%98%80",
        too_many.as_str(),
    ] {
        let page = cora
            .get(&format!("/productions/{p}/status?ids={hostile}"))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{hostile}");
    }
    // Ids that read but name nothing of this production give nothing, not an error.
    let w = words(&mut cora, p, "rider-999999999,scene-1-day-2").await;
    assert_eq!(w, serde_json::json!({}));
    assert_eq!(words(&mut cora, p, "").await, serde_json::json!({}));
    for path in [
        format!("/productions/{p}/status?ids=rider-1&ids=rider-2"),
        format!("/productions/{p}/status?ids[]=x"),
        "/productions/999999999/status?ids=rider-1".to_string(),
        "/productions/abc/status?ids=rider-1".to_string(),
    ] {
        let page = cora.get(&path).await;
        assert!(
            page.status.is_success() || page.status.is_client_error(),
            "{path}: {}",
            page.status
        );
    }
    // The rider of another production, asked for through this one, is not found here.
    let pam: i64 = sqlx::query_scalar("select user_id from app_user where email = 'pam@live.test'")
        .fetch_one(&c.app.pool)
        .await
        .unwrap();
    let other = c.app.production("Other Film", pam).await;
    let mut pam_client = c.app.signed_in("pam@live.test").await;
    let w = words(&mut pam_client, other, &format!("rider-{}", c.rider)).await;
    assert_eq!(w, serde_json::json!({}));
}

#[tokio::test]
async fn a_withdrawal_on_one_server_tells_members_streams_on_another_and_nobody_else() {
    let c = crew(TestApp::spawn().await).await;
    let b = c.app.another_instance().await;
    c.app.user("nina@live.test", "Nina Nobody").await;

    let cora = c.app.signed_in("cora@live.test").await;
    let mut events = Events::open(&cora).await;
    events.next("unread", Duration::from_secs(2)).await.unwrap();
    let nina = c.app.signed_in("nina@live.test").await;
    let mut outsider = Events::open(&nina).await;
    outsider
        .next("unread", Duration::from_secs(2))
        .await
        .unwrap();

    let mut alex = b.signed_in("alex@live.test").await;
    let started = std::time::Instant::now();
    let page = alex
        .post(
            &format!("/productions/{}/riders/{}/revoke", c.production, c.rider),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let data = events
        .next("status", Duration::from_secs(2))
        .await
        .expect("the status change arrives live within 2 seconds");
    assert!(started.elapsed() < Duration::from_secs(2));
    // The event says which production moved, and nothing of what changed.
    assert_eq!(data, format!(r#"{{"production_id":{}}}"#, c.production));
    // One write, however many rows it moved, is one event: the next is the notice.
    assert!(
        events
            .next("status", Duration::from_millis(600))
            .await
            .is_none(),
        "a withdrawal is told once"
    );
    assert!(
        outsider
            .next("status", Duration::from_millis(300))
            .await
            .is_none(),
        "a non-member hears nothing of another production"
    );
}

/// Each status element of a page: its `data-status` id and the word it shows.
fn status_elements(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("data-status=\"") {
        rest = &rest[at + "data-status=\"".len()..];
        let Some((key, after)) = rest.split_once('"') else {
            break;
        };
        let word = after
            .split_once('>')
            .and_then(|(_, text)| text.split_once('<'))
            .map(|(word, _)| word.trim().to_string())
            .unwrap_or_default();
        found.push((key.to_string(), word));
        rest = after;
    }
    found
}

#[tokio::test]
async fn every_surface_marks_its_status_words_and_the_endpoint_gives_the_same_words() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let base = format!("/productions/{production}");
    let days: Vec<i64> = sqlx::query_scalar(
        "select shoot_day_id from shoot_day where production_id = $1 order by shoot_date",
    )
    .bind(production)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let flagged: Vec<i64> = sqlx::query_scalar(
        "select s.scene_id from scene s join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and v.flagged order by s.scene_id",
    )
    .bind(production)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut pages = vec![
        base.clone(),
        format!("{base}/scenes"),
        format!("{base}/riders"),
        format!("{base}/schedule"),
    ];
    pages.extend(days.iter().map(|d| format!("{base}/schedule/{d}")));
    pages.extend(
        days.iter()
            .map(|d| format!("{base}/schedule/{d}/call-sheet")),
    );
    pages.extend(days.iter().map(|d| format!("{base}/schedule/{d}/on-set")));
    pages.extend(flagged.iter().map(|s| format!("{base}/scenes/{s}")));

    let mut coordinator = app.client();
    coordinator
        .sign_in("coordinator@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let mut marked_on = Vec::new();
    for path in &pages {
        let page = coordinator.get(path).await;
        if page.status != StatusCode::OK {
            continue;
        }
        let elements = status_elements(&page.body);
        if elements.is_empty() {
            continue;
        }
        marked_on.push(path.clone());
        let ids: Vec<&str> = elements.iter().map(|(k, _)| k.as_str()).collect();
        let w = words(&mut coordinator, production, &ids.join(",")).await;
        for (key, word) in &elements {
            assert!(!word.is_empty(), "{path}: {key} shows no word");
            assert_eq!(
                w[key]["word"].as_str(),
                Some(word.as_str()),
                "{path}: {key} reads {word:?} on the page but {} live",
                w[key]
            );
        }
    }
    // The coordinator's first page, the scene list, the riders, the board, a shoot day, a call sheet and the
    // scene pages all mark their words.
    for wanted in [
        base.clone(),
        format!("{base}/scenes"),
        format!("{base}/riders"),
        format!("{base}/schedule"),
    ] {
        assert!(
            marked_on.contains(&wanted),
            "{wanted} marks no status: {marked_on:?}"
        );
    }
    for kind in ["/call-sheet", "/scenes/"] {
        assert!(
            marked_on.iter().any(|p| p.contains(kind)),
            "no {kind} page marks a status: {marked_on:?}"
        );
    }
    assert!(
        marked_on
            .iter()
            .any(|p| p.contains("/schedule/") && p.split('/').count() == 5),
        "no shoot day page marks a status: {marked_on:?}"
    );

    // A performer's pages mark their own words, in the second person, and the endpoint gives
    // them the same.
    let mut performer = app.client();
    performer
        .sign_in("performer1@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let mut seen_own = 0;
    for path in [
        base.clone(),
        format!("{base}/scenes"),
        format!("{base}/riders"),
    ] {
        let page = performer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let elements = status_elements(&page.body);
        assert!(
            !elements.is_empty(),
            "{path} marks no status for a performer"
        );
        let ids: Vec<&str> = elements.iter().map(|(k, _)| k.as_str()).collect();
        let w = words(&mut performer, production, &ids.join(",")).await;
        for (key, word) in &elements {
            assert_eq!(
                w[key]["word"].as_str(),
                Some(word.as_str()),
                "{path}: {key}"
            );
            if key.starts_with("scene-") {
                seen_own += 1;
                assert!(
                    !["Cleared", "Blocked", "Not reconfirmed"].contains(&word.as_str()),
                    "{path}: a performer reads {word:?}, the staff word"
                );
            }
        }
    }
    assert!(seen_own > 0);
}
