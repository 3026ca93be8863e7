//! Demo schedule: ten weekday shoot days from the Monday after today, the production's scenes
//! spread across them in script order, a lunch banner on each, a location, weather and cast calls
//! for their call sheets, and rehearsals of flagged scenes a few days before.

use sqlx::PgPool;
use time::{Date, Duration, OffsetDateTime, Weekday, macros::time};

use crate::schedule::board::{self, SceneMinorFacts};

/// How many shoot days the demo plans: two working weeks.
const DAYS: usize = 10;

#[derive(sqlx::FromRow)]
struct DemoScene {
    scene_id: i64,
    flagged: bool,
}

/// The first `DAYS` weekdays from the Monday after `today`.
fn shoot_dates(today: Date) -> Vec<Date> {
    let monday = today.next_occurrence(Weekday::Monday);
    (0..14)
        .map(|offset| monday + Duration::days(offset))
        .filter(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
        .take(DAYS)
        .collect()
}

/// Loads the schedule; does nothing if the production already has shoot days or no scenes.
pub async fn load(pool: &PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Locks the production so two loaders cannot both find it unscheduled.
    let time_zone: String =
        sqlx::query_scalar("select time_zone from production where production_id = $1 for update")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    let scheduled: bool =
        sqlx::query_scalar("select exists (select 1 from shoot_day where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if scheduled {
        return Ok(());
    }
    let scenes: Vec<DemoScene> = sqlx::query_as(
        "select s.scene_id, coalesce(v.flagged, false) as flagged
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and not s.omitted
         order by s.sort_key collate \"C\"",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;
    if scenes.is_empty() {
        return Ok(());
    }
    let zone = crate::clock::parse_zone(&time_zone)
        .ok_or_else(|| anyhow::anyhow!("production {production_id} has an unknown time zone"))?;
    let coordinator: Option<i64> = sqlx::query_scalar(
        "select u.user_id from app_user u join member m using (user_id)
         where u.email = 'coordinator@demo.test' and m.production_id = $1
           and m.role = 'coordinator'",
    )
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?;

    let today = crate::clock::utc_to_local(OffsetDateTime::now_utc(), zone).date();
    let dates = shoot_dates(today);
    let mut day_ids = Vec::with_capacity(DAYS);
    for date in &dates {
        let call_at = crate::clock::local_to_utc(*date, time!(07:00), zone)?;
        let id: i64 = sqlx::query_scalar(
            "insert into shoot_day (production_id, shoot_date, call_at, coordinator_user_id)
             values ($1, $2, $3, $4) returning shoot_day_id",
        )
        .bind(production_id)
        .bind(date)
        .bind(call_at)
        .bind(coordinator)
        .fetch_one(&mut *tx)
        .await?;
        day_ids.push(id);
    }

    // A lunch break on every day, after its first scene, as the board draws it.
    sqlx::query(
        "insert into board_banner (production_id, shoot_day_id, after_position, kind, label)
         select $1, unnest($2::bigint[]), 1, 'meal', 'Lunch, 60 minutes'",
    )
    .bind(production_id)
    .bind(&day_ids)
    .execute(&mut *tx)
    .await?;

    // Script order, in even runs: scene i of n goes to day i * DAYS / n.
    let count = scenes.len();
    for (i, scene) in scenes.iter().enumerate() {
        let day = i * DAYS / count;
        let date = dates[day];
        // The demo keeps R5 like any user: a scene closed to a minor in it is left unscheduled.
        let facts = crate::pages::shoot_days::minor_facts(
            &mut tx,
            production_id,
            Some(scene.scene_id),
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !board::minors_on_date(&facts, date).is_empty() {
            continue;
        }
        sqlx::query(
            "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position)
             select $1, $2, $3, coalesce(max(position), 0) + 1
             from shoot_day_scene where shoot_day_id = $1",
        )
        .bind(day_ids[day])
        .bind(scene.scene_id)
        .bind(production_id)
        .execute(&mut *tx)
        .await?;
        if scene.flagged {
            rehearse(
                &mut tx,
                production_id,
                scene.scene_id,
                date,
                today,
                zone,
                &facts,
            )
            .await?;
        }
    }
    call_sheet_details(&mut tx, production_id, &day_ids).await?;
    tx.commit().await?;
    Ok(())
}

/// What the demo's call sheets show beyond the schedule: one location with its parking notes,
/// nearest hospital and coordinates (for sunrise and sunset), a weather line, and each called
/// cast member's pickup (90 minutes before the crew call), make-up (60) and on-set time.
async fn call_sheet_details(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    day_ids: &[i64],
) -> anyhow::Result<()> {
    let location_id: i64 = sqlx::query_scalar(
        "insert into location (production_id, name, address, parking, hospital_name,
                               hospital_address, hospital_phone, latitude, longitude)
         values ($1, 'Lake house', 'Lakeside Lane, Virginia Water (demo address)',
                 'Unit base in the north car park; walk 5 minutes along the shore path.',
                 'Lakeside General Hospital (demo)', 'Hospital Road, Chertsey (demo address)',
                 '01632 960 000', 51.4023, -0.5710)
         on conflict on constraint location_name_key do update set name = excluded.name
         returning location_id",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update shoot_day set location_id = $2,
                weather = 'Dry, 14 °C, light westerly wind; showers possible after 16:00'
         where shoot_day_id = any($1)",
    )
    .bind(day_ids)
    .bind(location_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into cast_call (shoot_day_id, cast_member_id, production_id, pickup_at,
                                makeup_at, on_set_at)
         select distinct d.shoot_day_id, sc.cast_member_id, $2,
                d.call_at - interval '90 minutes', d.call_at - interval '60 minutes', d.call_at
         from shoot_day d join shoot_day_scene ds using (shoot_day_id)
         join scene_cast sc on sc.scene_id = ds.scene_id
         where d.shoot_day_id = any($1)",
    )
    .bind(day_ids)
    .bind(production_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A two-hour rehearsal three days before the shoot (never before today) with the scene's cast.
async fn rehearse(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    scene_id: i64,
    shoot_date: Date,
    today: Date,
    zone: &time_tz::Tz,
    facts: &[SceneMinorFacts],
) -> anyhow::Result<()> {
    let date = (shoot_date - Duration::days(3)).max(today);
    let starts_at = crate::clock::local_to_utc(date, time!(10:00), zone)?;
    let cast: Vec<i64> = facts
        .iter()
        .flat_map(|f| f.cast.iter().map(|c| c.cast_member_id))
        .collect();
    let rehearsal_id: i64 = sqlx::query_scalar(
        "insert into rehearsal (production_id, scene_id, starts_at, ends_at, location)
         values ($1, $2, $3, $4, 'Rehearsal room 2') returning rehearsal_id",
    )
    .bind(production_id)
    .bind(scene_id)
    .bind(starts_at)
    .bind(starts_at + Duration::hours(2))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into rehearsal_cast (rehearsal_id, cast_member_id, production_id)
         select $1, unnest($2::bigint[]), $3",
    )
    .bind(rehearsal_id)
    .bind(&cast)
    .bind(production_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn two_working_weeks_from_next_monday() {
        // A Monday starts on the following Monday.
        let dates = shoot_dates(date!(2027 - 05 - 03));
        assert_eq!(dates.len(), 10);
        assert_eq!(dates[0], date!(2027 - 05 - 10));
        assert_eq!(dates[4], date!(2027 - 05 - 14));
        assert_eq!(dates[5], date!(2027 - 05 - 17));
        assert_eq!(dates[9], date!(2027 - 05 - 21));
        assert_eq!(shoot_dates(date!(2027 - 05 - 08))[0], date!(2027 - 05 - 10));
    }
}
