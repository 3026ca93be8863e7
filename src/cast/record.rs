//! A cast member as stored, and the queries that read them: the whole cast list, which other
//! areas take, one cast member of the caller's production, and who is under 18 on a shoot date.

use std::collections::HashSet;

use time::Date;

use crate::access::Action;
use crate::clock::format_date;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::minors::{self, CastAge};
use crate::web::AppState;

/// A cast member as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CastMember {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub character_name: String,
    pub date_of_birth: Option<Date>,
    pub union_name: String,
    pub representative: String,
    pub user_id: Option<i64>,
}

impl CastMember {
    pub fn label(&self) -> String {
        format!("#{} {}", self.cast_number, self.name)
    }
    pub fn born(&self) -> String {
        self.date_of_birth.map(format_date).unwrap_or_default()
    }

    /// The record as `member` may read it: without the date of birth and the representative's
    /// contact unless the access table grants them, so no page can show what it was never given.
    pub(super) fn seen_by(self, member: &Member) -> CastMember {
        if member.can(Action::ReadCastPersonal) {
            return self;
        }
        CastMember {
            date_of_birth: None,
            representative: String::new(),
            ..self
        }
    }
}

const CAST_COLUMNS: &str = "cast_member_id, cast_number, name, character_name, date_of_birth, \
                            union_name, representative, user_id";

/// The whole cast of a production in cast-number order.
pub async fn cast_list(pool: &sqlx::PgPool, production_id: i64) -> Result<Vec<CastMember>> {
    Ok(sqlx::query_as(&format!(
        "select {CAST_COLUMNS} from cast_member where production_id = $1 order by cast_number"
    ))
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

pub(super) async fn one(
    state: &AppState,
    member: &Member,
    cast_member_id: i64,
) -> Result<CastMember> {
    sqlx::query_as(&format!(
        "select {CAST_COLUMNS} from cast_member where cast_member_id = $1 and production_id = $2"
    ))
    .bind(cast_member_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)
}

#[derive(sqlx::FromRow)]
struct AgeRow {
    cast_member_id: i64,
    cast_number: i32,
    name: String,
    date_of_birth: Option<Date>,
    /// The shoot dates of the scenes they are in (by the cast list or the breakdown).
    own_dates: Vec<Date>,
    /// Every shoot date of the production, for someone not scheduled yet.
    all_dates: Vec<Date>,
}

/// The cast members (of the production, or just `only`) who are under 18 on a shoot date (R5):
/// on one of their own shoot dates, or, while they are not scheduled, on any of the
/// production's; with no shoot days at all, today. Everyone who sees the cast may see this.
pub(super) async fn under_18_on_a_shoot_date(
    pool: &sqlx::PgPool,
    production_id: i64,
    only: Option<i64>,
    today: Date,
) -> Result<HashSet<i64>> {
    let rows: Vec<AgeRow> = sqlx::query_as(
        "with days as (
             select coalesce(array_agg(shoot_date order by shoot_date), '{}'::date[]) as all_dates
             from shoot_day where production_id = $1)
         select cm.cast_member_id, cm.cast_number, cm.name, cm.date_of_birth, days.all_dates,
                array(select distinct d.shoot_date
                      from scene s
                      join scene_version v on v.scene_version_id = s.current_version_id
                      join shoot_day_scene ds on ds.scene_id = s.scene_id
                      join shoot_day d on d.shoot_day_id = ds.shoot_day_id
                      where s.production_id = cm.production_id
                        and (exists (select 1 from scene_cast sc
                                     where sc.scene_id = s.scene_id
                                       and sc.cast_member_id = cm.cast_member_id)
                             or v.breakdown -> 'performers' @> jsonb_build_array(
                                    jsonb_build_object('cast_member_id', cm.cast_member_id))))
                    as own_dates
         from cast_member cm cross join days
         where cm.production_id = $1 and cm.date_of_birth is not null
           and ($2::bigint is null or cm.cast_member_id = $2)",
    )
    .bind(production_id)
    .bind(only)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let dates = if row.own_dates.is_empty() {
                row.all_dates
            } else {
                row.own_dates
            };
            let age = [CastAge {
                cast_member_id: row.cast_member_id,
                cast_number: row.cast_number,
                name: row.name,
                date_of_birth: row.date_of_birth,
            }];
            (!minors::minor_conflicts(&age, &dates, today).is_empty()).then_some(row.cast_member_id)
        })
        .collect())
}
