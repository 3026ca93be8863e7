//! The rider as a performer reads it (issue #16, point 5): a structured view in the second
//! person built from exactly the signed text, each performer's own garments only, the deadline in
//! plain words, and riders delivered in the old plain form still reading and verifying.

use closedset::vocab::body::{BodyArea as A, IntimacyKind as K, NudityLevel as N};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::support::{Client, PASSWORD, TestApp, build, old_rider};

const BEA_GARMENTS: &str = "Nude strapless bra under the sheet\nRobe between takes";
const SAM_GARMENTS: &str = "Modesty pouch";

struct Set {
    app: TestApp,
    production: i64,
    cora: i64,
    scene: i64,
    bea_cast: i64,
    sam_cast: i64,
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Night Swim with Bea (#1) and Sam (#2) in scene 5A, each with their own garments, a shared
/// barrier cushion, and 5A on a shoot day ten days away.
async fn set() -> Set {
    let app = TestApp::spawn().await;
    let (production, _pat, cora, bea) = build::crew(&app, "Bea Marsh").await;
    let sam = app.user("sam@example.test", "Sam Lindqvist").await;
    app.add_member(production, sam, "performer").await;
    let bea_cast = build::cast(&app, production, 1, "Bea Marsh")
        .playing("Marion")
        .linked_to(bea)
        .await;
    let sam_cast = build::cast(&app, production, 2, "Sam Lindqvist")
        .playing("Ines")
        .linked_to(sam)
        .await;
    let scene = build::scene(&app, production, "5A")
        .with(&[bea_cast, sam_cast])
        .await;
    let part = |cast_member_id, garments: &str| PerformerPart {
        cast_member_id,
        nudity: N::PartialUpper,
        shown: vec![A::UpperBack],
        touched: vec![A::Shoulders],
        touching: vec![],
        acts: vec!["Lies under the sheet".into()],
        garments: garments.into(),
    };
    let breakdown = Breakdown {
        kinds: vec![K::Nudity],
        performers: vec![part(bea_cast, BEA_GARMENTS), part(sam_cast, SAM_GARMENTS)],
        garments: "Barrier cushion".into(),
        stills_allowed: false,
        closed_set: vec!["Cora Coordinator".into()],
        monitor_list: vec![],
    };
    build::breakdown(&app, production, scene, &breakdown, Some(cora)).await;
    let in_ten_days = OffsetDateTime::now_utc() + Duration::days(10);
    let day = build::shoot_day(&app, production, in_ten_days.date()).await;
    build::place(&app, day, scene).await;
    Set {
        app,
        production,
        cora,
        scene,
        bea_cast,
        sam_cast,
    }
}

impl Set {
    fn rider_path(&self, rider: i64, rest: &str) -> String {
        format!("/productions/{}/riders/{rider}{rest}", self.production)
    }

    async fn rider_for(&self, cast_member: i64) -> i64 {
        build::rider(&self.app, self.production, cast_member, &[self.scene])
            .by(self.cora)
            .delivered()
            .await
    }

    /// Signs with the password and the hash of the text served as `rider.txt`, as a performer
    /// who downloaded and checked it would; returns the text.
    async fn sign_what_is_served(&self, performer: &mut Client, rider: i64) -> String {
        let text = performer.get(&self.rider_path(rider, "/rider.txt")).await;
        assert_eq!(text.status, StatusCode::OK);
        let token = performer.csrf().await;
        let hash = sha256(&text.body);
        let signed = performer
            .post_raw(
                &self.rider_path(rider, "/sign"),
                &[
                    ("password", PASSWORD),
                    ("text_sha256", &hash),
                    ("csrf", &token),
                ],
                &[],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        text.body
    }

    async fn signed_hash(&self, rider: i64) -> Option<String> {
        let details: Option<String> = sqlx::query_scalar(
            "select details from consent_event where rider_id = $1 and event = 'signed'",
        )
        .bind(rider)
        .fetch_optional(&self.app.pool)
        .await
        .unwrap();
        details.map(|d| {
            let v: serde_json::Value = serde_json::from_str(&d).unwrap();
            v["text_sha256"].as_str().unwrap().to_string()
        })
    }
}

#[tokio::test]
async fn a_performer_reads_their_own_rider_in_the_second_person_and_signs_what_is_served() {
    let s = set().await;
    let rider = s.rider_for(s.bea_cast).await;
    let mut bea = s.app.signed_in("bea@example.test").await;

    let page = bea.get(&s.rider_path(rider, "")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<h1>Your rider</h1>"), "{body}");
    assert!(body.contains("class=\"rider-document\""));
    assert!(!body.contains("<pre"), "no monospace block: {body}");
    assert!(body.contains("<h3>Scene 5A"));
    assert!(body.contains("You will be partly nude"));
    assert!(
        body.contains("<li>Nude strapless bra under the sheet</li><li>Robe between takes</li>")
    );
    assert!(body.contains("<li>Barrier cushion</li>"));
    assert!(!body.contains(SAM_GARMENTS), "another performer's garments");
    // The deadline in plain words, against the next call still to come.
    assert!(body.contains("This rider reached you on"), "{body}");
    assert!(body.contains("hours before your call on"));
    assert!(!body.contains("not met"));
    // Unsigned: saying no is declining it, after signing is offered.
    assert!(body.contains("Decline this rider") && !body.contains("Withdraw consent"));
    assert!(body.find("Sign the rider").unwrap() < body.find("Decline this rider").unwrap());
    assert!(body.contains("<h2>Keep a copy</h2>"));

    let text = s.sign_what_is_served(&mut bea, rider).await;
    assert!(text.contains("You will be partly nude") && !text.contains(SAM_GARMENTS));
    let stored = crate::support::sealed::rider_text(&s.app, rider).await;
    assert_eq!(text, stored, "rider.txt is the stored text");
    assert_eq!(s.signed_hash(rider).await, Some(sha256(&text)));

    let signed = bea.get(&s.rider_path(rider, "")).await;
    assert!(signed.body.contains("Withdraw consent"));
    assert!(!signed.body.contains("Decline this rider"));
    let certificate = bea.get(&s.rider_path(rider, "/certificate")).await;
    assert_eq!(certificate.status, StatusCode::OK);
    assert!(certificate.body.contains("class=\"rider-document\""));
    assert!(certificate.body.contains("<li>Robe between takes</li>"));
    assert!(
        certificate
            .body
            .contains("status-cleared\">Verified</strong>"),
        "{}",
        certificate.body
    );

    // Sam's rider lists Sam's garments and the shared ones, never Bea's.
    let sams = s.rider_for(s.sam_cast).await;
    let sam_text = crate::support::sealed::rider_text(&s.app, sams).await;
    assert!(sam_text.contains("- Modesty pouch\n") && sam_text.contains("- Barrier cushion\n"));
    assert!(!sam_text.contains("strapless bra"));
}

#[tokio::test]
async fn staff_read_the_same_view_titled_for_the_performer() {
    let s = set().await;
    let rider = s.rider_for(s.bea_cast).await;
    let mut cora = s.app.signed_in("cora@example.test").await;
    let page = cora.get(&s.rider_path(rider, "")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<h1>Rider for #1 Bea Marsh</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("You will be partly nude"));
    assert!(page.body.contains("Delivered on"));
    assert!(!page.body.contains(SAM_GARMENTS));
    // Only the performer signs or declines.
    assert!(!page.body.contains("Sign the rider") && !page.body.contains("Decline this rider"));
}

#[tokio::test]
async fn a_rider_delivered_in_the_old_plain_form_still_reads_signs_and_verifies() {
    let s = set().await;
    let old = old_rider::old_text("Bea Marsh", "5A");
    let rider =
        old_rider::delivered_with_text(&s.app, s.production, s.bea_cast, &[s.scene], s.cora, &old)
            .await;
    let mut bea = s.app.signed_in("bea@example.test").await;
    let page = bea.get(&s.rider_path(rider, "")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<div class=\"rider-plain\">INTIMACY RIDER\nProduction: Night Swim")
    );
    assert!(
        page.body.contains("  Nudity: Partial upper (breasts)\n"),
        "line breaks and indents kept"
    );
    assert!(!page.body.contains("<pre") && !page.body.contains("class=\"rider-document\""));
    assert!(page.body.contains("Decline this rider"));

    let text = s.sign_what_is_served(&mut bea, rider).await;
    assert_eq!(text, old, "the old text is served unchanged");
    assert_eq!(s.signed_hash(rider).await, Some(sha256(&old)));
    let certificate = bea.get(&s.rider_path(rider, "/certificate")).await;
    assert!(certificate.body.contains("class=\"rider-plain\""));
    assert!(
        certificate
            .body
            .contains("status-cleared\">Verified</strong>"),
        "{}",
        certificate.body
    );
}

#[tokio::test]
async fn each_performer_gets_their_own_garments_field_kept_on_error_and_shown_with_line_breaks() {
    let s = set().await;
    let mut cora = s.app.signed_in("cora@example.test").await;
    let path = format!("/productions/{}/scenes/{}/breakdown", s.production, s.scene);
    let editor = cora.get(&path).await;
    assert!(
        editor
            .body
            .contains(&format!("name=\"p{}_garments\"", s.bea_cast))
    );
    assert!(editor.body.contains("Shared modesty garments and barriers"));
    assert!(
        editor
            .body
            .contains(">Nude strapless bra under the sheet\nRobe between takes</textarea>")
    );

    let (bea, sam) = (s.bea_cast.to_string(), s.sam_cast.to_string());
    let key = |id: &str, what: &str| format!("p{id}_{what}");
    let fields = |sam_garments: &'static str, sam_nudity: &'static str| {
        vec![
            ("kinds".to_string(), "nudity".to_string()),
            (key(&bea, "nudity"), "partial_upper".to_string()),
            (key(&bea, "shown"), "upper_back".to_string()),
            (key(&bea, "garments"), "Nude bra\r\nRobe".to_string()),
            (key(&sam, "nudity"), sam_nudity.to_string()),
            (key(&sam, "garments"), sam_garments.to_string()),
            ("garments".to_string(), "Barrier cushion".to_string()),
            ("closed_set".to_string(), "Cora Coordinator".to_string()),
        ]
    };
    // Garments for a performer with nothing asked of them: 422 beside their field, kept.
    let refused_fields = fields("Modesty pouch", "none");
    let refused_pairs: Vec<(&str, &str)> = refused_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = cora.post(&path, &refused_pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains(&format!("id=\"p{sam}_garments-error\"")),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(">Modesty pouch</textarea>"));
    assert!(refused.body.contains(">Nude bra\nRobe</textarea>"));

    let saved_fields = fields("Modesty pouch", "implied");
    let saved_pairs: Vec<(&str, &str)> = saved_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = cora.post(&path, &saved_pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // The scene page keeps the line breaks; a performer sees their own garments, never another
    // performer's (nor the shared note, which older versions used for everyone's items).
    let scene_path = format!("/productions/{}/scenes/{}", s.production, s.scene);
    let staff = cora.get(&scene_path).await;
    assert!(
        staff
            .body
            .contains("<dd class=\"prewrap\">Nude bra\nRobe</dd>"),
        "{}",
        staff.body
    );
    assert!(
        staff
            .body
            .contains("<dd class=\"prewrap\">Modesty pouch</dd>")
    );
    let mut bea_client = s.app.signed_in("bea@example.test").await;
    let own = bea_client.get(&scene_path).await;
    assert!(
        own.body.contains("Your garments and barriers"),
        "{}",
        own.body
    );
    assert!(
        own.body
            .contains("<dd class=\"prewrap\">Nude bra\nRobe</dd>")
    );
    assert!(
        staff
            .body
            .contains("<dd class=\"prewrap\">Barrier cushion</dd>")
    );
    assert!(!own.body.contains("Barrier cushion"));
    assert!(!own.body.contains("Modesty pouch"));
}

#[tokio::test]
async fn a_garment_change_shows_as_beyond_what_was_signed() {
    let s = set().await;
    let rider = s.rider_for(s.bea_cast).await;
    let mut bea = s.app.signed_in("bea@example.test").await;
    s.sign_what_is_served(&mut bea, rider).await;

    let current: String = sqlx::query_scalar(
        "select v.breakdown::text from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1",
    )
    .bind(s.scene)
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    let mut changed = closedset::vocab::breakdown::read_breakdown(&current);
    changed.performers.iter_mut().for_each(|p| {
        if p.cast_member_id == s.bea_cast {
            p.garments = "Robe between takes".into();
        }
    });
    build::breakdown(&s.app, s.production, s.scene, &changed, Some(s.cora)).await;

    let mut cora = s.app.signed_in("cora@example.test").await;
    let cast = s.bea_cast.to_string();
    let scene = s.scene.to_string();
    let drafted = cora
        .post(
            &format!("/productions/{}/riders", s.production),
            &[
                ("cast_member_id", &cast),
                ("scenes", &scene),
                ("in_picture", "on"),
            ],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let draft = cora.get(drafted.location()).await;
    assert!(
        draft.body.contains("beyond the signed rider"),
        "{}",
        draft.body
    );
    assert!(draft.body.contains(
        "their garments and barriers “Nude strapless bra under the sheet\nRobe between takes” → “Robe between takes”"
    ));
    // The old rider no longer covers the scene for Bea: a garment change is a change.
    let page = bea.get(&s.rider_path(rider, "")).await;
    assert!(
        page.body.contains("Scene 5A has changed since this rider"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_double_reads_the_garments_of_the_part_they_stand_in_for() {
    let s = set().await;
    let theo = build::cast(&s.app, s.production, 5, "Theo Grant").await;
    let mut cora = s.app.signed_in("cora@example.test").await;
    let (sam, theo_id) = (s.sam_cast.to_string(), theo.to_string());
    let assigned = cora
        .post(
            &format!("/productions/{}/scenes/{}/doubles", s.production, s.scene),
            &[
                ("original_cast_member_id", sam.as_str()),
                ("double_cast_member_id", theo_id.as_str()),
            ],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    let rider = s.rider_for(theo).await;
    let text = crate::support::sealed::rider_text(&s.app, rider).await;
    assert!(
        text.contains("Your modesty garments and barriers:\n- Modesty pouch\n"),
        "{text}"
    );
    assert!(text.contains("- Barrier cushion\n"));
    assert!(!text.contains("strapless bra"));
}
