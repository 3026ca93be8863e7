//! Consent: boundary profiles, conversations, riders and their lifecycle, what performers agree
//! to (scope), whether a scene is cleared to shoot (clearance) and the tamper-evident ledger.

pub mod beat_check;
pub mod boundaries;
pub mod conversations;
pub mod rider_text;
pub mod riders;
pub mod status;

use axum::Router;

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(boundaries::router())
        .merge(conversations::router())
        .merge(riders::router())
}
