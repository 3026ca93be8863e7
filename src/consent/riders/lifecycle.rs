//! The rider lifecycle in the database: draft, deliver, view, sign, supersede and revoke, each
//! inside the caller's transaction with its ledger event, so handlers and the demo share one path.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::consent::ledger;
use crate::consent::rider_text::{self, RiderContent, RiderScene};
use crate::error::Result;
use crate::notifications;
use crate::productions::Production;
use crate::scenes::heading_text;
use crate::vocab::Role;
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::breakdown::{Breakdown, PerformerPart};
use crate::vocab::ledger_event::SceneFact;
use crate::vocab::scope::{Scope, Uses};
use crate::vocab::{LedgerEvent, RiderStatus};

/// Why a change was not made; nothing was written. `field` names the form field the message
/// belongs beside, or is empty when the rider's state, not the input, refused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub field: &'static str,
    pub message: String,
}

impl Refused {
    fn field(field: &'static str, message: impl Into<String>) -> Refused {
        Refused {
            field,
            message: message.into(),
        }
    }
    fn state(message: impl Into<String>) -> Refused {
        Refused {
            field: "",
            message: message.into(),
        }
    }
}

/// What a rider agrees to besides the per-scene scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terms {
    pub uses: Uses,
    pub double_allowed: bool,
}

/// A rider with its performer, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RiderRow {
    pub rider_id: i64,
    pub production_id: i64,
    pub cast_member_id: i64,
    pub status: RiderStatus,
    pub body: String,
    pub body_sha256: Option<String>,
    pub in_picture: bool,
    pub in_trailers: bool,
    pub in_stills: bool,
    pub double_allowed: bool,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
    pub viewed_at: Option<OffsetDateTime>,
    pub signed_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub superseded_at: Option<OffsetDateTime>,
    pub superseded_by: Option<i64>,
    pub cast_number: i32,
    pub performer_name: String,
    pub character_name: String,
    pub performer_user_id: Option<i64>,
}

impl RiderRow {
    pub fn terms(&self) -> Terms {
        Terms {
            uses: Uses {
                in_picture: self.in_picture,
                trailers: self.in_trailers,
                stills: self.in_stills,
            },
            double_allowed: self.double_allowed,
        }
    }
    /// "#2 Sam Lindqvist".
    pub fn performer_label(&self) -> String {
        format!("#{} {}", self.cast_number, self.performer_name)
    }
    pub fn is_draft(&self) -> bool {
        self.status == RiderStatus::Drafted
    }
    /// The performer may still withdraw: delivered, viewed or signed, and not yet withdrawn.
    pub fn revocable(&self) -> bool {
        crate::rules::revocation::may_withdraw(self.status, self.revoked_at.is_some())
    }
    pub fn signable(&self) -> bool {
        crate::rules::revocation::may_sign(self.status, self.revoked_at.is_some())
    }
}

const RIDER_COLUMNS: &str = "r.rider_id, r.production_id, r.cast_member_id, r.status, r.body,
     r.body_sha256, r.in_picture, r.in_trailers, r.in_stills, r.double_allowed, r.created_at,
     r.delivered_at, r.viewed_at, r.signed_at, r.revoked_at, r.superseded_at, r.superseded_by,
     c.cast_number, c.name as performer_name, c.character_name, c.user_id as performer_user_id";

/// One rider of a production, or `None`.
pub async fn load(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
) -> Result<Option<RiderRow>> {
    Ok(sqlx::query_as(&format!(
        "select {RIDER_COLUMNS} from rider r join cast_member c using (cast_member_id)
         where r.rider_id = $1 and r.production_id = $2"
    ))
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(conn)
    .await?)
}

/// A scene the rider covers, at the version it covers, with where the scene is now.
#[derive(Clone, Debug)]
pub struct Covered {
    pub scene_id: i64,
    pub number: String,
    pub heading: String,
    pub scene_version_id: i64,
    pub version: i32,
    pub content_hash: String,
    pub breakdown: Breakdown,
    /// `None` when the stored scope cannot be read (a hand-made row): treated as agreeing to nothing.
    pub scope: Option<Scope>,
    pub current_version_id: Option<i64>,
    pub current_version: Option<i32>,
}

impl Covered {
    /// The breakdown changed after this version: the rider no longer matches the scene.
    pub fn is_stale(&self) -> bool {
        self.current_version_id != Some(self.scene_version_id)
    }
}

