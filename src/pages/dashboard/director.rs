//! The director's / 1st AD's first page: which intimate scenes are cleared on which day.
//! What was agreed is shown as cleared or blocked with reasons, never rider text.

use askama::Template;
use axum::response::Response;

use crate::consent::status;

use crate::error::Result;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::web::AppState;
use crate::web::{Ctx, render};

#[derive(Template)]
#[template(path = "dashboard/director.html")]
struct DirectorPage {
    ctx: Ctx,
    member: Member,
    consent: Vec<StatusLine>,
}

pub(super) async fn page(state: &AppState, ctx: Ctx, member: Member) -> Result<Response> {
    let statuses = status::production_status_shared(state, &member.production).await?;
    render(&DirectorPage {
        ctx,
        member,
        consent: status::lines_for(&statuses, None),
    })
}
