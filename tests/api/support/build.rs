//! Test builders for a production's cast, scenes, breakdowns, shoot days and riders: each goes
//! through the app's own function where it has one, otherwise through the one SQL insert here.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use closedset::consent::rider_text;
use closedset::consent::riders::lifecycle::{self, Terms};
use closedset::ledger;
use closedset::productions::Production;
use closedset::scenes::number::SceneNumber;
use closedset::scenes::{SaveOutcome, save_breakdown};
use closedset::vocab::LedgerEvent;
use closedset::vocab::breakdown::Breakdown;
use closedset::vocab::ledger_event::SceneFact;
use closedset::vocab::scope::Uses;
use sqlx::PgConnection;
use time::macros::{format_description, time};
use time::{Date, OffsetDateTime};

use super::TestApp;

type Built<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A date written as `2027-05-03`.
pub fn date(ymd: &str) -> Date {
    Date::parse(ymd, format_description!("[year]-[month]-[day]")).expect("a YYYY-MM-DD date")
}

// ---------------------------------------------------------------- cast

/// `cast(&app, production, 1, "Alex Rivera").playing("Marion").linked_to(alex).await`: a cast
/// member (the app adds them only through its form), returning the cast member id.
pub fn cast<'a>(app: &'a TestApp, production: i64, number: i32, name: &str) -> NewCast<'a> {
    NewCast {
        app,
        production,
        number,
        name: name.to_string(),
        character: String::new(),
        born: None,
        user: None,
        email: None,
    }
}

pub struct NewCast<'a> {
    app: &'a TestApp,
    production: i64,
    number: i32,
    name: String,
    character: String,
    born: Option<Date>,
    user: Option<i64>,
    email: Option<String>,
}

impl<'a> NewCast<'a> {
    pub fn playing(mut self, character: &str) -> Self {
        self.character = character.to_string();
        self
    }

    pub fn born(mut self, date_of_birth: impl Into<Option<Date>>) -> Self {
        self.born = date_of_birth.into();
        self
    }

    /// Linked to this account, if any.
    pub fn linked_to(mut self, user: impl Into<Option<i64>>) -> Self {
        self.user = user.into();
        self
    }

    /// Linked to the account with this e-mail address.
    pub fn signing_in_as(mut self, email: &str) -> Self {
        self.email = Some(email.to_string());
        self
    }
}

impl<'a> IntoFuture for NewCast<'a> {
    type Output = i64;
    type IntoFuture = Built<'a, i64>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            sqlx::query_scalar(
                "insert into cast_member (production_id, cast_number, name, character_name,
                                          date_of_birth, user_id)
                 values ($1, $2, $3, $4, $5,
                         coalesce($6, (select user_id from app_user where email = $7)))
                 returning cast_member_id",
            )
            .bind(self.production)
            .bind(self.number)
            .bind(&self.name)
            .bind(&self.character)
            .bind(self.born)
            .bind(self.user)
            .bind(&self.email)
            .fetch_one(&self.app.pool)
            .await
            .expect("adding a cast member")
        })
    }
}

// ---------------------------------------------------------------- scenes

/// `scene(&app, production, "5A").on_set("Lake house bedroom").eighths(9).with(&[alex]).await`:
/// an interior night scene (the app adds scenes only through its form), returning its id.
pub fn scene<'a>(app: &'a TestApp, production: i64, number: &str) -> NewScene<'a> {
    NewScene {
        app,
        production,
        number: SceneNumber::parse(number).expect("a scene number"),
        int_ext: "int".into(),
        set_name: "Lake house".into(),
        time_of_day: "night".into(),
        eighths: 8,
        synopsis: String::new(),
        cast: Vec::new(),
    }
}

pub struct NewScene<'a> {
    app: &'a TestApp,
    production: i64,
    number: SceneNumber,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    eighths: i32,
    synopsis: String,
    cast: Vec<i64>,
}

impl<'a> NewScene<'a> {
    pub fn on_set(mut self, set_name: &str) -> Self {
        self.set_name = set_name.to_string();
        self
    }

    /// `int`, `ext` or `int_ext`; and `day`, `night`, `dawn` or `dusk`.
    pub fn heading(mut self, int_ext: &str, time_of_day: &str) -> Self {
        self.int_ext = int_ext.to_string();
        self.time_of_day = time_of_day.to_string();
        self
    }

    pub fn eighths(mut self, eighths: i32) -> Self {
        self.eighths = eighths;
        self
    }

    pub fn synopsis(mut self, synopsis: &str) -> Self {
        self.synopsis = synopsis.to_string();
        self
    }

