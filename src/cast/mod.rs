//! The cast list of a production: cast numbers, names, characters, dates of birth (for the
//! minors rule), unions, representatives, and the link to a performer's account.

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
