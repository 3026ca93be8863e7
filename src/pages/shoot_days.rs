//! Shoot days and the stripboard: adding, editing and deleting days, placing scenes on them in
//! running order, and R5 (minors) on the scheduling path, both when placing and when re-dating.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use tower_sessions::Session;

use super::rehearsals::RehearsalForm;
use crate::access::Action;
use crate::error::{AppError, Result, is_violation};
use crate::productions::Member;
use crate::rules::minors::{self, CastAge};
use crate::scenes::heading::{IntExt, TimeOfDay};
use crate::schedule::board::{self, DayView, SceneMinorFacts};
use crate::schedule::rehearsals::{self, RehearsalView};
use crate::schedule::{load_days, load_placed, performer_filter};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};

/// A scene offered in a select list, in script order.
#[derive(sqlx::FromRow)]
pub(super) struct SceneOption {
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
}

impl SceneOption {
    pub fn label(&self) -> String {
        let int_ext = self.int_ext.parse().unwrap_or(IntExt::Int);
        let tod = self.time_of_day.parse().unwrap_or(TimeOfDay::Day);
        format!(
            "{} · {} {} — {}",
            self.number,
            int_ext.label(),
            self.set_name,
            tod.label()
        )
    }
}

/// Non-omitted scenes in script order, leaving out those already on `not_on_day`.
pub(super) async fn scene_options(
    state: &AppState,
    production_id: i64,
    not_on_day: Option<i64>,
) -> Result<Vec<SceneOption>> {
    Ok(sqlx::query_as(
        "select scene_id, number, int_ext, set_name, time_of_day from scene
         where production_id = $1 and not omitted
           and ($2::bigint is null or scene_id not in
                (select scene_id from shoot_day_scene where shoot_day_id = $2))
         order by sort_key collate \"C\"",
    )
    .bind(production_id)
    .bind(not_on_day)
    .fetch_all(&state.pool)
    .await?)
}

/// A person offered in a select list.
#[derive(sqlx::FromRow)]
pub(super) struct Person {
    pub user_id: i64,
    pub name: String,
}

async fn coordinators(state: &AppState, production_id: i64) -> Result<Vec<Person>> {
    Ok(sqlx::query_as(
        "select u.user_id, u.name from member m join app_user u using (user_id)
         where m.production_id = $1 and m.role = 'coordinator' order by u.name, u.user_id",
    )
    .bind(production_id)
    .fetch_all(&state.pool)
    .await?)
}

/// The add-day form on the stripboard.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct NewDayForm {
    pub shoot_date: String,
    pub call_time: String,
    pub unit: String,
}

/// The day's edit form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct DayForm {
    pub shoot_date: String,
    pub call_time: String,
    pub unit: String,
    pub coordinator_user_id: String,
    pub notes: String,
}

/// Date, call instant and unit from the form; the call time is read on the production's clocks.
fn parse_day(
    shoot_date: &str,
    call_time: &str,
    unit: &str,
    member: &Member,
    errors: &mut FieldErrors,
) -> Option<(Date, OffsetDateTime, String)> {
    let date = crate::clock::parse_date(shoot_date);
    if date.is_none() {
        errors.add(
            "shoot_date",
            "Enter the shoot date, for example 2027-05-04.",
        );
    }
    let time = crate::clock::parse_time(call_time);
    if time.is_none() {
        errors.add(
            "call_time",
            "Enter the general call as hours and minutes, for example 07:00.",
        );
    }
    let unit = unit.split_whitespace().collect::<Vec<_>>().join(" ");
    let unit = if unit.is_empty() {
        "Main unit".to_string()
    } else {
        unit
    };
    if unit.chars().count() > 100 {
        errors.add("unit", "Keep the unit name to 100 characters.");
    }
    let (date, time) = (date?, time?);
    match crate::clock::local_to_utc(date, time, member.production.zone.tz()) {
        Ok(call_at) if errors.is_empty() => Some((date, call_at, unit)),
        Ok(_) => None,
        Err(e) => {
            errors.add("call_time", e.to_string());
            None
        }
    }
}

// ---------------------------------------------------------------- the stripboard

#[derive(Template)]
#[template(path = "schedule/board.html")]
pub(super) struct BoardPage {
    pub ctx: Ctx,
    pub member: Member,
    pub days: Vec<DayView>,
    pub rehearsals: Vec<RehearsalView>,
    pub can_edit: bool,
    pub missing_coordinator: bool,
    pub day_form: NewDayForm,
    pub rehearsal_form: RehearsalForm,
    pub errors: FieldErrors,
    pub scenes: Vec<SceneOption>,
    pub cast: Vec<rehearsals::CastOption>,
    pub zone_name: String,
}

