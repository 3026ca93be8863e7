//! The shooting schedule: shoot days with call times in the production's zone, scenes placed
//! on them, rehearsals, the stripboard, call sheets and private calendar feeds.

pub mod board;
mod feed;
pub mod ics;
pub mod locations;
pub mod palette;
pub mod rehearsals;
pub mod week;

use axum::Router;
use axum::routing::get;
use sqlx::PgPool;

use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use board::{DayRow, PlacedRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/calendar",
            get(feed::calendar_page).post(feed::new_link),
        )
        .route("/calendar/{token}", get(feed::feed))
}

/// The user whose cast scenes limit what is shown: `Some` for a performer, who sees only the
/// days, scenes and rehearsals they are in; `None` for everyone else.
pub fn performer_filter(member: &Member) -> Option<i64> {
    member.is(Role::Performer).then_some(member.user.user_id)
}

/// Who a cached schedule page (stripboard, shoot day, call sheet) is kept for: each performer
/// alone, everyone else by role, since what a page shows depends on both (DOMAIN §4).
pub fn viewer_class(member: &Member) -> String {
    match performer_filter(member) {
        Some(user_id) => format!("performer {user_id}"),
        None => format!("{:?}", member.role),
    }
}

/// The production's shoot days, each numbered within the whole schedule ("Day 3 of 12");
/// callers add which of them they want.
pub(crate) const NUMBERED_DAYS: &str = "select * from (
         select d.shoot_day_id, d.shoot_date, d.call_at, d.unit, d.coordinator_user_id,
                u.name as coordinator_name, d.notes, d.updated_at,
                row_number() over (order by d.shoot_date, d.call_at, d.unit, d.shoot_day_id)
                    as day_number,
                count(*) over () as day_count
         from shoot_day d left join app_user u on u.user_id = d.coordinator_user_id
         where d.production_id = $1
     ) numbered";

/// Days of the production in schedule order, each numbered within the whole schedule;
/// `only` narrows to one day (its number still counts every day).
pub async fn load_days(
    pool: &PgPool,
    production_id: i64,
    only: Option<i64>,
) -> Result<Vec<DayRow>> {
    Ok(sqlx::query_as(&format!(
        "{NUMBERED_DAYS} where $2::bigint is null or shoot_day_id = $2 order by day_number"
    ))
    .bind(production_id)
    .bind(only)
    .fetch_all(pool)
    .await?)
}

/// Scenes placed on the production's days (or one day), in running order; with `performer`,
/// only the scenes that user is cast in.
pub async fn load_placed(
    pool: &PgPool,
    production_id: i64,
    shoot_day_id: Option<i64>,
    performer: Option<i64>,
) -> Result<Vec<PlacedRow>> {
    // Only the closed-set names leave the database, never the rest of the breakdown.
    Ok(sqlx::query_as(
        "select ds.shoot_day_id, ds.position, s.scene_id, s.number, s.int_ext, s.set_name,
                s.time_of_day, s.eighths, coalesce(v.flagged, false) as flagged,
                array(select cm.cast_number from scene_cast sc
                      join cast_member cm using (cast_member_id)
                      where sc.scene_id = s.scene_id order by cm.cast_number) as cast_numbers,
                array(select jsonb_array_elements_text(
                          case when jsonb_typeof(v.breakdown -> 'closed_set') = 'array'
                               then v.breakdown -> 'closed_set' else '[]'::jsonb end))
                    as closed_set, s.revision_colour
         from shoot_day_scene ds
         join scene s on s.scene_id = ds.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         where ds.production_id = $1
           and ($2::bigint is null or ds.shoot_day_id = $2)
           and ($3::bigint is null or exists (
                   select 1 from scene_cast sc join cast_member cm using (cast_member_id)
                   where sc.scene_id = s.scene_id and cm.user_id = $3))
         order by ds.shoot_day_id, ds.position",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(performer)
    .fetch_all(pool)
    .await?)
}

/// R7: the production has flagged scenes (current version flagged, not omitted) and no
/// intimacy coordinator among its members.
pub async fn missing_coordinator(pool: &PgPool, production_id: i64) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists (select 1 from scene s
                        join scene_version v on v.scene_version_id = s.current_version_id
                        where s.production_id = $1 and not s.omitted and v.flagged)
            and not exists (select 1 from member
                            where production_id = $1 and role = 'coordinator')",
    )
    .bind(production_id)
    .fetch_one(pool)
    .await?)
}

/// The R7 warning text, shown to producers.
pub const MISSING_COORDINATOR: &str = "This production has scenes flagged for nudity or simulated \
     sex and no intimacy coordinator. Invite a coordinator before these scenes are rehearsed or shot.";
