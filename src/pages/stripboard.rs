//! The stripboard: every shoot day with its strips and every rehearsal, the form that adds a
//! day, and the rehearsal form that `rehearsals` reads and re-shows here when it has errors.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::day_fields::{SceneOption, parse_day, same_day_message, scene_options};
use crate::access::Action;
use crate::error::{OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::schedule::board::{self, DayView};
use crate::schedule::rehearsals::{self, RehearsalView};
use crate::schedule::{load_days, load_placed, performer_filter};
use crate::vocab::Role;
use crate::web::{AppState, FormBody, Len, render_form};
use crate::web::{Ctx, FieldErrors, Flash};

/// The add-day form on the stripboard.
#[derive(Default)]
pub(super) struct NewDayForm {
    pub shoot_date: String,
    pub call_time: String,
    pub unit: String,
    pub too_long: FieldErrors,
}

impl NewDayForm {
    fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        NewDayForm {
            shoot_date: r.text("shoot_date", Len::Code),
            call_time: r.text("call_time", Len::Code),
            unit: r.text("unit", Len::Code),
            too_long: r.finish(),
        }
    }
}

/// The rehearsal form on the schedule page; performers are repeated `rehearsal_cast` keys.
#[derive(Default)]
pub(super) struct RehearsalForm {
    pub scene_id: String,
    pub cast: Vec<String>,
    pub date: String,
    pub start: String,
    pub end: String,
    pub location: String,
    pub too_long: FieldErrors,
}

impl RehearsalForm {
    pub(super) fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        RehearsalForm {
            scene_id: r.text("rehearsal_scene", Len::Code),
            cast: r.all("rehearsal_cast", Len::Code),
            date: r.text("rehearsal_date", Len::Code),
            start: r.text("rehearsal_start", Len::Code),
            end: r.text("rehearsal_end", Len::Code),
            location: r.text("rehearsal_location", Len::Line),
            too_long: r.finish(),
        }
    }

    pub fn has(&self, cast_member_id: &i64) -> bool {
        let id = cast_member_id.to_string();
        self.cast.contains(&id)
    }

    pub fn scene_chosen(&self, scene_id: &i64) -> bool {
        self.scene_id == scene_id.to_string()
    }
}

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

    /// The stripboard as this member may see it, with empty forms.
    pub(super) async fn load(state: &AppState, ctx: Ctx, member: Member) -> Result<BoardPage> {
        let production_id = member.production.production_id;
        let performer = performer_filter(&member);
        let zone = member.production.zone.tz();
        let days = load_days(&state.pool, production_id, None).await?;
        let placed = load_placed(&state.pool, production_id, None, performer).await?;
        let mut days = board::assemble(days, placed, zone, performer.is_some());
        if performer.is_none() {
            // Performers see only their own consent, on their scene pages; the board shows
            // everyone's.
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
        Ok(BoardPage {
            ctx,
            zone_name: member.production.zone.name().to_string(),
            member,
            days,
            rehearsals,
            can_edit,
            missing_coordinator,
            day_form: NewDayForm::default(),
            rehearsal_form: RehearsalForm::default(),
            errors: FieldErrors::default(),
            scenes,
            cast,
        })
    }

    /// The add-day form as typed, with its messages.
    pub(super) fn with_day_form(self, day_form: NewDayForm, errors: FieldErrors) -> Self {
        BoardPage {
            day_form,
            errors,
            ..self
        }
    }

    /// The rehearsal form as typed, with its messages.
    pub(super) fn with_rehearsal_form(
        self,
        rehearsal_form: RehearsalForm,
        errors: FieldErrors,
    ) -> Self {
        BoardPage {
            rehearsal_form,
            errors,
            ..self
        }
    }

    /// The page; 422 when it shows form errors.
    pub(super) fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

pub(super) async fn board_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    BoardPage::load(&state, ctx, member).await?.respond()
}

pub(super) async fn create_day(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let form = NewDayForm::read(&body);
    let mut errors = form.too_long.clone();
    let Some((date, call_at, unit)) = parse_day(
        &form.shoot_date,
        &form.call_time,
        &form.unit,
        &member,
        &mut errors,
    ) else {
        return BoardPage::load(&state, ctx, member)
            .await?
            .with_day_form(form, errors)
            .respond();
    };
    let inserted = sqlx::query_scalar::<_, i64>(
        "insert into shoot_day (production_id, shoot_date, call_at, unit)
         values ($1, $2, $3, $4) returning shoot_day_id",
    )
    .bind(member.production.production_id)
    .bind(date)
    .bind(call_at)
    .bind(&unit)
    .fetch_one(&state.pool)
    .await
    .on_constraint("shoot_day_date_unit_key")?;
    let shoot_day_id = match inserted {
        Ok(id) => id,
        Err(Violated) => {
            errors.add("shoot_date", same_day_message(&unit, date));
            return BoardPage::load(&state, ctx, member)
                .await?
                .with_day_form(form, errors)
                .respond();
        }
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
