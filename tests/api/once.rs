//! Idempotent forms: a form sent twice with the page's one-time key (a double tap, a retried
//! slow connection, the back button) does its work once; the second copy is shown the first
//! copy's result. A refused form frees its key.

use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart, empty_breakdown};
use reqwest::StatusCode;

use crate::support::{Client, Page, TestApp, build, urlencode};

struct Set {
    app: TestApp,
    production: i64,
    cast: i64,
    scene: i64,
}

impl Set {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .bind(self.production)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

async fn set_up() -> Set {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cory = app.user("cory@example.test", "Cory Coordinator").await;
    app.add_member(production, cory, "coordinator").await;
    let cast = build::cast(&app, production, 1, "Alex Rivera").await;
    let scene = build::scene(&app, production, "12").with(&[cast]).await;
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::Kiss],
        performers: vec![PerformerPart {
            cast_member_id: cast,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![BodyArea::Face],
            touching: vec![BodyArea::Face],
            acts: vec!["A kiss at the door".into()],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    build::breakdown(&app, production, scene, &breakdown, None).await;
    Set {
        app,
        production,
        cast,
        scene,
    }
}

/// The one-time key of the form a page offers (the first on the page).
fn once_key(page: &Page) -> String {
    let marker = "name=\"once\" value=\"";
    let start = page.body.find(marker).expect("a form with a one-time key") + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end].to_string()
}

/// The urlencoded body a browser would send: the fields, the CSRF token and the key.
async fn body(client: &mut Client, fields: &[(&str, &str)], key: &str) -> String {
    let csrf = client.csrf().await;
    fields
        .iter()
        .chain([("csrf", csrf.as_str()), ("once", key)].iter())
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn send(client: &Client, path: &str, body: String) -> (StatusCode, String) {
    let response = client
        .http
        .post(format!("{}{path}", client.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (response.status(), location)
}

#[tokio::test]
async fn a_rider_draft_sent_twice_is_drafted_and_logged_once() {
    let set = set_up().await;
    let mut cory = set.app.signed_in("cory@example.test").await;
    let page = cory
        .get(&set.path(&format!("/riders/new?cast_member_id={}", set.cast)))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = once_key(&page);
    let (cast, scene) = (set.cast.to_string(), set.scene.to_string());
    let fields = [
        ("cast_member_id", cast.as_str()),
        ("scenes", scene.as_str()),
        ("in_picture", "on"),
    ];
    let body = body(&mut cory, &fields, &key).await;
    let events_before = set
        .count("select count(*) from consent_event where production_id = $1")
        .await;

    let first = send(&cory, &set.path("/riders"), body.clone()).await;
    let second = send(&cory, &set.path("/riders"), body).await;
    assert_eq!(first.0, StatusCode::SEE_OTHER);
    assert_eq!(
        second, first,
        "the second copy is shown the first copy's result"
    );
    assert_eq!(
        set.count("select count(*) from rider where production_id = $1")
            .await,
        1
    );
    assert_eq!(
        set.count("select count(*) from consent_event where production_id = $1")
            .await,
        events_before + 1,
        "one ledger entry, not two"
    );
    let shown = cory.get(&second.1).await;
    assert!(shown.body.contains("already been sent"), "{}", shown.body);
}

#[tokio::test]
async fn copies_sent_at_the_same_moment_create_one_thing() {
    let set = set_up().await;
    let mut cory = set.app.signed_in("cory@example.test").await;
    let page = cory.get(&set.path("/scenes/new")).await;
    let key = once_key(&page);
    let fields = [
        ("number", "14"),
        ("int_ext", "int"),
        ("set_name", "Boathouse"),
        ("time_of_day", "day"),
        ("eighths", "1 2/8"),
        ("revision_colour", "white"),
    ];
    let body = body(&mut cory, &fields, &key).await;
    let path = set.path("/scenes");
    let answers =
        futures_util::future::join_all((0..6).map(|_| send(&cory, &path, body.clone()))).await;
    for answer in &answers {
        assert_eq!(answer.0, StatusCode::SEE_OTHER, "{answers:?}");
        assert_eq!(answer.1, answers[0].1, "every copy leads to the one scene");
    }
    assert_eq!(
        set.count("select count(*) from scene where production_id = $1 and number = '14'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_refused_form_frees_its_key_and_other_forms_on_the_page_keep_theirs() {
    let set = set_up().await;
    let mut cory = set.app.signed_in("cory@example.test").await;
    let page = cory.get(&set.path("/scenes/new")).await;
    let key = once_key(&page);
    let mut fields = vec![
        ("number", "15"),
        ("int_ext", "int"),
        ("set_name", ""),
        ("time_of_day", "day"),
        ("eighths", "1"),
        ("revision_colour", "white"),
    ];
    let refused = {
        let b = body(&mut cory, &fields, &key).await;
        send(&cory, &set.path("/scenes"), b).await
    };
    assert_eq!(refused.0, StatusCode::UNPROCESSABLE_ENTITY);

    fields[2] = ("set_name", "Boathouse");
    let saved = {
        let b = body(&mut cory, &fields, &key).await;
        send(&cory, &set.path("/scenes"), b).await
    };
    assert_eq!(
        saved.0,
        StatusCode::SEE_OTHER,
        "the corrected form goes through"
    );

    // The same key sent to another form's address is that form's own first copy.
    let omit = {
        let b = body(&mut cory, &[], &key).await;
        send(&cory, &set.path(&format!("/scenes/{}/omit", set.scene)), b).await
    };
    assert_eq!(omit.0, StatusCode::SEE_OTHER);
    let omitted: bool = sqlx::query_scalar("select omitted from scene where scene_id = $1")
        .bind(set.scene)
        .fetch_one(&set.app.pool)
        .await
        .unwrap();
    assert!(omitted);
}
