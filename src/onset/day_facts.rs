//! A shoot day as the on-set pages and the daily report read it: the day numbered within the
//! schedule, and its intimate scenes in running order (a performer gets only theirs).

use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::vocab::ledger_event::OnDay;

/// A shoot day as this module shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct DayFacts {
    pub shoot_day_id: i64,
    pub shoot_date: Date,
    pub call_at: OffsetDateTime,
    pub day_number: i64,
    pub day_count: i64,
    pub coordinator_name: Option<String>,
}

impl DayFacts {
    /// `Day 3 of 10 · Tue 24 Nov 2026`.
    pub fn label(&self) -> String {
        format!(
            "Day {} of {} · {}",
            self.day_number,
            self.day_count,
            crate::clock::format_date(self.shoot_date)
        )
    }
}

/// The day, numbered within the whole schedule; 404 when it is not the production's.
pub(crate) async fn day_facts(
    pool: &PgPool,
    production_id: i64,
    shoot_day_id: i64,
) -> Result<DayFacts> {
    sqlx::query_as(
        "select * from (
             select d.shoot_day_id, d.shoot_date, d.call_at, u.name as coordinator_name,
                    row_number() over (order by d.shoot_date, d.call_at, d.unit, d.shoot_day_id)
                        as day_number,
                    count(*) over () as day_count
             from shoot_day d left join app_user u on u.user_id = d.coordinator_user_id
             where d.production_id = $1
         ) numbered where shoot_day_id = $2",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// An intimate scene on a shoot day: any kind of intimacy in its current breakdown (R10), flagged
/// or not.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct DayScene {
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
    pub breakdown: Option<String>,
    /// Nudity or simulated sex: riders, reconfirmations and closures are for these (R1, R11);
    /// any intimate scene can be paused (R10).
    pub flagged: bool,
    pub shot_at: Option<OffsetDateTime>,
    /// Everyone cast in the scene, whether or not the breakdown asks anything of them.
    pub cast_ids: Vec<i64>,
    /// The signed-in person is cast in it.
    pub mine: bool,
}

impl DayScene {
    pub fn heading(&self) -> String {
        crate::scenes::heading_text(&self.int_ext, &self.set_name, &self.time_of_day)
    }

    /// The scene on `day`, as on-set ledger events name it.
    pub fn on(&self, day: &DayFacts) -> OnDay {
        OnDay {
            scene_id: self.scene_id,
            scene: self.number.clone(),
            shoot_day_id: day.shoot_day_id,
            shoot_date: day.shoot_date,
        }
    }
}

/// The day's intimate scenes in running order (or one of them); a performer gets only theirs.
/// Intimate: the current breakdown names any kind of intimacy (a kiss, a sensual dance), or it is
/// flagged (nudity or simulated sex).
pub(crate) async fn day_scenes(
    pool: &PgPool,
    member: &Member,
    shoot_day_id: i64,
    only: Option<i64>,
) -> Result<Vec<DayScene>> {
    let scenes: Vec<DayScene> = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day,
                v.breakdown::text as breakdown, v.flagged, ds.shot_at,
                array(select sc.cast_member_id from scene_cast sc
                      where sc.scene_id = s.scene_id order by sc.cast_member_id) as cast_ids,
                exists (select 1 from scene_cast sc join cast_member cm using (cast_member_id)
                        where sc.scene_id = s.scene_id and cm.user_id = $4) as mine
         from shoot_day_scene ds
         join scene s on s.scene_id = ds.scene_id
         join scene_version v on v.scene_version_id = s.current_version_id
         where ds.production_id = $1 and ds.shoot_day_id = $2 and not s.omitted
           and (v.flagged or (jsonb_typeof(v.breakdown -> 'kinds') = 'array'
                              and v.breakdown -> 'kinds' <> '[]'::jsonb))
           and ($3::bigint is null or s.scene_id = $3)
         order by ds.position",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .bind(only)
    .bind(member.user.user_id)
    .fetch_all(pool)
    .await?;
    Ok(if member.is(Role::Performer) {
        scenes.into_iter().filter(|s| s.mine).collect()
    } else {
        scenes
    })
}
