//! Boundary conflicts shown before anyone signs: where a performer's boundary profile says No
//! or "ask me first" to what the breakdown asks of them, the coordinator is warned on the
//! breakdown editor and the scene page, the performer sees their own, and producers and
//! directors see nothing of it.

use reqwest::StatusCode;

use crate::support::{Client, TestApp};
use closedset::consent::boundaries::conflicts_for_rider;
use closedset::vocab::body::BodyArea;
use closedset::vocab::boundary::{Answer, Contact};

struct Set {
    app: TestApp,
    production: i64,
    alex: i64,
    sam: i64,
    scene: i64,
}

impl Set {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }
}

const ALEX_NO: &str = "#1 Alex Rivera’s boundary profile says No to: Breasts seen unclothed \
                       on camera (the breakdown asks: Breasts shown). Discuss this with them \
                       before a rider is delivered.";
const SAM_ASK: &str = "#2 Sam Lindqvist’s boundary profile asks to be asked first about: Mouth \
                       kissed by a scene partner (the breakdown asks: a kiss).";
const ALEX_OWN: &str = "Your boundary profile says No to: Breasts seen unclothed on camera \
                        (the breakdown asks: Breasts shown).";
const SAM_OWN: &str = "Your boundary profile asks to be asked first about: Mouth kissed by a \
                       scene partner (the breakdown asks: a kiss).";

