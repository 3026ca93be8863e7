//! One shoot day: its page, editing and deleting it, and R5 (minors) on the scheduling path
//! when it is re-dated; `minor_facts` gathers what R5 checks, here and when placing a scene.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgConnection;
use time::Date;
use tower_sessions::Session;

use super::day_fields::{SceneOption, parse_day, same_day_message, scene_options};
use crate::access::Action;
use crate::error::{AppError, OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::rules::minors::{self, CastAge};
use crate::schedule::board::{self, DayView, SceneMinorFacts};
use crate::schedule::{load_days, load_placed, performer_filter};
use crate::web::ids::Ids;
use crate::web::{AppState, FormBody, Len, render_form};
use crate::web::{Ctx, FieldErrors, Flash};

/// A person offered in a select list.
#[derive(Clone, sqlx::FromRow)]
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

/// The day's edit form.
pub(super) struct DayForm {
    pub shoot_date: String,
    pub call_time: String,
    pub unit: String,
    pub coordinator_user_id: String,
    pub notes: String,
    pub too_long: FieldErrors,
}

impl DayForm {
    fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        DayForm {
            shoot_date: r.text("shoot_date", Len::Code),
            call_time: r.text("call_time", Len::Code),
            unit: r.text("unit", Len::Code),
            coordinator_user_id: r.text("coordinator_user_id", Len::Code),
            notes: r.text("notes", Len::Paragraph),
            too_long: r.finish(),
        }
    }

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
            too_long: FieldErrors::default(),
        }
    }
}

#[derive(Template)]
#[template(path = "schedule/day.html")]
pub(super) struct DayPage {
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
    /// The coordinator may undo a shot mark made in error.
    can_undo_shot: bool,
}

/// What a day's page shows from the database, for one kind of viewer.
#[derive(Clone)]
pub(super) struct DayData {
    view: DayView,
    coordinators: Vec<Person>,
    scenes: Vec<SceneOption>,
    shot: Vec<i64>,
}

impl DayData {
    async fn load(state: &AppState, member: &Member, view: DayView) -> Result<DayData> {
        let production_id = member.production.production_id;
        let (coordinators, scenes) = if member.can(Action::EditSchedule) {
            (
                coordinators(state, production_id).await?,
                scene_options(state, production_id, Some(view.day.shoot_day_id)).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let shot: Vec<i64> = sqlx::query_scalar(
            "select scene_id from shoot_day_scene where shoot_day_id = $1 and shot_at is not null",
        )
        .bind(view.day.shoot_day_id)
        .fetch_all(&state.pool)
        .await?;
        Ok(DayData {
            view,
            coordinators,
            scenes,
            shot,
        })
    }
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

    /// The day's page as this member may see it, its form filled from the day as stored.
    pub(super) async fn load(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        view: DayView,
    ) -> Result<DayPage> {
        let data = DayData::load(state, &member, view).await?;
        Ok(DayPage::of(ctx, member, data))
    }

    fn of(ctx: Ctx, member: Member, data: DayData) -> DayPage {
        let form = DayForm::of(&data.view, member.production.zone.tz());
        DayPage {
            ctx,
            can_edit: member.can(Action::EditSchedule),
            can_mark_shot: member.can(Action::MarkShot),
            can_undo_shot: member.can(Action::UndoShot),
            member,
            view: data.view,
            form,
            errors: FieldErrors::default(),
            coordinators: data.coordinators,
            scenes: data.scenes,
            chosen_scene: String::new(),
            shot: data.shot,
        }
    }

    /// The edit form as typed, with its messages.
    fn with_form(self, form: DayForm, errors: FieldErrors) -> Self {
        DayPage {
            form,
            errors,
            ..self
        }
    }

    /// The add-scene choice as sent, with its messages.
    pub(super) fn with_scene_choice(self, chosen_scene: String, errors: FieldErrors) -> Self {
        DayPage {
            chosen_scene,
            errors,
            ..self
        }
    }

    /// The page; 422 when it shows form errors.
    pub(super) fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

/// The day with its strips as this member may see it, or 404: a performer sees only a day
/// they are called, and only their scenes on it.
pub(super) async fn day_view(
    state: &AppState,
    member: &Member,
    shoot_day_id: i64,
) -> Result<DayView> {
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

pub(super) async fn day_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    // Kept by production revision (days, strips, pauses, members, scenes move it) and minute,
    // per day and per kind of viewer: a performer's day is theirs alone.
    let class = crate::schedule::viewer_class(&member);
    let minute = crate::web::cache::this_minute();
    let data: std::sync::Arc<DayData> = state
        .pages
        .get_or_compute_with(
            member.production.production_id,
            "shoot day",
            ctx.lang,
            &format!("{class}:{shoot_day_id}"),
            member.production.revision,
            minute,
            || async {
                let mut view = day_view(&state, &member, shoot_day_id).await?;
                if performer_filter(&member).is_none() {
                    // Each scene's clearance on this day, as the stripboard shows it (issue #16):
                    // one statement for the day, whatever its size. Performers read their own
                    // on their pages.
                    let date = view.day.shoot_date;
                    let statuses = crate::consent::status::production_status(
                        &state.pool,
                        &member.production,
                        crate::consent::status::Only::Dates(date, date),
                    )
                    .await?;
                    let lines = crate::consent::status::lines_for(&statuses, None);
                    board::attach_consent(std::slice::from_mut(&mut view), &lines);
                }
                crate::onset::pauses::mark_paused(
                    &state.pool,
                    &member,
                    std::slice::from_mut(&mut view),
                )
                .await?;
                DayData::load(&state, &member, view).await
            },
        )
        .await?;
    DayPage::of(ctx, member, (*data).clone()).respond()
}

pub(super) async fn update_day(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let form = DayForm::read(&body);
    let production_id = member.production.production_id;
    let view = day_view(&state, &member, shoot_day_id).await?;
    let mut errors = form.too_long.clone();
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
        return DayPage::load(&state, ctx, member, view)
            .await?
            .with_form(form, errors)
            .respond();
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
        return DayPage::load(&state, ctx, member, view)
            .await?
            .with_form(form, errors)
            .respond();
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
    .await
    .on_constraint("shoot_day_date_unit_key")?;
    match updated {
        Ok(_) => tx.commit().await?,
        Err(Violated) => {
            errors.add("shoot_date", same_day_message(&unit, date));
            drop(tx);
            return DayPage::load(&state, ctx, member, view)
                .await?
                .with_form(form, errors)
                .respond();
        }
    }
    Flash::success(&session, "The shoot day is saved.").await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}", member.base())).into_response())
}

pub(super) async fn delete_day(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
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

// ---------------------------------------------------------------- R5 facts

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
