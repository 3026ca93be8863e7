//! Recording on the day (R11): a performer's reconfirmation before the first take, with any
//! items taken back (a narrowing, announced), and their closure after wrap. Each is a ledger
//! event, at the server's time: a time typed into the form is never what is recorded.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::day_facts::DayFacts;
use super::narrowing::{items, taken_back};
use super::performer::{PerformerPage, performer_facts};
use crate::error::Result;
use crate::ledger;
use crate::notifications;
use crate::productions::Member;
use crate::rules::on_set::recording_open;
use crate::vocab::LedgerEvent;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash};
use crate::web::{FormBody, Len};

/// The instant a ledger entry was written: what the reconfirmation or closure row records, so
/// the row and its event agree to the microsecond and no typed time can stand in for it.
fn recorded_at(entry: &ledger::Entry) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(entry.occurred_at_us) * 1000)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
}

fn not_yet(day: &DayFacts) -> String {
    format!(
        "This is recorded on the shoot day itself or after, from {}.",
        crate::clock::format_date(day.shoot_date)
    )
}

/// The reconfirmation form: the rider the page showed and the items left ticked. A `time`
/// field, if one is posted, is not read: the server's clock says when.
struct ReconfirmForm {
    rider_id: String,
    keep: Vec<String>,
}

impl ReconfirmForm {
    fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        ReconfirmForm {
            rider_id: r.text("rider_id", Len::Code),
            keep: r.all("keep", Len::Code),
        }
    }
}

pub(super) async fn reconfirm(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id, scene_id, cast_member_id)): Ids<(i64, i64, i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    let form = ReconfirmForm::read(&body);
    let mut errors = FieldErrors::default();
    let today = member.production.zone.today();
    if !recording_open(facts.day.shoot_date, today) {
        errors.add("time", not_yet(&facts.day));
    }
    if facts.scene.shot_at.is_some() {
        errors.add(
            "time",
            "This scene is already marked shot on this day; record the closure instead.",
        );
    }
    let shown_rider = form.rider_id.parse::<i64>().ok();
    let rider = match &facts.rider {
        None => {
            errors.add(
                "keep",
                "There is no signed rider in place for this performer and scene: consent cannot \
                 be reconfirmed, and the scene stays blocked for them.",
            );
            None
        }
        Some((id, _)) if Some(*id) != shown_rider => {
            errors.add(
                "keep",
                "The rider changed while this page was open. Check the items below again.",
            );
            None
        }
        Some(rider) => Some(rider.clone()),
    };
    let (Some((rider_id, scope)), true) = (rider, errors.is_empty()) else {
        return PerformerPage::new(ctx, member, facts, cast_member_id)
            .with_errors(errors)
            .render();
    };
    let offered = items(&scope, &facts.already);
    let narrowing = taken_back(&offered, &form.keep);
    let count = narrowing.count();
    let production_id = member.production.production_id;
    let on = facts.scene.on(&facts.day);
    let mut tx = state.pool.begin().await?;
    // A consent write: the production's ledger lock first. Under it, the rider the page stood
    // on is checked again, so a withdrawal that landed meanwhile is never reconfirmed over.
    ledger::lock(&mut tx, production_id).await?;
    let still_valid: bool = sqlx::query_scalar(
        "select exists (select 1 from rider r join rider_scene rs using (rider_id)
                        join scene s on s.scene_id = rs.scene_id
                        where r.rider_id = $1 and rs.scene_id = $2 and r.signed_at is not null
                          and r.revoked_at is null and rs.superseded_at is null
                          and s.current_version_id in (rs.scene_version_id, rs.carried_to_version_id))",
    )
    .bind(rider_id)
    .bind(scene_id)
    .fetch_one(&mut *tx)
    .await?;
    if !still_valid {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add(
            "keep",
            "The rider changed while this page was open: there is no signed rider in place \
             for this performer and scene now. Nothing was recorded.",
        );
        return PerformerPage::new(ctx, member, facts, cast_member_id)
            .with_errors(errors)
            .render();
    }
    let entry = ledger::append(
        &mut tx,
        production_id,
        &LedgerEvent::Reconfirmed {
            on: on.clone(),
            cast_member_id,
        },
        Some(rider_id),
        Some(member.user.user_id),
    )
    .await?;
    sqlx::query(
        "insert into reconfirmation (production_id, shoot_day_id, scene_id, cast_member_id,
                                     rider_id, narrowed, narrowed_count, confirmed_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(cast_member_id)
    .bind(rider_id)
    .bind(serde_json::to_string(&narrowing).map_err(anyhow::Error::from)?)
    .bind(i32::try_from(count).unwrap_or(i32::MAX))
    .bind(recorded_at(&entry))
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    let number = &facts.scene.number;
    if count > 0 {
        // Taking back is consent withdrawn in part: on the ledger, and everyone who must stop
        // the scene hears it at once (without what was taken back).
        ledger::append(
            &mut tx,
            production_id,
            &LedgerEvent::Narrowed {
                scene: on.scene.clone(),
                shoot_date: on.shoot_date,
                taken_back: narrowing.clone(),
            },
            Some(rider_id),
            Some(member.user.user_id),
        )
        .await?;
        notifications::notify_roles(
            &mut tx,
            production_id,
            &[Role::Coordinator, Role::Producer, Role::Director],
            notifications::kind::CONSENT_NARROWED,
            &format!(
                "{} narrowed consent for scene {number} on the day: the scene is blocked for \
                 what was taken back.",
                facts.who
            ),
            &format!("{}/scenes/{scene_id}", member.base()),
        )
        .await?;
    }
    tx.commit().await?;
    let message = if count > 0 {
        format!(
            "{} is reconfirmed for scene {number}, narrowed: {count} item{} taken back.",
            facts.who,
            if count == 1 { "" } else { "s" }
        )
    } else {
        format!("{} is reconfirmed for scene {number}.", facts.who)
    };
    Flash::success(&session, message).await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}/on-set", member.base())).into_response())
}