    /// These cast members are in the scene.
    pub fn with(mut self, cast: &[i64]) -> Self {
        self.cast = cast.to_vec();
        self
    }
}

impl<'a> IntoFuture for NewScene<'a> {
    type Output = i64;
    type IntoFuture = Built<'a, i64>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            sqlx::query_scalar(
                "with s as (
                     insert into scene (production_id, number, sort_key, int_ext, set_name,
                                        time_of_day, eighths, synopsis)
                     values ($1, $2, $3, $4, $5, $6, $7, $8) returning scene_id),
                 c as (insert into scene_cast (scene_id, cast_member_id, production_id)
                       select s.scene_id, unnest($9::bigint[]), $1 from s)
                 select scene_id from s",
            )
            .bind(self.production)
            .bind(self.number.as_str())
            .bind(self.number.sort_key())
            .bind(&self.int_ext)
            .bind(&self.set_name)
            .bind(&self.time_of_day)
            .bind(self.eighths)
            .bind(&self.synopsis)
            .bind(&self.cast)
            .fetch_one(&self.app.pool)
            .await
            .expect("adding a scene")
        })
    }
}

/// Saves `breakdown` as the scene's new current version, as the editor does (by `by`, judged
/// today); returns the version number.
pub async fn breakdown(
    app: &TestApp,
    production: i64,
    scene: i64,
    breakdown: &Breakdown,
    by: Option<i64>,
) -> i32 {
    let mut tx = app.pool.begin().await.unwrap();
    let outcome = save_breakdown(
        &mut tx,
        production,
        scene,
        breakdown,
        by,
        OffsetDateTime::now_utc().date(),
    )
    .await
    .unwrap();
    let SaveOutcome::Saved { version } = outcome else {
        panic!("the breakdown was not saved: {outcome:?}");
    };
    tx.commit().await.unwrap();
    version
}

// ---------------------------------------------------------------- schedule

/// A shoot day on `date` with a 07:00 UTC call (the app adds days only through its form);
/// returns its id. `shoot_day_called_at` gives the call as an instant.
pub async fn shoot_day(app: &TestApp, production: i64, date: Date) -> i64 {
    shoot_day_called_at(
        app,
        production,
        date,
        date.with_time(time!(07:00)).assume_utc(),
    )
    .await
}

pub async fn shoot_day_called_at(
    app: &TestApp,
    production: i64,
    date: Date,
    call_at: OffsetDateTime,
) -> i64 {
    sqlx::query_scalar(
        "insert into shoot_day (production_id, shoot_date, call_at) values ($1, $2, $3)
         returning shoot_day_id",
    )
    .bind(production)
    .bind(date)
    .bind(call_at)
    .fetch_one(&app.pool)
    .await
    .expect("adding a shoot day")
}

/// Places a scene last on a shoot day's stripboard.
pub async fn place(app: &TestApp, shoot_day: i64, scene: i64) {
    sqlx::query(
        "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position)
         select $1, $2, production_id,
                (select count(*) + 1 from shoot_day_scene where shoot_day_id = $1)
         from shoot_day where shoot_day_id = $1",
    )
    .bind(shoot_day)
    .bind(scene)
    .execute(&app.pool)
    .await
    .expect("placing a scene on a shoot day");
}

