//! Riders over HTTP: drafting from the breakdown, delivery, the performer's first view, signing
//! with the password, one-action withdrawal, superseding, certificates, access logs and doubles.

use std::process::Command;

use closedset::ledger;
use closedset::vocab::body::{BodyArea as A, IntimacyKind as K, NudityLevel as N};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use time::{Duration, OffsetDateTime};

use crate::support::{Client, Page, TestApp, build, database_url};

const ALEX_ACT: &str = "Removes shirt, back to camera";

struct Film {
    app: TestApp,
    production: i64,
    cora: i64,
    alex: i64,
    scene: i64,
    shoot_day: i64,
    /// Cast members #1 Alex (linked to alex@), #2 Sam (linked to sam@), #5 Theo (no account).
    alex_cast: i64,
    sam_cast: i64,
    theo_cast: i64,
}

/// A production with a producer, a coordinator, a director, two performers and scene 5A,
/// whose breakdown asks something of #1 and #2, placed on a shoot day.
async fn film() -> Film {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let mut ids = Vec::new();
    for (email, name, role) in [
        ("cora@example.test", "Cora Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
        ids.push(id);
    }
    let (cora, alex, sam) = (ids[0], ids[2], ids[3]);
    let mut cast = Vec::new();
    for (number, name, user) in [
        (1, "Alex Rivera", Some(alex)),
        (2, "Sam Lindqvist", Some(sam)),
        (5, "Theo Grant", None),
    ] {
        let id = build::cast(&app, production, number, name)
            .playing("Someone")
            .linked_to(user)
            .await;
        cast.push(id);
    }
    let scene = build::scene(&app, production, "5A")
        .on_set("Lake house bedroom")
        .eighths(9)
        .with(&cast[..2])
        .await;
    let film = Film {
        app,
        production,
        cora,
        alex,
        scene,
        shoot_day: 0,
        alex_cast: cast[0],
        sam_cast: cast[1],
        theo_cast: cast[2],
    };
    film.save_breakdown(&[ALEX_ACT]).await;
    let in_ten_days = OffsetDateTime::now_utc() + Duration::days(10);
    let shoot_day =
        build::shoot_day_called_at(&film.app, production, in_ten_days.date(), in_ten_days).await;
    build::place(&film.app, shoot_day, scene).await;
    Film { shoot_day, ..film }
}

impl Film {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    fn rider_path(&self, rider_id: i64, rest: &str) -> String {
        self.path(&format!("/riders/{rider_id}{rest}"))
    }

    /// Saves scene 5A's breakdown with these acts for #1, as the editor does.
    async fn save_breakdown(&self, alex_acts: &[&str]) {
        self.save_breakdown_of(self.scene, alex_acts).await
    }

    /// Saves a scene's breakdown (#1 and #2 with these acts for #1), as the editor does.
    async fn save_breakdown_of(&self, scene: i64, alex_acts: &[&str]) {
        let breakdown = Breakdown {
            kinds: vec![K::Nudity, K::Kiss],
            performers: vec![
                PerformerPart {
                    cast_member_id: self.alex_cast,
                    nudity: N::PartialUpper,
                    shown: vec![A::UpperBack, A::Breasts],
                    touched: vec![A::Face],
                    touching: vec![A::Face],
                    acts: alex_acts.iter().map(|a| a.to_string()).collect(),
                    garments: String::new(),
                },
                PerformerPart {
                    cast_member_id: self.sam_cast,
                    nudity: N::Implied,
                    shown: vec![A::Shoulders],
                    touched: vec![A::Face],
                    touching: vec![A::Face],
                    acts: vec!["Lies under the sheet".into()],
                    garments: String::new(),
                },
            ],
            garments: "Barrier pad between performers".into(),
            stills_allowed: false,
            closed_set: vec!["Cora Coordinator".into(), "Dana Director".into()],
            monitor_list: vec!["Cora Coordinator".into()],
        };
        build::breakdown(
            &self.app,
            self.production,
            scene,
            &breakdown,
            Some(self.cora),
        )
        .await;
    }

    /// Drafts a rider over HTTP; returns its id.
    async fn draft(&self, cora: &mut Client, cast_member_id: i64, extra: &[(&str, &str)]) -> i64 {
        let cast = cast_member_id.to_string();
        let scene = self.scene.to_string();
        let mut fields = vec![
            ("cast_member_id", cast.as_str()),
            ("scenes", scene.as_str()),
            ("in_picture", "on"),
        ];
        fields.extend_from_slice(extra);
        let page = cora.post(&self.path("/riders"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page.location().rsplit('/').next().unwrap().parse().unwrap()
    }

    async fn deliver(&self, cora: &mut Client, rider_id: i64) {
        let page = cora.post(&self.rider_path(rider_id, "/deliver"), &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }

    /// Signs as the performer would: the password and the hash of the text on the page.
    async fn sign(&self, performer: &mut Client, rider_id: i64, password: &str) -> Page {
        let hash = self.hash(rider_id).await;
        let token = performer.csrf().await;
        performer
            .post_raw(
                &self.rider_path(rider_id, "/sign"),
                &[
                    ("password", password),
                    ("text_sha256", &hash),
                    ("csrf", &token),
                ],
                &[("user-agent", "RiderTest/1.0 (phone)")],
            )
            .await
    }

    /// Drafted, delivered, read and signed by Alex.
    async fn signed_rider(&self, cora: &mut Client, alex: &mut Client) -> i64 {
        let rider_id = self.draft(cora, self.alex_cast, &[]).await;
        self.deliver(cora, rider_id).await;
        assert_eq!(
            alex.get(&self.rider_path(rider_id, "")).await.status,
            StatusCode::OK
        );
        let page = self.sign(alex, rider_id, crate::support::PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        rider_id
    }

    /// The shoot day becomes today, its call an hour ago; Alex and Sam sign riders delivered in
    /// time (three days before, on the ledger then) and are reconfirmed by the coordinator:
    /// scene 5A is cleared to shoot now. Returns Alex's and Sam's riders.
    async fn cleared_today(&self, cora: &mut Client, alex: &mut Client) -> (i64, i64) {
        let mut sam = self.app.signed_in("sam@example.test").await;
        let three_days_ago = OffsetDateTime::now_utc() - Duration::days(3);
        let mut riders = Vec::new();
        for (cast_member_id, performer) in [(self.alex_cast, alex), (self.sam_cast, &mut sam)] {
            let rider_id = build::rider(&self.app, self.production, cast_member_id, &[self.scene])
                .by(self.cora)
                .delivered_at(three_days_ago)
                .delivered()
                .await;
            let page = performer.get(&self.rider_path(rider_id, "")).await;
            assert_eq!(page.status, StatusCode::OK);
            let page = self
                .sign(performer, rider_id, crate::support::PASSWORD)
                .await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
            riders.push(rider_id);
        }
        sqlx::query(
            "update shoot_day d set shoot_date = (now() at time zone p.time_zone)::date,
                    call_at = now() - interval '1 hour'
             from production p where p.production_id = d.production_id and d.shoot_day_id = $1",
        )
        .bind(self.shoot_day)
        .execute(&self.app.pool)
        .await
        .unwrap();
        for cast_member_id in [self.alex_cast, self.sam_cast] {
            self.reconfirm(cora, cast_member_id).await;
        }
        (riders[0], riders[1])
    }

    /// The coordinator reconfirms a performer in scene 5A on its shoot day, keeping everything
    /// their rider agrees to, as the on-set page offers it.
    async fn reconfirm(&self, cora: &mut Client, cast_member_id: i64) {
        let path = self.path(&format!(
            "/schedule/{}/on-set/scenes/{}/cast/{cast_member_id}",
            self.shoot_day, self.scene
        ));
        let page = cora.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let value_of = |rest: &str| rest[..rest.find('"').unwrap()].replace("&#39;", "'");
        let rider = page
            .body
            .split("name=\"rider_id\" value=\"")
            .nth(1)
            .map(value_of)
            .expect("the page stands on a signed rider");
        let keep: Vec<String> = page
            .body
            .split("name=\"keep\" value=\"")
            .skip(1)
            .map(value_of)
            .collect();
        let mut fields = vec![("rider_id", rider.as_str())];
        fields.extend(keep.iter().map(|k| ("keep", k.as_str())));
        let page = cora.post(&format!("{path}/reconfirm"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }

    async fn hash(&self, rider_id: i64) -> String {
        sqlx::query_scalar::<_, Option<String>>("select body_sha256 from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
            .unwrap_or_default()
    }

    async fn status(&self, rider_id: i64) -> String {
        sqlx::query_scalar("select status from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    async fn events(&self, rider_id: i64, event: &str) -> i64 {
        sqlx::query_scalar("select count(*) from consent_event where rider_id = $1 and event = $2")
            .bind(rider_id)
            .bind(event)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    async fn all_events(&self) -> i64 {
        sqlx::query_scalar("select count(*) from consent_event where production_id = $1")
            .bind(self.production)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    fn verify_ledger(&self) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_closedset"))
            .args([
                "ledger",
                "verify",
                "--production",
                &self.production.to_string(),
                "--key",
                &self.app.verifier().to_string(),
            ])
            .env("DATABASE_URL", database_url(&self.app.db_name))
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        text
    }
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn riders_are_drafted_delivered_read_once_and_signed_with_the_password() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;

    // The draft form is prefilled from the performer's part of the current breakdown.
    let form = cora
        .get(&f.path(&format!("/riders/new?cast_member_id={}", f.alex_cast)))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(ALEX_ACT), "{}", form.body);
    assert!(form.body.contains("Partial upper (breasts)"));
    // Choosing no scene is refused beside the field, keeping the performer.
    let cast = f.alex_cast.to_string();
    let refused = cora
        .post(&f.path("/riders"), &[("cast_member_id", cast.as_str())])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose at least one scene"));
    assert!(refused.body.contains(ALEX_ACT));

    let rider_id = f.draft(&mut cora, f.alex_cast, &[]).await;
    let draft = cora.get(&f.rider_path(rider_id, "")).await;
    assert!(draft.body.contains(ALEX_ACT));
    assert!(draft.body.contains("nothing signed for this scene yet"));
    // Drafts are the coordinator's: the performer does not see them yet.
    assert_eq!(
        alex.get(&f.rider_path(rider_id, "")).await.status,
        StatusCode::NOT_FOUND
    );
    // A draft's uses can change before delivery.
    let scene = f.scene.to_string();
    let page = cora
        .post(
            &f.rider_path(rider_id, ""),
            &[
                ("scenes", scene.as_str()),
                ("in_picture", "on"),
                ("in_stills", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    f.deliver(&mut cora, rider_id).await;
    let (hash, delivered): (String, bool) = sqlx::query_as(
        "select body_sha256, delivered_at is not null from rider where rider_id = $1",
    )
    .bind(rider_id)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    let body = crate::support::sealed::rider_text(&f.app, rider_id).await;
    assert!(delivered);
    assert!(
        body.contains(ALEX_ACT) && body.contains("\n- may be used in stills\n"),
        "{body}"
    );
    assert_eq!(hash, sha256(&body));
    assert_eq!(f.status(rider_id).await, "delivered");
    // A delivered rider is never edited in place.
    let page = cora
        .post(&f.rider_path(rider_id, ""), &[("scenes", scene.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(f.hash(rider_id).await, hash);

    // The performer was told, in the header and on the notifications page.
    let home = alex.get("/").await;
    assert!(home.body.contains("(1 unread)"), "{}", home.body);
    let list = alex.get("/notifications").await;
    assert!(
        list.body
            .contains("A rider for scene 5A is ready for you to read")
    );
    assert!(!list.body.contains(ALEX_ACT));

    // The first view is recorded once, and shows the stored text exactly.
    let page = alex.get(&f.rider_path(rider_id, "")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&hash));
    // Not signed yet: saying no is declining it (issue #11), not withdrawing consent.
    assert!(page.body.contains("Decline this rider"));
    assert!(!page.body.contains("Withdraw consent"));
    alex.get(&f.rider_path(rider_id, "")).await;
    assert_eq!(f.events(rider_id, "viewed").await, 1);
    assert_eq!(f.status(rider_id).await, "viewed");

    // A wrong password: 422 beside the field, and nothing recorded.
    let events_before = f.all_events().await;
    let wrong = f.sign(&mut alex, rider_id, "not my password").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("That is not your password"));
    assert!(wrong.body.contains("field-invalid"));
    assert_eq!(f.all_events().await, events_before);
    assert_eq!(f.status(rider_id).await, "viewed");

    // A page showing another text (say, an old tab) cannot sign: nothing recorded either.
    let token = alex.csrf().await;
    let stale_tab = alex
        .post_raw(
            &f.rider_path(rider_id, "/sign"),
            &[
                ("password", crate::support::PASSWORD),
                ("text_sha256", &sha256("another text")),
                ("csrf", &token),
            ],
            &[],
        )
        .await;
    assert_eq!(stale_tab.status, StatusCode::SEE_OTHER);
    assert_eq!(f.all_events().await, events_before);
    assert_eq!(f.status(rider_id).await, "viewed");

    // The right one: signed, with what was shown and from where.
    let page = f.sign(&mut alex, rider_id, crate::support::PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(f.status(rider_id).await, "signed");
    let (details, salt, addr, agent): (String, String, String, String) = sqlx::query_as(
        "select e.details, c.salt, c.client_addr, c.user_agent from consent_event e
         join consent_event_client c using (consent_event_id)
         where e.rider_id = $1 and e.event = 'signed'",
    )
    .bind(rider_id)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["text_sha256"], sha256(&body));
    // Where from is kept beside the ledger, which holds only its salted hash.
    assert_eq!(
        (addr.as_str(), agent.as_str()),
        ("127.0.0.1", "RiderTest/1.0 (phone)")
    );
    assert_eq!(
        details["client_sha256"],
        closedset::vocab::ledger_event::client_sha256(&salt, &addr, &agent)
    );
    assert!(details.get("client_addr").is_none() && details.get("user_agent").is_none());
    assert_eq!(details["authenticated"], "password re-entered");

    // The certificate: text, hash, every event and how to verify.
    let certificate = alex.get(&f.rider_path(rider_id, "/certificate")).await;
    assert_eq!(certificate.status, StatusCode::OK);
    for expected in [
        hash.as_str(),
        "drafted",
        "delivered",
        "viewed",
        "signed",
        "password re-entered",
        "RiderTest/1.0 (phone)",
        "receipt.json",
        "/verify",
        "sha256sum",
    ] {
        assert!(certificate.body.contains(expected), "missing {expected}");
    }
    let entries = ledger::entries(&f.app.pool, f.production).await.unwrap();
    assert!(
        entries
            .iter()
            .all(|e| certificate.body.contains(&e.entry_hash))
    );

    // Only others' looks are logged for the performer's "who viewed my records".
    let own_views: i64 = sqlx::query_scalar(
        "select count(*) from record_view where record_id = $1 and viewer_user_id = $2",
    )
    .bind(rider_id)
    .bind(f.alex)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(own_views, 0);
    assert_eq!(
        cora.get(&f.rider_path(rider_id, "")).await.status,
        StatusCode::OK
    );
    let mut pat = f.app.signed_in("pat@example.test").await;
    assert_eq!(
        pat.get(&f.rider_path(rider_id, "/certificate"))
            .await
            .status,
        StatusCode::OK
    );
    let views: Vec<(String, i64)> = sqlx::query_as(
        "select record_kind, viewer_user_id from record_view
         where record_id = $1 and cast_member_id = $2 order by record_view_id",
    )
    .bind(rider_id)
    .bind(f.alex_cast)
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    let kinds: Vec<&str> = views.iter().map(|(k, _)| k.as_str()).collect();
    assert!(kinds.ends_with(&["rider", "certificate"]), "{views:?}");
    assert_eq!(views[views.len() - 2].1, f.cora);

    // The list shows the rider with its status and notice deadline.
    let list = cora.get(&f.path("/riders")).await;
    assert!(list.body.contains("#1 Alex Rivera") && list.body.contains("Signed"));
    assert!(list.body.contains("Europe/London"));

    assert!(f.verify_ledger().contains("chain intact"));
}

#[tokio::test]
async fn withdrawing_consent_is_one_action_recorded_once_and_nobody_else_can_undo_it() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    let mut dana = f.app.signed_in("dana@example.test").await;
    let (rider_id, _) = f.cleared_today(&mut cora, &mut alex).await;

    // The director marks the scene shot on its day, after call, while it is cleared, before
    // anyone withdraws.
    let shot = f.path(&format!(
        "/schedule/{}/scenes/{}/shot",
        f.shoot_day, f.scene
    ));
    assert_eq!(dana.post(&shot, &[]).await.status, StatusCode::SEE_OTHER);
    // Pressing it again keeps the first mark.
    assert_eq!(dana.post(&shot, &[]).await.status, StatusCode::SEE_OTHER);
    // A performer cannot mark scenes shot.
    assert_eq!(alex.post(&shot, &[]).await.status, StatusCode::NOT_FOUND);

    // Nobody but the performer can withdraw for them.
    for client in [&mut cora, &mut pat] {
        let page = client.post(&f.rider_path(rider_id, "/revoke"), &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(f.status(rider_id).await, "signed");

    // The button on the list leads to one confirmation page, with no reason field.
    let list = alex.get(&f.path("/riders")).await;
    assert!(list.body.contains("Withdraw consent"));
    let confirm = alex.get(&f.rider_path(rider_id, "/revoke")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Withdraw your consent for scene 5A?"));
    assert!(!confirm.body.contains("<textarea"));

    let first = alex.post(&f.rider_path(rider_id, "/revoke"), &[]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = alex.post(&f.rider_path(rider_id, "/revoke"), &[]).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let after = alex.get(&f.rider_path(rider_id, "")).await;
    assert!(
        after.body.contains("You already withdrew consent"),
        "{}",
        after.body
    );
    assert_eq!(f.events(rider_id, "revoked").await, 1);
    assert_eq!(f.status(rider_id).await, "revoked");

    // Coordinators and producers are told, without any rider content.
    let told: Vec<(i64, String)> = sqlx::query_as(
        "select user_id, message from notification where kind = 'consent_revoked' order by user_id",
    )
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told.iter()
            .all(|(_, m)| m == "#1 Alex Rivera withdrew consent for scene 5A")
    );
    let home = pat.get("/").await;
    assert!(home.body.contains("(1 unread)"), "{}", home.body);
    let notifications = pat.get("/notifications").await;
    assert!(notifications.body.contains("withdrew consent for scene 5A"));
    let up_to: i64 = sqlx::query_scalar(
        "select max(notification_id) from notification where user_id = (select user_id from app_user where email = 'pat@example.test')",
    )
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    let up_to = up_to.to_string();
    pat.post("/notifications/read", &[("up_to", up_to.as_str())])
        .await;
    assert!(!pat.get("/").await.body.contains("unread)"));

    // No action by anyone else brings the rider back.
    let revoked_at: time::OffsetDateTime =
        sqlx::query_scalar("select revoked_at from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    let events = f.all_events().await;
    let scene = f.scene.to_string();
    for client in [&mut cora, &mut pat] {
        for action in ["", "/deliver", "/sign", "/revoke"] {
            client
                .post(
                    &f.rider_path(rider_id, action),
                    &[
                        ("scenes", scene.as_str()),
                        ("password", crate::support::PASSWORD),
                    ],
                )
                .await;
        }
    }
    assert_eq!(f.status(rider_id).await, "revoked");
    let still: time::OffsetDateTime =
        sqlx::query_scalar("select revoked_at from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert_eq!(still, revoked_at);
    assert_eq!(f.all_events().await, events);

    // The take already marked shot stays shot.
    let shot_at: Option<time::OffsetDateTime> = sqlx::query_scalar(
        "select shot_at from shoot_day_scene where shoot_day_id = $1 and scene_id = $2",
    )
    .bind(f.shoot_day)
    .bind(f.scene)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert!(shot_at.is_some());
    let day = dana
        .get(&f.path(&format!("/schedule/{}", f.shoot_day)))
        .await;
    assert!(day.body.contains(">Shot<"), "{}", day.body);

    // Only a new rider, delivered and signed, brings consent back; the withdrawn one stays so.
    let new_rider = f.signed_rider(&mut cora, &mut alex).await;
    assert_eq!(f.status(new_rider).await, "signed");
    assert_eq!(f.status(rider_id).await, "revoked");
    assert_eq!(f.events(rider_id, "superseded").await, 0);
    f.verify_ledger();
}

#[tokio::test]
async fn a_wider_rider_is_drafted_anew_and_its_signature_supersedes_the_old() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let old = f.signed_rider(&mut cora, &mut alex).await;

    // The breakdown asks for more; the new draft says what goes beyond the signed rider (R2).
    f.save_breakdown(&[ALEX_ACT, "Lies together under the sheet"])
        .await;
    let list = cora.get(&f.path("/riders")).await;
    assert!(list.body.contains("stale"), "{}", list.body);
    let new = f
        .draft(&mut cora, f.alex_cast, &[("in_trailers", "on")])
        .await;
    let draft = cora.get(&f.rider_path(new, "")).await;
    assert!(draft.body.contains("beyond the signed rider"));
    assert!(draft.body.contains("act: Lies together under the sheet"));
    assert!(draft.body.contains("use in trailers and marketing"));

    f.deliver(&mut cora, new).await;
    alex.get(&f.rider_path(new, "")).await;
    assert_eq!(
        f.sign(&mut alex, new, crate::support::PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (status, by): (String, Option<i64>) =
        sqlx::query_as("select status, superseded_by from rider where rider_id = $1")
            .bind(old)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), by), ("superseded", Some(new)));
    assert_eq!(f.events(old, "superseded").await, 1);
    // A superseded rider can no longer be withdrawn; the new one can.
    alex.post(&f.rider_path(old, "/revoke"), &[]).await;
    assert_eq!(f.status(old).await, "superseded");
    f.verify_ledger();
}

#[tokio::test]
async fn other_performers_and_directors_never_see_a_rider() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let rider_id = f.draft(&mut cora, f.alex_cast, &[]).await;
    f.deliver(&mut cora, rider_id).await;
    for email in ["sam@example.test", "dana@example.test"] {
        let mut client = f.app.signed_in(email).await;
        for rest in ["", "/certificate", "/revoke"] {
            let page = client.get(&f.rider_path(rider_id, rest)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{email} {rest}");
        }
        let page = client.post(&f.rider_path(rider_id, "/revoke"), &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let list = client.get(&f.path("/riders")).await;
        assert!(!list.body.contains("Alex Rivera"), "{email}");
    }
    let mut dana = f.app.signed_in("dana@example.test").await;
    assert_eq!(
        dana.get(&f.path("/riders")).await.status,
        StatusCode::NOT_FOUND
    );
    // Sam sees an empty list of their own, not Alex's rider.
    let mut sam = f.app.signed_in("sam@example.test").await;
    assert!(
        sam.get(&f.path("/riders"))
            .await
            .body
            .contains("No riders have been delivered")
    );
    assert_eq!(f.status(rider_id).await, "delivered");
}

#[tokio::test]
async fn a_double_is_assigned_in_the_ledger_and_drafted_their_own_rider() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let doubles = f.path(&format!("/scenes/{}/doubles", f.scene));
    let sam = f.sam_cast.to_string();
    let theo = f.theo_cast.to_string();
    let same = cora
        .post(
            &doubles,
            &[
                ("original_cast_member_id", &sam),
                ("double_cast_member_id", &sam),
            ],
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.body.contains("cannot double for themself"));
    let page = cora
        .post(
            &doubles,
            &[
                ("original_cast_member_id", &sam),
                ("double_cast_member_id", &theo),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let assigned: i64 =
        sqlx::query_scalar("select double_cast_member_id from scene_double where scene_id = $1")
            .bind(f.scene)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert_eq!(assigned, f.theo_cast);
    let events: i64 = sqlx::query_scalar(
        "select count(*) from consent_event where event = 'double_assigned' and production_id = $1",
    )
    .bind(f.production)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(events, 1);
    assert!(
        cora.get(&doubles)
            .await
            .body
            .contains("#5 Theo Grant doubles for #2 Sam Lindqvist")
    );

    // The double's rider is drafted from the part they stand in for.
    let form = cora
        .get(&f.path(&format!("/riders/new?cast_member_id={}", f.theo_cast)))
        .await;
    assert!(form.body.contains("As the double for #2 Sam Lindqvist"));
    assert!(form.body.contains("Lies under the sheet"));
    let rider_id = f.draft(&mut cora, f.theo_cast, &[]).await;
    f.deliver(&mut cora, rider_id).await;
    // Delivered, the double's rider covers the original's acts for the scene.
    let scope: String = sqlx::query_scalar(
        "select rs.scope::text from rider_scene rs join rider r using (rider_id)
         where r.rider_id = $1 and r.cast_member_id = $2 and r.status = 'delivered'",
    )
    .bind(rider_id)
    .bind(f.theo_cast)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert!(scope.contains("Lies under the sheet"), "{scope}");
    let original: i64 = sqlx::query_scalar(
        "select original_cast_member_id from scene_double where double_cast_member_id = $1",
    )
    .bind(f.theo_cast)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(original, f.sam_cast);
    f.verify_ledger();
}

#[tokio::test]
async fn the_demo_film_gets_riders_in_every_state_once() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::riders::load(&app.pool, production)
        .await
        .unwrap();
    closedset::demo::riders::load(&app.pool, production)
        .await
        .unwrap();
    let statuses: Vec<String> =
        sqlx::query_scalar("select status from rider where production_id = $1 order by rider_id")
            .bind(production)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        statuses,
        [
            "signed",
            "revoked",
            "signed",
            "delivered",
            "declined",
            "declined"
        ]
    );
    // One carried forward, one declined by the performer, one withdrawal the coordinator
    // recorded as told in person (issue #11).
    let count = |event: &'static str, details: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "select count(*) from consent_event
                 where production_id = $1 and event = $2 and details like $3",
            )
            .bind(production)
            .bind(event)
            .bind(details)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(count("carried_forward", "%").await, 1);
    assert_eq!(count("declined", "%").await, 1);
    assert_eq!(count("revoked", "%in_person%").await, 1);
    let stale: bool = sqlx::query_scalar(
        "select exists (select 1 from rider_scene rs join scene s using (scene_id)
                        where s.current_version_id <> rs.scene_version_id)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(stale);
    let reports = app.verify_ledger(Some(production)).await;
    assert!(reports[0].result.is_ok());
    assert!(reports[0].entries >= 14);
}

#[tokio::test]
async fn signing_is_paused_after_too_many_wrong_passwords_like_sign_in() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let rider_id = f.draft(&mut cora, f.alex_cast, &[]).await;
    f.deliver(&mut cora, rider_id).await;
    alex.get(&f.rider_path(rider_id, "")).await;
    for _ in 0..10 {
        let wrong = f.sign(&mut alex, rider_id, "not my password").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password is now refused, and nothing is signed.
    let paused = f.sign(&mut alex, rider_id, crate::support::PASSWORD).await;
    assert_eq!(paused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(paused.body.contains("Too many wrong passwords"));
    assert_eq!(f.status(rider_id).await, "viewed");
    assert_eq!(f.events(rider_id, "signed").await, 0);
}

/// DOMAIN §3: withdrawal is the performer's decision about the scene, not about one sheet of
/// paper. Before, a signed older rider kept the scene cleared and told the performer "Your
/// consent is in place" after they withdrew from a newer, unsigned one.
#[tokio::test]
async fn withdrawing_from_a_newer_unsigned_rider_blocks_the_scene_despite_an_older_signature() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    let older = f.signed_rider(&mut cora, &mut alex).await;
    let scene_page = f.path(&format!("/scenes/{}", f.scene));
    assert!(
        alex.get(&scene_page)
            .await
            .body
            .contains("Your consent is in place")
    );

    let newer = f.draft(&mut cora, f.alex_cast, &[]).await;
    f.deliver(&mut cora, newer).await;
    let withdrawn = alex.post(&f.rider_path(newer, "/revoke"), &[]).await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    assert_eq!(f.status(newer).await, "declined");
    assert_eq!(f.status(older).await, "signed");

    let mine = alex.get(&scene_page).await;
    assert!(
        !mine.body.contains("Your consent is in place"),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("You withdrew consent"), "{}", mine.body);
    let producers = pat.get(&scene_page).await;
    assert!(
        producers.body.contains("#1 Alex Rivera: consent revoked"),
        "{}",
        producers.body
    );
    f.verify_ledger();
}

/// A rider must cover being filmed: one signed without "in the picture" used to clear the shoot.
#[tokio::test]
async fn a_signed_rider_without_being_in_the_picture_does_not_clear_the_shoot() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    let cast = f.alex_cast.to_string();
    let scene = f.scene.to_string();
    let drafted = cora
        .post(
            &f.path("/riders"),
            &[
                ("cast_member_id", cast.as_str()),
                ("scenes", scene.as_str()),
            ],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let rider_id: i64 = drafted
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    f.deliver(&mut cora, rider_id).await;
    alex.get(&f.rider_path(rider_id, "")).await;
    let signed = f.sign(&mut alex, rider_id, crate::support::PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let page = pat.get(&f.path(&format!("/scenes/{}", f.scene))).await;
    assert!(
        page.body
            .contains("#1 Alex Rivera: the signed rider does not agree to being in the picture"),
        "{}",
        page.body
    );
}

/// DOMAIN §4 gives directors the signed scope (what was agreed), never the rider text; before,
/// they saw nothing of it.
#[tokio::test]
async fn directors_see_what_each_performer_agreed_but_never_the_rider() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut dana = f.app.signed_in("dana@example.test").await;
    let mut sam = f.app.signed_in("sam@example.test").await;
    let rider_id = f.signed_rider(&mut cora, &mut alex).await;
    let scene_page = f.path(&format!("/scenes/{}", f.scene));

    let page = dana.get(&scene_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("What was agreed"), "{}", page.body);
    assert!(page.body.contains("#1 Alex Rivera"));
    assert!(page.body.contains(ALEX_ACT), "{}", page.body);
    assert!(page.body.contains("in the picture"));
    // The scope only: not the rider's text, and the rider itself stays closed to directors.
    let text = crate::support::sealed::rider_text(&f.app, rider_id).await;
    let first_line = text.lines().find(|l| l.len() > 20).unwrap().trim();
    assert!(!page.body.contains(first_line), "{first_line}");
    assert_eq!(
        dana.get(&f.rider_path(rider_id, "")).await.status,
        StatusCode::NOT_FOUND
    );
    // Another performer sees only their own agreement, so nothing of Alex's.
    let theirs = sam.get(&scene_page).await;
    assert!(!theirs.body.contains("What was agreed"), "{}", theirs.body);
}

/// Every consent write takes the production's ledger lock before any row, so actions that touch
/// the same riders queue instead of deadlocking. Before, signing B (which supersedes A) while
/// withdrawing A, or signing both, or a first view of A while signing B, could end in a
/// PostgreSQL deadlock and a 500. Each round fires one pair at once and requires no 5xx and at
/// most one event per action; `RACE_ROUNDS` sets the rounds (10 by default).
#[tokio::test]
async fn concurrent_consent_actions_never_deadlock_and_each_counts_once() {
    let rounds: usize = std::env::var("RACE_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut alex_too = f.app.signed_in("alex@example.test").await;
    for round in 0..rounds {
        // A is signed (or, for the view race, only delivered); B is delivered and read.
        let pair = round % 3;
        let a = f.draft(&mut cora, f.alex_cast, &[]).await;
        f.deliver(&mut cora, a).await;
        if pair != 2 {
            alex.get(&f.rider_path(a, "")).await;
        }
        if pair == 0 {
            let signed = f.sign(&mut alex, a, crate::support::PASSWORD).await;
            assert_eq!(signed.status, StatusCode::SEE_OTHER);
        }
        let b = f.draft(&mut cora, f.alex_cast, &[]).await;
        f.deliver(&mut cora, b).await;
        alex_too.get(&f.rider_path(b, "")).await;
        let (revoke_a, show_a) = (f.rider_path(a, "/revoke"), f.rider_path(a, ""));
        let (first, second) = match pair {
            // Sign B (superseding A) while withdrawing A.
            0 => tokio::join!(
                f.sign(&mut alex_too, b, crate::support::PASSWORD),
                alex.post(&revoke_a, &[])
            ),
            // Sign A and B together.
            1 => tokio::join!(
                f.sign(&mut alex_too, b, crate::support::PASSWORD),
                f.sign(&mut alex, a, crate::support::PASSWORD)
            ),
            // A first view of A while signing B.
            _ => tokio::join!(
                f.sign(&mut alex_too, b, crate::support::PASSWORD),
                alex.get(&show_a)
            ),
        };
        for page in [&first, &second] {
            assert!(
                !page.status.is_server_error(),
                "round {round} pair {pair}: {} {}",
                page.status,
                page.body
            );
        }
        for (rider, event) in [
            (b, "signed"),
            (a, "signed"),
            (a, "revoked"),
            (a, "declined"),
            (a, "viewed"),
            (a, "superseded"),
        ] {
            assert!(
                f.events(rider, event).await <= 1,
                "round {round}: rider {rider} has more than one {event}"
            );
        }
        assert_eq!(f.events(b, "signed").await, 1, "round {round}");
        // Each round ends with nothing of Alex's standing, so the next starts clean.
        for rider in [a, b] {
            alex.post(&f.rider_path(rider, "/revoke"), &[]).await;
        }
    }
    f.verify_ledger();
}

/// A performer who tells the coordinator in person or by phone that they are out can be
/// recorded as withdrawn: the event names the coordinator and how they were told, it takes
/// effect at once, the performer is told, and a signature can never be made that way.
#[tokio::test]
async fn a_coordinator_records_a_withdrawal_told_in_person_and_nothing_else() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut pat = f.app.signed_in("pat@example.test").await;
    let rider_id = f.signed_rider(&mut cora, &mut alex).await;
    let record = f.rider_path(rider_id, "/withdraw-for-performer");

    // Only the coordinator may record it, and how they were told is required.
    assert_eq!(
        pat.post(&record, &[("told", "in_person")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        alex.post(&record, &[("told", "in_person")]).await.status,
        StatusCode::NOT_FOUND
    );
    let missing = cora.post(&record, &[]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Say how the performer told you"));
    assert_eq!(f.status(rider_id).await, "signed");

    let page = cora.get(&f.rider_path(rider_id, "")).await;
    assert!(
        page.body
            .contains("The performer told you they withdraw consent")
    );
    let recorded = cora.post(&record, &[("told", "by_phone")]).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    assert_eq!(f.status(rider_id).await, "revoked");
    let (actor, details): (Option<i64>, String) = sqlx::query_as(
        "select actor_user_id, details::text from consent_event
         where rider_id = $1 and event = 'revoked'",
    )
    .bind(rider_id)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(actor, Some(f.cora));
    assert!(details.contains("\"told\":\"by_phone\""), "{details}");
    // The performer is told, and the scene is blocked for them at once.
    let told: i64 = sqlx::query_scalar(
        "select count(*) from notification where user_id = $1 and kind = 'consent_revoked'",
    )
    .bind(f.alex)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(told, 1);
    let scene = pat.get(&f.path(&format!("/scenes/{}", f.scene))).await;
    assert!(scene.body.contains("#1 Alex Rivera: consent revoked"));
    // A second record changes nothing; no route signs for a performer.
    cora.post(&record, &[("told", "in_person")]).await;
    assert_eq!(f.events(rider_id, "revoked").await, 1);
    let sign = cora
        .post(
            &f.rider_path(rider_id, "/sign"),
            &[("password", crate::support::PASSWORD)],
        )
        .await;
    assert_eq!(sign.status, StatusCode::NOT_FOUND);
    f.verify_ledger();
}

/// Signing a new rider replaces an older one only for the scenes the new one covers.
#[tokio::test]
async fn signing_supersedes_only_the_scenes_the_new_rider_covers() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    // A second scene Alex is in, with the same part, so one rider can cover both.
    let other = build::scene(&f.app, f.production, "6")
        .on_set("Lake house hall")
        .eighths(4)
        .with(&[f.alex_cast, f.sam_cast])
        .await;
    f.save_breakdown_of(other, &[ALEX_ACT]).await;
    let cast = f.alex_cast.to_string();
    let (five_a, six) = (f.scene.to_string(), other.to_string());
    let both = cora
        .post(
            &f.path("/riders"),
            &[
                ("cast_member_id", cast.as_str()),
                ("scenes", five_a.as_str()),
                ("scenes", six.as_str()),
                ("in_picture", "on"),
            ],
        )
        .await;
    assert_eq!(both.status, StatusCode::SEE_OTHER, "{}", both.body);
    let older: i64 = both.location().rsplit('/').next().unwrap().parse().unwrap();
    f.deliver(&mut cora, older).await;
    alex.get(&f.rider_path(older, "")).await;
    f.sign(&mut alex, older, crate::support::PASSWORD).await;
    // A new rider for 5A alone, signed.
    let newer = f.signed_rider(&mut cora, &mut alex).await;
    assert_eq!(
        f.status(older).await,
        "signed",
        "it still counts for scene 6"
    );
    let superseded: Vec<(i64, bool)> = sqlx::query_as(
        "select scene_id, superseded_at is not null from rider_scene where rider_id = $1
         order by scene_id",
    )
    .bind(older)
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(superseded, vec![(f.scene, true), (other, false)]);
    let details: String = sqlx::query_scalar(
        "select details::text from consent_event where rider_id = $1 and event = 'superseded'",
    )
    .bind(older)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert!(
        details.contains(&format!("\"superseded_by\": {newer}"))
            || details.contains(&format!("\"superseded_by\":{newer}")),
        "{details}"
    );
    assert!(
        details.contains("5A") && !details.contains("\"6\""),
        "{details}"
    );
    f.verify_ledger();
}

/// Shot is a fact of the day, not a switch: before, a director could mark a day ten days away
/// shot, or a blocked scene, with nothing in the ledger, and a later withdrawal no longer
/// blocked it.
#[tokio::test]
async fn a_scene_is_marked_shot_only_on_its_day_after_call_while_cleared_and_on_the_ledger() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut dana = f.app.signed_in("dana@example.test").await;
    let shot = f.path(&format!(
        "/schedule/{}/scenes/{}/shot",
        f.shoot_day, f.scene
    ));
    let unshot = f.path(&format!(
        "/schedule/{}/scenes/{}/unshot",
        f.shoot_day, f.scene
    ));
    let shot_at = || async {
        sqlx::query_scalar::<_, Option<time::OffsetDateTime>>(
            "select shot_at from shoot_day_scene where shoot_day_id = $1 and scene_id = $2",
        )
        .bind(f.shoot_day)
        .bind(f.scene)
        .fetch_one(&f.app.pool)
        .await
        .unwrap()
    };
    let count = |event: &'static str| {
        let pool = f.app.pool.clone();
        let production = f.production;
        async move {
            sqlx::query_scalar::<_, i64>(
                "select count(*) from consent_event where production_id = $1 and event = $2",
            )
            .bind(production)
            .bind(event)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // Ten days ahead: refused, nothing recorded.
    let early = dana.post(&shot, &[]).await;
    assert_eq!(early.status, StatusCode::SEE_OTHER);
    let day = dana
        .get(&f.path(&format!("/schedule/{}", f.shoot_day)))
        .await;
    assert!(day.body.contains("only on its shoot day"), "{}", day.body);
    assert!(shot_at().await.is_none());
    assert_eq!(count("shot").await, 0);

    // On the day, after call, but blocked (Sam has no rider yet): refused.
    sqlx::query(
        "update shoot_day d set shoot_date = (now() at time zone p.time_zone)::date,
                call_at = now() - interval '1 hour'
         from production p where p.production_id = d.production_id and d.shoot_day_id = $1",
    )
    .bind(f.shoot_day)
    .execute(&f.app.pool)
    .await
    .unwrap();
    dana.post(&shot, &[]).await;
    let day = dana
        .get(&f.path(&format!("/schedule/{}", f.shoot_day)))
        .await;
    assert!(day.body.contains("not cleared to shoot"), "{}", day.body);
    assert!(shot_at().await.is_none());

    // Cleared: marked, once, on the ledger naming who.
    f.cleared_today(&mut cora, &mut alex).await;
    assert_eq!(dana.post(&shot, &[]).await.status, StatusCode::SEE_OTHER);
    dana.post(&shot, &[]).await;
    assert!(shot_at().await.is_some());
    assert_eq!(count("shot").await, 1);
    let by: Option<i64> = sqlx::query_scalar(
        "select actor_user_id from consent_event where production_id = $1 and event = 'shot'",
    )
    .bind(f.production)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    let dana_id: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind("dana@example.test")
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(by, Some(dana_id));

    // Undone by the coordinator only, also on the ledger.
    assert_eq!(dana.post(&unshot, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(cora.post(&unshot, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(shot_at().await.is_none());
    assert_eq!(count("shot_undone").await, 1);

    // A hold on the day blocks the mark.
    let pause = f.path(&format!(
        "/schedule/{}/on-set/scenes/{}/pause",
        f.shoot_day, f.scene
    ));
    assert_eq!(cora.post(&pause, &[]).await.status, StatusCode::SEE_OTHER);
    dana.post(&shot, &[]).await;
    assert!(shot_at().await.is_none());
    assert_eq!(count("shot").await, 1);
    f.verify_ledger();
}

/// A breakdown change that leaves a performer's part as it was carries their signed rider
/// forward, on the ledger, and tells them what changed around them; the performer whose part
/// changed is not carried: their rider is stale.
#[tokio::test]
async fn a_change_around_a_performer_carries_their_rider_forward_and_tells_them() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let mut sam = f.app.signed_in("sam@example.test").await;
    let alex_rider = f.signed_rider(&mut cora, &mut alex).await;
    let sam_rider = f.draft(&mut cora, f.sam_cast, &[]).await;
    f.deliver(&mut cora, sam_rider).await;
    sam.get(&f.rider_path(sam_rider, "")).await;
    f.sign(&mut sam, sam_rider, crate::support::PASSWORD).await;

    f.save_breakdown(&[ALEX_ACT, "Lies together under the sheet"])
        .await;
    assert_eq!(f.events(sam_rider, "carried_forward").await, 1);
    assert_eq!(f.events(alex_rider, "carried_forward").await, 0);
    let notices = sam.get("/notifications").await;
    assert!(
        notices.body.contains("your signed rider still covers it")
            && notices.body.contains("another performer&#39;s part"),
        "{}",
        notices.body
    );
    // Sam's notice never says what changed in Alex's part.
    assert!(!notices.body.contains("Lies together under the sheet"));
    let scene = cora.get(&f.path(&format!("/scenes/{}", f.scene))).await;
    assert!(scene.body.contains("#1 Alex Rivera: signed rider is stale"));
    assert!(
        !scene
            .body
            .contains("#2 Sam Lindqvist: signed rider is stale")
    );
    f.verify_ledger();
}
