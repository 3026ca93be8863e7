//! The printable call sheet of one shoot day (DOMAIN §6, R8, R9): day X of Y, crew call,
//! location, hospital, sunrise and sunset, weather, scenes, cast calls, key contacts, the
//! advance schedule, and the CLOSED SET banner for flagged scenes. It never carries breakdown
//! content. The sheet itself is `call_sheet_build::CallSheetBody`, rendered alone so a published
//! copy is exactly what was shown.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::call_sheet_build::{self, CallSheetBody};
use super::call_sheet_publish::{self, VersionView};
use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::schedule::performer_filter;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, render};

#[derive(Template)]
#[template(path = "schedule/call_sheet.html")]
struct CallSheetPage {
    ctx: Ctx,
    member: Member,
    shoot_day_id: i64,
    day_number: i64,
    body: String,
    can_edit: bool,
    /// Published versions with each recipient's sent / opened / confirmed, for those who
    /// publish.
    versions: Vec<VersionView>,
}

pub(super) async fn call_sheet(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let performer = performer_filter(&member);
    // The printed sheet is kept by production revision (days, strips, calls, locations, banners,
    // cast, members and consent all move it) and minute, per day and per kind of viewer: a
    // performer's sheet is theirs alone. Who has opened or confirmed a published copy is read
    // fresh below (opening a copy does not move the revision).
    let class = crate::schedule::viewer_class(&member);
    let minute = crate::web::cache::this_minute();
    let sheet: Arc<(String, i64)> = state
        .pages
        .get_or_compute_with(
            member.production.production_id,
            "call sheet",
            ctx.lang,
            &format!("{class}:{shoot_day_id}"),
            member.production.revision,
            minute,
            || async {
                let sheet =
                    call_sheet_build::build(&state, &member.production, shoot_day_id, performer)
                        .await?;
                Ok::<_, crate::error::AppError>((
                    CallSheetBody::html(&sheet)?,
                    sheet.view.day.day_number,
                ))
            },
        )
        .await?;
    let (body, day_number) = (sheet.0.clone(), sheet.1);
    let can_edit = member.can(Action::EditSchedule);
    let versions = if can_edit {
        call_sheet_publish::distribution(&state, &member.production, shoot_day_id).await?
    } else {
        Vec::new()
    };
    render(&CallSheetPage {
        ctx,
        can_edit,
        versions,
        member,
        shoot_day_id,
        day_number,
        body,
    })
}