impl BoardPage {
    fn warning(&self) -> &'static str {
        crate::schedule::MISSING_COORDINATOR
    }
}

pub(super) async fn board_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    board_response(
        &state,
        ctx,
        member,
        NewDayForm::default(),
        RehearsalForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// The stripboard with its forms; 422 when `errors` holds any.
pub(super) async fn board_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    day_form: NewDayForm,
    rehearsal_form: RehearsalForm,
    errors: FieldErrors,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let performer = performer_filter(&member);
    let zone = member.production.zone.tz();
    let days = load_days(&state.pool, production_id, None).await?;
    let placed = load_placed(&state.pool, production_id, None, performer).await?;
    let mut days = board::assemble(days, placed, zone, performer.is_some());
    if performer.is_none() {
        // Performers see only their own consent, on their scene pages; the board shows everyone's.
        let statuses = crate::consent::status::production_status(
            &state.pool,
            &member.production,
            crate::consent::status::Only::All,
        )
        .await?;
        board::attach_consent(
            &mut days,
            &crate::consent::status::lines_for(&statuses, None),
        );
    }
    crate::onset::pauses::mark_paused(&state.pool, &member, &mut days).await?;
    let rehearsals = rehearsals::load(&state.pool, production_id, None, performer)
        .await?
        .into_iter()
        .map(|r| RehearsalView::new(r, zone))
        .collect();
    let can_edit = member.can(Action::EditSchedule);
    let (scenes, cast) = if can_edit {
        (
            scene_options(state, production_id, None).await?,
            rehearsals::cast_options(&state.pool, production_id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let missing_coordinator = member.is(Role::Producer)
        && crate::schedule::missing_coordinator(&state.pool, production_id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &BoardPage {
            ctx,
            zone_name: member.production.zone.name().to_string(),
            member,
            days,
            rehearsals,
            can_edit,
            missing_coordinator,
            day_form,
            rehearsal_form,
            errors,
            scenes,
            cast,
        },
    )
}

pub(super) async fn create_day(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Form(form): Form<NewDayForm>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let mut errors = FieldErrors::default();
    let Some((date, call_at, unit)) = parse_day(
        &form.shoot_date,
        &form.call_time,
        &form.unit,
        &member,
        &mut errors,
    ) else {
        return board_response(&state, ctx, member, form, RehearsalForm::default(), errors).await;
    };
    let inserted: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
        "insert into shoot_day (production_id, shoot_date, call_at, unit)
         values ($1, $2, $3, $4) returning shoot_day_id",
    )
    .bind(member.production.production_id)
    .bind(date)
    .bind(call_at)
    .bind(&unit)
    .fetch_one(&state.pool)
    .await;
    let shoot_day_id = match inserted {
        Ok(id) => id,
        Err(e) if is_violation(&e, "shoot_day_date_unit_key") => {
            errors.add("shoot_date", same_day_message(&unit, date));
            return board_response(&state, ctx, member, form, RehearsalForm::default(), errors)
                .await;
        }
        Err(e) => return Err(e.into()),
    };
    Flash::success(
        &session,
        format!(
            "Shoot day added for {}. Add its scenes below.",
            crate::clock::format_date(date)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}", member.base())).into_response())
}

fn same_day_message(unit: &str, date: Date) -> String {
    format!(
        "{unit} already has a shoot day on {}. Choose another date or another unit.",
        crate::clock::format_date(date)
    )
}

// ---------------------------------------------------------------- one day

#[derive(Template)]
#[template(path = "schedule/day.html")]
struct DayPage {
    ctx: Ctx,
    member: Member,
    view: DayView,
    can_edit: bool,
    form: DayForm,
    errors: FieldErrors,
    coordinators: Vec<Person>,
    scenes: Vec<SceneOption>,
    chosen_scene: String,
    /// Scenes on this day already marked shot (R3: a later revocation leaves them shot).
    shot: Vec<i64>,
    can_mark_shot: bool,
}

impl DayPage {
    fn is_shot(&self, scene_id: &i64) -> bool {
        self.shot.contains(scene_id)
    }
    fn coordinator_chosen(&self, user_id: &i64) -> bool {
        self.form.coordinator_user_id == user_id.to_string()
    }
    fn scene_chosen(&self, scene_id: &i64) -> bool {
        self.chosen_scene == scene_id.to_string()
    }
    fn is_first(&self, index: &usize) -> bool {
        *index == 0
    }
    fn is_last(&self, index: &usize) -> bool {
        *index + 1 == self.view.strips.len()
    }
}

/// The day with its strips as this member may see it, or 404: a performer sees only a day
/// they are called, and only their scenes on it.
async fn day_view(state: &AppState, member: &Member, shoot_day_id: i64) -> Result<DayView> {
    let production_id = member.production.production_id;
    let performer = performer_filter(member);
    let days = load_days(&state.pool, production_id, Some(shoot_day_id)).await?;
    if days.is_empty() {
        return Err(AppError::NotFound);
    }
    let placed = load_placed(&state.pool, production_id, Some(shoot_day_id), performer).await?;
    board::assemble(
        days,
        placed,
        member.production.zone.tz(),
        performer.is_some(),
    )
    .pop()
    .ok_or(AppError::NotFound)
}

impl DayForm {
    fn of(view: &DayView, zone: &time_tz::Tz) -> DayForm {
        DayForm {
            shoot_date: view.day.shoot_date.to_string(),
            call_time: crate::clock::hour_minute(
                crate::clock::utc_to_local(view.day.call_at, zone).time(),
            ),
            unit: view.day.unit.clone(),
            coordinator_user_id: view
                .day
                .coordinator_user_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            notes: view.day.notes.clone(),
        }
    }
}

async fn day_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    view: DayView,
    form: Option<DayForm>,
    chosen_scene: String,
    errors: FieldErrors,
) -> Result<Response> {
    let can_edit = member.can(Action::EditSchedule);
    let production_id = member.production.production_id;
    let (coordinators, scenes) = if can_edit {
        (
            coordinators(state, production_id).await?,
            scene_options(state, production_id, Some(view.day.shoot_day_id)).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let form = form.unwrap_or_else(|| DayForm::of(&view, member.production.zone.tz()));
    let shot: Vec<i64> = sqlx::query_scalar(
        "select scene_id from shoot_day_scene where shoot_day_id = $1 and shot_at is not null",
    )
    .bind(view.day.shoot_day_id)
    .fetch_all(&state.pool)
    .await?;
    let can_mark_shot = member.can(Action::MarkShot);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &DayPage {
            ctx,
            member,
            view,
            can_edit,
            form,
            errors,
            coordinators,
            scenes,
            chosen_scene,
            shot,
            can_mark_shot,
        },
    )
}

pub(super) async fn day_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, shoot_day_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let mut view = day_view(&state, &member, shoot_day_id).await?;
    crate::onset::pauses::mark_paused(&state.pool, &member, std::slice::from_mut(&mut view))
        .await?;
    day_response(
        &state,
        ctx,
        member,
        view,
        None,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

pub(super) async fn update_day(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, shoot_day_id)): Path<(i64, i64)>,
    Form(form): Form<DayForm>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let production_id = member.production.production_id;
    let view = day_view(&state, &member, shoot_day_id).await?;
    let mut errors = FieldErrors::default();
    let parsed = parse_day(
        &form.shoot_date,
        &form.call_time,
        &form.unit,
        &member,
        &mut errors,
    );
    let coordinator: Option<i64> = match form.coordinator_user_id.trim() {
        "" => None,
        text => {
            let chosen = text.parse::<i64>().ok();
            let known = coordinators(&state, production_id).await?;
            if chosen.is_some_and(|id| known.iter().any(|p| p.user_id == id)) {
                chosen
            } else {
                errors.add(
                    "coordinator_user_id",
                    "Choose one of the production's intimacy coordinators, or nobody yet.",
                );
                None
            }
        }
    };
    let notes = form.notes.trim().to_string();
    if notes.chars().count() > 2000 {
        errors.add("notes", "Keep the notes to 2000 characters.");
    }
    let (Some((date, call_at, unit)), true) = (parsed, errors.is_empty()) else {
        return day_response(&state, ctx, member, view, Some(form), String::new(), errors).await;
    };

    let mut tx = state.pool.begin().await?;
    // Locks the day so a scene cannot be placed on it while its new date is being checked.
    sqlx::query("select 1 from shoot_day where shoot_day_id = $1 for update")
        .bind(shoot_day_id)
        .execute(&mut *tx)
        .await?;
    let facts = minor_facts(&mut tx, production_id, None, Some(shoot_day_id)).await?;
    let conflicts = board::minors_on_date(&facts, date);
    if !conflicts.is_empty() {
        errors.add("shoot_date", minors::refusal(&conflicts));
        drop(tx);
        return day_response(&state, ctx, member, view, Some(form), String::new(), errors).await;
    }
    let updated = sqlx::query(
        "update shoot_day set shoot_date = $2, call_at = $3, unit = $4,
                coordinator_user_id = $5, notes = $6, updated_at = now()
         where shoot_day_id = $1",
    )
    .bind(shoot_day_id)
    .bind(date)
    .bind(call_at)
    .bind(&unit)
    .bind(coordinator)
    .bind(&notes)
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => tx.commit().await?,
        Err(e) if is_violation(&e, "shoot_day_date_unit_key") => {
            errors.add("shoot_date", same_day_message(&unit, date));
            drop(tx);
            return day_response(&state, ctx, member, view, Some(form), String::new(), errors)
                .await;
        }
        Err(e) => return Err(e.into()),
    }
    Flash::success(&session, "The shoot day is saved.").await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}", member.base())).into_response())
}

