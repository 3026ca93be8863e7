//! Gathers the facts clearance needs for a production in a fixed number of queries, then asks
//! `clearance::clearance` about each scheduled (or unscheduled) flagged scene.

use std::collections::HashMap;

use sqlx::PgPool;
use time::{Date, Duration, OffsetDateTime};

use super::clearance::{
    self, Call, Clearance, Double, Narrowed, Narrowing, Performer, Problem, Reason, Rider, Scene,
};
use super::scope::{Scope, Uses};
use crate::error::Result;
use crate::productions::Production;
use crate::scenes::body::NudityLevel;
use crate::scenes::read_breakdown;

/// A flagged scene's clearance on one shoot day, or unscheduled (`shoot_day_id` is `None`).
#[derive(Clone, Debug)]
pub struct SceneStatus {
    pub scene_id: i64,
    pub number: String,
    pub shoot_day_id: Option<i64>,
    pub shoot_date: Option<Date>,
    pub call_at: Option<OffsetDateTime>,
    pub clearance: Clearance,
}

impl SceneStatus {
    /// "Cleared", "Blocked", "Shot" or "No rider needed": always text, never colour alone.
    pub fn word(&self) -> &'static str {
        match &self.clearance {
            Clearance::NotFlagged => "No rider needed",
            Clearance::Shot => "Shot",
            Clearance::Cleared { .. } => "Cleared",
            Clearance::Blocked(reasons) if only_unreconfirmed(reasons) => "Not reconfirmed",
            Clearance::Blocked(_) => "Blocked",
        }
    }

    pub fn css(&self) -> &'static str {
        match &self.clearance {
            Clearance::Blocked(_) => "status-blocked",
            Clearance::Cleared { .. } | Clearance::Shot => "status-cleared",
            Clearance::NotFlagged => "status-none",
        }
    }

    pub fn reasons(&self) -> Vec<String> {
        match &self.clearance {
            Clearance::Blocked(reasons) => reasons.iter().map(ToString::to_string).collect(),
            _ => Vec::new(),
        }
    }

    /// Only the reasons about one cast member: what a performer may see of their own status.
    pub fn reasons_for(&self, cast_member_id: i64) -> Vec<&Reason> {
        match &self.clearance {
            Clearance::Blocked(reasons) => reasons
                .iter()
                .filter(|r| r.cast_member_id == cast_member_id)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn stills(&self) -> Option<bool> {
        match self.clearance {
            Clearance::Cleared { stills_allowed } => Some(stills_allowed),
            _ => None,
        }
    }
}

/// R11: everything else is in place; only the on-the-day reconfirmation is still to come.
fn only_unreconfirmed<'r>(reasons: impl IntoIterator<Item = &'r Reason>) -> bool {
    let mut any = false;
    for reason in reasons {
        if reason.problem != Problem::NotReconfirmed {
            return false;
        }
        any = true;
    }
    any
}

