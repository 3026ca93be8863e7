//! The data of production-wide pages is kept by production revision (src/web/cache.rs): a second
//! view runs only the per-request statement, a change shows on the very next view, and a
//! performer's view is never served from a staff member's.

use reqwest::StatusCode;

use crate::support::{Client, TestApp};

async fn demo(app: &TestApp) -> (i64, Client) {
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let producer = app.demo_signed_in("producer@demo.test").await;
    (production, producer)
}

/// Views `path` twice: the second view must be served from the cache, running only the
/// per-request statement. Returns the body.
async fn cached_view(app: &TestApp, client: &mut Client, path: &str) -> String {
    cached_view_and(app, client, path, 0).await
}

/// As `cached_view`, for a page that also reads `fresh` statements of its own on every view.
async fn cached_view_and(app: &TestApp, client: &mut Client, path: &str, fresh: usize) -> String {
    let first = client.get(path).await;
    assert_eq!(first.status, StatusCode::OK, "{path}");
    let again = client.get(path).await;
    assert_eq!(again.status, StatusCode::OK, "{path}");
    let queries = app.queries(again.request_id());
    assert_eq!(
        queries.len(),
        1 + fresh,
        "{path} served from the cache: {queries:?}"
    );
    again.body
}

async fn execute(app: &TestApp, sql: &str, production: i64) {
    let changed = sqlx::query(sql)
        .bind(production)
        .execute(&app.pool)
        .await
        .unwrap()
        .rows_affected();
    assert!(changed > 0, "{sql}");
}

#[tokio::test]
async fn the_cached_scene_list_never_outlives_a_change_nor_serves_a_performer_the_staff_list() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let path = format!("/productions/{production}/scenes");
    let before = cached_view(&app, &mut producer, &path).await;
    assert!(!before.contains("PLANTEDSET"));
    // A scene none of performer1's: its set is renamed, which must show at once.
    execute(
        &app,
        "update scene set set_name = 'PLANTEDSET' where scene_id = (
             select s.scene_id from scene s where s.production_id = $1
               and not exists (select 1 from scene_cast sc join cast_member c using (cast_member_id)
                               join app_user u using (user_id)
                               where sc.scene_id = s.scene_id and u.email = 'performer1@demo.test')
             order by s.sort_key limit 1)",
        production,
    )
    .await;
    let after = cached_view(&app, &mut producer, &path).await;
    assert!(
        after.contains("PLANTEDSET"),
        "the rename shows on the next view"
    );

    // The staff list is cached with that scene; the performer's own list never shows it.
    let mut performer = app.demo_signed_in("performer1@demo.test").await;
    // The list is cached; their own consent words beside it are read fresh (their cast row
    // and the clearance of their scenes), as on their first page.
    let theirs = cached_view_and(&app, &mut performer, &path, 2).await;
    assert!(
        !theirs.contains("PLANTEDSET"),
        "a performer saw the staff list"
    );
    assert_ne!(theirs, after);

    // A cast member's link to a scene moves the list too (the cast column).
    let cast_before = cached_view(&app, &mut producer, &format!("{path}?intimate=yes")).await;
    execute(
        &app,
        "delete from scene_cast where scene_id = (
             select sc.scene_id from scene_cast sc join scene s using (scene_id)
             join scene_version v on v.scene_version_id = s.current_version_id
             where s.production_id = $1 and v.flagged order by s.sort_key limit 1)",
        production,
    )
    .await;
    let cast_after = cached_view(&app, &mut producer, &format!("{path}?intimate=yes")).await;
    assert_ne!(cast_before, cast_after, "the removed cast link shows");
}

