//! Boundary profiles: a performer's own yes / no / ask-first answers per body area and kind of
//! contact, versioned on every change, seen only by that performer and the coordinators.

pub mod access_log;
mod cast_record;
pub mod conflicts;
mod form;
mod index;
mod profile_page;
pub(crate) mod sealed;
mod version_page;
mod versions;

use axum::Router;
use axum::routing::get;

use crate::web::AppState;
pub use cast_record::{CastRecord, UnlinkedPage, own_cast_record};
pub use conflicts::{conflicts_for_rider, conflicts_for_scene};
pub use form::KeyedErrors;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/{production_id}/boundaries", get(index::index))
        .route(
            "/productions/{production_id}/boundaries/{cast_member_id}",
            get(profile_page::profile_page).post(profile_page::save),
        )
        .route(
            "/productions/{production_id}/boundaries/{cast_member_id}/versions/{version}",
            get(version_page::version_page),
        )
        .merge(access_log::router())
}