pub(super) async fn closure(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id, scene_id, cast_member_id)): Ids<(i64, i64, i64, i64)>,
) -> Result<Response> {
    // The form carries no time (a `closure_time`, if posted, is not read): the closure is
    // recorded when it is submitted.
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    let mut errors = FieldErrors::default();
    if !recording_open(facts.day.shoot_date, member.production.zone.today()) {
        errors.add("closure_time", not_yet(&facts.day));
    }
    if let Some(at) = facts.closed {
        errors.add(
            "closure_time",
            format!(
                "The closure is already recorded, at {}.",
                member.production.zone.clock_time(at)
            ),
        );
    }
    if !errors.is_empty() {
        return PerformerPage::new(ctx, member, facts, cast_member_id)
            .with_errors(errors)
            .render();
    }
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    ledger::lock(&mut tx, production_id).await?;
    let on_set = format!("{}/schedule/{shoot_day_id}/on-set", member.base());
    let entry = ledger::append(
        &mut tx,
        production_id,
        &LedgerEvent::Closed {
            on: facts.scene.on(&facts.day),
            cast_member_id,
        },
        facts.rider.as_ref().map(|(id, _)| *id),
        Some(member.user.user_id),
    )
    .await?;
    let at = recorded_at(&entry);
    // One closure per performer, scene and day: a second submit (a double tap) rolls its event
    // back with it, and the first closure stands.
    let inserted = sqlx::query(
        "insert into closure (production_id, shoot_day_id, scene_id, cast_member_id, closed_at,
                              recorded_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict on constraint closure_key do nothing",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(cast_member_id)
    .bind(at)
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() != 1 {
        drop(tx);
        Flash::info(&session, "The closure was already recorded.").await?;
        return Ok(Redirect::to(&on_set).into_response());
    }
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "Closure recorded for {} in scene {} at {}.",
            facts.who,
            facts.scene.number,
            member.production.zone.clock_time(at)
        ),
    )
    .await?;
    Ok(Redirect::to(&on_set).into_response())
}