/// One performer (linked to `performer`, cast #1 playing Marion) in one scene, 5A, whose
/// breakdown asks partial upper nudity (upper back shown), with a rider for it drafted and
/// delivered by `coordinator`: the smallest production a performer can sign. Returns the rider.
pub async fn delivered_rider(
    app: &TestApp,
    production: i64,
    coordinator: i64,
    performer: i64,
) -> i64 {
    use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
    use closedset::vocab::breakdown::{PerformerPart, empty_breakdown};

    let cast = cast(app, production, 1, "Alex")
        .playing("Marion")
        .linked_to(performer)
        .await;
    let scene = scene(app, production, "5A").with(&[cast]).await;
    let asked = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![PerformerPart {
            cast_member_id: cast,
            nudity: NudityLevel::PartialUpper,
            shown: vec![BodyArea::UpperBack],
            touched: vec![],
            touching: vec![],
            acts: vec![],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    breakdown(app, production, scene, &asked, Some(coordinator)).await;
    rider(app, production, cast, &[scene])
        .by(coordinator)
        .delivered()
        .await
}

/// The people most consent tests start from: "Night Swim" produced by pat@example.test, with
/// cora@example.test as its coordinator and bea@example.test (named `bea_name`) as a performer
/// member. Returns (production, pat, cora, bea) as ids.
pub async fn crew(app: &TestApp, bea_name: &str) -> (i64, i64, i64, i64) {
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let bea = app.user("bea@example.test", bea_name).await;
    app.add_member(production, bea, "performer").await;
    (production, pat, cora, bea)
}

/// The cast member a rider is for.
pub async fn cast_of_rider(app: &TestApp, rider: i64) -> i64 {
    sqlx::query_scalar("select cast_member_id from rider where rider_id = $1")
        .bind(rider)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Saves a boundary profile as its performer (`email`) would: "ask first" for kissing on the
/// mouth, and `note` as the general note.
pub async fn boundary_note(app: &TestApp, production: i64, email: &str, cast: i64, note: &str) {
    let mut client = app.signed_in(email).await;
    let page = client
        .post(
            &format!("/productions/{production}/boundaries/{cast}"),
            &[("kissed.mouth", "ask"), ("notes", note)],
        )
        .await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
}

// ---------------------------------------------------------------- riders

/// `rider(&app, production, alex, &[scene]).by(cora).delivered().await`: a picture-only rider
/// for these scenes' current breakdowns, drafted and delivered by the app's own lifecycle.
/// `.delivered_at(instant)` and `.signed_at(instant).await` give it a history that happened
/// earlier.
pub fn rider<'a>(
    app: &'a TestApp,
    production: i64,
    cast_member: i64,
    scenes: &[i64],
) -> NewRider<'a> {
    NewRider {
        app,
        production,
        cast_member,
        scenes: scenes.to_vec(),
        terms: Terms {
            uses: Uses {
                in_picture: true,
                trailers: false,
                stills: false,
            },
            double_allowed: false,
        },
        by: None,
        delivered_at: None,
        signed_at: None,
    }
}

pub struct NewRider<'a> {
    app: &'a TestApp,
    production: i64,
    cast_member: i64,
    scenes: Vec<i64>,
    terms: Terms,
    by: Option<i64>,
    delivered_at: Option<OffsetDateTime>,
    signed_at: Option<OffsetDateTime>,
}

impl<'a> NewRider<'a> {
    /// Drafted and delivered by this account (a coordinator).
    pub fn by(mut self, coordinator: i64) -> Self {
        self.by = Some(coordinator);
        self
    }

    /// What the performer agrees the footage may be used for (the picture only, unless told).
    pub fn uses(mut self, uses: Uses) -> Self {
        self.terms.uses = uses;
        self
    }

    /// Delivered at this earlier instant, as if the notice clock had started then.
    pub fn delivered_at(mut self, at: OffsetDateTime) -> Self {
        self.delivered_at = Some(at);
        self
    }

    /// Drafted and delivered; returns the rider id.
    pub async fn delivered(self) -> i64 {
        self.build().await
    }

    /// Drafted, delivered and signed by the performer (their linked account) at this earlier
    /// instant; returns the rider id.
    pub async fn signed_at(mut self, at: OffsetDateTime) -> i64 {
        self.signed_at = Some(at);
        self.build().await
    }

    /// Drafting is always the app's own. Delivery and signing are too unless they happened at
    /// an earlier instant: the app stamps each consent write with the moment it is made, so
    /// those are written here as the lifecycle writes them (the same rows, text, hashes and
    /// ledger entries), with rows and entries stamped at that instant, in one transaction.
    /// The performer is not notified of a delivery written so, and their boundary profile is
    /// not consulted.
    async fn build(self) -> i64 {
        let by = self
            .by
            .expect("a rider is drafted by someone: call .by(coordinator)");
        let mut tx = self.app.pool.begin().await.unwrap();
        let production: Production = sqlx::query_as(
            "select production_id, title, kind, phase, time_zone, currency, agreement,
                    notice_hours, ic_account_code, revision
             from production where production_id = $1",
        )
        .bind(self.production)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let rider_id = lifecycle::draft(
            &mut tx,
            self.production,
            self.cast_member,
            &self.scenes,
            self.terms,
            by,
        )
        .await
        .unwrap()
        .unwrap_or_else(|refused| panic!("the rider was not drafted: {}", refused.message));
        match self.delivered_at {
            Some(at) => deliver_at(&mut tx, &production, rider_id, by, at).await,
            // As a coordinator who has discussed any boundary conflict with the performer.
            None => lifecycle::deliver(
                &mut tx,
                &production,
                rider_id,
                by,
                true,
                Some(&super::vault(&self.app.db_name)),
            )
            .await
            .unwrap()
            .unwrap_or_else(|refused| panic!("the rider was not delivered: {}", refused.message)),
        }
        if let Some(at) = self.signed_at {
            sign_at(&mut tx, self.production, rider_id, at).await;
        }
        tx.commit().await.unwrap();
        rider_id
    }
}

