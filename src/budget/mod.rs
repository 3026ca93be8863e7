//! The IC budget of a production, for producers only: budget lines, forecast settings, the
//! topsheet with its chart and warnings (R12), and the CSV export for accounts.
//!
//! - `load`: the budget loaded and worked out, for the page, the export and a producer dashboard;
//! - `index`: the budget page, adding a line and the forecast settings;
//! - `edit`: one line's edit page, saving and deleting it; `line_form`: the line form both use;
//! - `export`: the CSV download (`csv` writes it); `chart`: the topsheet chart.

pub mod chart;
pub mod csv;
mod edit;
mod export;
mod index;
mod line_form;
mod load;

use axum::Router;
use axum::routing::{get, post};

pub use crate::rules::budget_forecast::{
    BudgetLine, Category, Forecast, RehearsalPlacement, ScheduleFacts, Settings, ShootPlacement,
    Topsheet, Warning, forecast, topsheet,
};
use crate::web::AppState;
pub use load::{Budget, load_budget};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/budget",
            get(index::budget_page),
        )
        .route(
            "/productions/{production_id}/budget.csv",
            get(export::export_csv),
        )
        .route(
            "/productions/{production_id}/budget/lines",
            post(index::create_line),
        )
        .route(
            "/productions/{production_id}/budget/lines/{budget_line_id}",
            get(edit::edit_page).post(edit::update_line),
        )
        .route(
            "/productions/{production_id}/budget/lines/{budget_line_id}/delete",
            post(edit::delete_line),
        )
        .route(
            "/productions/{production_id}/budget/settings",
            post(index::save_settings),
        )
}
