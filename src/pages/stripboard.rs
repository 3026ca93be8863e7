//! The stripboard a week at a time (`?week=` the Monday), with the unscheduled pool, every
//! rehearsal, the form that adds a day, and the rehearsal, move and banner forms that other
//! handlers read and re-show here when they have errors.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::Date;
use tower_sessions::Session;

use super::board_week::{self, BoardRow, MoveTarget, Week};
use super::day_fields::{SceneOption, parse_day, same_day_message, scene_options};
use crate::access::Action;
use crate::error::{OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::rules::input_ranges::production_date;
use crate::schedule::performer_filter;
use crate::schedule::rehearsals::{self, RehearsalView};
use crate::schedule::week::{self as weeks, BannerKind};
use crate::vocab::Role;
use crate::web::ids::Params;
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

/// A strip move as typed, kept to re-show beside that strip when refused.
#[derive(Default)]
pub(super) struct MoveForm {
    pub scene_id: i64,
    pub from: i64,
    pub to: String,
}

/// The add-banner form of one day.
#[derive(Default)]
pub(super) struct BannerForm {
    pub shoot_day_id: i64,
    pub kind: String,
    pub after: String,
    pub label: String,
}

/// The query of the board: the Monday of the week shown.
#[derive(Deserialize, Default)]
pub(super) struct WeekQuery {
    week: Option<String>,
}

#[derive(Template)]
#[template(path = "schedule/board.html")]
pub(super) struct BoardPage {
    pub ctx: Ctx,
    pub member: Member,
    pub week: Arc<Week>,
    pub rehearsals: Vec<RehearsalView>,
    pub can_edit: bool,
    pub missing_coordinator: bool,
    pub day_form: NewDayForm,
    pub rehearsal_form: RehearsalForm,
    pub errors: FieldErrors,
    pub scenes: Vec<SceneOption>,
    pub cast: Vec<rehearsals::CastOption>,
    pub move_form: MoveForm,
    pub banner_form: BannerForm,
}

/// What the board shows of one week for one kind of viewer, as of a revision and minute.
struct BoardData {
    week: Arc<Week>,
    rehearsals: Vec<RehearsalView>,
    can_edit: bool,
    scenes: Vec<SceneOption>,
    cast: Vec<rehearsals::CastOption>,
    missing_coordinator: bool,
}

impl BoardData {
    async fn load(state: &AppState, member: &Member, monday: Option<Date>) -> Result<BoardData> {
        let production_id = member.production.production_id;
        let performer = performer_filter(member);
        let zone = member.production.zone.tz();
        let monday = match monday {
            Some(monday) => monday,
            None => {
                let today = member.production.zone.today();
                weeks::default_week(&state.pool, production_id, today, performer).await?
            }
        };
        let week = board_week::load(state, member, monday).await?;
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
        Ok(BoardData {
            week: Arc::new(week),
            rehearsals,
            can_edit,
            scenes,
            cast,
            missing_coordinator,
        })
    }
}

impl BoardPage {
    fn warning(&self) -> &'static str {
        crate::schedule::MISSING_COORDINATOR
    }

    /// The week of the stripboard starting `monday` (or the one `default_week` picks) as this
    /// member may see it, with empty forms.
    pub(super) async fn load(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        monday: Option<Date>,
    ) -> Result<BoardPage> {
        let production_id = member.production.production_id;
        // Kept by production revision (days, strips, banners, palette, rehearsals, pauses, cast,
        // members and consent all move it) and minute (the default week starts from today;
        // clearance counts down), by week, and by what the viewer's role shows: a performer's
        // board is theirs alone.
        let class = crate::schedule::viewer_class(&member);
        let params = format!(
            "{class}:{}",
            monday.map_or("default".into(), |d| d.to_string())
        );
        let minute = crate::web::cache::this_minute();
        let data: Arc<BoardData> = state
            .pages
            .get_or_compute_with(
                production_id,
                "stripboard",
                ctx.lang,
                &params,
                member.production.revision,
                minute,
                || BoardData::load(state, &member, monday),
            )
            .await?;
        let BoardData {
            week,
            rehearsals,
            can_edit,
            scenes,
            cast,
            missing_coordinator,
        } = &*data;
        let (week, rehearsals, can_edit, scenes, cast, missing_coordinator) = (
            week.clone(),
            rehearsals.clone(),
            *can_edit,
            scenes.clone(),
            cast.clone(),
            *missing_coordinator,
        );
        Ok(BoardPage {
            ctx,
            member,
            week,
            rehearsals,
            can_edit,
            missing_coordinator,
            day_form: NewDayForm::default(),
            rehearsal_form: RehearsalForm::default(),
            errors: FieldErrors::default(),
            scenes,
            cast,
            move_form: MoveForm::default(),
            banner_form: BannerForm::default(),
        })
    }

    /// A week in the jump list: `Mon 3 May 2027`.
    pub fn week_name(&self, monday: &Date) -> String {
        crate::clock::format_date(*monday)
    }

    /// The option a strip's move select shows chosen: what was typed when the move was
    /// refused, else where the strip is.
    pub fn target_selected(&self, target: &MoveTarget, scene_id: &i64, from: &i64) -> bool {
        let form = &self.move_form;
        if form.scene_id == *scene_id && form.from == *from {
            target.value.to_string() == form.to.trim()
        } else {
            target.is(from)
        }
    }

    /// Whether the banner form as typed belongs to this day.
    pub fn banner_on(&self, shoot_day_id: &i64) -> bool {
        self.banner_form.shoot_day_id == *shoot_day_id
    }

    pub fn banner_kinds(&self) -> [BannerKind; 3] {
        BannerKind::ALL
    }

    /// The refusal of the strip move typed on this strip, if any.
    pub fn move_error(&self, scene_id: &i64, from: &i64) -> Option<&str> {
        let form = &self.move_form;
        (form.scene_id == *scene_id && form.from == *from)
            .then(|| self.errors.get(&format!("to-{scene_id}-{from}")))
            .flatten()
    }

    /// The banner form's error for `field` when it was typed on this day.
    pub fn banner_error(&self, shoot_day_id: &i64, field: &str) -> Option<&str> {
        (self.banner_form.shoot_day_id == *shoot_day_id)
            .then(|| self.errors.get(&format!("{field}-{shoot_day_id}")))
            .flatten()
    }

    /// The add-day form as typed, with its messages.
    pub(super) fn with_day_form(self, day_form: NewDayForm, errors: FieldErrors) -> Self {
        BoardPage {
            day_form,
            errors,
            ..self
        }
    }

    /// A refused strip move, with its message beside that strip.
    pub(super) fn with_move_form(self, move_form: MoveForm, errors: FieldErrors) -> Self {
        BoardPage {
            move_form,
            errors,
            ..self
        }
    }

    /// A refused banner, with its messages beside that day's form.
    pub(super) fn with_banner_form(self, banner_form: BannerForm, errors: FieldErrors) -> Self {
        BoardPage {
            banner_form,
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

/// The board of the week asked for. A date that is not a Monday is sent to its week's Monday
/// (one canonical address per week); an unreadable or out-of-range one shows the default week.
pub(super) async fn board_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Params(query): Params<WeekQuery>,
) -> Result<Response> {
    let asked = query
        .week
        .as_deref()
        .and_then(crate::clock::parse_date)
        .and_then(|d| production_date(d).ok());
    if let Some(date) = asked.filter(|d| !weeks::is_monday(*d)) {
        let monday = weeks::monday_of(date);
        return Ok(
            Redirect::to(&format!("{}/schedule?week={monday}", member.base())).into_response(),
        );
    }
    BoardPage::load(&state, ctx, member, asked).await?.respond()
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
        return BoardPage::load(&state, ctx, member, None)
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
            return BoardPage::load(&state, ctx, member, Some(weeks::monday_of(date)))
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
