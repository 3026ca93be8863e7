//! Scenes in script order and their intimacy breakdowns: numbering, page eighths, headings,
//! the versioned breakdown with its content hash, and the minors rule (R5) on the breakdown path.

pub mod body;
pub mod breakdown;
pub mod eighths;
pub mod heading;
pub mod minors;
pub mod number;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
