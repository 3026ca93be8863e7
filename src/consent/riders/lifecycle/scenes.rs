//! The scenes of a rider: those it covers at the versions it covers, those a performer's rider
//! can cover, and how messages and ledger events name them.

use sqlx::PgConnection;

use crate::error::Result;
use crate::scenes::{heading_text, revision_colour_label};
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::breakdown::{Breakdown, PerformerPart};
use crate::vocab::ledger_event::SceneFact;
use crate::vocab::scope::Scope;

/// A scene the rider covers, at the version it covers, with where the scene is now.
#[derive(Clone, Debug)]
pub struct Covered {
    pub scene_id: i64,
    pub number: String,
    pub heading: String,
    /// The label of the scene's current script revision colour ("Pink"), shown beside it.
    pub revision_colour: &'static str,
    pub scene_version_id: i64,
    pub version: i32,
    pub content_hash: String,
    pub breakdown: Breakdown,
    /// `None` when the stored scope cannot be read (a hand-made row): treated as agreeing to nothing.
    pub scope: Option<Scope>,
    pub current_version_id: Option<i64>,
    pub current_version: Option<i32>,
    /// The newer version the rider was carried forward to (the performer's part unchanged).
    pub carried_to_version_id: Option<i64>,
    /// The cast member this rider's performer doubles for in the scene, if any: a double wears
    /// what the part they stand in for wears.
    pub stands_in_for: Option<i64>,
}

impl Covered {
    /// Whose part in the covered breakdown this performer plays: their own when they have one,
    /// else the one they double for.
    pub fn wearer(&self, cast_member_id: i64) -> i64 {
        let own = self
            .breakdown
            .performers
            .iter()
            .any(|p| p.cast_member_id == cast_member_id);
        match self.stands_in_for {
            Some(original) if !own => original,
            _ => cast_member_id,
        }
    }

    /// What is asked of the performer changed after this version (a change around them carries
    /// the rider forward instead): the rider no longer matches the scene.
    pub fn is_stale(&self) -> bool {
        self.current_version_id != Some(self.scene_version_id)
            && self.current_version_id != self.carried_to_version_id
    }
}

#[derive(sqlx::FromRow)]
struct CoveredRow {
    scene_id: i64,
    number: String,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    revision_colour: String,
    scene_version_id: i64,
    version: i32,
    content_hash: String,
    breakdown: String,
    scope: String,
    current_version_id: Option<i64>,
    current_version: Option<i32>,
    carried_to_version_id: Option<i64>,
    stands_in_for: Option<i64>,
}

/// The scenes a rider covers, in script order.
pub async fn covered(conn: &mut PgConnection, rider_id: i64) -> Result<Vec<Covered>> {
    let rows: Vec<CoveredRow> = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, s.revision_colour,
                rs.scene_version_id,
                v.version, v.content_hash, v.breakdown::text as breakdown, rs.scope::text as scope,
                s.current_version_id, cv.version as current_version, rs.carried_to_version_id,
                (select min(d.original_cast_member_id) from scene_double d
                 where d.scene_id = s.scene_id
                   and d.double_cast_member_id = r.cast_member_id) as stands_in_for
         from rider_scene rs
         join rider r using (rider_id)
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
            revision_colour: revision_colour_label(&r.revision_colour),
            scene_id: r.scene_id,
            number: r.number,
            scene_version_id: r.scene_version_id,
            version: r.version,
            content_hash: r.content_hash,
            breakdown: read_breakdown(&r.breakdown),
            scope: serde_json::from_str(&r.scope).ok(),
            current_version_id: r.current_version_id,
            current_version: r.current_version,
            carried_to_version_id: r.carried_to_version_id,
            stands_in_for: r.stands_in_for,
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

pub(super) fn scene_facts(scenes: &[Covered]) -> Vec<SceneFact> {
    scenes
        .iter()
        .map(|s| SceneFact {
            scene_id: s.scene_id,
            scene: s.number.clone(),
            version: s.version,
            content_hash: s.content_hash.clone(),
        })
        .collect()
}
