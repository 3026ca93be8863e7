//! Recording on the day (R11): a performer's reconfirmation before the first take, with any
//! items taken back (a narrowing, on the ledger and announced), and their closure after wrap.

use axum::extract::{Path, State};
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
use crate::web::FormBody;
use crate::web::{Ctx, FieldErrors, Flash};

/// When it happened: the typed time on the shoot date (production clocks), or now when blank.
fn when(
    member: &Member,
    day: &DayFacts,
    typed: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<OffsetDateTime> {
    let now = OffsetDateTime::now_utc();
    if typed.trim().is_empty() {
        return Some(now);
    }
    let Some(time) = crate::clock::parse_time(typed) else {
        errors.add(
            field,
            "Enter the time as hours and minutes, for example 07:40, or leave it empty for now.",
        );
        return None;
    };
    match member.production.zone.to_utc(day.shoot_date, time) {
        Ok(at) if at <= now => Some(at),
        Ok(_) => {
            errors.add(
                field,
                "That time is still to come; record it when it happens.",
            );
            None
        }
        Err(e) => {
            errors.add(field, e.to_string());
            None
        }
    }
}

fn not_yet(day: &DayFacts) -> String {
    format!(
        "This is recorded on the shoot day itself or after, from {}.",
        crate::clock::format_date(day.shoot_date)
    )
}

/// The reconfirmation form: the rider the page showed, the items left ticked, and the time.
struct ReconfirmForm {
    time: String,
    rider_id: String,
    keep: Vec<String>,
}

impl ReconfirmForm {
    fn read(body: &FormBody) -> Self {
        ReconfirmForm {
            time: body.get("time"),
            rider_id: body.get("rider_id"),
            keep: body.all("keep"),
        }
    }
}

pub(super) async fn reconfirm(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, shoot_day_id, scene_id, cast_member_id)): Path<(i64, i64, i64, i64)>,
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
    let at = when(&member, &facts.day, &form.time, "time", &mut errors);
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
    let (Some(at), Some((rider_id, scope)), true) = (at, rider, errors.is_empty()) else {
        return PerformerPage::new(ctx, member, facts, cast_member_id)
            .with_time(form.time, errors)
            .render();
    };
    let offered = items(&scope, &facts.already);
    let narrowing = taken_back(&offered, &form.keep);
    let count = narrowing.count();
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
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
    .bind(at)
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
                scene: number.clone(),
                shoot_date: facts.day.shoot_date,
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

/// The closure form: when the performer stepped out, or empty for now.
struct ClosureForm {
    closure_time: String,
}

impl ClosureForm {
    fn read(body: &FormBody) -> Self {
        ClosureForm {
            closure_time: body.get("closure_time"),
        }
    }
}

pub(super) async fn closure(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, shoot_day_id, scene_id, cast_member_id)): Path<(i64, i64, i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    let form = ClosureForm::read(&body);
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
    let at = when(
        &member,
        &facts.day,
        &form.closure_time,
        "closure_time",
        &mut errors,
    );
    let (Some(at), true) = (at, errors.is_empty()) else {
        return PerformerPage::new(ctx, member, facts, cast_member_id)
            .with_closure_time(form.closure_time, errors)
            .render();
    };
    let inserted = sqlx::query(
        "insert into closure (production_id, shoot_day_id, scene_id, cast_member_id, closed_at,
                              recorded_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict on constraint closure_key do nothing",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(cast_member_id)
    .bind(at)
    .bind(member.user.user_id)
    .execute(&state.pool)
    .await?;
    if inserted.rows_affected() == 1 {
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
    } else {
        Flash::info(&session, "The closure was already recorded.").await?;
    }
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}/on-set", member.base())).into_response())
}
