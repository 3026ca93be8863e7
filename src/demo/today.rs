//! The demo's shoot day today: whatever day the demo is loaded (or loaded again), it has a shoot
//! day dated that day, with a flagged scene of cast #1, so a visitor finds the on-set pause button.

use anyhow::Context;
use sqlx::PgPool;
use time::{Date, OffsetDateTime, macros::time};

/// Makes sure the production has a shoot day on the production's today.
pub async fn load(pool: &PgPool, production_id: i64) -> anyhow::Result<()> {
    let time_zone: String =
        sqlx::query_scalar("select time_zone from production where production_id = $1")
            .bind(production_id)
            .fetch_one(pool)
            .await?;
    let zone = crate::clock::parse_zone(&time_zone).context("the demo production's zone")?;
    let today = crate::clock::utc_to_local(OffsetDateTime::now_utc(), zone).date();
    ensure_day(pool, production_id, today).await
}

/// Adds a shoot day on `date` (call 07:00) unless one exists, and puts on it the first flagged,
/// unshot scene of cast #1 unless the day already has one. Only schedule rows are written:
/// riders, signatures and the ledger are never touched, so loading again on a later day keeps
/// every recorded consent as it was.
pub async fn ensure_day(pool: &PgPool, production_id: i64, date: Date) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Two demo commands racing add the day once.
    sqlx::query("select pg_advisory_xact_lock(727011)")
        .execute(&mut *tx)
        .await?;
    let (time_zone, coordinator): (String, Option<i64>) = sqlx::query_as(
        "select p.time_zone,
                (select m.user_id from member m where m.production_id = p.production_id
                   and m.role = 'coordinator' order by m.member_id limit 1)
         from production p where p.production_id = $1",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?;
    let zone = crate::clock::parse_zone(&time_zone).context("the demo production's zone")?;
    let existing: Option<i64> = sqlx::query_scalar(
        "select shoot_day_id from shoot_day where production_id = $1 and shoot_date = $2
         order by shoot_day_id limit 1",
    )
    .bind(production_id)
    .bind(date)
    .fetch_optional(&mut *tx)
    .await?;
    let shoot_day_id =
        match existing {
            Some(id) => id,
            None => sqlx::query_scalar(
                "insert into shoot_day (production_id, shoot_date, call_at, coordinator_user_id,
                                        notes)
                 values ($1, $2, $3, $4, 'Closed set from 08:00.') returning shoot_day_id",
            )
            .bind(production_id)
            .bind(date)
            .bind(crate::clock::local_to_utc(date, time!(07:00), zone)?)
            .bind(coordinator)
            .fetch_one(&mut *tx)
            .await?,
        };
    // The first flagged scene cast #1 is in that no day has shot yet, unless the day already
    // carries a flagged scene of theirs.
    sqlx::query(
        "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position)
         select $1, s.scene_id, $2,
                (select coalesce(max(position), 0) + 1 from shoot_day_scene
                 where shoot_day_id = $1)
         from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $2 and not s.omitted and v.flagged
           and exists (select 1 from scene_cast sc join cast_member c using (cast_member_id)
                       where sc.scene_id = s.scene_id and c.cast_number = 1)
           and not exists (select 1 from shoot_day_scene d
                           where d.scene_id = s.scene_id and d.shot_at is not null)
           and not exists (select 1 from shoot_day_scene d
                           join scene ds on ds.scene_id = d.scene_id
                           join scene_version dv on dv.scene_version_id = ds.current_version_id
                           join scene_cast dc on dc.scene_id = d.scene_id
                           join cast_member dm on dm.cast_member_id = dc.cast_member_id
                           where d.shoot_day_id = $1 and dv.flagged and dm.cast_number = 1)
         order by s.sort_key collate \"C\"
         limit 1
         on conflict do nothing",
    )
    .bind(shoot_day_id)
    .bind(production_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
