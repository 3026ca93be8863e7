//! A person's data and the production's duty to it: sealing what was written in clear before
//! encryption, erasure by destroying keys, retention after wrap, a person's export, and the
//! production's data-protection page with its audit trail.

pub mod erasure;
pub mod export;
mod page;
mod seal_existing;
mod who_sees;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;
pub use seal_existing::{Sealed, seal_existing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/export", get(export::download))
        .route(
            "/productions/{production_id}/data-protection",
            get(page::page),
        )
        .route(
            "/productions/{production_id}/data-protection/retention",
            post(page::set_retention),
        )
        .route(
            "/productions/{production_id}/data-protection/erasure",
            post(page::request_erasure),
        )
        .route(
            "/productions/{production_id}/data-protection/erasure/{erasure_request_id}/approve",
            post(page::approve),
        )
        .route(
            "/productions/{production_id}/data-protection/erase",
            post(page::erase_production),
        )
}