/// An instant as the ledger keeps it: whole microseconds since 1970.
fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap()
}

/// `lifecycle::deliver` at an earlier instant: the text rendered and locked with its hash, the
/// terms hashed, the notice clock started, and the `delivered` entry, all stamped `at`.
async fn deliver_at(
    tx: &mut PgConnection,
    production: &Production,
    rider_id: i64,
    by: i64,
    at: OffsetDateTime,
) {
    let production_id = production.production_id;
    let rider = lifecycle::load(tx, production_id, rider_id)
        .await
        .unwrap()
        .expect("the drafted rider");
    let scenes = lifecycle::covered(tx, rider_id).await.unwrap();
    let body = lifecycle::render_text(production, &rider, &scenes);
    let text_sha256 = rider_text::text_hash(&body);
    let terms_sha256 = ledger::state::terms_sha256_of(tx, rider_id).await.unwrap();
    sqlx::query(
        "update rider set status = 'delivered', body = $2, body_sha256 = $3,
                delivered_at = timestamptz 'epoch' + $4 * interval '1 microsecond',
                updated_at = now()
         where rider_id = $1",
    )
    .bind(rider_id)
    .bind(&body)
    .bind(&text_sha256)
    .bind(micros(at))
    .execute(&mut *tx)
    .await
    .unwrap();
    let scenes = scenes
        .iter()
        .map(|s| SceneFact {
            scene_id: s.scene_id,
            scene: s.number.clone(),
            version: s.version,
            content_hash: s.content_hash.clone(),
        })
        .collect();
    let delivered = LedgerEvent::Delivered {
        text_sha256,
        terms_sha256,
        scenes,
    };
    ledger::append_at(
        tx,
        production_id,
        &delivered,
        Some(rider_id),
        Some(by),
        micros(at),
    )
    .await
    .unwrap();
}

/// `lifecycle::sign` at an earlier instant, by the performer's linked account, for the text
/// delivered. Only for a performer's first rider for its scenes: there is nothing to supersede.
async fn sign_at(tx: &mut PgConnection, production_id: i64, rider_id: i64, at: OffsetDateTime) {
    let older: bool = sqlx::query_scalar(
        "select exists (select 1 from rider o join rider_scene os using (rider_id)
                        join rider r on r.cast_member_id = o.cast_member_id
                        join rider_scene rs on rs.rider_id = r.rider_id
                                           and rs.scene_id = os.scene_id
                        where r.rider_id = $1 and o.rider_id < r.rider_id)",
    )
    .bind(rider_id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert!(!older, "signing at an earlier instant supersedes nothing");
    let (performer, text_sha256): (Option<i64>, String) = sqlx::query_as(
        "update rider r set status = 'signed',
                signed_at = timestamptz 'epoch' + $2 * interval '1 microsecond',
                updated_at = now()
         from cast_member c
         where r.rider_id = $1 and c.cast_member_id = r.cast_member_id
           and r.status in ('delivered', 'viewed')
         returning c.user_id, r.body_sha256",
    )
    .bind(rider_id)
    .bind(micros(at))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let performer = performer.expect("a rider is signed by the performer's own account");
    let signed = LedgerEvent::Signed {
        text_sha256,
        client_sha256: closedset::vocab::ledger_event::client_sha256(
            &"0".repeat(64),
            "127.0.0.1",
            "test fixture",
        ),
        authenticated: "password re-entered".into(),
        method: "password".into(),
        credential_sha256: None,
    };
    ledger::append_at(
        tx,
        production_id,
        &signed,
        Some(rider_id),
        Some(performer),
        micros(at),
    )
    .await
    .unwrap();
}

/// A rehearsal of a scene (the app adds them only through its form); returns its id.
pub async fn rehearsal(
    app: &TestApp,
    scene: i64,
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
) -> i64 {
    sqlx::query_scalar(
        "insert into rehearsal (production_id, scene_id, starts_at, ends_at)
         select production_id, scene_id, $2, $3 from scene where scene_id = $1
         returning rehearsal_id",
    )
    .bind(scene)
    .bind(starts_at)
    .bind(ends_at)
    .fetch_one(&app.pool)
    .await
    .expect("adding a rehearsal")
}
