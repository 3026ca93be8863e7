//! Creating and editing productions, inviting and managing members, the home page.

use reqwest::StatusCode;

use crate::support::TestApp;

const GOOD: [(&str, &str); 8] = [
    ("title", "Night Swim"),
    ("kind", "feature"),
    ("phase", "pre_production"),
    ("time_zone", "America/New_York"),
    ("currency", "USD"),
    ("agreement", "sag_aftra"),
    ("notice_hours", "48"),
    ("ic_account_code", "2950"),
];

fn with(field: &str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    GOOD.iter()
        .map(|(k, v)| if *k == field { (*k, value) } else { (*k, *v) })
        .collect()
}

#[tokio::test]
async fn an_administrator_creates_a_production_and_becomes_its_producer() {
    let app = TestApp::spawn().await;
    app.admin("admin@example.test").await;
    let mut client = app.signed_in("admin@example.test").await;
    assert_eq!(client.get("/productions/new").await.status, StatusCode::OK);
    let page = client.post("/productions", &GOOD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id: i64 =
        sqlx::query_scalar("select production_id from production where title = 'Night Swim'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(page.location(), format!("/productions/{id}/members"));
    let home = client.get("/").await;
    assert!(home.body.contains("Night Swim"));
    assert!(home.body.contains("Producer"));
    let show = client.get(&format!("/productions/{id}")).await;
    assert!(show.body.contains("America/New_York"));
    assert!(show.body.contains("SAG-AFTRA"));
}

#[tokio::test]
async fn bad_production_input_is_422_beside_the_field_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    app.admin("admin@example.test").await;
    let mut client = app.signed_in("admin@example.test").await;
    for (field, value) in [
        ("title", "   "),
        ("time_zone", "Mars/Olympus_Mons"),
        // A Windows name the schedule cannot read: it would put every call time in UTC.
        ("time_zone", "GMT Standard Time"),
        ("currency", "XYZ"),
        ("notice_hours", "forty-eight"),
        ("notice_hours", "721"),
        ("kind", "opera"),
        ("agreement", "guild"),
        ("ic_account_code", "29 50 !"),
    ] {
        let page = client.post("/productions", &with(field, value)).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field} has no message"
        );
        assert!(
            page.body.contains(&format!("href=\"#{field}\"")),
            "{field} not in the summary"
        );
        if field != "title" {
            assert!(page.body.contains("value=\"Night Swim\""), "title not kept");
        }
    }
    let count: i64 = sqlx::query_scalar("select count(*) from production")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing is saved from a bad form");
}

#[tokio::test]
async fn the_zone_list_offers_the_names_the_schedule_reads() {
    let app = TestApp::spawn().await;
    app.admin("admin@example.test").await;
    let mut client = app.signed_in("admin@example.test").await;
    let page = client.get("/productions/new").await;
    assert!(
        page.body
            .contains("<option selected>Europe/London</option>")
    );
    assert!(page.body.contains("<option>UTC</option>"));
    assert!(page.body.contains("<option>America/New_York</option>"));
    assert!(!page.body.contains("Standard Time"));
    let page = client
        .post("/productions", &with("time_zone", "GMT Standard Time"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"time_zone-error\""));
    // What was typed stays selected beside the message.
    assert!(
        page.body
            .contains("<option value=\"GMT Standard Time\" selected>GMT Standard Time</option>")
    );
}

