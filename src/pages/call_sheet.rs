//! The printable call sheet of one shoot day: day X of Y, general call, scenes, cast called and,
//! for flagged scenes, the closed-set note (R8). It never carries breakdown content.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::schedule::board::{self, DayView};
use crate::schedule::{load_days, load_placed, performer_filter};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, render};

/// A cast member called because they are in one of the day's scenes.
#[derive(sqlx::FromRow)]
struct Called {
    cast_number: i32,
    name: String,
    character_name: String,
}

#[derive(Template)]
#[template(path = "schedule/call_sheet.html")]
struct CallSheetPage {
    ctx: Ctx,
    member: Member,
    view: DayView,
    called: Vec<Called>,
}

pub(super) async fn call_sheet(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let performer = performer_filter(&member);
    let days = load_days(&state.pool, production_id, Some(shoot_day_id)).await?;
    let placed = load_placed(&state.pool, production_id, Some(shoot_day_id), performer).await?;
    // A performer not called that day gets 404, like any page not shared with them.
    let mut days = board::assemble(
        days,
        placed,
        member.production.zone.tz(),
        performer.is_some(),
    );
    if performer.is_none() {
        // The call sheet says cleared or blocked only: reasons stay on the consent pages.
        let statuses = crate::consent::status::production_status(
            &state.pool,
            &member.production,
            crate::consent::status::Only::All,
        )
        .await?;
        let mut lines = crate::consent::status::lines_for(&statuses, None);
        for line in &mut lines {
            line.reasons.clear();
        }
        board::attach_consent(&mut days, &lines);
    }
    let view = days.pop().ok_or(AppError::NotFound)?;
    let scene_ids: Vec<i64> = view.strips.iter().map(|s| s.scene_id).collect();
    let called: Vec<Called> = sqlx::query_as(
        "select distinct cm.cast_number, cm.name, cm.character_name
         from scene_cast sc join cast_member cm using (cast_member_id)
         where sc.production_id = $1 and sc.scene_id = any($2)
         order by cm.cast_number",
    )
    .bind(production_id)
    .bind(&scene_ids)
    .fetch_all(&state.pool)
    .await?;
    render(&CallSheetPage {
        ctx,
        member,
        view,
        called,
    })
}