#[derive(sqlx::FromRow)]
struct CoveredRow {
    scene_id: i64,
    number: String,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    scene_version_id: i64,
    version: i32,
    content_hash: String,
    breakdown: String,
    scope: String,
    current_version_id: Option<i64>,
    current_version: Option<i32>,
}

/// The scenes a rider covers, in script order.
pub async fn covered(conn: &mut PgConnection, rider_id: i64) -> Result<Vec<Covered>> {
    let rows: Vec<CoveredRow> = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, rs.scene_version_id,
                v.version, v.content_hash, v.breakdown::text as breakdown, rs.scope::text as scope,
                s.current_version_id, cv.version as current_version
         from rider_scene rs
         join scene s using (scene_id)
         join scene_version v on v.scene_version_id = rs.scene_version_id
         left join scene_version cv on cv.scene_version_id = s.current_version_id
         where rs.rider_id = $1
         order by s.sort_key collate \"C\"",
    )
    .bind(rider_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Covered {
            heading: heading_text(&r.int_ext, &r.set_name, &r.time_of_day),
            scene_id: r.scene_id,
            number: r.number,
            scene_version_id: r.scene_version_id,
            version: r.version,
            content_hash: r.content_hash,
            breakdown: read_breakdown(&r.breakdown),
            scope: serde_json::from_str(&r.scope).ok(),
            current_version_id: r.current_version_id,
            current_version: r.current_version,
        })
        .collect())
}

/// "scene 5A" or "scenes 5A, 8": how messages name what a rider covers.
pub fn scenes_phrase(numbers: &[&str]) -> String {
    match numbers {
        [one] => format!("scene {one}"),
        _ => format!("scenes {}", numbers.join(", ")),
    }
}

/// A scene whose current breakdown asks something of a performer, with what it asks.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub scene_id: i64,
    pub number: String,
    pub heading: String,
    pub scene_version_id: i64,
    pub version: i32,
    /// What the breakdown asks of them (a double is asked what the original is asked).
    pub part: PerformerPart,
    pub garments: String,
    /// "#2 Sam Lindqvist" when the performer stands in as a double there (R4).
    pub double_for: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    scene_id: i64,
    number: String,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    scene_version_id: i64,
    version: i32,
    breakdown: String,
    original_cast_member_id: Option<i64>,
    original_label: Option<String>,
}

/// The scenes a rider for this performer can cover: where the current breakdown gives them a
/// part, or where they double for someone who has one.
pub async fn candidates(
    conn: &mut PgConnection,
    production_id: i64,
    cast_member_id: i64,
) -> Result<Vec<Candidate>> {
    let rows: Vec<CandidateRow> = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, v.scene_version_id,
                v.version, v.breakdown::text as breakdown, d.original_cast_member_id,
                '#' || oc.cast_number || ' ' || oc.name as original_label
         from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         left join lateral (select original_cast_member_id from scene_double
                            where scene_id = s.scene_id and double_cast_member_id = $2
                            order by original_cast_member_id limit 1) d on true
         left join cast_member oc on oc.cast_member_id = d.original_cast_member_id
         where s.production_id = $1 and not s.omitted
           and (v.breakdown -> 'performers'
                    @> jsonb_build_array(jsonb_build_object('cast_member_id', $2::bigint))
                or d.original_cast_member_id is not null)
         order by s.sort_key collate \"C\"",
    )
    .bind(production_id)
    .bind(cast_member_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let breakdown = read_breakdown(&r.breakdown);
            let own = breakdown
                .performers
                .iter()
                .find(|p| p.cast_member_id == cast_member_id);
            let (part, double_for) = match (own, r.original_cast_member_id) {
                (Some(part), _) => (part.clone(), None),
                (None, Some(original)) => (
                    breakdown
                        .performers
                        .iter()
                        .find(|p| p.cast_member_id == original)?
                        .clone(),
                    r.original_label,
                ),
                (None, None) => return None,
            };
            Some(Candidate {
                heading: heading_text(&r.int_ext, &r.set_name, &r.time_of_day),
                scene_id: r.scene_id,
                number: r.number,
                scene_version_id: r.scene_version_id,
                version: r.version,
                part,
                garments: breakdown.garments.clone(),
                double_for,
            })
        })
        .collect())
}

