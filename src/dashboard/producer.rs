//! The producer's first page: readiness of every intimate scene at a glance.
//! (Issue 5 grows this into the full dashboard.)

use askama::Template;
use axum::response::Response;

use crate::AppState;
use crate::consent::status::{self, Only, StatusLine};
use crate::error::Result;
use crate::productions::Member;
use crate::web::{Ctx, render};

#[derive(Template)]
#[template(path = "dashboard/producer.html")]
struct ProducerPage {
    ctx: Ctx,
    member: Member,
    missing_coordinator: Option<&'static str>,
    consent: Vec<StatusLine>,
}

pub(super) async fn page(state: &AppState, ctx: Ctx, member: Member) -> Result<Response> {
    let production_id = member.production.production_id;
    let missing_coordinator = crate::schedule::missing_coordinator(&state.pool, production_id)
        .await?
        .then_some(crate::schedule::MISSING_COORDINATOR);
    let statuses = status::production_status(&state.pool, &member.production, Only::All).await?;
    render(&ProducerPage {
        ctx,
        member,
        missing_coordinator,
        consent: status::lines_for(&statuses, None),
    })
}
