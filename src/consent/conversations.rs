//! The conversation log: what the intimacy coordinator logs after meeting performers (kind, who,
//! when, a confidential summary, a note per performer, follow-ups), kept in versions that are
//! never edited, and the first-meeting rule (R6) it feeds.

mod first_meeting;
mod follow_ups;
mod form;
mod kind;
mod list;
mod records;
mod show;
mod version_page;
mod versions;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;
pub use first_meeting::{first_meeting_check, first_meeting_missing};
pub use follow_ups::{FollowUp, open_follow_ups};
pub use kind::Kind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/conversations",
            get(list::list_page).post(list::create),
        )
        .route(
            "/productions/{production_id}/conversations/{conversation_id}",
            get(show::show_page).post(show::update),
        )
        .route(
            "/productions/{production_id}/conversations/{conversation_id}/versions/{version}",
            get(version_page::version_page),
        )
        .route(
            "/productions/{production_id}/conversations/{conversation_id}/follow-ups",
            post(show::add_follow_up),
        )
        .route(
            "/productions/{production_id}/follow-ups/{follow_up_id}/done",
            post(show::mark_done),
        )
}