pub(super) async fn delete_day(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, shoot_day_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let done = sqlx::query("delete from shoot_day where shoot_day_id = $1 and production_id = $2")
        .bind(shoot_day_id)
        .bind(member.production.production_id)
        .execute(&state.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Flash::success(
        &session,
        "The shoot day is deleted; its scenes are unscheduled.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/schedule", member.base())).into_response())
}

// ---------------------------------------------------------------- scenes on a day

#[derive(sqlx::FromRow)]
struct MinorFactRow {
    scene_id: i64,
    breakdown: Option<String>,
    cast_member_id: Option<i64>,
    cast_number: Option<i32>,
    name: Option<String>,
    date_of_birth: Option<Date>,
}

/// R5 facts for one scene (`scene_id`) or every scene on a day (`shoot_day_id`).
pub async fn minor_facts(
    conn: &mut PgConnection,
    production_id: i64,
    scene_id: Option<i64>,
    shoot_day_id: Option<i64>,
) -> Result<Vec<SceneMinorFacts>> {
    let rows: Vec<MinorFactRow> = sqlx::query_as(
        "select s.scene_id, v.breakdown::text as breakdown, cm.cast_member_id, cm.cast_number,
                cm.name, cm.date_of_birth
         from scene s
         left join scene_version v on v.scene_version_id = s.current_version_id
         left join scene_cast sc on sc.scene_id = s.scene_id
         left join cast_member cm on cm.cast_member_id = sc.cast_member_id
         where s.production_id = $1
           and (s.scene_id = $2
                or s.scene_id in (select scene_id from shoot_day_scene where shoot_day_id = $3))
         order by s.scene_id, cm.cast_number",
    )
    .bind(production_id)
    .bind(scene_id)
    .bind(shoot_day_id)
    .fetch_all(conn)
    .await?;
    let mut facts: Vec<(i64, SceneMinorFacts)> = Vec::new();
    for row in rows {
        if facts.last().is_none_or(|(id, _)| *id != row.scene_id) {
            facts.push((
                row.scene_id,
                SceneMinorFacts {
                    breakdown: board::breakdown_or_empty(row.breakdown.as_deref()),
                    cast: Vec::new(),
                },
            ));
        }
        if let (Some(cast_member_id), Some(cast_number), Some(name)) =
            (row.cast_member_id, row.cast_number, row.name)
        {
            let (_, scene) = facts.last_mut().expect("pushed above");
            scene.cast.push(CastAge {
                cast_member_id,
                cast_number,
                name,
                date_of_birth: row.date_of_birth,
            });
        }
    }
    Ok(facts.into_iter().map(|(_, f)| f).collect())
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct AddSceneForm {
    scene_id: String,
}

pub(super) async fn add_scene(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, shoot_day_id)): Path<(i64, i64)>,
    Form(form): Form<AddSceneForm>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
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
        return day_response(&state, ctx, member, view, None, form.scene_id, errors).await;
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
        return day_response(&state, ctx, member, view, None, form.scene_id, errors).await;
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
    .await;
    match inserted {
        Ok(_) => tx.commit().await?,
        Err(e) if is_violation(&e, "shoot_day_scene_pkey") => {
            errors.add(
                "scene_id",
                format!("Scene {number} is already on this day."),
            );
            drop(tx);
            return day_response(&state, ctx, member, view, None, form.scene_id, errors).await;
        }
        Err(e) => return Err(e.into()),
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
    Path((_, shoot_day_id, scene_id)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    rearrange(&state, &member, shoot_day_id, scene_id, Move::Up).await
}

pub(super) async fn move_down(
    State(state): State<AppState>,
    member: Member,
    Path((_, shoot_day_id, scene_id)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    rearrange(&state, &member, shoot_day_id, scene_id, Move::Down).await
}

pub(super) async fn remove_scene(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, shoot_day_id, scene_id)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    let response = rearrange(&state, &member, shoot_day_id, scene_id, Move::Remove).await?;
    Flash::success(&session, "The scene is off this day.").await?;
    Ok(response)
}
