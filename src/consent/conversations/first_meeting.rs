//! The first-meeting rule (R6) fed by the log: the facts one rehearsal needs, and the performers
//! in flagged scenes the coordinator has not yet met one-to-one.

use sqlx::PgPool;

use crate::error::Result;
use crate::rules::first_meeting::{Called, first_meeting_refusal};

/// Gathers what R6 needs for one rehearsal (in one query) and applies it.
pub async fn first_meeting_check(
    pool: &PgPool,
    production_id: i64,
    scene_id: i64,
    cast_member_ids: &[i64],
) -> Result<Option<String>> {
    let rows: Vec<(bool, i32, String, bool)> = sqlx::query_as(
        "select coalesce((select v.flagged from scene s
                          join scene_version v on v.scene_version_id = s.current_version_id
                          where s.scene_id = $2 and s.production_id = $1), false) as flagged,
                c.cast_number, c.name,
                exists (select 1 from conversation_performer cp
                        join conversation k using (conversation_id)
                        where cp.cast_member_id = c.cast_member_id
                          and k.kind = 'first_one_to_one') as met
         from cast_member c
         where c.production_id = $1 and c.cast_member_id = any($3)
         order by c.cast_number",
    )
    .bind(production_id)
    .bind(scene_id)
    .bind(cast_member_ids)
    .fetch_all(pool)
    .await?;
    let flagged = rows.first().is_some_and(|r| r.0);
    let called: Vec<Called> = rows
        .into_iter()
        .map(|(_, cast_number, name, met)| Called {
            cast_number,
            name,
            met,
        })
        .collect();
    Ok(first_meeting_refusal(flagged, &called))
}

/// Performers in flagged scenes with no first one-to-one logged yet, for the coordinator's
/// dashboard: cast member id and `#2 Sam Lindqvist`.
pub async fn first_meeting_missing(
    pool: &PgPool,
    production_id: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "select c.cast_member_id, '#' || c.cast_number || ' ' || c.name
         from cast_member c
         where c.production_id = $1
           and exists (select 1 from scene_cast sc
                       join scene s on s.scene_id = sc.scene_id
                       join scene_version v on v.scene_version_id = s.current_version_id
                       where sc.cast_member_id = c.cast_member_id and v.flagged and not s.omitted)
           and not exists (select 1 from conversation_performer cp
                           join conversation k using (conversation_id)
                           where cp.cast_member_id = c.cast_member_id
                             and k.kind = 'first_one_to_one')
         order by c.cast_number",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}
