//! The boundary profile opens on a summary of the saved answers: "No" and "Ask me first" grouped
//! and marked, counts in tiles, and the grid to change them below.

use reqwest::StatusCode;

use crate::support::TestApp;

/// A production with a performer on the cast list; returns the app, the profile's path and
/// the performer's e-mail.
async fn performer_profile() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let bea = app.user("bea@example.test", "Bea Performer").await;
    app.add_member(production, bea, "performer").await;
    let cast: i64 = sqlx::query_scalar(
        "insert into cast_member (production_id, cast_number, name, user_id)
         values ($1, 1, 'Bea Cast', $2) returning cast_member_id",
    )
    .bind(production)
    .bind(bea)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (app, format!("/productions/{production}/boundaries/{cast}"))
}

/// The part of the page between two markers.
fn between<'a>(body: &'a str, from: &str, to: &str) -> &'a str {
    let start = body
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in {body}"));
    let end = body[start..]
        .find(to)
        .unwrap_or_else(|| panic!("no {to:?} after {from:?}"))
        + start;
    &body[start..end]
}

#[tokio::test]
async fn the_profile_opens_on_its_no_and_ask_first_answers_grouped() {
    let (app, mine) = performer_profile().await;
    let mut bea = app.signed_in("bea@example.test").await;

    // Nothing saved: no summary yet, only the grid.
    let page = bea.get(&mine).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("at a glance"));
    assert!(page.body.contains("class=\"table boundary-grid\""));

    let saved = bea
        .post(
            &mine,
            &[
                ("seen_unclothed.breasts", "no"),
                ("seen_unclothed.breasts.note", "Only from behind"),
                ("kissed.mouth", "ask"),
                ("touched_by_hands.face", "yes"),
                ("notes", "Line one\nLine two"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let page = bea.get(&mine).await;
    let summary = between(
        &page.body,
        "Your answers at a glance",
        "Change your answers",
    );
    assert!(summary.contains("tile-count\">1</span> <span class=\"tile-label\">No<"));
    assert!(summary.contains("tile-count\">1</span> <span class=\"tile-label\">Ask me first<"));
    assert!(summary.contains("tile-count\">73</span> <span class=\"tile-label\">Not stated<"));
    let no = between(summary, "id=\"group-no\"", "id=\"group-ask\"");
    assert!(no.contains("class=\"tag tag-danger\">No</strong>"));
    assert!(no.contains("<strong>Breasts</strong>: seen unclothed on camera"));
    assert!(no.contains("Only from behind"));
    assert!(!no.contains("Mouth"));
    let ask = between(summary, "id=\"group-ask\"", "</section>");
    assert!(ask.contains("<strong>Mouth</strong>: kissed by a scene partner"));
    // A "Yes" is counted, not listed: the summary is about what to avoid.
    assert!(!summary.contains("<strong>Face</strong>"));
    // The general notes keep their line breaks.
    assert!(summary.contains("class=\"pre-line\">Line one\nLine two</p>"));

    // A refused save shows what was typed in the grid, and the summary still shows what is saved.
    let refused = bea
        .post(
            &mine,
            &[("seen_unclothed.breasts", "maybe"), ("kissed.mouth", "no")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = between(
        &refused.body,
        "Your answers at a glance",
        "Change your answers",
    );
    assert!(summary.contains("<strong>Mouth</strong>: kissed by a scene partner"));
    let grid = between(&refused.body, "boundary-grid", "</table>");
    assert!(grid.contains("<option value=\"no\" selected>No</option>"));
}
