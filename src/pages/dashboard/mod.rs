//! Each role's first page of a production: the producer's readiness view, the coordinator's
//! work queue, the performer's own scenes and riders, the director's consent overview.

mod coordinator;
mod director;
mod performer;
mod producer;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::Ctx;

pub fn router() -> Router<AppState> {
    Router::new().route("/productions/{production_id}", get(home))
}

async fn home(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    match member.role {
        Role::Producer => producer::page(&state, ctx, member).await,
        Role::Coordinator => coordinator::page(&state, ctx, member).await,
        Role::Performer => performer::page(&state, ctx, member).await,
        Role::Director => director::page(&state, ctx, member).await,
    }
}
