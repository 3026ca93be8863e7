//! Consent: boundary profiles, conversations, riders and their lifecycle, what performers agree
//! to (scope), whether a scene is cleared to shoot (clearance) and the tamper-evident ledger.

pub mod boundaries;
pub mod clearance;
pub mod conversations;
pub mod demo_records;
pub mod demo_riders;
pub mod ledger;
pub mod rider_text;
pub mod riders;
pub mod scope;
pub mod status;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(boundaries::router())
        .merge(conversations::router())
        .merge(riders::router())
}
