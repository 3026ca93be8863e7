//! Rehearsals as stored: a scene, the performers called from its cast, a start and an end on
//! the production's clocks, and where. Scheduling one is on the stripboard page
//! (`crate::pages::rehearsals`), which checks R6 first.

use sqlx::PgPool;
use time::OffsetDateTime;
use time_tz::Tz;

use crate::clock::local_time;
use crate::error::Result;

/// A cast member offered as a checkbox.
#[derive(Clone, sqlx::FromRow)]
pub struct CastOption {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub character_name: String,
}

pub async fn cast_options(pool: &PgPool, production_id: i64) -> Result<Vec<CastOption>> {
    Ok(sqlx::query_as(
        "select cast_member_id, cast_number, name, character_name from cast_member
         where production_id = $1 order by cast_number",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

/// A rehearsal as stored, with its scene number and the performers called.
#[derive(Clone, sqlx::FromRow)]
pub struct RehearsalRow {
    pub rehearsal_id: i64,
    pub number: String,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub location: String,
    pub updated_at: OffsetDateTime,
    pub cast_numbers: Vec<i32>,
    pub cast_names: Vec<String>,
}

/// Rehearsals of the production (or one), by start; with `performer`, only those they are
/// called to.
pub async fn load(
    pool: &PgPool,
    production_id: i64,
    rehearsal_id: Option<i64>,
    performer: Option<i64>,
) -> Result<Vec<RehearsalRow>> {
    Ok(sqlx::query_as(
        "select r.rehearsal_id, s.number, r.starts_at, r.ends_at, r.location,
                r.updated_at,
                array(select cm.cast_number from rehearsal_cast rc
                      join cast_member cm using (cast_member_id)
                      where rc.rehearsal_id = r.rehearsal_id order by cm.cast_number)
                    as cast_numbers,
                array(select cm.name from rehearsal_cast rc
                      join cast_member cm using (cast_member_id)
                      where rc.rehearsal_id = r.rehearsal_id order by cm.cast_number)
                    as cast_names
         from rehearsal r join scene s on s.scene_id = r.scene_id
         where r.production_id = $1
           and ($2::bigint is null or r.rehearsal_id = $2)
           and ($3::bigint is null or exists (
                   select 1 from rehearsal_cast rc join cast_member cm using (cast_member_id)
                   where rc.rehearsal_id = r.rehearsal_id and cm.user_id = $3))
         order by r.starts_at, r.rehearsal_id",
    )
    .bind(production_id)
    .bind(rehearsal_id)
    .bind(performer)
    .fetch_all(pool)
    .await?)
}

/// A rehearsal ready to show, its times on the production's clocks.
#[derive(Clone)]
pub struct RehearsalView {
    pub row: RehearsalRow,
    /// `Wed 28 Apr 2027, 10:00 – 12:00`.
    pub when: String,
}

impl RehearsalView {
    pub fn new(row: RehearsalRow, zone: &Tz) -> RehearsalView {
        let day = crate::clock::format_date(crate::clock::utc_to_local(row.starts_at, zone).date());
        let when = format!(
            "{day}, {} – {}",
            local_time(row.starts_at, zone),
            local_time(row.ends_at, zone)
        );
        RehearsalView { row, when }
    }

    pub fn cast(&self) -> String {
        self.row
            .cast_numbers
            .iter()
            .zip(&self.row.cast_names)
            .map(|(n, name)| format!("#{n} {name}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
