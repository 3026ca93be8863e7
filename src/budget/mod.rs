//! The IC budget of a production, for producers only: budget lines, forecast settings, the
//! topsheet with its chart and warnings (R12), and the CSV export for accounts.

pub mod chart;
pub mod csv;

use std::borrow::Borrow;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sqlx::PgPool;
use time::Date;
use tower_sessions::Session;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::{Member, Production};
pub use crate::rules::budget_forecast::{
    BudgetLine, Category, Forecast, RehearsalPlacement, ScheduleFacts, Settings, ShootPlacement,
    Topsheet, Warning, forecast, topsheet,
};
use crate::vocab::money::{
    format_minor, format_plain, format_quantity, format_signed, parse_minor, parse_quantity,
};
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/{production_id}/budget", get(budget_page))
        .route("/productions/{production_id}/budget.csv", get(export_csv))
        .route(
            "/productions/{production_id}/budget/lines",
            post(create_line),
        )
        .route(
            "/productions/{production_id}/budget/lines/{budget_line_id}",
            get(edit_page).post(update_line),
        )
        .route(
            "/productions/{production_id}/budget/lines/{budget_line_id}/delete",
            post(delete_line),
        )
        .route(
            "/productions/{production_id}/budget/settings",
            post(save_settings),
        )
}

// ---------------------------------------------------------------- loading

/// Everything the budget page, the export and a producer dashboard need, in two queries.
#[derive(Clone, Debug)]
pub struct Budget {
    pub lines: Vec<BudgetLine>,
    pub settings: Settings,
    pub schedule: ScheduleFacts,
    pub forecast: Forecast,
    pub topsheet: Topsheet,
}

/// The settings, repeated on each line row (one row with no line when there are none).
#[derive(sqlx::FromRow)]
struct SettingsAndLineRow {
    #[sqlx(flatten)]
    settings: Settings,
    flagged_scenes: i64,
    budget_line_id: Option<i64>,
    account_code: Option<String>,
    category: Option<Category>,
    description: Option<String>,
    quantity_hundredths: Option<i64>,
    unit_rate: Option<i64>,
    planned: Option<i64>,
    actual: Option<i64>,
}

