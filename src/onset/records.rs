//! A shoot day's reconfirmations and closures (R11), read back for the coordinator's phone page
//! and the daily report: per performer of a scene, when reconfirmed, how narrowed, when closed.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::day_facts::DayScene;
use super::people::People;
use crate::error::Result;
use crate::productions::Member;

/// One performer of a scene on the coordinator's list.
pub(super) struct PerformerLine {
    pub cast_member_id: i64,
    pub label: String,
    pub reconfirmed: Option<String>,
    pub narrowed: i64,
    pub closed: Option<String>,
}

/// A reconfirmation or closure of one performer in one scene, at a time.
#[derive(sqlx::FromRow)]
pub(super) struct TimeRow {
    scene_id: i64,
    cast_member_id: i64,
    pub at: OffsetDateTime,
    narrowed_count: i32,
}

/// A shoot day's reconfirmations and closures (R11), each in time order: what the coordinator's
/// phone page and the daily report are built from. Two queries.
#[derive(Default)]
pub(super) struct DayRecords {
    pub reconfirmations: Vec<TimeRow>,
    pub closures: Vec<TimeRow>,
}

impl DayRecords {
    pub async fn load(pool: &PgPool, shoot_day_id: i64) -> Result<DayRecords> {
        let reconfirmations = sqlx::query_as(
            "select scene_id, cast_member_id, confirmed_at as at, narrowed_count
             from reconfirmation where shoot_day_id = $1 order by confirmed_at",
        )
        .bind(shoot_day_id)
        .fetch_all(pool)
        .await?;
        let closures = sqlx::query_as(
            "select scene_id, cast_member_id, closed_at as at, 0 as narrowed_count
             from closure where shoot_day_id = $1 order by closed_at",
        )
        .bind(shoot_day_id)
        .fetch_all(pool)
        .await?;
        Ok(DayRecords {
            reconfirmations,
            closures,
        })
    }

    /// Each person who answers for a performer of the scene, with when they were reconfirmed,
    /// how many items they took back and when the closure was logged.
    pub fn performers(
        &self,
        member: &Member,
        scene: &DayScene,
        people: &People,
    ) -> Vec<PerformerLine> {
        let zone = &member.production.zone;
        let breakdown = scene.breakdown.as_deref().unwrap_or("{}");
        people
            .of_scene(scene.scene_id, breakdown, &scene.cast_ids)
            .into_iter()
            .map(|(id, label)| {
                let theirs = |rows: &[TimeRow]| -> Vec<(OffsetDateTime, i32)> {
                    rows.iter()
                        .filter(|r| r.scene_id == scene.scene_id && r.cast_member_id == id)
                        .map(|r| (r.at, r.narrowed_count))
                        .collect()
                };
                let reconfirmed = theirs(&self.reconfirmations);
                PerformerLine {
                    cast_member_id: id,
                    label,
                    reconfirmed: reconfirmed.first().map(|(at, _)| zone.clock_time(*at)),
                    narrowed: reconfirmed.iter().map(|(_, n)| i64::from(*n)).sum(),
                    closed: theirs(&self.closures)
                        .first()
                        .map(|(at, _)| zone.clock_time(*at)),
                }
            })
            .collect()
    }
}
