//! Dates of birth and representatives' contacts are for producers and coordinators only
//! (DOMAIN §4): a director sees "under 18 on a shoot date" instead, on every page they reach.

use reqwest::StatusCode;

use crate::support::build::{cast, date, place, scene, shoot_day};
use crate::support::{Client, TestApp};

const MARKER: &str = "Under 18 on a shoot date";

/// How the minor's date of birth (2010-03-14) could be written on a page or in an export.
const MINOR_BORN: [&str; 6] = [
    "2010-03-14",
    "14 Mar 2010",
    "14 March 2010",
    "14/03/2010",
    "03/14/2010",
    "20100314",
];
const ADULT_BORN: [&str; 3] = ["1990-07-09", "9 Jul 1990", "09/07/1990"];
const AGENT: [&str; 3] = ["Kim Okafor Agency", "kim@agents.test", "7946 0000"];

struct Set {
    app: TestApp,
    production: i64,
    minor: i64,
    adult: i64,
    turns_18: i64,
    scene: i64,
    day: i64,
}

/// A production with a minor and an adult in one scene on a 2027 shoot day, and someone who is
/// 17 now but 18 by that day; every cast member has an agent on record.
async fn set() -> Set {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    for (email, name, role) in [
        ("cory@example.test", "Cory Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
    }
    let minor = cast(&app, production, 1, "Robin Vale")
        .born(date("2010-03-14"))
        .await;
    let adult = cast(&app, production, 2, "Alex Rivera")
        .born(date("1990-07-09"))
        .signing_in_as("alex@example.test")
        .await;
    let turns_18 = cast(&app, production, 3, "Jules Hart")
        .born(date("2009-01-20"))
        .await;
    sqlx::query(
        "update cast_member set representative = 'Kim Okafor Agency, kim@agents.test, +44 20 7946 0000'
         where production_id = $1",
    )
    .bind(production)
    .execute(&app.pool)
    .await
    .unwrap();
    let scene = scene(&app, production, "12")
        .with(&[minor, adult, turns_18])
        .await;
    let day = shoot_day(&app, production, date("2027-05-03")).await;
    place(&app, day, scene).await;
    Set {
        app,
        production,
        minor,
        adult,
        turns_18,
        scene,
        day,
    }
}

impl Set {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    /// Every page and export a director can open about this cast, as (path, body).
    async fn everything_a_director_reaches(&self, client: &mut Client) -> Vec<(String, String)> {
        let mut paths = vec![
            self.path(""),
            self.path("/cast"),
            self.path(&format!("/cast/{}", self.minor)),
            self.path(&format!("/cast/{}", self.adult)),
            self.path(&format!("/cast/{}", self.turns_18)),
            self.path("/scenes"),
            self.path(&format!("/scenes/{}", self.scene)),
            self.path("/schedule"),
            self.path(&format!("/schedule/{}", self.day)),
            self.path(&format!("/schedule/{}/call-sheet", self.day)),
            self.path(&format!("/schedule/{}/on-set", self.day)),
            self.path("/riders"),
            self.path("/members"),
            "/".to_string(),
        ];
        // The calendar feed (ICS), through the link the director makes for themselves.
        let made = client.post(&self.path("/calendar"), &[]).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER);
        let page = client.get(&self.path("/calendar")).await;
        let start = page.body.find("/calendar/").expect("the calendar link");
        let end = page.body[start..].find('"').unwrap() + start;
        paths.push(page.body[start..end].to_string());

        let mut seen = Vec::new();
        for path in paths {
            let page = client.get(&path).await;
            // A page the director may not open at all (404) shows nothing either.
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND,
                "{path}: {}",
                page.status
            );
            seen.push((path, page.body));
        }
        seen
    }
}

#[tokio::test]
async fn directors_see_an_under_18_marker_and_never_a_date_of_birth_or_an_agent() {
    let set = set().await;
    let mut dana = set.app.signed_in("dana@example.test").await;

    for (path, body) in set.everything_a_director_reaches(&mut dana).await {
        for secret in MINOR_BORN.iter().chain(&ADULT_BORN).chain(&AGENT) {
            assert!(!body.contains(secret), "{path} shows {secret:?}");
        }
    }
    // The two CSV exports are not the director's to download at all.
    for export in ["/footage-use.csv", "/budget.csv"] {
        assert_eq!(
            dana.get(&set.path(export)).await.status,
            StatusCode::NOT_FOUND
        );
    }

    let list = dana.get(&set.path("/cast")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.body.matches(MARKER).count(),
        1,
        "only Robin is a minor"
    );
    assert!(!list.body.contains("Born"));
    assert!(!list.body.contains("Representative"));
    let robin = dana.get(&set.path(&format!("/cast/{}", set.minor))).await;
    assert!(robin.body.contains(MARKER));
    // Seventeen today, eighteen by the only shoot day: the shoot date is what counts.
    let jules = dana
        .get(&set.path(&format!("/cast/{}", set.turns_18)))
        .await;
    assert!(!jules.body.contains(MARKER));
    let alex = dana.get(&set.path(&format!("/cast/{}", set.adult))).await;
    assert!(!alex.body.contains(MARKER));
}

#[tokio::test]
async fn coordinators_and_producers_still_read_dates_of_birth_and_agents() {
    let set = set().await;
    for email in ["cory@example.test", "pat@example.test"] {
        let mut client = set.app.signed_in(email).await;
        let list = client.get(&set.path("/cast")).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Sun 14 Mar 2010"), "{email}");
        assert!(list.body.contains("Mon 9 Jul 1990"), "{email}");
        assert!(list.body.contains("kim@agents.test"), "{email}");
        assert_eq!(list.body.matches(MARKER).count(), 1, "{email}");
        let robin = client.get(&set.path(&format!("/cast/{}", set.minor))).await;
        assert!(robin.body.contains("2010-03-14"), "{email}");
        assert!(robin.body.contains("kim@agents.test"), "{email}");
        assert!(robin.body.contains(MARKER), "{email}");
    }
}

#[tokio::test]
async fn performers_do_not_reach_the_cast_pages() {
    let set = set().await;
    let mut alex = set.app.signed_in("alex@example.test").await;
    for path in [
        set.path("/cast"),
        set.path(&format!("/cast/{}", set.minor)),
        set.path(&format!("/cast/{}", set.adult)),
    ] {
        assert_eq!(
            alex.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
