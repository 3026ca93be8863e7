//! The IC budget over HTTP: lines with exact money, 422 beside the field, producers only,
//! the topsheet and R12 warnings from the schedule, the CSV export and the demo budget.

use reqwest::StatusCode;

use closedset::vocab::body::IntimacyKind;
use closedset::vocab::breakdown::{Breakdown, empty_breakdown};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::support::{Client, TestApp, build};

/// A production (GBP, account 2950) with its producer pat signed in.
struct Set {
    app: TestApp,
    production: i64,
    pat: Client,
}

async fn set_up() -> Set {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let pat = app.signed_in("pat@example.test").await;
    Set {
        app,
        production,
        pat,
    }
}

impl Set {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    async fn add_line(&mut self, fields: &[(&str, &str)]) -> crate::support::Page {
        let path = self.path("/budget/lines");
        self.pat.post(&path, fields).await
    }

    async fn line_id(&self, description: &str) -> i64 {
        sqlx::query_scalar("select budget_line_id from budget_line where description = $1")
            .bind(description)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    /// A scene with a current version: simulated sex (flagged) or a kiss (not flagged).
    async fn scene(&self, number: &str, flagged: bool) -> i64 {
        let scene_id = build::scene(&self.app, self.production, number).await;
        let kind = if flagged {
            IntimacyKind::SimulatedSex
        } else {
            IntimacyKind::Kiss
        };
        let breakdown = Breakdown {
            kinds: vec![kind],
            ..empty_breakdown()
        };
        build::breakdown(&self.app, self.production, scene_id, &breakdown, None).await;
        scene_id
    }

    /// A shoot day on `date` with the scenes on it, in order.
    async fn day(&self, date: &str, scenes: &[i64]) {
        let day = build::shoot_day(&self.app, self.production, build::date(date)).await;
        for scene in scenes {
            build::place(&self.app, day, *scene).await;
        }
    }

    async fn rehearsal(&self, scene: i64, starts_at: OffsetDateTime) {
        build::rehearsal(&self.app, scene, starts_at, starts_at + Duration::hours(2)).await;
    }

    async fn lines(&self) -> i64 {
        sqlx::query_scalar("select count(*) from budget_line")
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

/// The text of the topsheet row for a category, tags removed.
fn topsheet_row(body: &str, label: &str) -> String {
    let start = body.find("id=\"topsheet\"").expect("a topsheet");
    let table = &body[start..body[start..].find("</table>").unwrap() + start];
    let at = table
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("no {label} row"));
    let row = &table[at..at + table[at..].find("</tr>").unwrap()];
    // Inline emphasis joins its words; cell boundaries become spaces.
    let row = row.replace("<strong>", "").replace("</strong>", "");
    let mut text = String::new();
    let mut in_tag = false;
    for c in row.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn producers_add_edit_and_delete_lines_with_exact_money() {
    let mut set = set_up().await;
    let page = set.pat.get(&set.path("/budget")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No budget lines yet"));
    // The account code defaults to the production's IC account code.
    assert!(
        page.body
            .contains("name=\"account_code\" type=\"text\" value=\"2950\"")
    );
    assert!(
        page.body.contains("/budget\">Budget</a>"),
        "the nav links the budget"
    );

    let page = set
        .add_line(&[
            ("account_code", "2950"),
            ("category", "shoot"),
            ("description", "IC on set"),
            ("quantity", "2.5"),
            ("unit_rate", "1,250.50"),
            ("planned", ""),
            ("actual", ""),
        ])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (quantity, rate, planned, actual): (i64, i64, i64, i64) =
        sqlx::query_as("select quantity_hundredths, unit_rate, planned, actual from budget_line")
            .fetch_one(&set.app.pool)
            .await
            .unwrap();
    // 2.5 × £1,250.50 = £3,126.25, exactly, in pence.
    assert_eq!(
        (quantity, rate, planned, actual),
        (250, 125_050, 312_625, 0)
    );
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(
        page.body.contains("IC on set&#34;: £3,126.25 planned."),
        "{}",
        page.body
    );
    assert!(page.body.contains("£1,250.50"));
    assert!(page.body.contains(">2.5<"));

    let id = set.line_id("IC on set").await;
    let edit = set.pat.get(&set.path(&format!("/budget/lines/{id}"))).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("value=\"1250.50\""));
    assert!(edit.body.contains("value=\"3126.25\""));
    let page = set
        .pat
        .post(
            &set.path(&format!("/budget/lines/{id}")),
            &[
                ("account_code", "2951"),
                ("category", "shoot"),
                ("description", "IC on set, main unit"),
                ("quantity", "3"),
                ("unit_rate", "1250.5"),
                ("planned", "3,500"),
                ("actual", "£3,751.50"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (code, planned, actual): (String, i64, i64) =
        sqlx::query_as("select account_code, planned, actual from budget_line")
            .fetch_one(&set.app.pool)
            .await
            .unwrap();
    assert_eq!((code.as_str(), planned, actual), ("2951", 350_000, 375_150));
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(
        page.body.contains("+£251.50"),
        "variance shown with its sign"
    );

    let page = set
        .pat
        .post(&set.path(&format!("/budget/lines/{id}/delete")), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(set.lines().await, 0);
    let again = set
        .pat
        .post(&set.path(&format!("/budget/lines/{id}/delete")), &[])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_amount_is_refused_beside_the_field_keeping_what_was_typed() {
    let mut set = set_up().await;
    let page = set
        .add_line(&[
            ("account_code", "2950"),
            ("category", "garments"),
            ("description", "Robes & \"barrier\" cushions"),
            ("quantity", "2"),
            ("unit_rate", "12,50"),
            ("planned", "-5"),
            ("actual", ""),
        ])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"unit_rate-error\""));
    assert!(page.body.contains("href=\"#unit_rate\""));
    assert!(page.body.contains("commas only between thousands"));
    assert!(page.body.contains("id=\"planned-error\""));
    assert!(page.body.contains("without a minus sign"));
    // What was typed is still there.
    assert!(page.body.contains("value=\"12,50\""));
    assert!(page.body.contains("value=\"-5\""));
    assert!(
        page.body
            .contains(">Robes &#38; &#34;barrier&#34; cushions</textarea>")
    );
    assert!(page.body.contains("<option value=\"garments\" selected>"));
    assert_eq!(set.lines().await, 0, "nothing saved");

    // Editing answers the same way.
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "prep"),
        ("description", "Prep"),
        ("quantity", "1"),
        ("unit_rate", "650"),
    ])
    .await;
    let id = set.line_id("Prep").await;
    let page = set
        .pat
        .post(
            &set.path(&format!("/budget/lines/{id}")),
            &[
                ("account_code", ""),
                ("category", "prep"),
                ("description", "Prep"),
                ("quantity", "1.125"),
                ("unit_rate", "650.001"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"account_code-error\""));
    assert!(page.body.contains("id=\"quantity-error\""));
    assert!(page.body.contains("GBP has 2 decimal places"));
    assert!(page.body.contains("value=\"650.001\""));
    let rate: i64 = sqlx::query_scalar("select unit_rate from budget_line")
        .fetch_one(&set.app.pool)
        .await
        .unwrap();
    assert_eq!(rate, 65_000, "the line is unchanged");
}

#[tokio::test]
async fn a_yen_budget_takes_whole_amounts_only() {
    let mut set = set_up().await;
    sqlx::query("update production set currency = 'JPY' where production_id = $1")
        .bind(set.production)
        .execute(&set.app.pool)
        .await
        .unwrap();
    let fields = |rate: &'static str| {
        [
            ("account_code", "2950"),
            ("category", "shoot"),
            ("description", "IC day"),
            ("quantity", "2"),
            ("unit_rate", rate),
        ]
    };
    let page = set.add_line(&fields("85000.5")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("JPY has no smaller unit"));
    let page = set.add_line(&fields("¥85,000")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let planned: i64 = sqlx::query_scalar("select planned from budget_line")
        .fetch_one(&set.app.pool)
        .await
        .unwrap();
    assert_eq!(planned, 170_000);
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(page.body.contains("¥170,000"));
    assert!(!page.body.contains("¥170,000.00"));
    let csv = set.pat.get(&set.path("/budget.csv")).await;
    assert!(csv.body.contains(",2,85000,170000,0,"));
}

#[tokio::test]
async fn only_producers_reach_any_budget_route() {
    let mut set = set_up().await;
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "prep"),
        ("description", "Prep"),
        ("quantity", "1"),
        ("unit_rate", "650"),
    ])
    .await;
    let id = set.line_id("Prep").await;
    for (email, role) in [
        ("dana@example.test", "director"),
        ("perry@example.test", "performer"),
        ("cory@example.test", "coordinator"),
    ] {
        let user = set.app.user(email, role).await;
        set.app.add_member(set.production, user, role).await;
        let mut client = set.app.signed_in(email).await;
        for path in [
            "/budget".to_string(),
            "/budget.csv".to_string(),
            format!("/budget/lines/{id}"),
        ] {
            let page = client.get(&set.path(&path)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{role} GET {path}");
            assert!(!page.body.contains("650"), "{role} saw an amount");
        }
        let form = [
            ("account_code", "1"),
            ("category", "other"),
            ("description", "Sneaked"),
            ("quantity", "1"),
            ("unit_rate", "1"),
            ("ic_day_rate", "1"),
            ("prep_days", "0"),
            ("post_days", "0"),
        ];
        for path in [
            "/budget/lines".to_string(),
            format!("/budget/lines/{id}"),
            format!("/budget/lines/{id}/delete"),
            "/budget/settings".to_string(),
        ] {
            let page = client.post(&set.path(&path), &form).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{role} POST {path}");
        }
        // No nav link for them either.
        let home = client.get(&set.path("")).await;
        assert!(
            !home.body.contains("/budget\""),
            "{role} sees a budget link"
        );
    }
    let (count, description): (i64, String) =
        sqlx::query_as("select count(*), min(description) from budget_line")
            .fetch_one(&set.app.pool)
            .await
            .unwrap();
    assert_eq!((count, description.as_str()), (1, "Prep"));
    let settings: i64 = sqlx::query_scalar("select count(*) from budget_setting")
        .fetch_one(&set.app.pool)
        .await
        .unwrap();
    assert_eq!(settings, 0);
}

#[tokio::test]
async fn the_topsheet_and_warnings_follow_the_schedule() {
    let mut set = set_up().await;
    let s1 = set.scene("12", true).await;
    let s2 = set.scene("14", true).await;
    let s3 = set.scene("20", false).await;
    let omitted = set.scene("31", true).await;
    sqlx::query("update scene set omitted = true where scene_id = $1")
        .bind(omitted)
        .execute(&set.app.pool)
        .await
        .unwrap();
    // Two flagged scenes on one day: one IC day. A day with only an unflagged scene or an
    // omitted one: none. A second flagged day.
    set.day("2027-05-03", &[s1, s2, s3]).await;
    set.day("2027-05-04", &[s3, omitted]).await;
    set.day("2027-05-06", &[s2]).await;
    // Two rehearsals on one local date (the second just before midnight in London) and one of
    // an unflagged scene: one IC day.
    set.rehearsal(s1, datetime!(2027-04-28 10:00 +01)).await;
    set.rehearsal(s2, datetime!(2027-04-28 23:30 +01)).await;
    set.rehearsal(s3, datetime!(2027-04-29 10:00 +01)).await;

    let page = set
        .pat
        .post(
            &set.path("/budget/settings"),
            &[
                ("ic_day_rate", "650"),
                ("prep_days", "0.5"),
                ("post_days", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "shoot"),
        ("description", "IC on set"),
        ("quantity", "1"),
        ("unit_rate", "650"),
        ("actual", "1,300"),
    ])
    .await;
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "garments"),
        ("description", "Modesty garments"),
        ("quantity", "1"),
        ("unit_rate", "420"),
        ("actual", "385.40"),
    ])
    .await;

    let page = set.pat.get(&set.path("/budget")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    // 2 flagged scenes: prep 1 day, post 2 days; 1 rehearsal date; 2 flagged shoot days.
    assert!(body.contains(
        "2 flagged scenes, 1 rehearsal date and 2 shoot days with flagged scenes: 6 IC days in all."
    ));
    assert_eq!(
        topsheet_row(body, "Prep"),
        "Prep £0.00 1 £650.00 £0.00 £0.00 Within budget; forecast above plan"
    );
    assert_eq!(
        topsheet_row(body, "Rehearsal"),
        "Rehearsal £0.00 1 £650.00 £0.00 £0.00 Within budget; forecast above plan"
    );
    assert_eq!(
        topsheet_row(body, "Shoot"),
        "Shoot £650.00 2 £1,300.00 £1,300.00 +£650.00 Over budget; forecast above plan"
    );
    assert_eq!(
        topsheet_row(body, "Post review"),
        "Post review £0.00 2 £1,300.00 £0.00 £0.00 Within budget; forecast above plan"
    );
    assert_eq!(
        topsheet_row(body, "Modesty garments"),
        "Modesty garments £420.00 £420.00 £385.40 -£34.60 Within budget"
    );
    assert_eq!(
        topsheet_row(body, "Total"),
        "Total £1,070.00 6 £4,320.00 £1,685.40 +£615.40 Over budget; forecast above plan"
    );
    // The warnings name the flagged shoot day no budgeted day covers, and zero prep.
    assert!(body.contains(
        "1 shoot day with flagged scenes has no IC day budgeted (1 shoot day budgeted): \
         Thu 6 May 2027."
    ));
    assert!(body.contains("Prep is zero"));
    // The chart is inline SVG described by the topsheet, with no inline style or script.
    assert!(body.contains("role=\"img\""));
    assert!(body.contains("aria-describedby=\"topsheet\""));
    assert!(body.contains("<title id=\"budget-chart-title\">"));
    assert!(!body.contains("style="));
    // The only script is the layout's external live-notices file.
    assert_eq!(
        body.matches("<script").count(),
        body.matches("<script src=\"/static/live.js\" defer></script>")
            .count()
    );

    // Budgeting the second day and some prep clears both warnings.
    let id = set.line_id("IC on set").await;
    set.pat
        .post(
            &set.path(&format!("/budget/lines/{id}")),
            &[
                ("account_code", "2950"),
                ("category", "shoot"),
                ("description", "IC on set"),
                ("quantity", "2"),
                ("unit_rate", "650"),
                ("actual", "1,300"),
            ],
        )
        .await;
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "prep"),
        ("description", "Prep"),
        ("quantity", "1"),
        ("unit_rate", "650"),
    ])
    .await;
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(!page.body.contains("Check the budget"), "{}", page.body);
    assert!(topsheet_row(&page.body, "Shoot").contains("Within budget"));
}

