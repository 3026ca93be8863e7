//! The budget page: the topsheet with its chart and warnings (R12), the form that adds a
//! budget line, and the forecast settings form.

use std::borrow::Borrow;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::chart;
use super::line_form::LineForm;
use super::load::{Budget, cached_budget};
use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::rules::budget_forecast::{Category, Settings};
use crate::rules::input_ranges::rate;
use crate::vocab::money::{
    exponent, format_minor, format_plain, format_quantity, format_signed, parse_minor,
    parse_quantity,
};
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, Len, render_with_status};

/// The forecast settings as typed.
#[derive(Clone, Debug, Default)]
struct SettingsForm {
    ic_day_rate: String,
    prep_days: String,
    post_days: String,
    too_long: FieldErrors,
}

impl SettingsForm {
    fn read(body: &FormBody) -> SettingsForm {
        let mut r = body.reader();
        SettingsForm {
            ic_day_rate: r.text("ic_day_rate", Len::Code),
            prep_days: r.text("prep_days", Len::Code),
            post_days: r.text("post_days", Len::Code),
            too_long: r.finish(),
        }
    }

    fn from_settings(s: &Settings, currency: &str) -> SettingsForm {
        SettingsForm {
            ic_day_rate: s
                .ic_day_rate
                .map(|r| format_plain(r, currency))
                .unwrap_or_default(),
            prep_days: format_quantity(i64::from(s.prep_hundredths_per_scene)),
            post_days: format_quantity(i64::from(s.post_hundredths_per_scene)),
            too_long: FieldErrors::default(),
        }
    }

    fn parse(&self, currency: &str) -> Result<Settings, FieldErrors> {
        let mut errors = self.too_long.clone();
        let ic_day_rate = match self.ic_day_rate.trim() {
            "" => None,
            text => parse_minor(text, currency)
                .and_then(|minor| rate(minor, exponent(currency), currency))
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

#[derive(Template)]
#[template(path = "budget/index.html")]
struct BudgetPage {
    ctx: Ctx,
    member: Member,
    budget: Arc<Budget>,
    /// The SVG chart, drawn from numbers only.
    chart: String,
    form: LineForm,
    errors: FieldErrors,
    settings_form: SettingsForm,
    settings_errors: FieldErrors,
}

impl BudgetPage {
    /// The page as first shown: the budget loaded, the empty line form and the saved settings.
    async fn load(state: &AppState, ctx: Ctx, member: Member) -> Result<BudgetPage> {
        let budget = cached_budget(state, &member.production).await?;
        let currency = &member.production.currency;
        let chart = chart::svg(&budget.topsheet, currency, "topsheet");
        Ok(BudgetPage {
            ctx,
            form: LineForm::new(&member.production),
            errors: FieldErrors::default(),
            settings_form: SettingsForm::from_settings(&budget.settings, currency),
            settings_errors: FieldErrors::default(),
            member,
            budget,
            chart,
        })
    }

    /// The line form as typed, with what to fix.
    fn with_line_form(self, form: LineForm, errors: FieldErrors) -> BudgetPage {
        BudgetPage {
            form,
            errors,
            ..self
        }
    }

    /// The settings form as typed, with what to fix.
    fn with_settings_form(
        self,
        settings_form: SettingsForm,
        settings_errors: FieldErrors,
    ) -> BudgetPage {
        BudgetPage {
            settings_form,
            settings_errors,
            ..self
        }
    }

    /// 200, or 422 when either form has something to fix.
    fn respond(self) -> Result<Response> {
        let status = if self.errors.is_empty() && self.settings_errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        render_with_status(status, &self)
    }

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

pub(super) async fn budget_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    BudgetPage::load(&state, ctx, member).await?.respond()
}

pub(super) async fn create_line(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let form = LineForm::read(&body);
    let input = match form.parse(&member.production.currency) {
        Ok(input) => input,
        Err(errors) => {
            return BudgetPage::load(&state, ctx, member)
                .await?
                .with_line_form(form, errors)
                .respond();
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

pub(super) async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let form = SettingsForm::read(&body);
    let settings = match form.parse(&member.production.currency) {
        Ok(settings) => settings,
        Err(errors) => {
            return BudgetPage::load(&state, ctx, member)
                .await?
                .with_settings_form(form, errors)
                .respond();
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
