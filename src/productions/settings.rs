//! Creating a production and changing its settings: both pages are the one production form
//! (`fields::ProductionForm`) with its messages; `may_create` says who may start a production.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::fields::{Agreement, CURRENCIES, Kind, Phase, ProductionForm};
use super::member::Member;
use crate::access::Action;
use crate::auth::{CurrentUser, User};
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, render_form};

#[derive(Template)]
#[template(path = "productions/form.html")]
struct ProductionFormPage {
    ctx: Ctx,
    form: ProductionForm,
    errors: FieldErrors,
    /// `None` when creating.
    production_id: Option<i64>,
    zones: Vec<&'static str>,
}

impl ProductionFormPage {
    /// The form for a new production (`production_id` `None`) or an existing one, holding `form`.
    fn new(ctx: Ctx, production_id: Option<i64>, form: ProductionForm) -> ProductionFormPage {
        ProductionFormPage {
            ctx,
            form,
            errors: FieldErrors::default(),
            production_id,
            zones: crate::clock::zone_names(),
        }
    }

    /// What to fix, beside the fields.
    fn with_errors(self, errors: FieldErrors) -> ProductionFormPage {
        ProductionFormPage { errors, ..self }
    }

    /// 200, or 422 when the form has something to fix.
    fn respond(self) -> Result<Response> {
        render_form(&self, !self.errors.is_empty())
    }

    fn kinds(&self) -> &'static [Kind] {
        &Kind::ALL
    }
    fn phases(&self) -> &'static [Phase] {
        &Phase::ALL
    }
    fn agreements(&self) -> &'static [Agreement] {
        &Agreement::ALL
    }
    fn currencies(&self) -> &'static [&'static str] {
        CURRENCIES
    }
    fn has_zone(&self) -> bool {
        self.zones.contains(&self.form.time_zone.as_str())
    }
    fn has_currency(&self) -> bool {
        CURRENCIES.contains(&self.form.currency.as_str())
    }
    /// Every shipped language: its code, and its name in itself.
    fn languages(&self) -> Vec<(&'static str, String)> {
        Lang::all().map(|l| (l.code(), l.name())).collect()
    }
    fn has_language(&self) -> bool {
        self.form.default_language.is_empty()
            || Lang::all().any(|l| l.code() == self.form.default_language)
    }
}

async fn may_create(state: &AppState, user: &User) -> Result<bool> {
    if user.is_admin {
        return Ok(true);
    }
    Ok(sqlx::query_scalar(
        "select exists (select 1 from member where user_id = $1 and role = 'producer')",
    )
    .bind(user.user_id)
    .fetch_one(&state.pool)
    .await?)
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    if !may_create(&state, &user).await? {
        return Err(AppError::NotFound);
    }
    ProductionFormPage::new(ctx, None, ProductionForm::default()).respond()
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    if !may_create(&state, &user).await? {
        return Err(AppError::NotFound);
    }
    let form = ProductionForm::read(&body);
    let input = match form.parse(ctx.lang) {
        Ok(input) => input,
        Err(errors) => {
            return ProductionFormPage::new(ctx, None, form)
                .with_errors(errors)
                .respond();
        }
    };
    let mut tx = state.pool.begin().await?;
    let production_id: i64 = sqlx::query_scalar(
        "insert into production (title, kind, phase, time_zone, currency, agreement,
                                 notice_hours, ic_account_code, created_by, default_language)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning production_id",
    )
    .bind(&input.title)
    .bind(input.kind.as_str())
    .bind(input.phase.as_str())
    .bind(&input.time_zone)
    .bind(&input.currency)
    .bind(input.agreement.as_str())
    .bind(input.notice_hours)
    .bind(&input.ic_account_code)
    .bind(user.user_id)
    .bind(input.default_language.map(|l| l.code()))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("insert into member (production_id, user_id, role) values ($1, $2, 'producer')")
        .bind(production_id)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        ctx.t1("production-created", "title", &input.title),
    )
    .await?;
    Ok(Redirect::to(&format!("/productions/{production_id}/members")).into_response())
}

pub(super) async fn settings_page(ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let form = ProductionForm::from_production(&member.production);
    ProductionFormPage::new(ctx, Some(member.production.production_id), form).respond()
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let form = ProductionForm::read(&body);
    let input = match form.parse(ctx.lang) {
        Ok(input) => input,
        Err(errors) => {
            return ProductionFormPage::new(ctx, Some(member.production.production_id), form)
                .with_errors(errors)
                .respond();
        }
    };
    sqlx::query(
        "update production set title = $2, kind = $3, phase = $4, time_zone = $5, currency = $6,
                agreement = $7, notice_hours = $8, ic_account_code = $9,
                second_factor_required = $10, default_language = $11, updated_at = now()
         where production_id = $1",
    )
    .bind(member.production.production_id)
    .bind(&input.title)
    .bind(input.kind.as_str())
    .bind(input.phase.as_str())
    .bind(&input.time_zone)
    .bind(&input.currency)
    .bind(input.agreement.as_str())
    .bind(input.notice_hours)
    .bind(&input.ic_account_code)
    .bind(input.second_factor_required)
    .bind(input.default_language.map(|l| l.code()))
    .execute(&state.pool)
    .await?;
    Flash::success(&session, ctx.t("production-saved")).await?;
    Ok(Redirect::to(&member.base()).into_response())
}
