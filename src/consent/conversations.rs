//! (to be written) conversations.
//! Placeholder module so parallel work merges cleanly.

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