#[tokio::test]
async fn people_who_produce_nothing_cannot_create_productions() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let perry = app.user("perry@example.test", "Perry").await;
    let production = app.production("Night Swim", pat).await;
    app.add_member(production, perry, "performer").await;
    let mut client = app.signed_in("perry@example.test").await;
    assert_eq!(
        client.get("/productions/new").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.post("/productions", &GOOD).await.status,
        StatusCode::NOT_FOUND
    );
    // A producer can.
    let mut pat_client = app.signed_in("pat@example.test").await;
    assert_eq!(
        pat_client.post("/productions", &GOOD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn producers_edit_settings() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let production = app.production("Night Swim", pat).await;
    let mut client = app.signed_in("pat@example.test").await;
    let page = client
        .post(
            &format!("/productions/{production}/settings"),
            &with("notice_hours", "72"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let hours: i32 =
        sqlx::query_scalar("select notice_hours from production where production_id = $1")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(hours, 72);
}

#[tokio::test]
async fn inviting_checks_the_address_the_role_and_existing_members() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let production = app.production("Night Swim", pat).await;
    let mut client = app.signed_in("pat@example.test").await;
    let path = format!("/productions/{production}/members");
    let page = client
        .post(&path, &[("email", "not-an-address"), ("role", "director")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"email-error\""));
    assert!(page.body.contains("value=\"not-an-address\""));
    let page = client
        .post(&path, &[("email", "dana@example.test"), ("role", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"role-error\""));
    let page = client
        .post(
            &path,
            &[("email", "PAT@example.test"), ("role", "director")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already a member"));
}

#[tokio::test]
async fn roles_change_and_the_last_producer_stays() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let dana = app.user("dana@example.test", "Dana").await;
    let production = app.production("Night Swim", pat).await;
    let dana_member = app.add_member(production, dana, "director").await;
    let pat_member: i64 = sqlx::query_scalar("select member_id from member where user_id = $1")
        .bind(pat)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut client = app.signed_in("pat@example.test").await;
    client
        .post(
            &format!("/productions/{production}/members/{dana_member}/role"),
            &[("role", "coordinator")],
        )
        .await;
    let role: String = sqlx::query_scalar("select role from member where member_id = $1")
        .bind(dana_member)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "coordinator");

    // The only producer cannot demote or remove themselves.
    client
        .post(
            &format!("/productions/{production}/members/{pat_member}/role"),
            &[("role", "performer")],
        )
        .await;
    client
        .post(
            &format!("/productions/{production}/members/{pat_member}/remove"),
            &[],
        )
        .await;
    let role: String = sqlx::query_scalar("select role from member where member_id = $1")
        .bind(pat_member)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "producer");
    let page = client
        .get(&format!("/productions/{production}/members"))
        .await;
    assert!(page.body.contains("at least one producer"));
}

#[tokio::test]
async fn the_demo_loads_once_and_every_account_sees_the_film() {
    let app = TestApp::spawn().await;
    let first = closedset::demo::load(&app.pool).await.unwrap();
    let second = closedset::demo::load(&app.pool).await.unwrap();
    assert_eq!(first, second);
    let productions: i64 = sqlx::query_scalar("select count(*) from production")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(productions, 1);
    // The breakdown and the two-week schedule come with it, once.
    let (scenes, versions, days, placed): (i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from scene), (select count(*) from scene_version),
                (select count(*) from shoot_day), (select count(*) from shoot_day_scene)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(scenes >= 10, "{scenes} scenes");
    assert!(versions >= 3, "{versions} versions");
    // Two working weeks ahead, the on-set demo's shoot day three days ago, and one today.
    assert_eq!(days, 12);
    assert!(placed >= 8, "{placed} scenes scheduled");
    for (email, _, role) in closedset::demo::PEOPLE {
        let mut client = app.client();
        let page = client.sign_in(email, closedset::demo::DEMO_PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{email}");
        let home = client.get("/").await;
        assert!(home.body.contains(closedset::demo::DEMO_TITLE), "{email}");
        let label = closedset::vocab::Role::parse(role).unwrap().label();
        assert!(
            home.body.contains(label),
            "{email} should see the role {label}"
        );
    }
}

#[tokio::test]
async fn a_removed_member_keeps_no_notices_and_no_calendar_of_the_production() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let cleo = app.user("cleo@example.test", "Cleo").await;
    let production = app.production("Night Swim", pat).await;
    let cleo_member = app.add_member(production, cleo, "coordinator").await;
    let notify = |user: i64| {
        let pool = app.pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            closedset::notifications::notify(
                &mut tx,
                production,
                &[user],
                closedset::notifications::kind::RIDER_SIGNED,
                "Alex Rivera signed the rider for scene 5A",
                &format!("/productions/{production}"),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    };
    notify(cleo).await;

    let mut client = app.signed_in("cleo@example.test").await;
    assert!(client.get("/").await.body.contains("(1 unread)"));
    let page = client
        .post(&format!("/productions/{production}/calendar"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = client
        .get(&format!("/productions/{production}/calendar"))
        .await;
    let start = page.body.find("/calendar/").expect("the calendar link");
    let end = page.body[start..].find('"').unwrap() + start;
    let feed = page.body[start..end].to_string();
    assert_eq!(app.client().get(&feed).await.status, StatusCode::OK);

    let mut producer = app.signed_in("pat@example.test").await;
    let page = producer
        .post(
            &format!("/productions/{production}/members/{cleo_member}/remove"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    // The header no longer counts a notice from a production Cleo has left.
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("unread)"), "{}", home.body);
    let left: i64 = sqlx::query_scalar("select count(*) from notification where user_id = $1")
        .bind(cleo)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    // A notice sent after the removal does not reach her either.
    notify(cleo).await;
    assert!(!client.get("/").await.body.contains("unread)"));
    // The calendar link made while she was a member stops working.
    assert_eq!(app.client().get(&feed).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn two_producers_demoting_each_other_at_once_leave_one_producer() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let quinn = app.user("quinn@example.test", "Quinn").await;
    let production = app.production("Night Swim", pat).await;
    app.add_member(production, quinn, "producer").await;
    let mut pat_client = app.signed_in("pat@example.test").await;
    let mut quinn_client = app.signed_in("quinn@example.test").await;
    // Each round: both producers at once, one demoting the other, one removing the other.
    for round in 0..6 {
        let member_of = |user: i64| {
            sqlx::query_scalar::<_, i64>("select member_id from member where user_id = $1")
                .bind(user)
                .fetch_one(&app.pool)
        };
        let pat_member = member_of(pat).await.unwrap();
        let quinn_member = member_of(quinn).await.unwrap();
        let (pat_path, quinn_path, fields): (String, String, Vec<(&str, &str)>) = if round % 2 == 0
        {
            (
                format!("/productions/{production}/members/{quinn_member}/role"),
                format!("/productions/{production}/members/{pat_member}/role"),
                vec![("role", "director")],
            )
        } else {
            (
                format!("/productions/{production}/members/{quinn_member}/remove"),
                format!("/productions/{production}/members/{pat_member}/remove"),
                vec![],
            )
        };
        let (a, b) = tokio::join!(
            pat_client.post(&pat_path, &fields),
            quinn_client.post(&quinn_path, &fields)
        );
        // Whoever is demoted or removed first is no longer a producer: their own request
        // may then find nothing to manage.
        for page in [a, b] {
            assert!(
                [StatusCode::SEE_OTHER, StatusCode::NOT_FOUND].contains(&page.status),
                "{}",
                page.status
            );
        }
        let producers: i64 = sqlx::query_scalar(
            "select count(*) from member where production_id = $1 and role = 'producer'",
        )
        .bind(production)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(producers, 1, "round {round}");
        // Back to two producers for the next round.
        sqlx::query(
            "insert into member (production_id, user_id, role) values ($1, $2, 'producer'),
                    ($1, $3, 'producer')
             on conflict (production_id, user_id) do update set role = 'producer'",
        )
        .bind(production)
        .bind(pat)
        .bind(quinn)
        .execute(&app.pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_new_invitation_link_says_how_long_it_works() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let production = app.production("Night Swim", pat).await;
    let mut client = app.signed_in("pat@example.test").await;
    let page = client
        .post(
            &format!("/productions/{production}/members"),
            &[("email", "cleo@example.test"), ("role", "coordinator")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = client
        .get(&format!("/productions/{production}/members"))
        .await;
    let days = closedset::accounts::INVITATION_DAYS;
    assert!(
        page.body
            .contains(&format!("works once and expires in {days} days.")),
        "{}",
        page.body
    );
}
