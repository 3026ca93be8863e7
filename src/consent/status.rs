//! Gathers the facts clearance needs for a production in a fixed number of queries, then asks
//! `crate::rules::cleared::clearance` about each scheduled (or unscheduled) flagged scene.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use time::{Date, Duration, OffsetDateTime};

use super::beat_check::beat_conflicts;
use crate::error::Result;
use crate::productions::Production;
use crate::rules::beats::with_beats;
use crate::rules::cleared::StatusLine;
use crate::rules::facts::Call;
use crate::rules::facts::Clearance;
use crate::rules::facts::Double;
use crate::rules::facts::Narrowed;
use crate::rules::facts::Performer;
use crate::rules::facts::Problem;
use crate::rules::facts::Reason;
use crate::rules::facts::Rider;
use crate::rules::facts::Scene;
use crate::rules::staleness::part_changed;
use crate::vocab::beat::Choreography;
use crate::vocab::breakdown::Breakdown;
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::scope::Narrowing;
use crate::vocab::scope::Uses;

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

mod facts;

use facts::{CastFacts, FACTS_SQL, Facts, Placement, ReconfirmationFacts, scope_or_nothing};

/// Which scenes to decide about.
#[derive(Clone, Copy, Debug)]
pub enum Only {
    All,
    Scene(i64),
    /// Scenes scheduled between these dates (inclusive), on those days only: what a page about
    /// the coming days needs, at a cost that follows the window, not the production.
    Dates(Date, Date),
    /// Scenes this cast member is in: a performer's own page, at a cost that follows their
    /// scenes, not the production.
    Performer(i64),
}

/// The clearance of every flagged scene of the production on each day it is scheduled, plus
/// one unscheduled entry for flagged scenes not on the schedule. One query, whatever the size.
pub async fn production_status(
    pool: &PgPool,
    production: &Production,
    only: Only,
) -> Result<Vec<SceneStatus>> {
    let mut conn = pool.acquire().await?;
    production_status_on(&mut conn, production, only).await
}

/// The clearance of every flagged scene (`Only::All`), shared by the production's pages until
/// its revision or the minute moves: every input of clearance moves the revision (migration
/// 0011), and the minute covers what the passing time changes. The coordinator's and director's
/// first pages show the whole production, and so pay for it once a minute, not once a view.
pub async fn production_status_shared(
    state: &crate::web::AppState,
    production: &Production,
) -> Result<std::sync::Arc<Vec<SceneStatus>>> {
    let minute = crate::web::cache::this_minute();
    state
        .pages
        .get_or_compute_value(
            production.production_id,
            "clearance",
            production.revision,
            minute,
            || production_status(&state.pool, production, Only::All),
        )
        .await
}

/// `production_status` on a connection the caller holds: inside a write's transaction, after
/// the ledger lock, it sees exactly what the write will be decided on.
pub async fn production_status_on(
    conn: &mut PgConnection,
    production: &Production,
    only: Only,
) -> Result<Vec<SceneStatus>> {
    let (scene, dates, performer) = match only {
        Only::All => (None, None, None),
        Only::Scene(id) => (Some(id), None, None),
        Only::Dates(from, to) => (None, Some((from, to)), None),
        Only::Performer(id) => (None, None, Some(id)),
    };
    let json: String = sqlx::query_scalar(FACTS_SQL)
        .bind(production.production_id)
        .bind(scene)
        .bind(dates.map(|d| d.0))
        .bind(dates.map(|d| d.1))
        .bind(performer)
        .fetch_one(&mut *conn)
        .await?;
    let facts: Facts = serde_json::from_str(&json)
        .map_err(|e| anyhow::anyhow!("reading the clearance facts: {e}"))?;
    Ok(decide(facts, production))
}

