//! The facts clearance reads, loaded in one query whatever the production's size: the scenes
//! wanted, their placements, cast, riders, doubles, reconfirmations and choreographies, each an
//! indexed subquery aggregated to JSON, and how each arrives.

use time::{Date, OffsetDateTime};

use crate::vocab::body::NudityLevel;
use crate::vocab::scope::{Scope, Uses};

// Dates and instants arrive as JSON text: `2027-05-01` and RFC 3339 (`2027-05-01T10:00:00+00:00`).
time::serde::format_description!(json_date, Date, "[year]-[month]-[day]");

#[derive(serde::Deserialize)]
pub(super) struct SceneFacts {
    pub(super) scene_id: i64,
    pub(super) number: String,
    pub(super) current_version_id: Option<i64>,
    pub(super) breakdown: serde_json::Value,
}

#[derive(serde::Deserialize)]
pub(super) struct Placement {
    pub(super) shoot_day_id: i64,
    pub(super) scene_id: i64,
    #[serde(with = "json_date")]
    pub(super) shoot_date: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub(super) call_at: OffsetDateTime,
    pub(super) shot: bool,
}

#[derive(serde::Deserialize)]
pub(super) struct CastFacts {
    pub(super) cast_member_id: i64,
    pub(super) cast_number: i32,
    pub(super) name: String,
    #[serde(with = "json_date::option")]
    pub(super) date_of_birth: Option<Date>,
}

#[derive(serde::Deserialize)]
pub(super) struct RiderFacts {
    pub(super) rider_id: i64,
    pub(super) cast_member_id: i64,
    pub(super) scene_id: i64,
    pub(super) scene_version_id: i64,
    /// The breakdown of the version the rider covers, only when it is not the current one.
    pub(super) covered_breakdown: Option<serde_json::Value>,
    pub(super) scope: serde_json::Value,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) signed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) superseded_at: Option<OffsetDateTime>,
    pub(super) in_picture: bool,
    pub(super) in_trailers: bool,
    pub(super) in_stills: bool,
    pub(super) double_allowed: bool,
}

#[derive(serde::Deserialize)]
pub(super) struct DoubleFacts {
    pub(super) scene_id: i64,
    pub(super) original_cast_member_id: i64,
    pub(super) double_cast_member_id: i64,
}

/// R11: one on-the-day reconfirmation, with what it took back (a `Narrowing`).
#[derive(serde::Deserialize)]
pub(super) struct ReconfirmationFacts {
    pub(super) shoot_day_id: i64,
    pub(super) scene_id: i64,
    pub(super) cast_member_id: i64,
    pub(super) rider_id: Option<i64>,
    pub(super) narrowed: serde_json::Value,
}

/// Everything clearance reads, as one JSON document: one section per kind of fact.
#[derive(serde::Deserialize)]
pub(super) struct Facts {
    pub(super) scenes: Vec<SceneFacts>,
    pub(super) placements: Vec<Placement>,
    pub(super) cast: Vec<CastFacts>,
    pub(super) riders: Vec<RiderFacts>,
    pub(super) doubles: Vec<DoubleFacts>,
    pub(super) reconfirmations: Vec<ReconfirmationFacts>,
    pub(super) choreographies: Vec<ChoreographyFacts>,
}

/// The current choreography of a scene (its newest version), for the beat check (R2).
#[derive(serde::Deserialize)]
pub(super) struct ChoreographyFacts {
    pub(super) scene_id: i64,
    pub(super) beats: serde_json::Value,
}

/// One round trip for all the facts, whatever the production's size: each section is its own
/// indexed subquery aggregated to JSON, so a new input (say, on-the-day reconfirmations) is one
/// more `'name', (select …)` pair here and one more field on `Facts`.
/// `$1` is the production, `$2` an optional scene, `$3`..`$4` an optional range of shoot dates,
/// `$5` an optional cast member whose scenes alone are wanted.
pub(super) const FACTS_SQL: &str = r#"
with wanted as (
  select s.scene_id, s.number, s.sort_key, s.current_version_id, v.breakdown
  from scene s join scene_version v on v.scene_version_id = s.current_version_id
  where s.production_id = $1 and not s.omitted and v.flagged
    and ($2::bigint is null or s.scene_id = $2)
    and ($3::date is null
         or exists (select 1 from shoot_day_scene p join shoot_day d using (shoot_day_id)
                    where p.scene_id = s.scene_id and d.shoot_date between $3 and $4))
    and ($5::bigint is null
         or exists (select 1 from scene_cast sc
                    where sc.scene_id = s.scene_id and sc.cast_member_id = $5)))
select json_build_object(
  'scenes', (select coalesce(json_agg(x order by x.sort_key collate "C"), '[]')
             from (select scene_id, number, sort_key, current_version_id, breakdown
                   from wanted) x),
  'placements', (select coalesce(json_agg(x order by x.shoot_date, x.call_at, x.position), '[]')
                 from (select p.shoot_day_id, p.scene_id, p.position, d.shoot_date, d.call_at,
                              p.shot_at is not null as shot
                       from wanted w
                       join shoot_day_scene p on p.scene_id = w.scene_id
                       join shoot_day d on d.shoot_day_id = p.shoot_day_id
                       where $3::date is null or d.shoot_date between $3 and $4) x),
  'cast', (select coalesce(json_agg(x), '[]')
           from (select cast_member_id, cast_number, name, date_of_birth from cast_member
                 where production_id = $1) x),
  'riders', (select coalesce(json_agg(x), '[]')
             from (select r.rider_id, r.cast_member_id, rs.scene_id, rs.scene_version_id,
                          cv.breakdown as covered_breakdown,
                          rs.scope, r.delivered_at, r.signed_at, r.revoked_at, rs.superseded_at,
                          r.in_picture, r.in_trailers, r.in_stills, r.double_allowed
                   from wanted w
                   join rider_scene rs on rs.scene_id = w.scene_id
                   join rider r on r.rider_id = rs.rider_id
                   left join scene_version cv on cv.scene_version_id = rs.scene_version_id
                                             and rs.scene_version_id <> w.current_version_id) x),
  'doubles', (select coalesce(json_agg(x), '[]')
              from (select d.scene_id, d.original_cast_member_id, d.double_cast_member_id
                    from wanted w join scene_double d on d.scene_id = w.scene_id) x),
  'reconfirmations', (select coalesce(json_agg(x), '[]')
                      from (select c.shoot_day_id, c.scene_id, c.cast_member_id, c.rider_id,
                                   c.narrowed
                            from wanted w join reconfirmation c on c.scene_id = w.scene_id) x),
  'choreographies', (select coalesce(json_agg(x), '[]')
                     from (select distinct on (c.scene_id) c.scene_id, c.beats
                           from wanted w join choreography_version c on c.scene_id = w.scene_id
                           order by c.scene_id, c.version desc) x)
)::text
"#;

/// A rider whose stored scope cannot be read agrees to nothing beyond its footage uses.
pub(super) fn scope_or_nothing(json: serde_json::Value, uses: Uses, double_allowed: bool) -> Scope {
    serde_json::from_value(json).unwrap_or(Scope {
        nudity: NudityLevel::None,
        shown: Default::default(),
        touched: Default::default(),
        touching: Default::default(),
        acts: Default::default(),
        uses,
        double_allowed,
    })
}
