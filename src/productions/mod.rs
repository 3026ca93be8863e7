//! Productions and their members: creating a production, inviting people with a role,
//! changing roles and removing members; and `Member`, the one gate to everything inside one.
//!
//! - `fields`: a production as stored, its fields and how the production form becomes them;
//! - `member`: the `Member` extractor every route inside a production takes;
//! - `settings`: the production form, to create a production or change its settings;
//! - `members`: the members page, inviting and withdrawing invitations;
//! - `roles`: changing a role and removing a member, always keeping one producer.

mod fields;
mod member;
mod members;
mod roles;
mod settings;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;
pub use fields::{Agreement, CURRENCIES, Kind, Phase, Production, ProductionForm, ProductionInput};
pub use member::Member;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/new", get(settings::new_page))
        .route("/productions", post(settings::create))
        .route(
            "/productions/{production_id}/settings",
            get(settings::settings_page).post(settings::update),
        )
        .route(
            "/productions/{production_id}/members",
            get(members::members_page).post(members::invite),
        )
        .route(
            "/productions/{production_id}/members/{member_id}/role",
            post(roles::change_role),
        )
        .route(
            "/productions/{production_id}/members/{member_id}/remove",
            post(roles::remove_member),
        )
        .route(
            "/productions/{production_id}/members/{member_id}/reset-link",
            post(members::issue_reset_link),
        )
        .route(
            "/productions/{production_id}/invitations/{invitation_id}/revoke",
            post(members::revoke_invitation),
        )
}
