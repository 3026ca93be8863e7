//! The shooting schedule: shoot days with call times in the production's zone, scenes placed
//! on them, rehearsals, the stripboard, call sheets and private calendar feeds.

pub mod ics;
pub mod zone;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
