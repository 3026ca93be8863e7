//! Scenes on a shoot day: placing one (R5, minors, checked against the day's date under a
//! lock), moving it up or down the running order, and taking it off the day.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::Date;
use tower_sessions::Session;

use super::shoot_days::{DayPage, day_view, minor_facts};
use crate::access::Action;
use crate::error::{AppError, OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::rules::minors;
use crate::schedule::board;
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len};

/// The add-scene form on the day page.
pub(super) struct AddSceneForm {
    scene_id: String,
}

impl AddSceneForm {
    fn read(body: &FormBody) -> Self {
        AddSceneForm {
            scene_id: body.reader().text("scene_id", Len::Code),
        }
    }
}

pub(super) async fn add_scene(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let form = AddSceneForm::read(&body);
    let production_id = member.production.production_id;
    let view = day_view(&state, &member, shoot_day_id).await?;
    let mut errors = FieldErrors::default();
    let scene: Option<(i64, String)> = match form.scene_id.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_as(
                "select scene_id, number from scene
                 where scene_id = $1 and production_id = $2 and not omitted",
            )
            .bind(id)
            .bind(production_id)
            .fetch_optional(&state.pool)
            .await?
        }
        Err(_) => None,
    };
    let Some((scene_id, number)) = scene else {
        errors.add("scene_id", "Choose a scene from the list.");
        return DayPage::load(&state, ctx, member, view)
            .await?
            .with_scene_choice(form.scene_id, errors)
            .respond();
    };

    let mut tx = state.pool.begin().await?;
    // The date is read under a lock, so a concurrent re-dating cannot slip past R5.
    let date: Date =
        sqlx::query_scalar("select shoot_date from shoot_day where shoot_day_id = $1 for update")
            .bind(shoot_day_id)
            .fetch_one(&mut *tx)
            .await?;
    let facts = minor_facts(&mut tx, production_id, Some(scene_id), None).await?;
    let conflicts = board::minors_on_date(&facts, date);
    if !conflicts.is_empty() {
        errors.add("scene_id", minors::refusal(&conflicts));
        drop(tx);
        return DayPage::load(&state, ctx, member, view)
            .await?
            .with_scene_choice(form.scene_id, errors)
            .respond();
    }
    let inserted = sqlx::query(
        "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position)
         select $1, $2, $3, coalesce(max(position), 0) + 1
         from shoot_day_scene where shoot_day_id = $1",
    )
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(production_id)
    .execute(&mut *tx)
    .await
    .on_constraint("shoot_day_scene_pkey")?;
    match inserted {
        Ok(_) => tx.commit().await?,
        Err(Violated) => {
            errors.add(
                "scene_id",
                format!("Scene {number} is already on this day."),
            );
            drop(tx);
            return DayPage::load(&state, ctx, member, view)
                .await?
                .with_scene_choice(form.scene_id, errors)
                .respond();
        }
    }
    Flash::success(&session, format!("Scene {number} is on this day.")).await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}", member.base())).into_response())
}

/// How a scene moves in a day's running order.
enum Move {
    Up,
    Down,
    Remove,
}

async fn rearrange(
    state: &AppState,
    member: &Member,
    shoot_day_id: i64,
    scene_id: i64,
    how: Move,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let mut tx = state.pool.begin().await?;
    let mut order: Vec<i64> = sqlx::query_scalar(
        "select scene_id from shoot_day_scene
         where shoot_day_id = $1 and production_id = $2
         order by position, scene_id for update",
    )
    .bind(shoot_day_id)
    .bind(member.production.production_id)
    .fetch_all(&mut *tx)
    .await?;
    let at = order
        .iter()
        .position(|id| *id == scene_id)
        .ok_or(AppError::NotFound)?;
    match how {
        Move::Up if at > 0 => order.swap(at, at - 1),
        Move::Down if at + 1 < order.len() => order.swap(at, at + 1),
        Move::Remove => {
            order.remove(at);
            sqlx::query("delete from shoot_day_scene where shoot_day_id = $1 and scene_id = $2")
                .bind(shoot_day_id)
                .bind(scene_id)
                .execute(&mut *tx)
                .await?;
        }
        _ => {}
    }
    // Renumbered 1..n every time, so positions stay dense after removals.
    sqlx::query(
        "update shoot_day_scene t set position = u.position
         from unnest($2::bigint[]) with ordinality as u(scene_id, position)
         where t.shoot_day_id = $1 and t.scene_id = u.scene_id",
    )
    .bind(shoot_day_id)
    .bind(&order)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}", member.base())).into_response())
}

pub(super) async fn move_up(
    State(state): State<AppState>,
    member: Member,
    Ids((_, shoot_day_id, scene_id)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    rearrange(&state, &member, shoot_day_id, scene_id, Move::Up).await
}

pub(super) async fn move_down(
    State(state): State<AppState>,
    member: Member,
    Ids((_, shoot_day_id, scene_id)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    rearrange(&state, &member, shoot_day_id, scene_id, Move::Down).await
}

pub(super) async fn remove_scene(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id, scene_id)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    let response = rearrange(&state, &member, shoot_day_id, scene_id, Move::Remove).await?;
    Flash::success(&session, "The scene is off this day.").await?;
    Ok(response)
}