#[tokio::test]
async fn the_cached_riders_list_never_outlives_a_change_nor_serves_a_performer_the_staff_list() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let path = format!("/productions/{production}/riders");
    let before = cached_view(&app, &mut producer, &path).await;
    // A performer other than performer1 is renamed.
    execute(
        &app,
        "update cast_member set name = 'Planted Name' where cast_member_id = (
             select c.cast_member_id from cast_member c join rider r using (cast_member_id)
             left join app_user u on u.user_id = c.user_id
             where c.production_id = $1 and u.email is distinct from 'performer1@demo.test'
             order by c.cast_number limit 1)",
        production,
    )
    .await;
    let after = cached_view(&app, &mut producer, &path).await;
    assert!(!before.contains("Planted Name") && after.contains("Planted Name"));

    // A rider's status moves it too.
    let revoked = |body: &str| body.matches(">Consent withdrawn<").count();
    execute(
        &app,
        "update rider set status = 'revoked', revoked_at = now() where rider_id = (
             select rider_id from rider where production_id = $1 and status = 'signed'
             order by rider_id limit 1)",
        production,
    )
    .await;
    let revoked_after = cached_view(&app, &mut producer, &path).await;
    assert_eq!(
        revoked(&revoked_after),
        revoked(&after) + 1,
        "{revoked_after}"
    );

    let mut performer = app.demo_signed_in("performer1@demo.test").await;
    let theirs = cached_view(&app, &mut performer, &path).await;
    assert!(
        !theirs.contains("Planted Name"),
        "a performer saw the staff list"
    );
}

#[tokio::test]
async fn the_cached_budget_never_outlives_a_change() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let path = format!("/productions/{production}/budget");
    let before = cached_view(&app, &mut producer, &path).await;
    assert!(!before.contains("PLANTED budget line"));
    execute(
        &app,
        "insert into budget_line (production_id, account_code, category, description,
                                  quantity_hundredths, unit_rate, planned)
         values ($1, '2950', 'shoot', 'PLANTED budget line', 100, 65000, 65000)",
        production,
    )
    .await;
    let after = cached_view(&app, &mut producer, &path).await;
    assert!(after.contains("PLANTED budget line"));
    // The forecast settings are the budget's too.
    execute(
        &app,
        "insert into budget_setting (production_id, prep_hundredths_per_scene,
                                     post_hundredths_per_scene, ic_day_rate)
         values ($1, 4200, 100, null)
         on conflict (production_id) do update set prep_hundredths_per_scene = 4200",
        production,
    )
    .await;
    let settings = cached_view(&app, &mut producer, &path).await;
    assert!(settings.contains("value=\"42\""), "the new prep days show");
    // The CSV export reads the same kept budget, and is never stale either.
    let csv = producer.get(&format!("{path}.csv")).await;
    assert!(csv.body.contains("PLANTED budget line"));
}

#[tokio::test]
async fn the_cached_stripboard_never_outlives_a_change_nor_serves_a_performer_the_staff_board() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let path = format!("/productions/{production}/schedule");
    let before = cached_view(&app, &mut producer, &path).await;
    // A banner on a day of the week shown.
    let day: i64 = sqlx::query_scalar(
        "select shoot_day_id from shoot_day where production_id = $1
         order by abs(shoot_date - current_date) limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into board_banner (production_id, shoot_day_id, after_position, kind, label)
         values ($1, $2, 0, 'note', 'PLANTED banner')",
    )
    .bind(production)
    .bind(day)
    .execute(&app.pool)
    .await
    .unwrap();
    let after = cached_view(&app, &mut producer, &path).await;
    assert!(!before.contains("PLANTED banner") && after.contains("PLANTED banner"));

    // Who is called to a rehearsal (listed on the board) moves it too.
    let called = |body: &str| body.matches("· Cast ").count();
    let rehearsals = called(&after);
    assert!(rehearsals > 0, "the demo has rehearsals");
    execute(
        &app,
        "delete from rehearsal_cast where production_id = $1",
        production,
    )
    .await;
    let uncalled = cached_view(&app, &mut producer, &path).await;
    assert_ne!(after, uncalled, "the rehearsal's cast changed");

    // A performer's board is their own, never the staff's.
    let mut performer = app.demo_signed_in("performer1@demo.test").await;
    let theirs = cached_view(&app, &mut performer, &path).await;
    assert!(
        !theirs.contains("Unscheduled (the pool)"),
        "a performer saw the staff board"
    );
}