/// A production with one person in each role and two linked performers in scene 8. Alex's
/// profile says No to breasts seen unclothed and Yes to the upper back; Sam's says "ask me
/// first" to a kiss on the mouth. The breakdown shows Alex's breasts and upper back, and has a
/// kiss.
async fn set_up() -> Set {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    for (email, name, role) in [
        ("cory@example.test", "Cory Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
    }
    let mut cory = app.signed_in("cory@example.test").await;
    let base = format!("/productions/{production}");
    let mut cast = Vec::new();
    for (number, name, email) in [
        ("1", "Alex Rivera", "alex@example.test"),
        ("2", "Sam Lindqvist", "sam@example.test"),
    ] {
        let page = cory
            .post(
                &format!("{base}/cast"),
                &[
                    ("cast_number", number),
                    ("name", name),
                    ("character_name", "Someone"),
                    ("date_of_birth", "1990-02-03"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let id: i64 = sqlx::query_scalar(
            "update cast_member set user_id = (select user_id from app_user where email = $3)
             where production_id = $1 and name = $2 returning cast_member_id",
        )
        .bind(production)
        .bind(name)
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        cast.push(id);
    }
    let (alex, sam) = (cast[0], cast[1]);

    let (alex_id, sam_id) = (alex.to_string(), sam.to_string());
    let mut fields = vec![
        ("number", "8"),
        ("int_ext", "int"),
        ("set_name", "Lake house"),
        ("time_of_day", "night"),
        ("eighths", "2"),
        ("revision_colour", "blue"),
        ("synopsis", ""),
    ];
    fields.push(("cast", &alex_id));
    fields.push(("cast", &sam_id));
    let page = cory.post(&format!("{base}/scenes"), &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let scene: i64 = page.location().rsplit('/').next().unwrap().parse().unwrap();

    for (email, id, answers) in [
        (
            "alex@example.test",
            alex,
            vec![
                ("seen_unclothed.breasts", "no"),
                ("seen_unclothed.upper_back", "yes"),
                ("kissed.mouth", "yes"),
            ],
        ),
        ("sam@example.test", sam, vec![("kissed.mouth", "ask")]),
    ] {
        let mut performer = app.signed_in(email).await;
        let page = performer
            .post(&format!("{base}/boundaries/{id}"), &answers)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }

    let (nudity, shown, acts) = (
        format!("p{alex}_nudity"),
        format!("p{alex}_shown"),
        format!("p{sam}_acts"),
    );
    let page = cory
        .post(
            &format!("{base}/scenes/{scene}/breakdown"),
            &[
                ("kinds", "nudity"),
                ("kinds", "kiss"),
                (&nudity, "partial_upper"),
                (&shown, "breasts"),
                (&shown, "upper_back"),
                (&acts, "Sam kisses Alex"),
                ("closed_set", "Morgan Ellis"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    Set {
        app,
        production,
        alex,
        sam,
        scene,
    }
}

async fn page(client: &mut Client, path: &str) -> String {
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    page.body
}

#[tokio::test]
async fn the_coordinator_is_warned_of_every_performers_conflicts_before_anyone_signs() {
    let set = set_up().await;
    let mut cory = set.app.signed_in("cory@example.test").await;
    for path in [
        set.path(&format!("/scenes/{}/breakdown", set.scene)),
        set.path(&format!("/scenes/{}", set.scene)),
    ] {
        let body = page(&mut cory, &path).await;
        assert!(body.contains("class=\"warning\""), "{path}");
        assert!(body.contains(ALEX_NO), "{path}\n{body}");
        assert!(body.contains(SAM_ASK), "{path}");
        assert!(!body.contains("Upper back seen unclothed"), "{path}");
        assert!(
            body.contains(&set.path(&format!("/boundaries/{}", set.alex))),
            "{path}"
        );
    }

    // Once Alex's profile no longer says No, the warning about Alex goes.
    let mut alex = set.app.signed_in("alex@example.test").await;
    let page_after = alex
        .post(
            &set.path(&format!("/boundaries/{}", set.alex)),
            &[("seen_unclothed.breasts", "yes")],
        )
        .await;
    assert_eq!(page_after.status, StatusCode::SEE_OTHER);
    let body = page(&mut cory, &set.path(&format!("/scenes/{}", set.scene))).await;
    assert!(!body.contains("Alex Rivera’s boundary profile"));
    assert!(body.contains(SAM_ASK));
}

#[tokio::test]
async fn producers_and_directors_see_nothing_of_boundary_conflicts() {
    let set = set_up().await;
    let mut paths = vec![(
        "pat@example.test",
        set.path(&format!("/scenes/{}", set.scene)),
    )];
    paths.push((
        "pat@example.test",
        set.path(&format!("/scenes/{}/breakdown", set.scene)),
    ));
    paths.push((
        "dana@example.test",
        set.path(&format!("/scenes/{}", set.scene)),
    ));
    for (email, path) in paths {
        let mut client = set.app.signed_in(email).await;
        let body = page(&mut client, &path).await;
        for hidden in [
            "boundary profile",
            "Boundary profile",
            "seen unclothed",
            "conflicts-title",
            "/boundaries/",
        ] {
            assert!(!body.contains(hidden), "{email} {path}: {hidden}");
        }
        // The breakdown itself is still theirs to read.
        assert!(body.contains("Breasts"), "{email} {path}");
    }
}

#[tokio::test]
async fn a_performer_sees_their_own_conflicts_but_not_another_performers() {
    let set = set_up().await;
    let scene = set.path(&format!("/scenes/{}", set.scene));
    let mut alex = set.app.signed_in("alex@example.test").await;
    let body = page(&mut alex, &scene).await;
    assert!(body.contains(ALEX_OWN), "{body}");
    assert!(body.contains("Your intimacy coordinator will talk this through with you"));
    assert!(!body.contains("Sam Lindqvist’s"));
    assert!(!body.contains("Mouth kissed"));
    assert!(!body.contains(&set.path(&format!("/boundaries/{}", set.sam))));

    let mut sam = set.app.signed_in("sam@example.test").await;
    let body = page(&mut sam, &scene).await;
    assert!(body.contains(SAM_OWN), "{body}");
    assert!(!body.contains("Breasts seen unclothed"));
    assert!(!body.contains("Alex Rivera’s"));
}

#[tokio::test]
async fn a_riders_conflicts_are_its_performers_against_the_versions_it_covers() {
    let set = set_up().await;
    let pool = &set.app.pool;
    let mut riders = Vec::new();
    for cast_member_id in [set.alex, set.sam] {
        let rider: i64 = sqlx::query_scalar(
            "insert into rider (production_id, cast_member_id) values ($1, $2)
             returning rider_id",
        )
        .bind(set.production)
        .bind(cast_member_id)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "insert into rider_scene (rider_id, scene_id, scene_version_id, production_id, scope)
             select $1, scene_id, current_version_id, production_id, '{}'::jsonb
             from scene where scene_id = $2",
        )
        .bind(rider)
        .bind(set.scene)
        .execute(pool)
        .await
        .unwrap();
        riders.push(rider);
    }
    let mut conn = pool.acquire().await.unwrap();
    let alex = conflicts_for_rider(
        Some(&crate::support::vault(&set.app.db_name)),
        &mut conn,
        set.production,
        riders[0],
    )
    .await
    .unwrap();
    let words: Vec<String> = alex.iter().map(ToString::to_string).collect();
    assert_eq!(
        words,
        ["Breasts seen unclothed on camera: No (the breakdown asks: Breasts shown)"]
    );
    let sam = conflicts_for_rider(
        Some(&crate::support::vault(&set.app.db_name)),
        &mut conn,
        set.production,
        riders[1],
    )
    .await
    .unwrap();
    assert_eq!(
        sam.iter()
            .map(|c| (c.area, c.contact, c.answer))
            .collect::<Vec<_>>(),
        [(BodyArea::Mouth, Contact::Kissed, Answer::Ask)]
    );
    // Another production's id finds nothing, rather than another production's rider.
    assert!(
        conflicts_for_rider(
            Some(&crate::support::vault(&set.app.db_name)),
            &mut conn,
            set.production + 1000,
            riders[0]
        )
        .await
        .unwrap()
        .is_empty()
    );
}

/// Delivering a rider that asks what the performer's profile says No to needs the coordinator
/// to confirm they discussed it; the ledger records that they did and how many items, never
/// which. Producers never see the conflicts on the rider page.
#[tokio::test]
async fn delivering_a_rider_beyond_a_boundary_needs_the_conversation_confirmed() {
    let set = set_up().await;
    let mut cory = set.app.signed_in("cory@example.test").await;
    let mut pat = set.app.signed_in("pat@example.test").await;
    let mut alex = set.app.signed_in("alex@example.test").await;
    let cast = set.alex.to_string();
    let scene = set.scene.to_string();
    let drafted = cory
        .post(
            &set.path("/riders"),
            &[
                ("cast_member_id", cast.as_str()),
                ("scenes", scene.as_str()),
                ("in_picture", "on"),
            ],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let rider = drafted.location().to_string();
    let rider_id: i64 = rider.rsplit('/').next().unwrap().parse().unwrap();

    let page = cory.get(&rider).await;
    assert!(
        page.body.contains("Breasts seen unclothed on camera: No"),
        "{}",
        page.body
    );
    assert!(page.body.contains("I have discussed with #1 Alex Rivera"));
    let producers = pat.get(&rider).await;
    assert!(
        !producers.body.contains("seen unclothed"),
        "{}",
        producers.body
    );

    let refused = cory.post(&format!("{rider}/deliver"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Confirm you have discussed it with them")
    );
    let status: String = sqlx::query_scalar("select status from rider where rider_id = $1")
        .bind(rider_id)
        .fetch_one(&set.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "drafted");

    let delivered = cory
        .post(&format!("{rider}/deliver"), &[("discussed", "yes")])
        .await;
    assert_eq!(
        delivered.status,
        StatusCode::SEE_OTHER,
        "{}",
        delivered.body
    );
    let details: String = sqlx::query_scalar(
        "select details::text from consent_event where rider_id = $1 and event = 'conflicts_discussed'",
    )
    .bind(rider_id)
    .fetch_one(&set.app.pool)
    .await
    .unwrap();
    assert_eq!(details, r#"{"items":1}"#);
    // The performer reads the warning in their own words.
    let own = alex.get(&rider).await;
    assert!(
        own.body.contains("You do not have to agree to it"),
        "{}",
        own.body
    );
}
