//! Rehearsals: a scene, the performers called from its cast, a start and an end on the
//! production's clocks, and where; a flagged scene needs a first one-to-one first (R6).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::stripboard::{BoardPage, RehearsalForm};
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::input_ranges::production_date;
use crate::schedule::performer_filter;
use crate::schedule::rehearsals::{self, RehearsalView};
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, Flash, FormBody, render};

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let production_id = member.production.production_id;
    let zone = member.production.zone.tz();
    let form = RehearsalForm::read(&body);
    let mut errors = form.too_long.clone();

    let scene: Option<(i64, String, Vec<i64>)> = match form.scene_id.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_as(
                "select s.scene_id, s.number,
                        array(select cast_member_id from scene_cast where scene_id = s.scene_id)
                 from scene s where s.scene_id = $1 and s.production_id = $2 and not s.omitted",
            )
            .bind(id)
            .bind(production_id)
            .fetch_optional(&state.pool)
            .await?
        }
        Err(_) => None,
    };
    if scene.is_none() {
        errors.add("rehearsal_scene", "Choose the scene to rehearse.");
    }
    let mut cast: Vec<i64> = Vec::new();
    for text in &form.cast {
        match text.parse::<i64>() {
            Ok(id) if !cast.contains(&id) => cast.push(id),
            Ok(_) => {}
            Err(_) => errors.add("rehearsal_cast", "Choose performers from the list."),
        }
    }
    if let Some((_, number, scene_cast)) = &scene {
        if cast.is_empty() {
            errors.add(
                "rehearsal_cast",
                format!("Choose at least one performer from the cast of scene {number}."),
            );
        } else if cast.iter().any(|id| !scene_cast.contains(id)) {
            errors.add(
                "rehearsal_cast",
                format!("Only performers cast in scene {number} can be called to its rehearsal."),
            );
        }
    }
    let date = match crate::clock::parse_date(&form.date).map(production_date) {
        None => {
            errors.add(
                "rehearsal_date",
                "Enter the rehearsal date, for example 2027-04-28.",
            );
            None
        }
        Some(Err(message)) => {
            errors.add("rehearsal_date", message);
            None
        }
        Some(Ok(date)) => Some(date),
    };
    let start = crate::clock::parse_time(&form.start);
    if start.is_none() {
        errors.add(
            "rehearsal_start",
            "Enter the start as hours and minutes, for example 10:00.",
        );
    }
    let end = crate::clock::parse_time(&form.end);
    if end.is_none() {
        errors.add(
            "rehearsal_end",
            "Enter the end as hours and minutes, for example 12:00.",
        );
    }
    let location = form.location.trim().to_string();
    if location.chars().count() > 200 {
        errors.add("rehearsal_location", "Keep the location to 200 characters.");
    }
    let mut times = None;
    if let (Some(date), Some(start), Some(end)) = (date, start, end) {
        let starts_at = crate::clock::local_to_utc(date, start, zone)
            .map_err(|e| {
                errors.add(
                    "rehearsal_start",
                    e.to_string().replace("call time", "time"),
                )
            })
            .ok();
        let ends_at = crate::clock::local_to_utc(date, end, zone)
            .map_err(|e| errors.add("rehearsal_end", e.to_string().replace("call time", "time")))
            .ok();
        if let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) {
            if ends_at <= starts_at {
                errors.add("rehearsal_end", "The rehearsal must end after it starts.");
            } else {
                times = Some((starts_at, ends_at));
            }
        }
    }
    let (Some((scene_id, number, _)), Some((starts_at, ends_at)), true) =
        (scene, times, errors.is_empty())
    else {
        return BoardPage::load(&state, ctx, member, None)
            .await?
            .with_rehearsal_form(form, errors)
            .respond();
    };

    // R6: a flagged scene is rehearsed only with performers the IC has met one-to-one.
    if let Some(refusal) = crate::consent::conversations::first_meeting_check(
        &state.pool,
        production_id,
        scene_id,
        &cast,
    )
    .await?
    {
        errors.add("rehearsal_cast", refusal);
        return BoardPage::load(&state, ctx, member, None)
            .await?
            .with_rehearsal_form(form, errors)
            .respond();
    }

    let mut tx = state.pool.begin().await?;
    let rehearsal_id: i64 = sqlx::query_scalar(
        "insert into rehearsal (production_id, scene_id, starts_at, ends_at, location)
         values ($1, $2, $3, $4, $5) returning rehearsal_id",
    )
    .bind(production_id)
    .bind(scene_id)
    .bind(starts_at)
    .bind(ends_at)
    .bind(&location)
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
    tx.commit().await?;
    Flash::success(&session, format!("Rehearsal of scene {number} scheduled.")).await?;
    Ok(Redirect::to(&format!(
        "{}/schedule/rehearsals/{rehearsal_id}",
        member.base()
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "schedule/rehearsal.html")]
struct RehearsalPage {
    ctx: Ctx,
    member: Member,
    rehearsal: RehearsalView,
    can_edit: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, rehearsal_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let row = rehearsals::load(
        &state.pool,
        member.production.production_id,
        Some(rehearsal_id),
        performer_filter(&member),
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)?;
    let rehearsal = RehearsalView::new(row, member.production.zone.tz());
    render(&RehearsalPage {
        ctx,
        can_edit: member.can(Action::EditSchedule),
        member,
        rehearsal,
    })
}

pub(super) async fn delete(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, rehearsal_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let done = sqlx::query("delete from rehearsal where rehearsal_id = $1 and production_id = $2")
        .bind(rehearsal_id)
        .bind(member.production.production_id)
        .execute(&state.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Flash::success(&session, "The rehearsal is cancelled.").await?;
    Ok(Redirect::to(&format!("{}/schedule", member.base())).into_response())
}