#[derive(sqlx::FromRow)]
struct SceneFacts {
    scene_id: i64,
    number: String,
    current_version_id: Option<i64>,
    flagged: bool,
    breakdown: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Placement {
    shoot_day_id: i64,
    scene_id: i64,
    shoot_date: Date,
    call_at: OffsetDateTime,
    shot: bool,
}

#[derive(sqlx::FromRow)]
struct CastFacts {
    cast_member_id: i64,
    cast_number: i32,
    name: String,
    date_of_birth: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct RiderFacts {
    rider_id: i64,
    cast_member_id: i64,
    scene_id: i64,
    scene_version_id: i64,
    scope: String,
    delivered_at: Option<OffsetDateTime>,
    signed_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    superseded_at: Option<OffsetDateTime>,
    in_picture: bool,
    in_trailers: bool,
    in_stills: bool,
    double_allowed: bool,
}

/// R11: one on-the-day reconfirmation, with what it took back (a `Narrowing` as JSON).
#[derive(sqlx::FromRow)]
struct ReconfirmationFacts {
    shoot_day_id: i64,
    scene_id: i64,
    cast_member_id: i64,
    rider_id: Option<i64>,
    narrowed: String,
}

#[derive(sqlx::FromRow)]
struct DoubleFacts {
    scene_id: i64,
    original_cast_member_id: i64,
    double_cast_member_id: i64,
}

/// A rider whose stored scope cannot be read agrees to nothing beyond its footage uses.
fn scope_or_nothing(json: &str, uses: Uses, double_allowed: bool) -> Scope {
    serde_json::from_str(json).unwrap_or(Scope {
        nudity: NudityLevel::None,
        shown: Default::default(),
        touched: Default::default(),
        touching: Default::default(),
        acts: Default::default(),
        uses,
        double_allowed,
    })
}

/// Which scenes to decide about.
#[derive(Clone, Copy, Debug)]
pub enum Only {
    All,
    Scene(i64),
}

/// The clearance of every flagged scene of the production on each day it is scheduled, plus
/// one unscheduled entry for flagged scenes not on the schedule. Six queries, whatever the size.
pub async fn production_status(
    pool: &PgPool,
    production: &Production,
    only: Only,
) -> Result<Vec<SceneStatus>> {
    let production_id = production.production_id;
    let scene_filter = match only {
        Only::All => None,
        Only::Scene(id) => Some(id),
    };
    let scenes: Vec<SceneFacts> = sqlx::query_as(
        "select s.scene_id, s.number, s.current_version_id, coalesce(v.flagged, false) as flagged,
                v.breakdown::text as breakdown
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and not s.omitted and coalesce(v.flagged, false)
           and ($2::bigint is null or s.scene_id = $2)
         order by s.sort_key collate \"C\"",
    )
    .bind(production_id)
    .bind(scene_filter)
    .fetch_all(pool)
    .await?;
    let placements: Vec<Placement> = sqlx::query_as(
        "select p.shoot_day_id, p.scene_id, d.shoot_date, d.call_at, p.shot_at is not null as shot
         from shoot_day_scene p join shoot_day d using (shoot_day_id)
         where p.production_id = $1 and ($2::bigint is null or p.scene_id = $2)
         order by d.shoot_date, d.call_at, p.position",
    )
    .bind(production_id)
    .bind(scene_filter)
    .fetch_all(pool)
    .await?;
    let cast: Vec<CastFacts> = sqlx::query_as(
        "select cast_member_id, cast_number, name, date_of_birth from cast_member
         where production_id = $1",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?;
    let riders: Vec<RiderFacts> = sqlx::query_as(
        "select r.rider_id, r.cast_member_id, rs.scene_id, rs.scene_version_id,
                rs.scope::text as scope, r.delivered_at, r.signed_at, r.revoked_at,
                r.superseded_at, r.in_picture, r.in_trailers, r.in_stills, r.double_allowed
         from rider r join rider_scene rs using (rider_id)
         where r.production_id = $1 and ($2::bigint is null or rs.scene_id = $2)",
    )
    .bind(production_id)
    .bind(scene_filter)
    .fetch_all(pool)
    .await?;
    let doubles: Vec<DoubleFacts> = sqlx::query_as(
        "select scene_id, original_cast_member_id, double_cast_member_id from scene_double
         where production_id = $1 and ($2::bigint is null or scene_id = $2)",
    )
    .bind(production_id)
    .bind(scene_filter)
    .fetch_all(pool)
    .await?;
    // R11, kept in one query of its own: reconfirmations on shoot days and their narrowings.
    let reconfirmations: Vec<ReconfirmationFacts> = sqlx::query_as(
        "select shoot_day_id, scene_id, cast_member_id, rider_id, narrowed::text as narrowed
         from reconfirmation
         where production_id = $1 and ($2::bigint is null or scene_id = $2)",
    )
    .bind(production_id)
    .bind(scene_filter)
    .fetch_all(pool)
    .await?;

    let cast: HashMap<i64, &CastFacts> = cast.iter().map(|c| (c.cast_member_id, c)).collect();
    let performer = |id: i64| -> Performer {
        match cast.get(&id) {
            Some(c) => Performer {
                cast_member_id: id,
                label: format!("#{} {}", c.cast_number, c.name),
                date_of_birth: c.date_of_birth,
            },
            None => Performer {
                cast_member_id: id,
                label: format!("cast member {id}"),
                date_of_birth: None,
            },
        }
    };
    let notice = Duration::hours(i64::from(production.notice_hours));
    let today = crate::scenes::production_today(production);
    let mut out = Vec::new();
    for scene in &scenes {
        let breakdown = read_breakdown(scene.breakdown.as_deref().unwrap_or("{}"));
        let facts_riders: Vec<Rider> = riders
            .iter()
            .filter(|r| r.scene_id == scene.scene_id)
            .map(|r| {
                let uses = Uses {
                    in_picture: r.in_picture,
                    trailers: r.in_trailers,
                    stills: r.in_stills,
                };
                Rider {
                    rider_id: r.rider_id,
                    cast_member_id: r.cast_member_id,
                    covers_version_id: r.scene_version_id,
                    delivered_at: r.delivered_at,
                    signed_at: r.signed_at,
                    revoked_at: r.revoked_at,
                    superseded: r.superseded_at.is_some(),
                    scope: scope_or_nothing(&r.scope, uses, r.double_allowed),
                }
            })
            .collect();
        let facts_doubles: Vec<Double> = doubles
            .iter()
            .filter(|d| d.scene_id == scene.scene_id)
            .map(|d| Double {
                original_cast_member_id: d.original_cast_member_id,
                double: performer(d.double_cast_member_id),
            })
            .collect();
        // R11: a narrowing holds from when it was recorded, on every day of the scene.
        let narrowed: Vec<Narrowed> = reconfirmations
            .iter()
            .filter(|r| r.scene_id == scene.scene_id)
            .filter_map(|r| {
                Some(Narrowed {
                    rider_id: r.rider_id?,
                    narrowing: serde_json::from_str::<Narrowing>(&r.narrowed).ok()?,
                })
            })
            .collect();
        // R11 applies from the shoot date on (production clocks), never before.
        let reconfirmed = |placement: &Placement| {
            (placement.shoot_date <= today).then(|| {
                reconfirmations
                    .iter()
                    .filter(|r| {
                        r.scene_id == scene.scene_id && r.shoot_day_id == placement.shoot_day_id
                    })
                    .map(|r| r.cast_member_id)
                    .collect()
            })
        };
        let scene_facts = |shot: bool, reconfirmed: Option<Vec<i64>>| Scene {
            flagged: scene.flagged,
            current_version_id: scene.current_version_id.unwrap_or_default(),
            shot,
            stills_requested: breakdown.stills_allowed,
            performers: breakdown
                .performers
                .iter()
                .map(|p| performer(p.cast_member_id))
                .collect(),
            reconfirmed,
            narrowed: narrowed.clone(),
        };
        let mut scheduled = false;
        for placement in placements.iter().filter(|p| p.scene_id == scene.scene_id) {
            scheduled = true;
            let call = Call {
                date: placement.shoot_date,
                call_at: placement.call_at,
                notice,
            };
            out.push(SceneStatus {
                scene_id: scene.scene_id,
                number: scene.number.clone(),
                shoot_day_id: Some(placement.shoot_day_id),
                shoot_date: Some(placement.shoot_date),
                call_at: Some(placement.call_at),
                clearance: clearance::clearance(
                    &scene_facts(placement.shot, reconfirmed(placement)),
                    &facts_riders,
                    &facts_doubles,
                    &call,
                ),
            });
        }
        if !scheduled {
            // Not on the schedule: no notice deadline yet, everything else applies.
            let call = Call {
                date: today,
                call_at: OffsetDateTime::now_utc() + Duration::days(36_500),
                notice,
            };
            out.push(SceneStatus {
                scene_id: scene.scene_id,
                number: scene.number.clone(),
                shoot_day_id: None,
                shoot_date: None,
                call_at: None,
                clearance: clearance::clearance(
                    &scene_facts(false, None),
                    &facts_riders,
                    &facts_doubles,
                    &call,
                ),
            });
        }
    }
    Ok(out)
}

/// One line of a "consent and clearance" panel, already filtered for the viewer.
#[derive(Clone, Debug)]
pub struct StatusLine {
    pub scene_id: i64,
    pub number: String,
    pub shoot_day_id: Option<i64>,
    /// "Tue 24 Nov 2026" or "Not scheduled".
    pub when: String,
    pub word: String,
    pub css: &'static str,
    pub reasons: Vec<String>,
    /// Stills allowed, when the scene is cleared.
    pub stills: Option<bool>,
}

/// Shapes statuses for a viewer: everyone but performers sees every performer's reasons; a
/// performer (`Some(cast_member_id)`) sees only their own, never whether others have signed.
pub fn lines_for(statuses: &[SceneStatus], performer: Option<i64>) -> Vec<StatusLine> {
    statuses
        .iter()
        .map(|s| {
            let when = s
                .shoot_date
                .map(crate::web::format_date)
                .unwrap_or_else(|| "Not scheduled".into());
            match performer {
                None => StatusLine {
                    scene_id: s.scene_id,
                    number: s.number.clone(),
                    shoot_day_id: s.shoot_day_id,
                    when,
                    word: s.word().into(),
                    css: s.css(),
                    reasons: s.reasons(),
                    stills: s.stills(),
                },
                Some(id) => {
                    let own_reasons = s.reasons_for(id);
                    let withdrawn = own_reasons
                        .iter()
                        .any(|r| r.problem == super::clearance::Problem::Revoked);
                    let mut own: Vec<String> = own_reasons.iter().map(|r| r.to_string()).collect();
                    let (word, css) = match (&s.clearance, own.is_empty()) {
                        (Clearance::Shot, _) => ("Shot", "status-cleared"),
                        (_, true) => ("Your consent is in place", "status-cleared"),
                        // Their own decision, stated plainly: nothing for them to fix.
                        _ if withdrawn => {
                            own.clear();
                            ("You withdrew consent", "status-blocked")
                        }
                        (_, false) if only_unreconfirmed(s.reasons_for(id)) => {
                            ("To reconfirm with your coordinator", "status-blocked")
                        }
                        (_, false) => ("Your rider needs attention", "status-blocked"),
                    };
                    StatusLine {
                        scene_id: s.scene_id,
                        number: s.number.clone(),
                        shoot_day_id: s.shoot_day_id,
                        when,
                        word: word.into(),
                        css,
                        reasons: own,
                        stills: None,
                    }
                }
            }
        })
        .collect()
}
