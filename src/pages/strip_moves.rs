//! Moving a strip on the stripboard: to another day (R5 checked against that day's date under
//! a lock) or back to the unscheduled pool; and the banners (meal, company move, note) between
//! a day's strips. Every form works without JavaScript; `static/stripboard.js` only drives them.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::Date;
use tower_sessions::Session;

use super::shoot_days::minor_facts;
use super::stripboard::{BannerForm, BoardPage, MoveForm};
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::minors;
use crate::schedule::board;
use crate::schedule::week::{self, BannerKind, POOL};
use crate::web::ids::{Ids, canonical_id};
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len};

/// Where a move lands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Pool,
    Day(i64),
}

impl Place {
    fn read(text: &str) -> Option<Place> {
        match text.trim() {
            "0" | "pool" => Some(Place::Pool),
            other => canonical_id(other).map(Place::Day),
        }
    }

    fn id(self) -> i64 {
        match self {
            Place::Pool => POOL,
            Place::Day(id) => id,
        }
    }
}

/// A target day as the move reads it, under lock.
#[derive(sqlx::FromRow)]
struct Target {
    shoot_day_id: i64,
    shoot_date: Date,
}

/// `POST …/schedule/strips/{scene_id}/move` with `from` (a day id, or `0` for the pool) and
/// `to` (the same).
pub(super) async fn move_strip(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let production_id = member.production.production_id;
    let mut r = body.reader();
    let from_text = r.text("from", Len::Code);
    let to_text = r.text("to", Len::Code);
    let too_long = r.finish();
    // The strip named must be this production's and where the form says; anything else is a
    // hand-made request, answered as any unknown address.
    let from = Place::read(&from_text).ok_or(AppError::NotFound)?;
    let number: Option<String> = sqlx::query_scalar(
        "select number from scene where scene_id = $1 and production_id = $2 and not omitted",
    )
    .bind(scene_id)
    .bind(production_id)
    .fetch_optional(&state.pool)
    .await?;
    let number = number.ok_or(AppError::NotFound)?;
    let field = format!("to-{scene_id}-{}", from.id());
    let form = MoveForm {
        scene_id,
        from: from.id(),
        to: to_text.clone(),
    };
    // Only the list's own values are days: an over-long or unknown one gets the same answer.
    let to = too_long.is_empty().then(|| Place::read(&to_text)).flatten();
    let Some(to) = to else {
        return refuse(
            &state,
            ctx,
            member,
            None,
            form,
            &field,
            "Choose a day from the list.".into(),
        )
        .await;
    };
    if to == from {
        return Ok(Redirect::to(&format!("{}/schedule", member.base())).into_response());
    }

    let mut tx = state.pool.begin().await?;
    let from_day: Option<(Date, bool)> = match from {
        Place::Pool => None,
        Place::Day(id) => Some(
            sqlx::query_as(
                "select d.shoot_date, ds.shot_at is not null
                 from shoot_day_scene ds join shoot_day d using (shoot_day_id)
                 where ds.shoot_day_id = $1 and ds.scene_id = $2 and ds.production_id = $3
                 for update of ds",
            )
            .bind(id)
            .bind(scene_id)
            .bind(production_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?,
        ),
    };
    let shown_week = from_day.map(|(date, _)| week::monday_of(date));
    // A take marked shot is a record of that day (and on the ledger): the strip stays there.
    if from_day.is_some_and(|(_, shot)| shot) {
        drop(tx);
        let message = format!("Scene {number} was marked shot on this day, so it stays on it.");
        return refuse(&state, ctx, member, shown_week, form, &field, message).await;
    }
    let landed = match to {
        Place::Pool => None,
        Place::Day(id) => {
            // The date is read under a lock, so a concurrent re-dating cannot slip past R5.
            let target: Option<Target> = sqlx::query_as(
                "select shoot_day_id, shoot_date from shoot_day
                 where shoot_day_id = $1 and production_id = $2 for update",
            )
            .bind(id)
            .bind(production_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(target) = target else {
                drop(tx);
                return refuse(
                    &state,
                    ctx,
                    member,
                    shown_week,
                    form,
                    &field,
                    "Choose a day from the list.".into(),
                )
                .await;
            };
            let facts = minor_facts(&mut tx, production_id, Some(scene_id), None).await?;
            let conflicts = board::minors_on_date(&facts, target.shoot_date);
            if !conflicts.is_empty() {
                drop(tx);
                return refuse(
                    &state,
                    ctx,
                    member,
                    shown_week,
                    form,
                    &field,
                    minors::refusal(&conflicts),
                )
                .await;
            }
            let inserted = sqlx::query(
                "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position)
                 select $1, $2, $3, coalesce(max(position), 0) + 1
                 from shoot_day_scene where shoot_day_id = $1
                 on conflict (shoot_day_id, scene_id) do nothing",
            )
            .bind(target.shoot_day_id)
            .bind(scene_id)
            .bind(production_id)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                drop(tx);
                let message = format!(
                    "Scene {number} is already on {}.",
                    crate::clock::format_date(target.shoot_date)
                );
                return refuse(&state, ctx, member, shown_week, form, &field, message).await;
            }
            Some(target)
        }
    };
    if let Place::Day(id) = from {
        sqlx::query("delete from shoot_day_scene where shoot_day_id = $1 and scene_id = $2")
            .bind(id)
            .bind(scene_id)
            .execute(&mut *tx)
            .await?;
        // Renumbered 1..n, so positions stay dense after the strip leaves.
        sqlx::query(
            "update shoot_day_scene t set position = n.position
             from (select scene_id, row_number() over (order by position, scene_id) as position
                   from shoot_day_scene where shoot_day_id = $1) n
             where t.shoot_day_id = $1 and t.scene_id = n.scene_id",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let (message, week) = match &landed {
        Some(target) => (
            format!(
                "Scene {number} moved to {}. Its riders' notice deadline follows that day's call.",
                crate::clock::format_date(target.shoot_date)
            ),
            Some(week::monday_of(target.shoot_date)),
        ),
        None => (
            format!("Scene {number} is back in the unscheduled pool."),
            shown_week,
        ),
    };
    Flash::success(&session, message).await?;
    let query = week.map(|w| format!("?week={w}")).unwrap_or_default();
    Ok(Redirect::to(&format!("{}/schedule{query}", member.base())).into_response())
}

/// The board again, with the move's refusal beside the strip it was typed on (422).
async fn refuse(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    week: Option<Date>,
    form: MoveForm,
    field: &str,
    message: String,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    errors.add(field.to_string(), message);
    BoardPage::load(state, ctx, member, week)
        .await?
        .with_move_form(form, errors)
        .respond()
}

/// `POST …/schedule/{shoot_day_id}/banners`: a meal, company move or note after a strip.
pub(super) async fn add_banner(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let production_id = member.production.production_id;
    let date: Date = sqlx::query_scalar(
        "select shoot_date from shoot_day where shoot_day_id = $1 and production_id = $2",
    )
    .bind(shoot_day_id)
    .bind(production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let mut r = body.reader();
    let form = BannerForm {
        shoot_day_id,
        kind: r.text("kind", Len::Code),
        after: r.text("after", Len::Code),
        label: r.text("label", Len::Line),
    };
    let too_long = r.finish();
    let mut errors = FieldErrors::default();
    for (field, message) in too_long.iter() {
        errors.add(format!("{field}-{shoot_day_id}"), message.to_string());
    }
    let kind = BannerKind::parse(form.kind.trim());
    if kind.is_none() {
        errors.add(
            format!("kind-{shoot_day_id}"),
            "Choose meal break, company move or note.",
        );
    }
    let after: Option<i32> = match form.after.trim() {
        "0" => Some(0),
        other => canonical_id::<i32>(other).filter(|n| *n <= 1000),
    };
    if after.is_none() {
        errors.add(
            format!("after-{shoot_day_id}"),
            "Choose where the banner goes in the day.",
        );
    }
    if form.label.chars().count() > 200 {
        errors.add(
            format!("label-{shoot_day_id}"),
            "Keep the banner to 200 characters.",
        );
    }
    let (Some(kind), Some(after), true) = (kind, after, errors.is_empty()) else {
        return BoardPage::load(&state, ctx, member, Some(week::monday_of(date)))
            .await?
            .with_banner_form(form, errors)
            .respond();
    };
    sqlx::query(
        "insert into board_banner (production_id, shoot_day_id, after_position, kind, label)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(after)
    .bind(kind.as_str())
    .bind(form.label.trim())
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        format!(
            "{} added to {}.",
            kind.label(),
            crate::clock::format_date(date)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}/schedule?week={}#day-{shoot_day_id}",
        member.base(),
        week::monday_of(date)
    ))
    .into_response())
}

/// `POST …/schedule/banners/{board_banner_id}/delete`.
pub(super) async fn delete_banner(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, banner_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let date: Date = sqlx::query_scalar(
        "delete from board_banner b using shoot_day d
         where b.board_banner_id = $1 and b.production_id = $2 and d.shoot_day_id = b.shoot_day_id
         returning d.shoot_date",
    )
    .bind(banner_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Flash::success(&session, "The banner is off the board.").await?;
    Ok(Redirect::to(&format!(
        "{}/schedule?week={}",
        member.base(),
        week::monday_of(date)
    ))
    .into_response())
}
