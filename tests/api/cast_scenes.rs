//! The cast list, scenes in script order and the versioned intimacy breakdown: form errors,
//! page totals, R5 minors on every path, version history and who reads which part.

use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::support::{Client, TestApp, build};

struct Film {
    app: TestApp,
    production: i64,
}

/// A production with a producer, a coordinator, a director and two performer accounts.
async fn film() -> Film {
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
    Film { app, production }
}

impl Film {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    async fn add_cast(&self, client: &mut Client, number: &str, name: &str, dob: &str) -> i64 {
        let page = client
            .post(
                &self.path("/cast"),
                &[
                    ("cast_number", number),
                    ("name", name),
                    ("character_name", "Someone"),
                    ("date_of_birth", dob),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        sqlx::query_scalar(
            "select cast_member_id from cast_member where production_id = $1 and name = $2",
        )
        .bind(self.production)
        .bind(name)
        .fetch_one(&self.app.pool)
        .await
        .unwrap()
    }

    async fn link(&self, cast_member_id: i64, email: &str) {
        sqlx::query(
            "update cast_member set user_id = (select user_id from app_user where email = $2)
             where cast_member_id = $1",
        )
        .bind(cast_member_id)
        .bind(email)
        .execute(&self.app.pool)
        .await
        .unwrap();
    }

    async fn add_scene(
        &self,
        client: &mut Client,
        number: &str,
        eighths: &str,
        cast: &[i64],
    ) -> i64 {
        let ids: Vec<String> = cast.iter().map(|c| c.to_string()).collect();
        let mut fields = vec![
            ("number", number),
            ("int_ext", "int"),
            ("set_name", "Lake house"),
            ("time_of_day", "night"),
            ("eighths", eighths),
            ("revision_colour", "blue"),
            ("synopsis", ""),
        ];
        for id in &ids {
            fields.push(("cast", id));
        }
        let page = client.post(&self.path("/scenes"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page.location().rsplit('/').next().unwrap().parse().unwrap()
    }

    async fn versions(&self, scene_id: i64) -> i64 {
        sqlx::query_scalar("select count(*) from scene_version where scene_id = $1")
            .bind(scene_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    async fn schedule(&self, scene_id: i64, date: &str) {
        let day = build::shoot_day(&self.app, self.production, build::date(date)).await;
        build::place(&self.app, day, scene_id).await;
    }
}

/// A date of birth that makes someone 17 today.
fn seventeen() -> String {
    (OffsetDateTime::now_utc().date() - Duration::days(17 * 365)).to_string()
}

#[tokio::test]
async fn bad_scene_numbers_and_lengths_are_explained_beside_the_field() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let page = cory
        .post(
            &f.path("/scenes"),
            &[
                ("number", "12-B"),
                ("int_ext", "int"),
                ("set_name", "Lake house"),
                ("time_of_day", "night"),
                ("eighths", "9/8"),
                ("revision_colour", "white"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"number-error\""), "{}", page.body);
    assert!(page.body.contains("href=\"#number\""));
    assert!(page.body.contains("Write the scene number as scripts do"));
    assert!(page.body.contains("id=\"eighths-error\""));
    assert!(page.body.contains("write 1 1/8 rather than 9/8"));
    assert!(page.body.contains("value=\"12-B\""));
    assert!(page.body.contains("value=\"9/8\""));
    assert!(page.body.contains("value=\"Lake house\""));

    let page = cory
        .post(
            &f.path("/scenes"),
            &[
                ("number", "12"),
                ("int_ext", "int"),
                ("set_name", "Lake house"),
                ("time_of_day", "night"),
                ("eighths", "-1"),
                ("revision_colour", "white"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("cannot be negative"));
    assert!(!page.body.contains("id=\"number-error\""));
    let scenes: i64 = sqlx::query_scalar("select count(*) from scene")
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(scenes, 0);
}

#[tokio::test]
async fn scenes_are_listed_in_script_order() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    for number in ["13", "12B", "2", "A1", "12", "1a", "1", "12A"] {
        f.add_scene(&mut cory, number, "1/8", &[]).await;
    }
    let page = cory.get(&f.path("/scenes")).await;
    assert_eq!(page.status, StatusCode::OK);
    let positions: Vec<usize> = ["A1", "1", "1A", "2", "12", "12A", "12B", "13"]
        .iter()
        .map(|n| {
            page.body
                .find(&format!(">{n}</a>"))
                .unwrap_or_else(|| panic!("scene {n} is listed"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(page.body.contains("INT. LAKE HOUSE – NIGHT"));
    // The three spellings one heading used to have (issue #15) are gone.
    for old in ["INT LAKE HOUSE", "HOUSE — NIGHT", "INT Lake house"] {
        assert!(!page.body.contains(old), "{old}");
    }
    assert!(page.body.contains("class=\"total-pages\">1</td>"));
}

#[tokio::test]
async fn page_totals_add_up_and_omitted_scenes_keep_their_number() {
    let f = film().await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    f.add_scene(&mut pat, "1", "7/8", &[]).await;
    f.add_scene(&mut pat, "2", "2/8", &[]).await;
    f.add_scene(&mut pat, "3", "1 3/8", &[]).await;
    let four = f.add_scene(&mut pat, "4", "5", &[]).await;
    let page = pat
        .post(&f.path(&format!("/scenes/{four}/omit")), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = pat.get(&f.path("/scenes")).await;
    assert!(
        page.body.contains("class=\"total-pages\">2 4/8</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("OMITTED"));
    assert!(page.body.contains(">4</a>"));

    let page = pat
        .post(&f.path(&format!("/scenes/{four}/restore")), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = pat.get(&f.path("/scenes")).await;
    assert!(page.body.contains("class=\"total-pages\">7 4/8</td>"));
    assert!(!page.body.contains("OMITTED"));

    // Directors read the list but cannot omit.
    let mut dana = f.app.signed_in("dana@example.test").await;
    assert_eq!(dana.get(&f.path("/scenes")).await.status, StatusCode::OK);
    let page = dana
        .post(&f.path(&format!("/scenes/{four}/omit")), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn taken_cast_and_scene_numbers_are_form_errors() {
    let f = film().await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    f.add_cast(&mut pat, "3", "Jo Mercer", "").await;
    let page = pat
        .post(
            &f.path("/cast"),
            &[("cast_number", "3"), ("name", "Ruth Adair")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Cast #3 is already taken by Jo Mercer"));
    assert!(page.body.contains("id=\"cast_number-error\""));
    assert!(page.body.contains("value=\"Ruth Adair\""));

    let page = pat
        .post(
            &f.path("/cast"),
            &[
                ("cast_number", "4"),
                ("name", "Theo"),
                ("date_of_birth", "2999-01-01"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("cannot be in the future"));

    f.add_scene(&mut pat, "12A", "1", &[]).await;
    let two = f.add_scene(&mut pat, "13", "1", &[]).await;
    let page = pat
        .post(
            &f.path("/scenes"),
            &[
                ("number", "12a"),
                ("int_ext", "ext"),
                ("set_name", "Jetty"),
                ("time_of_day", "dawn"),
                ("eighths", "3/8"),
                ("revision_colour", "pink"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Scene 12A already exists"));
    assert!(page.body.contains("value=\"Jetty\""));
    // Renumbering onto a taken number is refused the same way.
    let page = pat
        .post(
            &f.path(&format!("/scenes/{two}")),
            &[
                ("number", "12A"),
                ("int_ext", "ext"),
                ("set_name", "Jetty"),
                ("time_of_day", "dawn"),
                ("eighths", "3/8"),
                ("revision_colour", "pink"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Scene 12A already exists"));
    // The edit page shows the scene as stored.
    let page = pat.get(&f.path(&format!("/scenes/{two}/edit"))).await;
    assert!(page.body.contains("value=\"13\""));
}

fn nudity_for(id: i64, act: &'static str) -> Vec<(String, String)> {
    vec![
        ("kinds".into(), "nudity".into()),
        (format!("p{id}_nudity"), "partial_upper".into()),
        (format!("p{id}_shown"), "breasts".into()),
        (format!("p{id}_shown"), "upper_back".into()),
        (format!("p{id}_acts"), act.into()),
        ("garments".into(), "Flesh-tone patch".into()),
        ("closed_set".into(), "Morgan Ellis\nDana Okafor".into()),
        ("monitor_list".into(), "Dana Okafor".into()),
    ]
}

async fn post_owned(
    client: &mut Client,
    path: &str,
    fields: &[(String, String)],
) -> crate::support::Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

#[tokio::test]
async fn breakdown_versions_change_only_with_content_and_stay_readable() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let alex = f
        .add_cast(&mut cory, "1", "Alex Rivera", "1990-02-03")
        .await;
    let scene = f.add_scene(&mut cory, "5A", "1 2/8", &[alex]).await;
    let editor = f.path(&format!("/scenes/{scene}/breakdown"));
    assert_eq!(cory.get(&editor).await.status, StatusCode::OK);

    // The monitor list must be a subset of the closed set.
    let mut fields = nudity_for(alex, "Removes shirt");
    fields.retain(|(k, _)| k != "monitor_list");
    fields.push(("monitor_list".into(), "Kit Moss".into()));
    let page = post_owned(&mut cory, &editor, &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Monitor list must be a subset of the closed set")
    );
    assert!(page.body.contains("id=\"monitor_list-error\""));
    assert!(page.body.contains("Removes shirt"));
    assert_eq!(f.versions(scene).await, 0);

    let fields = nudity_for(alex, "Removes shirt");
    let page = post_owned(&mut cory, &editor, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(f.versions(scene).await, 1);

    // Same content, typed in another order: no new version.
    let mut again = fields.clone();
    again.reverse();
    let page = post_owned(&mut cory, &editor, &again).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let shown = cory.get(&f.path(&format!("/scenes/{scene}"))).await;
    assert!(shown.body.contains("No changes to save"));
    assert_eq!(f.versions(scene).await, 1);

    let changed = nudity_for(alex, "Removes shirt\nLies on the jetty");
    let page = post_owned(&mut cory, &editor, &changed).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(f.versions(scene).await, 2);
    let hashes: Vec<String> = sqlx::query_scalar(
        "select content_hash from scene_version where scene_id = $1 order by version",
    )
    .bind(scene)
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    assert_ne!(hashes[0], hashes[1]);
    let current: i32 = sqlx::query_scalar(
        "select v.version from scene s join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1",
    )
    .bind(scene)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(current, 2);

    let page = cory.get(&f.path(&format!("/scenes/{scene}"))).await;
    assert!(
        page.body
            .contains("#1 Alex Rivera: added act “Lies on the jetty”"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&hashes[1][..12]));
    assert!(page.body.contains("Flagged"));
    let list = cory.get(&f.path("/scenes")).await;
    assert!(list.body.contains("Flagged: closed set"));

    let v1 = cory
        .get(&f.path(&format!("/scenes/{scene}/versions/1")))
        .await;
    assert_eq!(v1.status, StatusCode::OK);
    assert!(v1.body.contains("Removes shirt"));
    assert!(!v1.body.contains("Lies on the jetty"));
    assert!(v1.body.contains(&hashes[0]));
    assert!(v1.body.contains("superseded"));
    let missing = cory
        .get(&f.path(&format!("/scenes/{scene}/versions/3")))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn minors_are_refused_on_the_breakdown_the_scene_cast_and_the_cast_list() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let alex = f
        .add_cast(&mut cory, "1", "Alex Rivera", "1990-02-03")
        .await;
    let jo = f.add_cast(&mut cory, "3", "Jo Mercer", &seventeen()).await;

    // Breakdown path: Jo is in the scene, so nudity is refused and nothing is saved.
    let kiss = f.add_scene(&mut cory, "7", "4/8", &[alex, jo]).await;
    let editor = f.path(&format!("/scenes/{kiss}/breakdown"));
    let page = post_owned(&mut cory, &editor, &nudity_for(alex, "Removes shirt")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("R5 Minors"), "{}", page.body);
    assert!(page.body.contains("Jo Mercer (#3) is under 18"));
    assert!(page.body.contains("Nothing was saved."));
    assert!(page.body.contains("Removes shirt"));
    assert_eq!(f.versions(kiss).await, 0);
    // A kiss is not restricted: it saves.
    let fields = vec![
        ("kinds".to_string(), "kiss".to_string()),
        (format!("p{jo}_touched"), "mouth".to_string()),
        (format!("p{alex}_touched"), "mouth".to_string()),
    ];
    let page = post_owned(&mut cory, &editor, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(f.versions(kiss).await, 1);

    // Attaching Jo to a scene whose breakdown has nudity is refused.
    let nude = f.add_scene(&mut cory, "5A", "1", &[alex]).await;
    let page = post_owned(
        &mut cory,
        &f.path(&format!("/scenes/{nude}/breakdown")),
        &nudity_for(alex, "Removes shirt"),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // Scheduled after Jo's 18th birthday would be fine; scheduled before is not.
    f.schedule(nude, &OffsetDateTime::now_utc().date().to_string())
        .await;
    let alex_s = alex.to_string();
    let jo_s = jo.to_string();
    let page = cory
        .post(
            &f.path(&format!("/scenes/{nude}")),
            &[
                ("number", "5A"),
                ("int_ext", "int"),
                ("set_name", "Lake house"),
                ("time_of_day", "night"),
                ("eighths", "1"),
                ("revision_colour", "blue"),
                ("cast", &alex_s),
                ("cast", &jo_s),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("R5 Minors"));
    assert!(page.body.contains("id=\"cast-error\""));
    let cast_count: i64 = sqlx::query_scalar("select count(*) from scene_cast where scene_id = $1")
        .bind(nude)
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(cast_count, 1);

    // Cast list path: making Alex a minor while in a scene with nudity is refused.
    let page = cory
        .post(
            &f.path(&format!("/cast/{alex}")),
            &[
                ("cast_number", "1"),
                ("name", "Alex Rivera"),
                ("date_of_birth", &seventeen()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("R5 Minors"));
    assert!(page.body.contains("id=\"date_of_birth-error\""));
    let dob: Option<time::Date> =
        sqlx::query_scalar("select date_of_birth from cast_member where cast_member_id = $1")
            .bind(alex)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert_eq!(dob.unwrap().to_string(), "1990-02-03");
    // Other edits go through.
    let page = cory
        .post(
            &f.path(&format!("/cast/{alex}")),
            &[
                ("cast_number", "1"),
                ("name", "Alex Rivera"),
                ("character_name", "Marion"),
                ("date_of_birth", "1990-02-03"),
                ("union_name", "Equity"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test]
async fn performers_see_only_their_scenes_and_their_own_part() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let alex = f
        .add_cast(&mut cory, "1", "Alex Rivera", "1990-02-03")
        .await;
    let sam = f
        .add_cast(&mut cory, "2", "Sam Lindqvist", "1988-07-09")
        .await;
    f.link(alex, "alex@example.test").await;
    f.link(sam, "sam@example.test").await;
    let both = f.add_scene(&mut cory, "8", "2", &[alex, sam]).await;
    let sams = f.add_scene(&mut cory, "9", "1", &[sam]).await;
    let fields = vec![
        ("kinds".to_string(), "simulated_sex".to_string()),
        (format!("p{alex}_nudity"), "implied".to_string()),
        ("kinds".to_string(), "nudity".to_string()),
        (
            format!("p{alex}_acts"),
            "Alex lies back on the bed".to_string(),
        ),
        (format!("p{alex}_touched"), "neck".to_string()),
        (format!("p{sam}_acts"), "Sam straddles Alex".to_string()),
        (format!("p{sam}_touching"), "inner_thighs".to_string()),
        (
            "garments".to_string(),
            "Sam wears a modesty pouch".to_string(),
        ),
        ("closed_set".to_string(), "Morgan Ellis".to_string()),
    ];
    let page = post_owned(
        &mut cory,
        &f.path(&format!("/scenes/{both}/breakdown")),
        &fields,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let mut alex_client = f.app.signed_in("alex@example.test").await;
    let list = alex_client.get(&f.path("/scenes")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(">8</a>"));
    assert!(!list.body.contains(">9</a>"));
    assert_eq!(
        alex_client
            .get(&f.path(&format!("/scenes/{sams}")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for path in [
        format!("/scenes/{both}"),
        format!("/scenes/{both}/versions/1"),
    ] {
        let page = alex_client.get(&f.path(&path)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("Alex lies back on the bed"), "{path}");
        assert!(!page.body.contains("Sam straddles Alex"), "{path}");
        assert!(!page.body.contains("Inner thighs"), "{path}");
        assert!(!page.body.contains("modesty pouch"), "{path}");
        assert!(page.body.contains("Morgan Ellis"), "{path}");
    }
    assert_eq!(
        alex_client
            .get(&f.path(&format!("/scenes/{both}/breakdown")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        alex_client.get(&f.path("/cast")).await.status,
        StatusCode::NOT_FOUND
    );

    // The director reads the whole breakdown but cannot change it.
    let mut dana = f.app.signed_in("dana@example.test").await;
    let page = dana.get(&f.path(&format!("/scenes/{both}"))).await;
    assert!(page.body.contains("Sam straddles Alex"));
    assert!(page.body.contains("Alex lies back on the bed"));
    assert_eq!(
        dana.get(&f.path(&format!("/scenes/{both}/breakdown")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = post_owned(
        &mut dana,
        &f.path(&format!("/scenes/{both}/breakdown")),
        &fields[..2],
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(dana.get(&f.path("/cast")).await.status, StatusCode::OK);
    let page = dana
        .post(
            &f.path("/cast"),
            &[("cast_number", "9"), ("name", "Nobody")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(f.versions(both).await, 1);
}

#[tokio::test]
async fn a_cast_invitation_links_the_new_account() {
    let f = film().await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    let jo = f.add_cast(&mut pat, "3", "Jo Mercer", "").await;
    let page = pat.get(&f.path("/cast")).await;
    assert!(page.body.contains("On paper"));
    let page = pat
        .post(
            &f.path(&format!("/cast/{jo}/invite")),
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = pat
        .post(
            &f.path(&format!("/cast/{jo}/invite")),
            &[("email", "jo@example.test")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = pat.get(page.location()).await;
    let start = page
        .body
        .find("/invitations/")
        .expect("the link is shown once");
    let end = page.body[start..].find('"').unwrap() + start;
    let link = page.body[start..end].to_string();
    let again = pat.get(&f.path(&format!("/cast/{jo}"))).await;
    assert!(!again.body.contains(&link));

    let mut jo_client = f.app.client();
    let page = jo_client
        .post(
            &link,
            &[
                ("name", "Jo Mercer"),
                ("password", "violet paper comet"),
                ("confirm_password", "violet paper comet"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let linked: Option<i64> =
        sqlx::query_scalar("select user_id from cast_member where cast_member_id = $1")
            .bind(jo)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert!(linked.is_some());
    let role: String = sqlx::query_scalar(
        "select m.role from member m join app_user u using (user_id) where u.email = 'jo@example.test'",
    )
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(role, "performer");
    let page = pat.get(&f.path("/cast")).await;
    assert!(page.body.contains("Linked to an account"));
    // Jo now sees the scenes Jo is in.
    let scene = f.add_scene(&mut pat, "4", "1", &[jo]).await;
    let page = jo_client.get(&f.path(&format!("/scenes/{scene}"))).await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn the_demo_film_has_its_cast_scenes_and_versions_once() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::load(&app.pool).await.unwrap();
    let count = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(production)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("select count(*) from cast_member where production_id = $1").await,
        5
    );
    assert_eq!(
        count("select count(*) from scene where production_id = $1").await,
        12
    );
    assert_eq!(
        count("select count(*) from scene where production_id = $1 and omitted").await,
        1
    );
    assert_eq!(
        count("select count(*) from cast_member where production_id = $1 and user_id is not null")
            .await,
        3
    );
    assert!(count("select count(*) from scene_version where production_id = $1").await >= 4);
    // Scene 8 has two versions from the breakdown demo; the rider demo may add one more.
    assert!(
        count("select max(version)::bigint from scene_version where production_id = $1").await >= 2
    );

    let mut jo = app.client();
    jo.sign_in("performer3@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let list = jo.get(&format!("/productions/{production}/scenes")).await;
    assert_eq!(list.status, StatusCode::OK);
    let mut producer = app.client();
    producer
        .sign_in("producer@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let list = producer
        .get(&format!("/productions/{production}/scenes"))
        .await;
    assert!(list.body.contains("OMITTED"));
    assert!(list.body.contains("Flagged: closed set"));
}