#[tokio::test]
async fn settings_are_checked_beside_the_field_and_change_the_forecast() {
    let mut set = set_up().await;
    let s1 = set.scene("12", true).await;
    set.day("2027-05-03", &[s1]).await;
    let page = set
        .pat
        .post(
            &set.path("/budget/settings"),
            &[
                ("ic_day_rate", "6.5.0"),
                ("prep_days", "abc"),
                ("post_days", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"ic_day_rate-error\""));
    assert!(page.body.contains("id=\"prep_days-error\""));
    assert!(page.body.contains("value=\"6.5.0\""));
    assert!(page.body.contains("value=\"abc\""));

    // No rate and no lines: forecast 0, with a warning saying so.
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(
        page.body
            .contains("No IC day rate is set and no shoot line has a rate")
    );

    let page = set
        .pat
        .post(
            &set.path("/budget/settings"),
            &[
                ("ic_day_rate", "800"),
                ("prep_days", "2"),
                ("post_days", "0.25"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(page.body.contains("IC days are priced at £800.00 a day."));
    assert_eq!(
        topsheet_row(&page.body, "Prep"),
        "Prep £0.00 2 £1,600.00 £0.00 £0.00 Within budget; forecast above plan"
    );
    assert!(topsheet_row(&page.body, "Post review").contains(" 0.25 £200.00 "));
    assert!(page.body.contains("value=\"800.00\""));

    // Setting prep to zero is warned about.
    set.pat
        .post(
            &set.path("/budget/settings"),
            &[("ic_day_rate", ""), ("prep_days", "0"), ("post_days", "1")],
        )
        .await;
    let page = set.pat.get(&set.path("/budget")).await;
    assert!(page.body.contains("Prep per flagged scene is set to zero"));
}

#[tokio::test]
async fn the_csv_export_is_rfc_4180_with_a_bom() {
    let mut set = set_up().await;
    let s1 = set.scene("12", true).await;
    set.day("2027-05-03", &[s1]).await;
    set.pat
        .post(
            &set.path("/budget/settings"),
            &[
                ("ic_day_rate", "650"),
                ("prep_days", "0.5"),
                ("post_days", "1"),
            ],
        )
        .await;
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "garments"),
        ("description", "Robes, \"warm\" layers\nand slippers"),
        ("quantity", "2.5"),
        ("unit_rate", "1,250.50"),
        ("actual", "100"),
    ])
    .await;
    set.add_line(&[
        ("account_code", "2950"),
        ("category", "shoot"),
        ("description", "=HYPERLINK(\"x\")"),
        ("quantity", "1"),
        ("unit_rate", "650"),
    ])
    .await;
    let page = set.pat.get(&set.path("/budget.csv")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        page.headers["content-disposition"],
        "attachment; filename=\"night-swim-ic-budget.csv\""
    );
    // reqwest's text() strips a BOM, so read it as the bytes say.
    let raw = set
        .pat
        .http
        .get(set.app.url(&set.path("/budget.csv")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBFaccount code,"));
    let text = String::from_utf8(raw[3..].to_vec()).unwrap();
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        rows[0],
        "account code,category,description,quantity,unit rate,planned,actual,forecast"
    );
    assert_eq!(
        rows[1],
        "2950,shoot,\"'=HYPERLINK(\"\"x\"\")\",1,650.00,650.00,0.00,650.00"
    );
    assert_eq!(
        rows[2],
        "2950,garments,\"Robes, \"\"warm\"\" layers\nand slippers\",2.5,1250.50,3126.25,100.00,3126.25"
    );
    // Prep (0.5 day) and post (1 day) have no line: their forecast gets a row of its own.
    assert_eq!(
        rows[3],
        "2950,prep,Not budgeted: IC days the schedule needs,0.5,650.00,0.00,0.00,325.00"
    );
    assert_eq!(
        rows[4],
        "2950,post,Not budgeted: IC days the schedule needs,1,650.00,0.00,0.00,650.00"
    );
    assert_eq!(rows[5], "", "the file ends with CRLF");
    assert_eq!(rows.len(), 6);
}

#[tokio::test]
async fn the_demo_budget_loads_once_with_one_category_over() {
    let mut set = set_up().await;
    closedset::demo::budget::load(&set.app.pool, set.production)
        .await
        .unwrap();
    closedset::demo::budget::load(&set.app.pool, set.production)
        .await
        .unwrap();
    assert_eq!(set.lines().await, 8);
    let page = set.pat.get(&set.path("/budget")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(topsheet_row(&page.body, "Shoot").contains("Over budget"));
    for label in [
        "Prep",
        "Rehearsal",
        "Post review",
        "Modesty garments",
        "Other",
    ] {
        assert!(
            topsheet_row(&page.body, label).contains("Within budget"),
            "{label}"
        );
    }
    assert!(page.body.contains("IC days are priced at £650.00 a day."));
}