impl SettingsAndLineRow {
    fn line(&self) -> Option<BudgetLine> {
        Some(BudgetLine {
            budget_line_id: self.budget_line_id?,
            account_code: self.account_code.clone()?,
            category: self.category?,
            description: self.description.clone()?,
            quantity_hundredths: self.quantity_hundredths?,
            unit_rate: self.unit_rate?,
            planned: self.planned?,
            actual: self.actual?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    kind: String,
    id: i64,
    date: Date,
    unit: String,
    flagged: bool,
}

const LINE_COLUMNS: &str = "budget_line_id, account_code, category, description, \
                            quantity_hundredths, unit_rate, planned, actual";

/// A production's lines (in category order), settings and schedule facts, with the forecast and
/// topsheet worked out from them.
pub async fn load_budget(pool: &PgPool, production: &Production) -> Result<Budget> {
    let production_id = production.production_id;
    let defaults = Settings::default();
    // Settings and lines in one round trip: the settings ride along on every line row.
    // A scene is flagged when its current version is flagged and it is not omitted.
    let rows: Vec<SettingsAndLineRow> = sqlx::query_as(
        "select coalesce(bs.prep_hundredths_per_scene, $2) as prep_hundredths_per_scene,
                coalesce(bs.post_hundredths_per_scene, $3) as post_hundredths_per_scene,
                bs.ic_day_rate, f.flagged_scenes,
                l.budget_line_id, l.account_code, l.category, l.description,
                l.quantity_hundredths, l.unit_rate, l.planned, l.actual
         from production p
         left join budget_setting bs using (production_id)
         cross join lateral (select count(*) as flagged_scenes from scene s
                             join scene_version v on v.scene_version_id = s.current_version_id
                             where s.production_id = p.production_id and not s.omitted
                               and v.flagged) f
         left join budget_line l on l.production_id = p.production_id
         where p.production_id = $1
         order by l.budget_line_id",
    )
    .bind(production_id)
    .bind(defaults.prep_hundredths_per_scene)
    .bind(defaults.post_hundredths_per_scene)
    .fetch_all(pool)
    .await?;
    let row = rows
        .first()
        .ok_or_else(|| anyhow::anyhow!("production {production_id} has no row"))?;
    let settings = row.settings;
    let flagged_scenes = row.flagged_scenes;
    let mut lines: Vec<BudgetLine> = rows.iter().filter_map(SettingsAndLineRow::line).collect();
    lines.sort_by_key(|l| l.category);
    // Rehearsal dates are the local dates in the production's zone, as the schedule shows them.
    let rows: Vec<ScheduleRow> = sqlx::query_as(
        "select 'shoot' as kind, d.shoot_day_id as id, d.shoot_date as date, d.unit,
                coalesce(v.flagged, false) and not s.omitted as flagged
         from shoot_day_scene ds
         join shoot_day d on d.shoot_day_id = ds.shoot_day_id
         join scene s on s.scene_id = ds.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         where ds.production_id = $1
         union all
         select 'rehearsal', r.rehearsal_id, (r.starts_at at time zone $2)::date, '',
                coalesce(v.flagged, false) and not s.omitted
         from rehearsal r
         join scene s on s.scene_id = r.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         where r.production_id = $1",
    )
    .bind(production_id)
    .bind(production.zone.name())
    .fetch_all(pool)
    .await?;
    let mut schedule = ScheduleFacts {
        flagged_scenes,
        ..ScheduleFacts::default()
    };
    for r in rows {
        if r.kind == "shoot" {
            schedule.shoot.push(ShootPlacement {
                shoot_day_id: r.id,
                date: r.date,
                unit: r.unit,
                flagged: r.flagged,
            });
        } else {
            schedule.rehearsals.push(RehearsalPlacement {
                date: r.date,
                flagged: r.flagged,
            });
        }
    }
    let forecast = forecast(&schedule, &settings, &lines);
    let topsheet = topsheet(&lines, &forecast);
    Ok(Budget {
        lines,
        settings,
        schedule,
        forecast,
        topsheet,
    })
}

// ---------------------------------------------------------------- forms

/// A budget line as typed, kept to show again beside any error.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct LineForm {
    account_code: String,
    category: String,
    description: String,
    quantity: String,
    unit_rate: String,
    planned: String,
    actual: String,
}

struct LineInput {
    account_code: String,
    category: Category,
    description: String,
    quantity_hundredths: i64,
    unit_rate: i64,
    planned: i64,
    actual: i64,
}

impl LineForm {
    fn new(production: &Production) -> LineForm {
        LineForm {
            account_code: production.ic_account_code.clone(),
            category: Category::Prep.as_str().into(),
            ..LineForm::default()
        }
    }

    fn from_line(line: &BudgetLine, currency: &str) -> LineForm {
        LineForm {
            account_code: line.account_code.clone(),
            category: line.category.as_str().into(),
            description: line.description.clone(),
            quantity: format_quantity(line.quantity_hundredths),
            unit_rate: format_plain(line.unit_rate, currency),
            planned: format_plain(line.planned, currency),
            actual: format_plain(line.actual, currency),
        }
    }

    fn parse(&self, currency: &str) -> Result<LineInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let account_code = self.account_code.trim().to_string();
        if account_code.is_empty() {
            errors.add("account_code", "Write the account code, for example 2950.");
        } else if account_code.chars().count() > 40 {
            errors.add("account_code", "The account code is at most 40 characters.");
        }
        let category = Category::parse(&self.category);
        if category.is_none() {
            errors.add("category", "Choose a category.");
        }
        let description = self.description.trim().to_string();
        if description.is_empty() {
            errors.add(
                "description",
                "Describe the line, for example \"IC shoot days\".",
            );
        } else if description.chars().count() > 300 {
            errors.add("description", "The description is at most 300 characters.");
        }
        let quantity = parse_quantity(&self.quantity)
            .map_err(|m| errors.add("quantity", m))
            .ok();
        let unit_rate = parse_minor(&self.unit_rate, currency)
            .map_err(|m| errors.add("unit_rate", m))
            .ok();
        // Blank planned means quantity × rate; blank actual means nothing spent yet.
        let planned = match self.planned.trim() {
            "" => None,
            text => parse_minor(text, currency)
                .map(Some)
                .map_err(|m| errors.add("planned", m))
                .unwrap_or(None),
        };
        let actual = match self.actual.trim() {
            "" => Some(0),
            text => parse_minor(text, currency)
                .map_err(|m| errors.add("actual", m))
                .ok(),
        };
        match (category, quantity, unit_rate, actual, errors.is_empty()) {
            (Some(category), Some(quantity_hundredths), Some(unit_rate), Some(actual), true) => {
                let planned = planned
                    .unwrap_or_else(|| crate::vocab::money::times(quantity_hundredths, unit_rate));
                Ok(LineInput {
                    account_code,
                    category,
                    description,
                    quantity_hundredths,
                    unit_rate,
                    planned,
                    actual,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The forecast settings as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct SettingsForm {
    ic_day_rate: String,
    prep_days: String,
    post_days: String,
}

impl SettingsForm {
    fn from_settings(s: &Settings, currency: &str) -> SettingsForm {
        SettingsForm {
            ic_day_rate: s
                .ic_day_rate
                .map(|r| format_plain(r, currency))
                .unwrap_or_default(),
            prep_days: format_quantity(i64::from(s.prep_hundredths_per_scene)),
            post_days: format_quantity(i64::from(s.post_hundredths_per_scene)),
        }
    }

    fn parse(&self, currency: &str) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let ic_day_rate = match self.ic_day_rate.trim() {
            "" => None,
            text => parse_minor(text, currency)
                .map_err(|m| errors.add("ic_day_rate", m))
                .ok(),
        };
        let mut days = |field: &'static str, text: &str| match parse_quantity(text) {
            Ok(h) if h <= 10_000 => i32::try_from(h).ok(),
            Ok(_) => {
                errors.add(field, "Write at most 100 days per scene.");
                None
            }
            Err(m) => {
                errors.add(field, m);
                None
            }
        };
        let prep = days("prep_days", &self.prep_days);
        let post = days("post_days", &self.post_days);
        match (prep, post, errors.is_empty()) {
            (Some(prep), Some(post), true) => Ok(Settings {
                prep_hundredths_per_scene: prep,
                post_hundredths_per_scene: post,
                ic_day_rate,
            }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------- the budget page

#[derive(Template)]
#[template(path = "budget/index.html")]
struct BudgetPage {
    ctx: Ctx,
    member: Member,
    budget: Budget,
    /// The SVG chart, drawn from numbers only.
    chart: String,
    form: LineForm,
    errors: FieldErrors,
    settings_form: SettingsForm,
    settings_errors: FieldErrors,
}

impl BudgetPage {
    // Borrow: askama passes fields by reference and method results by value.
    fn money(&self, minor: impl Borrow<i64>) -> String {
        format_minor(*minor.borrow(), &self.member.production.currency)
    }
    fn signed(&self, minor: impl Borrow<i64>) -> String {
        format_signed(*minor.borrow(), &self.member.production.currency)
    }
    fn days(&self, hundredths: impl Borrow<i64>) -> String {
        format_quantity(*hundredths.borrow())
    }
    fn categories(&self) -> &'static [Category] {
        &Category::ALL
    }
    fn forecast_days(&self, category: &Option<Category>) -> String {
        match category {
            Some(c) => self
                .budget
                .forecast
                .category(*c)
                .days
                .map(format_quantity)
                .unwrap_or_default(),
            None => format_quantity(self.budget.forecast.ic_days()),
        }
    }
    /// What the forecast counted, in words.
    fn schedule_summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let f = &self.budget.forecast;
        format!(
            "{}, {} and {} with flagged scenes: {} IC {} in all.",
            plural(
                usize::try_from(self.budget.schedule.flagged_scenes).unwrap_or(0),
                "flagged scene",
                "flagged scenes"
            ),
            plural(f.rehearsal_dates.len(), "rehearsal date", "rehearsal dates"),
            plural(f.flagged_shoot_days.len(), "shoot day", "shoot days"),
            format_quantity(f.ic_days()),
            if f.ic_days() == 100 { "day" } else { "days" }
        )
    }
    /// How the forecast priced IC days, in words.
    fn rate_note(&self) -> String {
        match self.budget.settings.ic_day_rate {
            Some(rate) => format!("IC days are priced at {} a day.", self.money(rate)),
            None => "No IC day rate is set: each category's IC days are priced at the average \
                     unit rate of its lines."
                .to_string(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn budget_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    form: Option<LineForm>,
    errors: FieldErrors,
    settings_form: Option<SettingsForm>,
    settings_errors: FieldErrors,
) -> Result<Response> {
    let budget = load_budget(&state.pool, &member.production).await?;
    let currency = member.production.currency.clone();
    let status = if errors.is_empty() && settings_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let chart = chart::svg(&budget.topsheet, &currency, "topsheet");
    render_with_status(
        status,
        &BudgetPage {
            ctx,
            form: form.unwrap_or_else(|| LineForm::new(&member.production)),
            settings_form: settings_form
                .unwrap_or_else(|| SettingsForm::from_settings(&budget.settings, &currency)),
            member,
            budget,
            chart,
            errors,
            settings_errors,
        },
    )
}

async fn budget_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    budget_response(
        &state,
        ctx,
        member,
        None,
        FieldErrors::default(),
        None,
        FieldErrors::default(),
    )
    .await
}

async fn create_line(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Form(form): Form<LineForm>,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let input = match form.parse(&member.production.currency) {
        Ok(input) => input,
        Err(errors) => {
            return budget_response(
                &state,
                ctx,
                member,
                Some(form),
                errors,
                None,
                FieldErrors::default(),
            )
            .await;
        }
    };
    sqlx::query(
        "insert into budget_line (production_id, account_code, category, description,
                                  quantity_hundredths, unit_rate, planned, actual)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(member.production.production_id)
    .bind(&input.account_code)
    .bind(input.category)
    .bind(&input.description)
    .bind(input.quantity_hundredths)
    .bind(input.unit_rate)
    .bind(input.planned)
    .bind(input.actual)
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        format!(
            "Added \"{}\": {} planned.",
            input.description,
            format_minor(input.planned, &member.production.currency)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/budget", member.base())).into_response())
}

async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let settings = match form.parse(&member.production.currency) {
        Ok(settings) => settings,
        Err(errors) => {
            return budget_response(
                &state,
                ctx,
                member,
                None,
                FieldErrors::default(),
                Some(form),
                errors,
            )
            .await;
        }
    };
    sqlx::query(
        "insert into budget_setting (production_id, prep_hundredths_per_scene,
                                     post_hundredths_per_scene, ic_day_rate)
         values ($1, $2, $3, $4)
         on conflict (production_id) do update
         set prep_hundredths_per_scene = excluded.prep_hundredths_per_scene,
             post_hundredths_per_scene = excluded.post_hundredths_per_scene,
             ic_day_rate = excluded.ic_day_rate, updated_at = now()",
    )
    .bind(member.production.production_id)
    .bind(settings.prep_hundredths_per_scene)
    .bind(settings.post_hundredths_per_scene)
    .bind(settings.ic_day_rate)
    .execute(&state.pool)
    .await?;
    Flash::success(&session, "Forecast settings saved.").await?;
    Ok(Redirect::to(&format!("{}/budget#forecast-settings", member.base())).into_response())
}

// ---------------------------------------------------------------- one line

#[derive(Template)]
#[template(path = "budget/edit.html")]
struct EditPage {
    ctx: Ctx,
    member: Member,
    line: BudgetLine,
    form: LineForm,
    errors: FieldErrors,
}

impl EditPage {
    fn categories(&self) -> &'static [Category] {
        &Category::ALL
    }
}

async fn one_line(pool: &PgPool, member: &Member, budget_line_id: i64) -> Result<BudgetLine> {
    sqlx::query_as(&format!(
        "select {LINE_COLUMNS} from budget_line where budget_line_id = $1 and production_id = $2"
    ))
    .bind(budget_line_id)
    .bind(member.production.production_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, budget_line_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let line = one_line(&state.pool, &member, budget_line_id).await?;
    let form = LineForm::from_line(&line, &member.production.currency);
    render_with_status(
        StatusCode::OK,
        &EditPage {
            ctx,
            member,
            line,
            form,
            errors: FieldErrors::default(),
        },
    )
}

async fn update_line(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, budget_line_id)): Path<(i64, i64)>,
    Form(form): Form<LineForm>,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let line = one_line(&state.pool, &member, budget_line_id).await?;
    let input = match form.parse(&member.production.currency) {
        Ok(input) => input,
        Err(errors) => {
            return render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage {
                    ctx,
                    member,
                    line,
                    form,
                    errors,
                },
            );
        }
    };
    let updated = sqlx::query(
        "update budget_line set account_code = $3, category = $4, description = $5,
                quantity_hundredths = $6, unit_rate = $7, planned = $8, actual = $9,
                updated_at = now()
         where budget_line_id = $1 and production_id = $2",
    )
    .bind(budget_line_id)
    .bind(member.production.production_id)
    .bind(&input.account_code)
    .bind(input.category)
    .bind(&input.description)
    .bind(input.quantity_hundredths)
    .bind(input.unit_rate)
    .bind(input.planned)
    .bind(input.actual)
    .execute(&state.pool)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Flash::success(&session, format!("Saved \"{}\".", input.description)).await?;
    Ok(Redirect::to(&format!("{}/budget", member.base())).into_response())
}

async fn delete_line(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, budget_line_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let description: String = sqlx::query_scalar(
        "delete from budget_line where budget_line_id = $1 and production_id = $2
         returning description",
    )
    .bind(budget_line_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Flash::success(&session, format!("Deleted \"{description}\".")).await?;
    Ok(Redirect::to(&format!("{}/budget", member.base())).into_response())
}

// ---------------------------------------------------------------- export

async fn export_csv(State(state): State<AppState>, member: Member) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let production = &member.production;
    let budget = load_budget(&state.pool, production).await?;
    let body = csv::budget_csv(
        &budget.lines,
        &budget.forecast,
        &production.currency,
        &production.ic_account_code,
    );
    // The file name is ASCII letters, digits and hyphens only, so it needs no quoting rules.
    let disposition = format!(
        "attachment; filename=\"{}\"",
        csv::file_name(&production.title)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
