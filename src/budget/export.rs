//! The budget as a CSV file for accounts: the download of the budget page, written by
//! `csv::budget_csv` from the same loaded budget the page shows.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::csv;
use super::load::cached_budget;
use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;

pub(super) async fn export_csv(State(state): State<AppState>, member: Member) -> Result<Response> {
    member.may(Action::ManageBudget)?;
    let production = &member.production;
    let budget = cached_budget(&state, production).await?;
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
