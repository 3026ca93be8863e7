//! Choreography of flagged scenes (issue #20): ordered beats, versioned like the breakdown,
//! edited by the director and coordinator; each performer reads the beats they are in;
//! producers see that it exists and was rehearsed, never its content. Beats are held against
//! the signed riders in `consent::beat_check`; rehearsals mark beats rehearsed, changed or
//! dropped. The crew briefing lives in `briefing`.

mod briefing;
pub mod day;
mod form;
mod page;
pub mod rehearse;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/scenes/{scene_id}/choreography",
            get(page::choreography_page),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/choreography/beats",
            post(page::add_beat),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/choreography/beats/{beat_key}",
            get(page::edit_page).post(page::save_beat),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/choreography/beats/{beat_key}/remove",
            post(page::remove_beat),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/choreography/beats/{beat_key}/rehearsal",
            post(rehearse::mark_beat),
        )
        .route(
            "/productions/{production_id}/briefing",
            get(briefing::briefing_page).post(briefing::send_briefing),
        )
        .route("/briefing/{token}", get(briefing::public_page))
        .route("/briefing/{token}/confirm", post(briefing::confirm))
}
