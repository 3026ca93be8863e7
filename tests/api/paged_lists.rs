//! Long lists page (issue #19): the riders list and the scene list show at most fifty rows, their
//! filters and "next page" links reach every row, and the links keep the filters.

use std::collections::BTreeSet;

use closedset::demo::DEMO_PASSWORD;
use reqwest::StatusCode;

use crate::support::{Client, TestApp};

/// The ids linked as `/productions/{production}/{what}/{id}"` in a page.
fn linked_ids(body: &str, production: i64, what: &str) -> Vec<i64> {
    let prefix = format!("/productions/{production}/{what}/");
    body.match_indices(&prefix)
        .filter_map(|(at, _)| {
            let rest = &body[at + prefix.len()..];
            let end = rest.find('"')?;
            rest[..end].parse().ok()
        })
        .collect()
}

/// The `rel="next"` link of a page, unescaped.
fn next_link(body: &str) -> Option<String> {
    let at = body.find("rel=\"next\"")?;
    let start = body[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + body[start..].find('"')?;
    Some(body[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

/// Every id a list shows, following its next links from `first`; the number of pages.
async fn walk(client: &mut Client, first: &str, production: i64, what: &str) -> (Vec<i64>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut path = Some(first.to_string());
    while let Some(current) = path {
        let page = client.get(&current).await;
        assert_eq!(page.status, StatusCode::OK, "{current}");
        let mut on_page = linked_ids(&page.body, production, what);
        on_page.dedup();
        assert!(
            on_page.len() <= 50,
            "{current}: {} rows: {on_page:?}",
            on_page.len()
        );
        ids.extend(on_page);
        pages += 1;
        path = next_link(&page.body);
        assert!(pages < 100, "the pages end: {path:?}");
    }
    (ids, pages)
}

async fn large(app: &TestApp) -> (i64, Client) {
    let production = closedset::demo::large::load(&app.pool).await.unwrap();
    let mut client = app.client();
    client
        .sign_in(closedset::demo::large::LARGE_PRODUCER, DEMO_PASSWORD)
        .await;
    (production, client)
}

#[tokio::test]
async fn the_riders_list_pages_and_its_filters_reach_every_rider() {
    let app = TestApp::spawn().await;
    let (production, mut client) = large(&app).await;
    let all: BTreeSet<i64> =
        sqlx::query_scalar("select rider_id from rider where production_id = $1")
            .bind(production)
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert!(all.len() > 100, "the large production has many riders");

    let (ids, pages) = walk(
        &mut client,
        &format!("/productions/{production}/riders"),
        production,
        "riders",
    )
    .await;
    assert_eq!(ids.len(), all.len(), "each rider shown once");
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), all);
    assert_eq!(pages, all.len().div_ceil(50));

    // By performer: exactly that performer's riders, and the pages keep the filter.
    let (cast_member_id, expected): (i64, i64) = sqlx::query_as(
        "select cast_member_id, count(*) from rider where production_id = $1
         group by cast_member_id order by count(*) desc limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (ids, _) = walk(
        &mut client,
        &format!("/productions/{production}/riders?performer={cast_member_id}"),
        production,
        "riders",
    )
    .await;
    assert_eq!(ids.len() as i64, expected);
    let theirs: i64 = sqlx::query_scalar(
        "select count(*) from rider where rider_id = any($1) and cast_member_id = $2",
    )
    .bind(&ids)
    .bind(cast_member_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(theirs, expected, "only that performer's riders");

    // By scene number, typed in any case.
    let (number, expected): (String, i64) = sqlx::query_as(
        "select s.number, count(*) from rider_scene rs join scene s using (scene_id)
         where rs.production_id = $1 group by s.number order by count(*) desc, s.number limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = client
        .get(&format!(
            "/productions/{production}/riders?scene={}",
            crate::support::urlencode(&number.to_lowercase())
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        linked_ids(&page.body, production, "riders").len() as i64,
        expected.min(50)
    );

    // A page past the end says so and links back; a page number that is not one is page 1.
    let page = client
        .get(&format!("/productions/{production}/riders?page=999"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No riders on this page."));
    assert!(page.body.contains("rel=\"prev\""));
    let page = client
        .get(&format!("/productions/{production}/riders?page=x&page=2"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Riders 1–50 of"), "{}", page.body.len());
}

#[tokio::test]
async fn the_scene_list_pages_and_its_filters_reach_every_scene() {
    let app = TestApp::spawn().await;
    let (production, mut client) = large(&app).await;
    let all: BTreeSet<i64> =
        sqlx::query_scalar("select scene_id from scene where production_id = $1")
            .bind(production)
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let (ids, _) = walk(
        &mut client,
        &format!("/productions/{production}/scenes"),
        production,
        "scenes",
    )
    .await;
    // Each scene is linked once per row (its number).
    let shown: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(shown, all);

    let flagged: BTreeSet<i64> = sqlx::query_scalar(
        "select s.scene_id from scene s join scene_version v
           on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and v.flagged",
    )
    .bind(production)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert!(!flagged.is_empty() && flagged.len() < all.len());
    let (ids, _) = walk(
        &mut client,
        &format!("/productions/{production}/scenes?intimate=yes"),
        production,
        "scenes",
    )
    .await;
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), flagged);

    let (cast_member_id, theirs): (i64, Vec<i64>) = sqlx::query_as(
        "select cast_member_id, array_agg(scene_id) from scene_cast where production_id = $1
         group by cast_member_id order by count(*) desc limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (ids, _) = walk(
        &mut client,
        &format!("/productions/{production}/scenes?cast={cast_member_id}"),
        production,
        "scenes",
    )
    .await;
    assert_eq!(
        ids.iter().copied().collect::<BTreeSet<_>>(),
        theirs.into_iter().collect::<BTreeSet<_>>()
    );
}
