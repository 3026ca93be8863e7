//! Concerns (R13): any member raises one, optionally anonymous, to recipients they choose
//! among the coordinators and producers; only those recipients (and the raiser) ever see it.

mod list;
mod raise;
pub mod reporting;
mod show;
mod shown;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/concerns",
            get(list::list_page).post(raise::create),
        )
        .route(
            "/productions/{production_id}/concerns/new",
            get(raise::new_page),
        )
        .route(
            "/productions/{production_id}/concerns/reporting-line",
            get(reporting::reporting_line_page).post(reporting::save_reporting_line),
        )
        .route(
            "/productions/{production_id}/concerns/{concern_id}",
            get(show::show_page),
        )
        .route(
            "/productions/{production_id}/concerns/{concern_id}/follow-up",
            post(show::follow_up),
        )
}
