//! Issue #18 over HTTP: text at the edge (trimmed, composed, length-capped with a message beside
//! the field) and values in range (dates, money, counts), refused with 422 and nothing stored;
//! and the database's own checks behind the forms.

use reqwest::StatusCode;

use crate::support::{Client, Page, TestApp, build};

mod database;
mod riders;

const HUGE: usize = 100_000;

struct Film {
    app: TestApp,
    production: i64,
    alex_cast: i64,
    scene: i64,
}

/// A production with a producer, a coordinator and a performer (#1, linked), and scene 5A with
/// them in it.
async fn film() -> Film {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex Rivera").await;
    app.add_member(production, alex, "performer").await;
    let alex_cast = build::cast(&app, production, 1, "Alex Rivera")
        .playing("Someone")
        .linked_to(Some(alex))
        .await;
    let scene = build::scene(&app, production, "5A")
        .on_set("Lake house bedroom")
        .with(&[alex_cast])
        .await;
    Film {
        app,
        production,
        alex_cast,
        scene,
    }
}

impl Film {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    async fn count(&self, table: &str) -> i64 {
        self.app.rows_of(table, self.production).await
    }

    /// Saves the breakdown of 5A through the editor, with this act for #1.
    async fn save_breakdown(&self, cora: &mut Client, act: &str) -> Page {
        let id = self.alex_cast;
        let fields = vec![
            ("kinds".to_string(), "nudity".to_string()),
            (format!("p{id}_nudity"), "partial_upper".to_string()),
            (format!("p{id}_shown"), "upper_back".to_string()),
            (format!("p{id}_acts"), act.to_string()),
            ("garments".to_string(), "Flesh-tone patch".to_string()),
            ("closed_set".to_string(), "Cora Coordinator".to_string()),
            ("monitor_list".to_string(), "Cora Coordinator".to_string()),
        ];
        post_owned(
            cora,
            &self.path(&format!("/scenes/{}/breakdown", self.scene)),
            &fields,
        )
        .await
    }
}

async fn post_owned(client: &mut Client, path: &str, fields: &[(String, String)]) -> Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

/// A 422 page with the message beside `field` (not only in the summary at the top).
fn refused_beside(page: &Page, field: &str, words: &str) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let beside = format!("id=\"{field}-error\"");
    let at = page
        .body
        .find(&beside)
        .unwrap_or_else(|| panic!("no message beside {field}"));
    let message = &page.body[at..page.body[at..]
        .find("</p>")
        .map_or(page.body.len(), |e| at + e)];
    assert!(message.contains(words), "beside {field}: {message}");
}

#[tokio::test]
async fn impossible_dates_are_refused_beside_the_field_and_never_stored() {
    let f = film().await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    for date in ["0000-01-01", "1999-12-31", "2100-01-01"] {
        let page = pat
            .post(
                &f.path("/schedule"),
                &[("shoot_date", date), ("call_time", "07:00"), ("unit", "")],
            )
            .await;
        refused_beside(&page, "shoot_date", "from 2000-01-01 to 2099-12-31");
    }
    let page = pat
        .post(
            &f.path("/schedule"),
            &[("shoot_date", "-0001-01-01"), ("call_time", "07:00")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"shoot_date-error\""));
    assert_eq!(f.count("shoot_day").await, 0);

    // A date of birth before 1900 (year 0000 among them) is a mistyped year.
    for dob in ["1899-12-31", "0000-03-01"] {
        let page = pat
            .post(
                &f.path("/cast"),
                &[
                    ("cast_number", "2"),
                    ("name", "Sam"),
                    ("date_of_birth", dob),
                ],
            )
            .await;
        refused_beside(&page, "date_of_birth", "from 1900-01-01 on");
    }
    assert_eq!(f.count("cast_member").await, 1);

    let mut cora = f.app.signed_in("cora@example.test").await;
    let cast = f.alex_cast.to_string();
    let page = cora
        .post(
            &f.path("/conversations"),
            &[
                ("kind", "scene_preparation"),
                ("performers", &cast),
                ("date", "0000-06-01"),
                ("time", "10:00"),
                ("summary", "Walked through the scene."),
                ("follow_up_1", "Check the patch"),
                ("follow_up_due_1", "2200-01-01"),
            ],
        )
        .await;
    refused_beside(&page, "date", "from 2000-01-01 to 2099-12-31");
    refused_beside(&page, "follow_up_due_1", "from 2000-01-01 to 2099-12-31");
    assert_eq!(f.count("conversation").await, 0);

    // The post-production review of a flagged scene.
    let page = f.save_breakdown(&mut cora, "Removes shirt").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = cora
        .post(
            &f.path(&format!("/scenes/{}/post-review", f.scene)),
            &[("reviewed_on", "1066-10-14"), ("outcome", "as_agreed")],
        )
        .await;
    refused_beside(&page, "reviewed_on", "from 2000-01-01 to 2099-12-31");
    assert_eq!(f.count("post_review").await, 0);
}

