//! One budget line: its edit page, saving it and deleting it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

use super::line_form::LineForm;
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::budget_forecast::{BudgetLine, Category};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, render_with_status};

const LINE_COLUMNS: &str = "budget_line_id, account_code, category, description, \
                            quantity_hundredths, unit_rate, planned, actual";

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

pub(super) async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, budget_line_id)): Ids<(i64, i64)>,
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

pub(super) async fn update_line(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, budget_line_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let line = one_line(&state.pool, &member, budget_line_id).await?;
    let form = LineForm::read(&body);
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

pub(super) async fn delete_line(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, budget_line_id)): Ids<(i64, i64)>,
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