/// A person's new name shows at once on every cached page of their productions.
#[tokio::test]
async fn a_renamed_member_moves_the_revision_of_their_productions_only() {
    let app = TestApp::spawn().await;
    let (production, _) = demo(&app).await;
    let revision = || async {
        sqlx::query_scalar::<_, i64>("select revision from production where production_id = $1")
            .bind(production)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = revision().await;
    sqlx::query(
        "update app_user set password_hash = password_hash where email = 'coordinator@demo.test'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        revision().await,
        before,
        "only a changed name or address moves it"
    );
    sqlx::query("update app_user set name = 'Planted Name' where email = 'coordinator@demo.test'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(revision().await, before + 1);
}

/// The demo's day today, where performer1 is called.
async fn today(app: &TestApp, production: i64) -> i64 {
    sqlx::query_scalar(
        "select d.shoot_day_id from shoot_day d
         join shoot_day_scene ds using (shoot_day_id)
         join scene_cast sc using (scene_id) join cast_member c using (cast_member_id)
         join app_user u using (user_id)
         where d.production_id = $1 and u.email = 'performer1@demo.test'
         order by abs(d.shoot_date - current_date) limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_cached_shoot_day_and_call_sheet_never_outlive_a_change() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let day = today(&app, production).await;
    let day_path = format!("/productions/{production}/schedule/{day}");
    let sheet_path = format!("{day_path}/call-sheet");
    let day_before = cached_view(&app, &mut producer, &day_path).await;
    // Who opened and confirmed each published copy is read fresh, for those who publish.
    let sheet_before = cached_view_and(&app, &mut producer, &sheet_path, 1).await;
    sqlx::query("update shoot_day set notes = 'PLANTED notes' where shoot_day_id = $1")
        .bind(day)
        .execute(&app.pool)
        .await
        .unwrap();
    let day_after = cached_view(&app, &mut producer, &day_path).await;
    assert!(!day_before.contains("PLANTED notes") && day_after.contains("PLANTED notes"));

    let sheet_after = cached_view_and(&app, &mut producer, &sheet_path, 1).await;
    assert!(!sheet_before.contains("PLANTED notes") && sheet_after.contains("PLANTED notes"));
    // Key contacts carry members' e-mail addresses: a changed one shows at once.
    sqlx::query(
        "update app_user set email = 'planted@demo.test' where email = 'coordinator@demo.test'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let contacts = cached_view_and(&app, &mut producer, &sheet_path, 1).await;
    assert!(!sheet_after.contains("planted@demo.test") && contacts.contains("planted@demo.test"));

    // The performer's sheet and day are theirs, not the staff's kept ones: the producer's
    // editing forms never reach them.
    let mut performer = app.demo_signed_in("performer1@demo.test").await;
    let their_day = cached_view(&app, &mut performer, &day_path).await;
    assert!(day_after.contains("name=\"notes\"") && !their_day.contains("name=\"notes\""));
    let their_sheet = cached_view(&app, &mut performer, &sheet_path).await;
    assert_ne!(their_sheet, sheet_after);
}

#[tokio::test]
async fn the_cached_footage_use_never_outlives_a_change() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let page = format!("/productions/{production}/footage-use");
    let csv = format!("{page}.csv");
    let page_before = cached_view(&app, &mut producer, &page).await;
    let csv_before = cached_view(&app, &mut producer, &csv).await;
    // A performer of a flagged scene is renamed: both the page and the file show it at once.
    execute(
        &app,
        "update cast_member set name = 'Planted Name' where cast_member_id = (
             select sc.cast_member_id from scene_cast sc join scene s using (scene_id)
             join scene_version v on v.scene_version_id = s.current_version_id
             where s.production_id = $1 and v.flagged and not s.omitted
             order by s.sort_key limit 1)",
        production,
    )
    .await;
    let page_after = cached_view(&app, &mut producer, &page).await;
    let csv_after = cached_view(&app, &mut producer, &csv).await;
    assert!(!page_before.contains("Planted Name") && page_after.contains("Planted Name"));
    assert!(!csv_before.contains("Planted Name") && csv_after.contains("Planted Name"));
    // Every signed rider withdrawn: the consent column moves.
    execute(
        &app,
        "update rider set status = 'revoked', revoked_at = now()
         where production_id = $1 and status = 'signed'",
        production,
    )
    .await;
    let revoked = cached_view(&app, &mut producer, &csv).await;
    assert_ne!(revoked, csv_after, "withdrawals show in the file");
}

#[tokio::test]
async fn a_performers_cached_first_page_is_theirs_and_never_outlives_a_change() {
    let app = TestApp::spawn().await;
    let (production, _) = demo(&app).await;
    let path = format!("/productions/{production}");
    let mut one = app.demo_signed_in("performer1@demo.test").await;
    let mut two = app.demo_signed_in("performer2@demo.test").await;
    let first = cached_view(&app, &mut one, &path).await;
    let second = cached_view(&app, &mut two, &path).await;
    assert_ne!(first, second, "each performer's page is their own");
    let character = |body: &str| body.contains("playing PLANTED");
    execute(
        &app,
        "update cast_member set character_name = 'PLANTED' where production_id = $1
           and user_id = (select user_id from app_user where email = 'performer1@demo.test')",
        production,
    )
    .await;
    let after = cached_view(&app, &mut one, &path).await;
    assert!(
        !character(&first) && character(&after),
        "the change shows at once"
    );
    let other = cached_view(&app, &mut two, &path).await;
    assert!(
        !character(&other),
        "performer2 never sees performer1's page"
    );
}

/// The calendar link a signed-in member makes for themselves.
async fn calendar_link(client: &mut Client, production: i64) -> String {
    let base = format!("/productions/{production}/calendar");
    let made = client.post(&base, &[]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = client.get(&base).await;
    let start = page.body.find("/calendar/").expect("the calendar link");
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end].to_string()
}

#[tokio::test]
async fn the_cached_calendar_feed_never_outlives_a_change_nor_gives_a_performer_every_day() {
    let app = TestApp::spawn().await;
    let (production, mut producer) = demo(&app).await;
    let feed = calendar_link(&mut producer, production).await;
    let first = producer.get(&feed).await;
    let again = producer.get(&feed).await;
    assert_eq!(first.body, again.body);
    // The feed reads its link's owner and production in one statement; the rest is kept.
    assert_eq!(
        app.query_count(again.request_id()),
        1,
        "{:?}",
        app.queries(again.request_id())
    );
    let days = |body: &str| body.matches("SUMMARY:Shoot day").count();
    execute(
        &app,
        "insert into shoot_day (production_id, shoot_date, call_at, unit)
         values ($1, current_date + 200, now() + interval '200 days', 'Main unit')",
        production,
    )
    .await;
    let after = producer.get(&feed).await;
    assert_eq!(
        days(&after.body),
        days(&first.body) + 1,
        "the new day shows at once"
    );

    let mut performer = app.demo_signed_in("performer1@demo.test").await;
    let theirs = calendar_link(&mut performer, production).await;
    let theirs = performer.get(&theirs).await;
    assert!(
        days(&theirs.body) < days(&after.body),
        "a performer's feed has their days only"
    );
}

#[tokio::test]
async fn a_performers_cached_shoot_day_and_call_sheet_never_reach_another_performer() {
    let app = TestApp::spawn().await;
    let (production, _) = demo(&app).await;
    let day = today(&app, production).await;
    // A scene of that day that performer1 is in and performer2 is not, its set renamed so
    // that a page showing it can be told apart.
    let planted = sqlx::query(
        "update scene set set_name = 'PLANTEDONLYONE' where scene_id = (
             select ds.scene_id from shoot_day_scene ds
             where ds.shoot_day_id = $1
               and exists (select 1 from scene_cast sc join cast_member c using (cast_member_id)
                           join app_user u using (user_id)
                           where sc.scene_id = ds.scene_id and u.email = 'performer1@demo.test')
               and not exists (select 1 from scene_cast sc join cast_member c using (cast_member_id)
                               join app_user u using (user_id)
                               where sc.scene_id = ds.scene_id
                                 and u.email = 'performer2@demo.test')
             limit 1)",
    )
    .bind(day)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        planted.rows_affected(),
        1,
        "the demo's day today has such a scene"
    );
    let day_path = format!("/productions/{production}/schedule/{day}");
    let sheet_path = format!("{day_path}/call-sheet");

    let mut one = app.demo_signed_in("performer1@demo.test").await;
    let mut two = app.demo_signed_in("performer2@demo.test").await;
    for path in [&day_path, &sheet_path] {
        // performer1's view fills the cache with their scene...
        let theirs = cached_view(&app, &mut one, path).await;
        assert!(
            theirs.contains("PLANTEDONLYONE"),
            "{path}: performer1 sees their scene"
        );
        // ...which performer2 never gets, whether the page answers them or not.
        let other = two.get(path).await;
        assert!(
            !other.body.contains("PLANTEDONLYONE"),
            "{path}: performer2 saw performer1's scene"
        );
    }
}
