//! Demo on-set records: a shoot day three days ago with scene 5A reconfirmed, paused once by a
//! performer and resolved, shot and closed, each on the ledger at its hour, and a
//! post-production review of its cut.

use anyhow::Context;
use time::{Duration, OffsetDateTime, Time, macros::time};

use crate::ledger;
use crate::vocab::LedgerEvent;
use crate::vocab::ledger_event::{OnDay, PausedBy};

/// Loads the records; does nothing once the production has any reconfirmation.
pub async fn load(pool: &sqlx::PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Two demo commands racing load the day once.
    sqlx::query("select pg_advisory_xact_lock(727009)")
        .execute(&mut *tx)
        .await?;
    let loaded: bool =
        sqlx::query_scalar("select exists (select 1 from reconfirmation where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if loaded {
        return Ok(());
    }
    let time_zone: String =
        sqlx::query_scalar("select time_zone from production where production_id = $1")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    let tz = crate::clock::parse_zone(&time_zone).context("the demo production's zone")?;
    let coordinator: i64 = sqlx::query_scalar(
        "select user_id from member where production_id = $1 and role = 'coordinator'
         order by member_id limit 1",
    )
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?
    .context("the demo on-set day needs a coordinator")?;
    let scene_id: i64 =
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '5A'")
            .bind(production_id)
            .fetch_optional(&mut *tx)
            .await?
            .context("the demo on-set day needs scene 5A")?;
    // #1 and #2 with their newest signed riders for 5A (#2 withdrew later, after the shoot).
    let people: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "select c.cast_member_id, c.user_id,
                (select r.rider_id from rider r join rider_scene rs using (rider_id)
                 where r.cast_member_id = c.cast_member_id and rs.scene_id = $2
                   and r.signed_at is not null
                 order by r.rider_id desc limit 1)
         from cast_member c
         where c.production_id = $1 and c.cast_number in (1, 2) order by c.cast_number",
    )
    .bind(production_id)
    .bind(scene_id)
    .fetch_all(&mut *tx)
    .await?;
    if people.len() != 2 {
        anyhow::bail!("the demo on-set day needs cast #1 and #2");
    }

    let date = crate::clock::utc_to_local(OffsetDateTime::now_utc(), tz).date() - Duration::days(3);
    let at = |t: Time| crate::clock::local_to_utc(date, t, tz);
    let shoot_day_id: i64 = sqlx::query_scalar(
        "insert into shoot_day (production_id, shoot_date, call_at, coordinator_user_id, notes)
         values ($1, $2, $3, $4, 'Closed set from 08:00.')
         on conflict on constraint shoot_day_date_unit_key
         do update set coordinator_user_id = excluded.coordinator_user_id
         returning shoot_day_id",
    )
    .bind(production_id)
    .bind(date)
    .bind(at(time!(07:00))?)
    .bind(coordinator)
    .fetch_one(&mut *tx)
    .await?;
    let number: String = sqlx::query_scalar("select number from scene where scene_id = $1")
        .bind(scene_id)
        .fetch_one(&mut *tx)
        .await?;
    let on = OnDay {
        scene_id,
        scene: number,
        shoot_day_id,
        shoot_date: date,
    };
    // Each record of the day with the entry the app would have written at that moment: rows
    // and entries stamped with the same instant, so the ledger bears out every row.
    let mut entries: Vec<(OffsetDateTime, LedgerEvent, Option<i64>, Option<i64>)> = Vec::new();
    let shot_at = at(time!(11:30))?;
    let marked: Option<bool> = sqlx::query_scalar(
        "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position, shot_at,
                                      shot_by)
         values ($1, $2, $3, 1, $4, $5)
         on conflict (shoot_day_id, scene_id) do update
         set shot_at = excluded.shot_at, shot_by = excluded.shot_by
         where shoot_day_scene.shot_at is null
         returning true",
    )
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(production_id)
    .bind(shot_at)
    .bind(coordinator)
    .fetch_optional(&mut *tx)
    .await?;
    if marked.is_some() {
        entries.push((
            shot_at,
            LedgerEvent::Shot(on.clone()),
            None,
            Some(coordinator),
        ));
    }
    for (&(cast_member_id, _, rider_id), (confirmed, closed)) in people
        .iter()
        .zip([(time!(08:10), time!(12:05)), (time!(08:20), time!(12:15))])
    {
        let (confirmed, closed) = (at(confirmed)?, at(closed)?);
        sqlx::query(
            "insert into reconfirmation (production_id, shoot_day_id, scene_id, cast_member_id,
                                         rider_id, confirmed_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(production_id)
        .bind(shoot_day_id)
        .bind(scene_id)
        .bind(cast_member_id)
        .bind(rider_id)
        .bind(confirmed)
        .bind(coordinator)
        .execute(&mut *tx)
        .await?;
        entries.push((
            confirmed,
            LedgerEvent::Reconfirmed {
                on: on.clone(),
                cast_member_id,
            },
            rider_id,
            Some(coordinator),
        ));
        sqlx::query(
            "insert into closure (production_id, shoot_day_id, scene_id, cast_member_id,
                                  closed_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(production_id)
        .bind(shoot_day_id)
        .bind(scene_id)
        .bind(cast_member_id)
        .bind(closed)
        .bind(coordinator)
        .execute(&mut *tx)
        .await?;
        entries.push((
            closed,
            LedgerEvent::Closed {
                on: on.clone(),
                cast_member_id,
            },
            rider_id,
            Some(coordinator),
        ));
    }
    // #2 paused once before the turn; the coordinator reset the set and resolved it.
    let (paused, resolved) = (at(time!(09:40))?, at(time!(09:55))?);
    let pause_id: i64 = sqlx::query_scalar(
        "insert into pause (production_id, shoot_day_id, scene_id, paused_by, paused_as,
                            paused_at, resolved_at, resolved_by, resolution_note)
         values ($1, $2, $3, $4, 'performer', $5, $6, $7,
                 'Monitor moved outside the closed set; scene went on.')
         returning pause_id",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(people[1].1)
    .bind(paused)
    .bind(resolved)
    .bind(coordinator)
    .fetch_one(&mut *tx)
    .await?;
    entries.push((
        paused,
        LedgerEvent::Paused {
            on: on.clone(),
            by: PausedBy::Performer,
            pause_id,
        },
        None,
        people[1].1,
    ));
    entries.push((
        resolved,
        LedgerEvent::Resumed { on, pause_id },
        None,
        Some(coordinator),
    ));
    // On the ledger in the order they happened.
    entries.sort_by_key(|(at, ..)| *at);
    for (at, event, rider_id, actor) in &entries {
        let at_us = i64::try_from(at.unix_timestamp_nanos() / 1000)?;
        ledger::append_at(&mut tx, production_id, event, *rider_id, *actor, at_us).await?;
    }
    sqlx::query(
        "insert into post_review (production_id, scene_id, reviewed_on, outcome, notes, recorded_by)
         values ($1, $2, $3, 'changes_requested', $4, $5)",
    )
    .bind(production_id)
    .bind(scene_id)
    .bind(date + Duration::days(2))
    .bind("Second angle of the turn runs longer than agreed; trim to the wide shot.")
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
