//! The call sheet a 1st AD hands out (issue #15, point 3) over HTTP: every item on a demo day,
//! no breakdown content on anyone's copy (R8), NO STILLS where R9 says so, a performer's copy
//! limited to their scenes, locations and call details refused beside the field when wrong,
//! and sunrise and sunset from the location's coordinates, polar days included.

use reqwest::StatusCode;

use crate::support::{Client, TestApp, build};

async fn demo_client(app: &TestApp, email: &str) -> Client {
    let mut client = app.client();
    client.sign_in(email, closedset::demo::DEMO_PASSWORD).await;
    client
}

/// The demo's coming shoot day of scene 5A (flagged; Alex and Sam in it).
async fn day_of_5a(app: &TestApp, production: i64) -> i64 {
    sqlx::query_scalar(
        "select d.shoot_day_id from shoot_day d join shoot_day_scene ds using (shoot_day_id)
         join scene s using (scene_id)
         where d.production_id = $1 and s.number = '5A' and d.shoot_date > current_date",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Words of the demo's 5A and 8 breakdowns that no call sheet may hold.
const BREAKDOWN_CONTENT: [&str; 8] = [
    "Removes shirt",
    "Kisses Ines",
    "Kisses Marion",
    "shoulders bare",
    "Breasts",
    "Partial upper",
    "nudity",
    "Simulated",
];

#[tokio::test]
async fn the_demo_call_sheet_shows_every_item_and_no_breakdown_content() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let day = day_of_5a(&app, production).await;
    let mut dana = demo_client(&app, "director@demo.test").await;
    let page = dana
        .get(&format!(
            "/productions/{production}/schedule/{day}/call-sheet"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for item in [
        // Day X of Y: the demo's ten days, its on-set day three days ago and its day today.
        "Call sheet · Day 7 of 12",
        "Crew call",
        "07:00",
        "Lake house",
        "Lakeside Lane, Virginia Water",
        "Unit base in the north car park",
        "Lakeside General Hospital (demo)",
        "01632 960 000",
        "Sunrise ",
        " · Sunset ",
        "Dry, 14 °C, light westerly wind",
        // The day's scene with its pages and cast.
        "Sc. 5A",
        "1 1/8",
        "1, 2",
        // Cast calls per person: pickup 90 and make-up 60 minutes before the crew call.
        "Alex Rivera",
        "05:30",
        "06:00",
        // Key contacts from members' roles.
        "Producer:",
        "Director / 1st AD:",
        "Intimacy coordinator:",
        // The advance schedule of the next days.
        "Advance schedule",
        "Day 8 ·",
        "Day 9 ·",
        // The loud banner naming the IC, each scene's clearance in words, and R9.
        "<h2 id=\"closed-set-title\">CLOSED SET</h2>",
        "Intimacy coordinator on set: <strong>Morgan Ellis</strong>",
        "NO STILLS",
        "Essential personnel: Ana Ruiz, Dana Okafor, Lee Park, Morgan Ellis",
    ] {
        assert!(body.contains(item), "missing {item:?} in {body}");
    }
    assert!(
        body.contains("data-status-tone>Cleared<") || body.contains("data-status-tone>Blocked<"),
        "clearance in words"
    );
    for content in BREAKDOWN_CONTENT {
        assert!(!body.contains(content), "{content:?} on the call sheet");
    }
    // A performer's copy: only their scenes, nobody's consent, nothing of anyone's breakdown.
    let mut sam = demo_client(&app, "performer2@demo.test").await;
    let page = sam
        .get(&format!(
            "/productions/{production}/schedule/{day}/call-sheet"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sc. 5A"));
    assert!(page.body.contains("CLOSED SET"));
    assert!(!page.body.contains("closed-set-clearance"));
    for content in BREAKDOWN_CONTENT {
        assert!(!page.body.contains(content), "{content:?} on Sam's copy");
    }
    // Jo is not in 5A: the day is not hers.
    let mut jo = demo_client(&app, "performer3@demo.test").await;
    let page = jo
        .get(&format!(
            "/productions/{production}/schedule/{day}/call-sheet"
        ))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

struct Sheet {
    app: TestApp,
    production: i64,
    pat: Client,
}

async fn sheet() -> Sheet {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let pat = app.signed_in("pat@example.test").await;
    Sheet {
        app,
        production,
        pat,
    }
}

fn location_form<'a>(name: &'a str, lat: &'a str, lon: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("address", "1 Shore Road\nLakeside"),
        ("parking", "North car park"),
        ("hospital_name", "Lakeside General"),
        ("hospital_address", "Hospital Road"),
        ("hospital_phone", "01632 960 001"),
        ("latitude", lat),
        ("longitude", lon),
    ]
}

#[tokio::test]
async fn locations_are_refused_beside_the_field_and_kept_as_typed() {
    let mut s = sheet().await;
    let path = format!("/productions/{}/locations", s.production);
    let page = s.pat.post(&path, &location_form("", "91", "x")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "latitude", "longitude"] {
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
        assert!(page.body.contains(&format!("href=\"#{field}\"")));
    }
    assert!(page.body.contains("value=\"91\""));
    assert!(page.body.contains("1 Shore Road\nLakeside"));
    // One coordinate without the other is refused too.
    let page = s.pat.post(&path, &location_form("Lake", "51.5", "")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"longitude-error\""));

    let page = s
        .pat
        .post(&path, &location_form("Lake", "51,5074", "-0.1278"))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = s.pat.post(&path, &location_form("Lake", "", "")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already has a location with this name"));
    let (lat, lon): (Option<f64>, Option<f64>) =
        sqlx::query_as("select latitude, longitude from location")
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
    assert_eq!((lat, lon), (Some(51.5074), Some(-0.1278)));

    // A performer never reaches the locations.
    let alex = s.app.user("alex@example.test", "Alex").await;
    s.app.add_member(s.production, alex, "performer").await;
    let mut alex = s.app.signed_in("alex@example.test").await;
    assert_eq!(alex.get(&path).await.status, StatusCode::NOT_FOUND);
}

/// A day on `date` at a location, with scene 1 and Alex (#1) in it; returns the day.
async fn day_at(s: &mut Sheet, date: &str, lat: &str, lon: &str) -> (i64, i64) {
    let path = format!("/productions/{}/locations", s.production);
    let page = s
        .pat
        .post(&path, &location_form(&format!("Set {date}"), lat, lon))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location: i64 = sqlx::query_scalar("select max(location_id) from location")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let day = build::shoot_day(&s.app, s.production, build::date(date)).await;
    let alex = build::cast(&s.app, s.production, 1, "Alex Rivera").await;
    let scene = build::scene(&s.app, s.production, "1").with(&[alex]).await;
    build::place(&s.app, day, scene).await;
    sqlx::query("update shoot_day set location_id = $2 where shoot_day_id = $1")
        .bind(day)
        .bind(location)
        .execute(&s.app.pool)
        .await
        .unwrap();
    (day, alex)
}

#[tokio::test]
async fn sunrise_and_sunset_come_from_the_coordinates_polar_days_included() {
    let mut s = sheet().await;
    let (london, _) = day_at(&mut s, "2027-06-21", "51.5074", "-0.1278").await;
    let page = s
        .pat
        .get(&format!(
            "/productions/{}/schedule/{london}/call-sheet",
            s.production
        ))
        .await;
    // 04:43 and 21:21 BST by the almanac; within a minute or two here.
    let body = &page.body;
    assert!(
        ["04:42", "04:43", "04:44"]
            .iter()
            .any(|t| body.contains(&format!("Sunrise {t}"))),
        "{body}"
    );
    assert!(
        ["21:20", "21:21", "21:22"]
            .iter()
            .any(|t| body.contains(&format!("Sunset {t}")))
    );
    let sheet_path = format!("/productions/{}/schedule/{london}/call-sheet", s.production);
    // The same place in Tromsø's winter: no sunrise at all.
    sqlx::query("update location set latitude = 69.6492, longitude = 18.9553")
        .execute(&s.app.pool)
        .await
        .unwrap();
    sqlx::query("update shoot_day set shoot_date = '2027-12-21', call_at = '2027-12-21 08:00Z'")
        .execute(&s.app.pool)
        .await
        .unwrap();
    let page = s.pat.get(&sheet_path).await;
    assert!(
        page.body
            .contains("Polar night: the sun does not rise today.")
    );
    sqlx::query("update location set latitude = null, longitude = null")
        .execute(&s.app.pool)
        .await
        .unwrap();
    let page = s.pat.get(&sheet_path).await;
    assert!(page.body.contains("Sunrise and sunset: add the location"));
}

#[tokio::test]
async fn cast_calls_and_weather_are_saved_whole_or_refused_beside_the_field() {
    let mut s = sheet().await;
    // 28 March 2027: the clocks go forward at 01:00 in London.
    let (day, alex) = day_at(&mut s, "2027-03-28", "51.5", "-0.12").await;
    let path = format!(
        "/productions/{}/schedule/{day}/call-sheet/details",
        s.production
    );
    let form = s.pat.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("id=\"pickup_{alex}\"")));
    let (pickup, makeup, on_set) = (
        format!("pickup_{alex}"),
        format!("makeup_{alex}"),
        format!("on_set_{alex}"),
    );
    let page = s
        .pat
        .post(
            &path,
            &[
                ("location", ""),
                ("weather", "Rain, 9 °C"),
                (&pickup, "01:30"),
                (&makeup, "25:00"),
                (&on_set, "07:00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&format!("id=\"{pickup}-error\"")));
    assert!(page.body.contains("does not exist"));
    assert!(page.body.contains(&format!("id=\"{makeup}-error\"")));
    assert!(page.body.contains("value=\"25:00\""));
    assert!(page.body.contains("value=\"Rain, 9 °C\""));
    let saved: i64 = sqlx::query_scalar("select count(*) from cast_call")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(saved, 0, "nothing half-saved");
    let weather: String = sqlx::query_scalar("select weather from shoot_day")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(weather, "");

    let page = s
        .pat
        .post(
            &path,
            &[
                ("location", "12345"),
                ("weather", "Rain, 9 °C"),
                (&pickup, "05:30"),
                (&makeup, "06:00"),
                (&on_set, "07:00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"location-error\""));

    let page = s
        .pat
        .post(
            &path,
            &[
                ("location", ""),
                ("weather", "Rain, 9 °C"),
                (&pickup, "05:30"),
                (&makeup, "06:00"),
                (&on_set, "07:00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let sheet = s.pat.get(page.location()).await;
    // After the change, London is on BST.
    for text in [
        "05:30",
        "06:00",
        "07:00",
        "Rain, 9 °C",
        "No location given yet.",
    ] {
        assert!(sheet.body.contains(text), "{text}");
    }
}
