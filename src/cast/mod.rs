//! The cast list of a production: cast numbers, names, characters, dates of birth (for the
//! minors rule), unions, representatives, and the link to a performer's account.
//!
//! - `record`: a cast member as stored and the cast list other areas read;
//! - `forms`: the cast form and the invitation form, as typed and as parsed;
//! - `list`: the cast list page and adding a cast member;
//! - `edit`: a cast member's page and saving it (R5); `invite`: linking their account.

mod edit;
mod forms;
mod invite;
mod list;
mod record;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;
pub use record::{CastMember, cast_list};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/cast",
            get(list::list_page).post(list::create),
        )
        .route(
            "/productions/{production_id}/cast/{cast_member_id}",
            get(edit::edit_page).post(edit::update),
        )
        .route(
            "/productions/{production_id}/cast/{cast_member_id}/invite",
            post(invite::invite),
        )
}