/// Clearance over loaded facts: grouped by scene once, so the work grows with the facts, not
/// with scenes × facts.
fn decide(facts: Facts, production: &Production) -> Vec<SceneStatus> {
    let Facts {
        scenes,
        placements,
        cast,
        riders,
        doubles,
        reconfirmations,
        choreographies,
    } = facts;
    let choreographies: HashMap<i64, Choreography> = choreographies
        .into_iter()
        .map(|c| {
            (
                c.scene_id,
                serde_json::from_value(c.beats).unwrap_or_default(),
            )
        })
        .collect();
    let cast: HashMap<i64, CastFacts> = cast.into_iter().map(|c| (c.cast_member_id, c)).collect();
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
    let current_breakdowns: HashMap<i64, (Option<i64>, Breakdown)> = scenes
        .iter()
        .map(|s| {
            let b = serde_json::from_value(s.breakdown.clone())
                .unwrap_or_else(|_| read_breakdown("{}"));
            (s.scene_id, (s.current_version_id, b))
        })
        .collect();
    let mut riders_by_scene: HashMap<i64, Vec<Rider>> = HashMap::new();
    for r in riders {
        let Some((current_version, current)) = current_breakdowns.get(&r.scene_id) else {
            continue;
        };
        let covered: Option<Breakdown> = r
            .covered_breakdown
            .and_then(|b| serde_json::from_value(b).ok());
        let part_changed = part_changed(
            covered.as_ref(),
            current,
            r.cast_member_id,
            *current_version == Some(r.scene_version_id),
        );
        let uses = Uses {
            in_picture: r.in_picture,
            trailers: r.in_trailers,
            stills: r.in_stills,
        };
        riders_by_scene.entry(r.scene_id).or_default().push(Rider {
            rider_id: r.rider_id,
            cast_member_id: r.cast_member_id,
            covers_version_id: r.scene_version_id,
            part_changed,
            delivered_at: r.delivered_at,
            signed_at: r.signed_at,
            revoked_at: r.revoked_at,
            superseded: r.superseded_at.is_some(),
            scope: scope_or_nothing(r.scope, uses, r.double_allowed),
        });
    }
    let mut doubles_by_scene: HashMap<i64, Vec<Double>> = HashMap::new();
    for d in doubles {
        doubles_by_scene
            .entry(d.scene_id)
            .or_default()
            .push(Double {
                original_cast_member_id: d.original_cast_member_id,
                double: performer(d.double_cast_member_id),
            });
    }
    let mut reconfirmations_by_scene: HashMap<i64, Vec<ReconfirmationFacts>> = HashMap::new();
    for r in reconfirmations {
        reconfirmations_by_scene
            .entry(r.scene_id)
            .or_default()
            .push(r);
    }
    // Placements stay in schedule order within each scene.
    let mut placements_by_scene: HashMap<i64, Vec<Placement>> = HashMap::new();
    for p in placements {
        placements_by_scene.entry(p.scene_id).or_default().push(p);
    }

    let notice = Duration::hours(i64::from(production.notice_hours));
    let today = production.zone.today();
    let no_riders = Vec::new();
    let no_doubles = Vec::new();
    let no_reconfirmations = Vec::new();
    let mut out = Vec::new();
    for scene in scenes {
        let breakdown = &current_breakdowns[&scene.scene_id].1;
        let facts_riders = riders_by_scene.get(&scene.scene_id).unwrap_or(&no_riders);
        let facts_doubles = doubles_by_scene.get(&scene.scene_id).unwrap_or(&no_doubles);
        let performers: Vec<Performer> = breakdown
            .performers
            .iter()
            .map(|p| performer(p.cast_member_id))
            .collect();
        let scene_reconfirmations = reconfirmations_by_scene
            .get(&scene.scene_id)
            .unwrap_or(&no_reconfirmations);
        // R11: a narrowing holds from when it was recorded, on every day of the scene.
        let narrowed: Vec<Narrowed> = scene_reconfirmations
            .iter()
            .filter_map(|r| {
                Some(Narrowed {
                    rider_id: r.rider_id?,
                    narrowing: serde_json::from_value::<Narrowing>(r.narrowed.clone()).ok()?,
                })
            })
            .collect();
        // R11 applies from the shoot date on (production clocks), never before.
        let reconfirmed = |placement: &Placement| {
            (placement.shoot_date <= today).then(|| {
                scene_reconfirmations
                    .iter()
                    .filter(|r| r.shoot_day_id == placement.shoot_day_id)
                    .map(|r| r.cast_member_id)
                    .collect()
            })
        };
        let scene_facts = |shot: bool, reconfirmed: Option<Vec<i64>>| Scene {
            flagged: true,
            current_version_id: scene.current_version_id.unwrap_or_default(),
            shot,
            stills_requested: breakdown.stills_allowed,
            performers: performers.clone(),
            reconfirmed,
            narrowed: narrowed.clone(),
        };
        // ---- beats (issue #20): a beat asking more than a signed rider allows blocks (R2).
        let beat_conflicts = choreographies
            .get(&scene.scene_id)
            .map(|c| beat_conflicts(c, breakdown, facts_riders))
            .unwrap_or_default();
        let decide_with_beats =
            |clearance: Clearance| with_beats(clearance, &beat_conflicts, |id| performer(id).label);
        match placements_by_scene.get(&scene.scene_id) {
            Some(placements) => {
                for placement in placements {
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
                        clearance: decide_with_beats(crate::rules::cleared::clearance(
                            &scene_facts(placement.shot, reconfirmed(placement)),
                            facts_riders,
                            facts_doubles,
                            &call,
                        )),
                    });
                }
            }
            None => {
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
                    clearance: decide_with_beats(crate::rules::cleared::clearance(
                        &scene_facts(false, None),
                        facts_riders,
                        facts_doubles,
                        &call,
                    )),
                });
            }
        }
    }
    out
}

/// Shapes statuses for a viewer: everyone but performers sees every performer's reasons; a
/// performer (`Some(cast_member_id)`) sees only their own, never whether others have signed.
pub fn lines_for(statuses: &[SceneStatus], performer: Option<i64>) -> Vec<StatusLine> {
    statuses
        .iter()
        .map(|s| {
            let when = s
                .shoot_date
                .map(crate::clock::format_date)
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
                    let withdrawn = own_reasons.iter().any(|r| r.problem == Problem::Revoked);
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