#[tokio::test]
async fn negative_and_huge_money_is_refused_beside_the_field() {
    let f = film().await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    let settings = f.path("/budget/settings");
    let page = pat
        .post(
            &settings,
            &[
                ("ic_day_rate", "2147483648"),
                ("prep_days", "0.5"),
                ("post_days", "1"),
            ],
        )
        .await;
    refused_beside(&page, "ic_day_rate", "at most 1,000,000 GBP");
    let page = pat
        .post(
            &settings,
            &[
                ("ic_day_rate", "-5"),
                ("prep_days", "0.5"),
                ("post_days", "1"),
            ],
        )
        .await;
    refused_beside(&page, "ic_day_rate", "without a minus sign");
    let stored: i64 = sqlx::query_scalar("select count(*) from budget_setting")
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    let line = |rate: &'static str, planned: &'static str| {
        vec![
            ("account_code", "2950"),
            ("category", "shoot"),
            ("description", "IC shoot days"),
            ("quantity", "2"),
            ("unit_rate", rate),
            ("planned", planned),
        ]
    };
    let lines = f.path("/budget/lines");
    let page = pat.post(&lines, &line("1,000,000.01", "")).await;
    refused_beside(&page, "unit_rate", "at most 1,000,000 GBP");
    let page = pat.post(&lines, &line("-650", "")).await;
    refused_beside(&page, "unit_rate", "without a minus sign");
    let page = pat.post(&lines, &line("650", "99999999999999999")).await;
    refused_beside(&page, "planned", "too large");
    assert_eq!(f.count("budget_line").await, 0);

    // The largest rate is taken, and its planned amount is stored whole.
    let page = pat.post(&lines, &line("1,000,000", "")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let planned: i64 = sqlx::query_scalar("select planned from budget_line")
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(planned, 200_000_000);
}

#[tokio::test]
async fn a_hundred_thousand_characters_get_a_message_beside_the_field_and_are_never_stored() {
    let f = film().await;
    let huge = "x".repeat(HUGE);
    let mut pat = f.app.signed_in("pat@example.test").await;

    let page = pat
        .post(&f.path("/cast"), &[("cast_number", "2"), ("name", &huge)])
        .await;
    refused_beside(
        &page,
        "name",
        "Keep this to 300 characters or fewer (it has 100,000)",
    );
    assert_eq!(f.count("cast_member").await, 1);

    let page = pat
        .post(
            &f.path("/scenes"),
            &[
                ("number", "6"),
                ("int_ext", "int"),
                ("set_name", "Lake house"),
                ("time_of_day", "night"),
                ("eighths", "1"),
                ("revision_colour", "white"),
                ("synopsis", &huge),
            ],
        )
        .await;
    refused_beside(&page, "synopsis", "Keep this to 5,000 characters");
    // What was typed is kept in the form.
    assert!(page.body.contains(&huge));
    assert_eq!(f.count("scene").await, 1);

    let page = pat
        .post(
            &f.path("/budget/lines"),
            &[
                ("account_code", "2950"),
                ("category", "shoot"),
                ("description", &huge),
                ("quantity", "1"),
                ("unit_rate", "650"),
            ],
        )
        .await;
    refused_beside(&page, "description", "Keep this to 5,000 characters");
    assert_eq!(f.count("budget_line").await, 0);

    let page = pat
        .post(
            &f.path("/schedule"),
            &[
                ("shoot_date", "2030-05-04"),
                ("call_time", "07:00"),
                ("unit", &huge),
            ],
        )
        .await;
    refused_beside(&page, "unit", "Keep this to 100 characters");
    assert_eq!(f.count("shoot_day").await, 0);

    let mut cora = f.app.signed_in("cora@example.test").await;
    let page = f.save_breakdown(&mut cora, &huge).await;
    let acts = format!("p{}_acts", f.alex_cast);
    refused_beside(&page, &acts, "Keep this to 5,000 characters");
    assert_eq!(f.count("scene_version").await, 0);

    let cast = f.alex_cast.to_string();
    let page = cora
        .post(
            &f.path("/conversations"),
            &[
                ("kind", "scene_preparation"),
                ("performers", &cast),
                ("date", "2026-06-01"),
                ("time", "10:00"),
                ("summary", &huge),
            ],
        )
        .await;
    refused_beside(&page, "summary", "Keep this to 20,000 characters");
    assert_eq!(f.count("conversation").await, 0);

    let page = cora.post(&f.path("/concerns"), &[("body", &huge)]).await;
    refused_beside(&page, "body", "Keep this to 20,000 characters");
    assert_eq!(f.count("concern").await, 0);
}

#[tokio::test]
async fn text_is_stored_trimmed_and_composed() {
    let f = film().await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    // "Zoë Núñez" typed with combining marks, spaces around, a tab inside a one-line field.
    let page = pat
        .post(
            &f.path("/cast"),
            &[
                ("cast_number", " 2 "),
                ("name", "  Zoe\u{308} Nu\u{301}n\u{303}ez  "),
                ("character_name", "\tThe\tSwimmer "),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (name, character): (String, String) = sqlx::query_as(
        "select name, character_name from cast_member where production_id = $1 and cast_number = 2",
    )
    .bind(f.production)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(name, "Zo\u{eb} N\u{fa}\u{f1}ez");
    assert_eq!(name.chars().count(), 9);
    assert_eq!(character, "The Swimmer");

    // A paragraph keeps its line breaks, as \n whatever the browser sent.
    let page = pat
        .post(
            &f.path("/scenes"),
            &[
                ("number", "6"),
                ("int_ext", "int"),
                ("set_name", "  Lake house  "),
                ("time_of_day", "night"),
                ("eighths", "1"),
                ("revision_colour", "white"),
                ("synopsis", "  First line\r\nSecond line\rThird  "),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (set_name, synopsis): (String, String) =
        sqlx::query_as("select set_name, synopsis from scene where number = '6'")
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert_eq!(set_name, "Lake house");
    assert_eq!(synopsis, "First line\nSecond line\nThird");
}

#[tokio::test]
async fn marking_notices_read_up_to_a_negative_id_marks_nothing() {
    let f = film().await;
    let pat: i64 =
        sqlx::query_scalar("select user_id from app_user where email = 'pat@example.test'")
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    let notice: i64 = sqlx::query_scalar(
        "insert into notification (production_id, user_id, kind, message)
         values ($1, $2, 'withdrawn', 'A notice') returning notification_id",
    )
    .bind(f.production)
    .bind(pat)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    let unread = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from notification where user_id = $1 and read_at is null",
        )
        .bind(pat)
        .fetch_one(&f.app.pool)
        .await
        .unwrap()
    };
    let mut client = f.app.signed_in("pat@example.test").await;
    for up_to in ["-1", "-9223372036854775808", "99999999999999999999999"] {
        let page = client
            .post("/notifications/read", &[("up_to", up_to)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(unread().await, 1, "up_to={up_to}");
    }
    let page = client
        .post("/notifications/read", &[("up_to", &notice.to_string())])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(unread().await, 0);
}