/// Writes which scene versions a rider covers, at their current versions, replacing what it
/// covered before. Only drafts are re-snapshotted; delivered riders are never edited in place.
async fn snapshot(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    cast_member_id: i64,
    scene_ids: &[i64],
    terms: Terms,
) -> Result<std::result::Result<(), Refused>> {
    if scene_ids.is_empty() {
        return Ok(Err(Refused::field(
            "scenes",
            "Choose at least one scene for the rider to cover.",
        )));
    }
    let offered = candidates(conn, production_id, cast_member_id).await?;
    let mut chosen = Vec::new();
    for id in scene_ids {
        match offered.iter().find(|c| c.scene_id == *id) {
            Some(c) => chosen.push(c),
            None => {
                return Ok(Err(Refused::field(
                    "scenes",
                    "Choose scenes whose current breakdown asks something of this performer.",
                )));
            }
        }
    }
    let scopes: Vec<String> = chosen
        .iter()
        .map(|c| {
            serde_json::to_string(&Scope::from_part(&c.part, terms.uses, terms.double_allowed))
                .expect("a scope serialises")
        })
        .collect();
    sqlx::query("delete from rider_scene where rider_id = $1")
        .bind(rider_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "insert into rider_scene (rider_id, scene_id, scene_version_id, production_id, scope)
         select $1, t.scene_id, t.version_id, $2, t.scope::jsonb
         from unnest($3::bigint[], $4::bigint[], $5::text[]) as t(scene_id, version_id, scope)",
    )
    .bind(rider_id)
    .bind(production_id)
    .bind(chosen.iter().map(|c| c.scene_id).collect::<Vec<_>>())
    .bind(
        chosen
            .iter()
            .map(|c| c.scene_version_id)
            .collect::<Vec<_>>(),
    )
    .bind(&scopes)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// Drafts a rider for a performer from the current breakdowns of `scene_ids`.
pub async fn draft(
    conn: &mut PgConnection,
    production_id: i64,
    cast_member_id: i64,
    scene_ids: &[i64],
    terms: Terms,
    actor: i64,
) -> Result<std::result::Result<i64, Refused>> {
    let on_cast: bool = sqlx::query_scalar(
        "select exists (select 1 from cast_member where cast_member_id = $1 and production_id = $2)",
    )
    .bind(cast_member_id)
    .bind(production_id)
    .fetch_one(&mut *conn)
    .await?;
    if !on_cast {
        return Ok(Err(Refused::field(
            "cast_member_id",
            "Choose a performer from the cast list.",
        )));
    }
    let rider_id: i64 = sqlx::query_scalar(
        "insert into rider (production_id, cast_member_id, in_picture, in_trailers, in_stills,
                            double_allowed, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning rider_id",
    )
    .bind(production_id)
    .bind(cast_member_id)
    .bind(terms.uses.in_picture)
    .bind(terms.uses.trailers)
    .bind(terms.uses.stills)
    .bind(terms.double_allowed)
    .bind(actor)
    .fetch_one(&mut *conn)
    .await?;
    if let Err(refused) = snapshot(
        conn,
        production_id,
        rider_id,
        cast_member_id,
        scene_ids,
        terms,
    )
    .await?
    {
        // The caller drops the transaction, so the rider row goes too.
        return Ok(Err(refused));
    }
    let scenes = covered(conn, rider_id).await?;
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Drafted {
            scenes: scene_facts(&scenes),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    Ok(Ok(rider_id))
}

fn scene_facts(scenes: &[Covered]) -> Vec<SceneFact> {
    scenes
        .iter()
        .map(|s| SceneFact {
            scene: s.number.clone(),
            version: s.version,
            content_hash: s.content_hash.clone(),
        })
        .collect()
}

/// Locks a rider row for the rest of the transaction and returns its status.
async fn lock(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "select status from rider where rider_id = $1 and production_id = $2 for update",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(conn)
    .await?)
}

const ONLY_DRAFTS: &str = "Only a draft can be changed. A delivered rider is never edited: \
                           draft a new rider instead.";

/// Changes a draft's scenes and terms; the scenes are taken at their current versions.
pub async fn update_draft(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    scene_ids: &[i64],
    terms: Terms,
) -> Result<std::result::Result<(), Refused>> {
    if lock(conn, production_id, rider_id).await?.as_deref() != Some("drafted") {
        return Ok(Err(Refused::state(ONLY_DRAFTS)));
    }
    let cast_member_id: i64 =
        sqlx::query_scalar("select cast_member_id from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&mut *conn)
            .await?;
    if let Err(refused) = snapshot(
        conn,
        production_id,
        rider_id,
        cast_member_id,
        scene_ids,
        terms,
    )
    .await?
    {
        return Ok(Err(refused));
    }
    sqlx::query(
        "update rider set in_picture = $2, in_trailers = $3, in_stills = $4, double_allowed = $5,
                updated_at = now()
         where rider_id = $1",
    )
    .bind(rider_id)
    .bind(terms.uses.in_picture)
    .bind(terms.uses.trailers)
    .bind(terms.uses.stills)
    .bind(terms.double_allowed)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// The part a stored scope describes, for rendering the text.
fn part_of(scope: &Scope, cast_member_id: i64) -> PerformerPart {
    PerformerPart {
        cast_member_id,
        nudity: scope.nudity,
        shown: scope.shown.iter().copied().collect(),
        touched: scope.touched.iter().copied().collect(),
        touching: scope.touching.iter().copied().collect(),
        acts: scope.acts.iter().cloned().collect(),
    }
}

/// The rider text as it reads for these covered scenes: the stored body once delivered, this
/// rendering (a preview) while drafted.
pub fn render_text(production: &Production, rider: &RiderRow, scenes: &[Covered]) -> String {
    let parts: Vec<PerformerPart> = scenes
        .iter()
        .map(|s| {
            s.scope
                .as_ref()
                .map(|scope| part_of(scope, rider.cast_member_id))
                .unwrap_or_else(|| PerformerPart {
                    cast_member_id: rider.cast_member_id,
                    nudity: crate::vocab::body::NudityLevel::None,
                    shown: Vec::new(),
                    touched: Vec::new(),
                    touching: Vec::new(),
                    acts: Vec::new(),
                })
        })
        .collect();
    let content = RiderContent {
        production_title: &production.title,
        performer_name: &rider.performer_name,
        cast_number: rider.cast_number,
        character: &rider.character_name,
        scenes: scenes
            .iter()
            .zip(&parts)
            .map(|(s, part)| RiderScene {
                number: &s.number,
                heading: &s.heading,
                version: s.version,
                content_hash: &s.content_hash,
                part,
                garments: &s.breakdown.garments,
                closed_set: &s.breakdown.closed_set,
            })
            .collect(),
        uses: rider.terms().uses,
        double_allowed: rider.double_allowed,
        notice_hours: production.notice_hours,
    };
    rider_text::render(&content)
}

/// Delivers a draft: takes each scene at its current version, locks the text and its hash,
/// starts the notice clock and tells the performer.
pub async fn deliver(
    conn: &mut PgConnection,
    production: &Production,
    rider_id: i64,
    actor: i64,
) -> Result<std::result::Result<(), Refused>> {
    let production_id = production.production_id;
    if lock(conn, production_id, rider_id).await?.as_deref() != Some("drafted") {
        return Ok(Err(Refused::state(
            "This rider was already delivered; a delivered rider is never changed.",
        )));
    }
    let rider = load(conn, production_id, rider_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let scene_ids: Vec<i64> = covered(conn, rider_id)
        .await?
        .iter()
        .map(|s| s.scene_id)
        .collect();
    if let Err(refused) = snapshot(
        conn,
        production_id,
        rider_id,
        rider.cast_member_id,
        &scene_ids,
        rider.terms(),
    )
    .await?
    {
        return Ok(Err(Refused::state(format!(
            "{} Edit the draft's scenes, then deliver.",
            refused.message
        ))));
    }
    let scenes = covered(conn, rider_id).await?;
    let body = render_text(production, &rider, &scenes);
    let hash = rider_text::text_hash(&body);
    sqlx::query(
        "update rider set status = 'delivered', body = $2, body_sha256 = $3, delivered_at = now(),
                updated_at = now()
         where rider_id = $1",
    )
    .bind(rider_id)
    .bind(&body)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Delivered {
            text_sha256: hash.clone(),
            scenes: scene_facts(&scenes),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    if let Some(user_id) = rider.performer_user_id {
        let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
        notifications::notify(
            conn,
            production_id,
            &[user_id],
            notifications::kind::RIDER_DELIVERED,
            &format!(
                "A rider for {} is ready for you to read",
                scenes_phrase(&numbers)
            ),
            &rider_link(production_id, rider_id),
        )
        .await?;
    }
    Ok(Ok(()))
}

pub fn rider_link(production_id: i64, rider_id: i64) -> String {
    format!("/productions/{production_id}/riders/{rider_id}")
}

/// Records the performer's first look at a delivered rider; later looks record nothing.
/// Returns whether this was the first.
pub async fn mark_viewed(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
) -> Result<bool> {
    // The guarded update is the once-only check: a second view, even a concurrent one,
    // finds nothing left to update.
    let first: Option<String> = sqlx::query_scalar(
        "update rider set status = 'viewed', viewed_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2 and status = 'delivered' and viewed_at is null
         returning body_sha256",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(hash) = first else {
        return Ok(false);
    };
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Viewed {
            text_sha256: hash.clone(),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    Ok(true)
}

/// How a signature was made, as the ledger keeps it.
#[derive(Clone, Debug)]
pub struct Signature {
    /// The hash of the text on the page the performer signed from.
    pub text_sha256: String,
    pub client_addr: String,
    pub user_agent: String,
    pub authenticated: String,
}

/// Signs a delivered rider (the caller has checked who is signing and how), and supersedes the
/// performer's older riders for any of the same scenes. Returns the ids superseded.
pub async fn sign(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
    signature: &Signature,
) -> Result<std::result::Result<Vec<i64>, Refused>> {
    let signed: Option<i64> = sqlx::query_scalar(
        "update rider set status = 'signed', signed_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2 and status in ('delivered', 'viewed')
           and revoked_at is null and body_sha256 = $3
         returning cast_member_id",
    )
    .bind(rider_id)
    .bind(production_id)
    .bind(&signature.text_sha256)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(cast_member_id) = signed else {
        return Ok(Err(Refused::state(
            "This rider cannot be signed now: it was already signed or withdrawn, or its text \
             is not the one your page showed. Nothing was recorded.",
        )));
    };
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Signed {
            text_sha256: signature.text_sha256.clone(),
            client_addr: signature.client_addr.clone(),
            user_agent: signature.user_agent.clone(),
            authenticated: signature.authenticated.clone(),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    // Older riders of this performer for any of the same scenes stop counting: a signed one is
    // replaced by this signature, and an unsigned one must not be signed later by mistake.
    // Withdrawn riders keep their status.
    let superseded: Vec<i64> = sqlx::query_scalar(
        "update rider o set status = 'superseded', superseded_at = now(), superseded_by = $1,
                updated_at = now()
         where o.cast_member_id = $2 and o.rider_id < $1
           and o.status in ('delivered', 'viewed', 'signed') and o.revoked_at is null
           and exists (select 1 from rider_scene a join rider_scene b using (scene_id)
                       where a.rider_id = o.rider_id and b.rider_id = $1)
         returning o.rider_id",
    )
    .bind(rider_id)
    .bind(cast_member_id)
    .fetch_all(&mut *conn)
    .await?;
    for old in &superseded {
        ledger::append(
            conn,
            production_id,
            &LedgerEvent::Superseded {
                superseded_by: rider_id,
            },
            Some(*old),
            Some(actor),
        )
        .await?;
    }
    Ok(Ok(superseded))
}

/// Withdraws consent: effective at once, recorded once, and the coordinators and producers are
/// told. The caller has checked that the performer themself asked.
pub async fn revoke(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
) -> Result<std::result::Result<(), Refused>> {
    // `revoked_at is null` makes a double submit record exactly one revocation.
    let revoked: Option<i64> = sqlx::query_scalar(
        "update rider set status = 'revoked', revoked_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2 and revoked_at is null
           and status in ('delivered', 'viewed', 'signed')
         returning rider_id",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    if revoked.is_none() {
        return Ok(Err(Refused::state(
            "Consent for this rider is already withdrawn, or it was replaced by a newer rider.",
        )));
    }
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Revoked,
        Some(rider_id),
        Some(actor),
    )
    .await?;
    let rider = load(conn, production_id, rider_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let scenes = covered(conn, rider_id).await?;
    let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
    notifications::notify_roles(
        conn,
        production_id,
        &[Role::Coordinator, Role::Producer],
        notifications::kind::CONSENT_REVOKED,
        &format!(
            "{} withdrew consent for {}",
            rider.performer_label(),
            scenes_phrase(&numbers)
        ),
        &rider_link(production_id, rider_id),
    )
    .await?;
    Ok(Ok(()))
}

/// Logs a look at a performer's record by someone else, for their "who viewed my records" page.
pub async fn log_view(
    pool: &PgPool,
    rider: &RiderRow,
    viewer_user_id: i64,
    kind: &str,
) -> Result<()> {
    if rider.performer_user_id == Some(viewer_user_id) {
        return Ok(());
    }
    sqlx::query(
        "insert into record_view (production_id, cast_member_id, viewer_user_id, record_kind,
                                  record_id)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(rider.production_id)
    .bind(rider.cast_member_id)
    .bind(viewer_user_id)
    .bind(kind)
    .bind(rider.rider_id)
    .execute(pool)
    .await?;
    Ok(())
}
