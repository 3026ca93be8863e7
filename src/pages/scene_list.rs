//! The scene list's route: the list as `scenes::list` loads it, with each flagged scene's
//! consent status beside it (issue #16), read as this viewer may read it.

use axum::extract::State;
use axum::response::Response;
use time::Date;

use crate::consent::status::{self, Only, SceneStatus};
use crate::error::Result;
use crate::productions::Member;
use crate::scenes::list::{self, ListQuery};
use crate::vocab::Role;
use crate::web::ids::Params;
use crate::web::{AppState, Ctx};

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Params(query): Params<ListQuery>,
) -> Result<Response> {
    let page = list::load(&state, ctx, member, query).await?;
    let member = page.member();
    let production = &member.production;
    let on_page = page.scene_ids();
    // One statement for the statuses, whatever the page's size: the production's shared
    // clearance for staff, a performer's own scenes for them (DOMAIN §4).
    let (statuses, own_cast) = if member.is(Role::Performer) {
        let own: Option<i64> = sqlx::query_scalar(
            "select cast_member_id from cast_member where production_id = $1 and user_id = $2",
        )
        .bind(production.production_id)
        .bind(member.user.user_id)
        .fetch_optional(&state.pool)
        .await?;
        match own {
            Some(id) => (
                status::production_status(&state.pool, production, Only::Performer(id)).await?,
                Some(id),
            ),
            None => (Vec::new(), None),
        }
    } else {
        (
            status::production_status_shared(&state, production)
                .await?
                .as_ref()
                .clone(),
            None,
        )
    };
    let shown: Vec<SceneStatus> = on_page
        .iter()
        .filter_map(|id| next_status(&statuses, *id, production.zone.today()))
        .collect();
    let lines = status::lines_for(&shown, own_cast);
    page.with_consent(lines).respond()
}

/// The status a scene's row shows: that of its next unshot shoot day (the day whose notice
/// deadline every page shows), else its unscheduled status, else its last day's (shot).
fn next_status(statuses: &[SceneStatus], scene_id: i64, today: Date) -> Option<SceneStatus> {
    let mine = || statuses.iter().filter(|s| s.scene_id == scene_id);
    mine()
        .filter(|s| s.shoot_date.is_some_and(|d| d >= today) && s.word() != "Shot")
        .min_by_key(|s| s.shoot_date)
        .or_else(|| mine().find(|s| s.shoot_day_id.is_none()))
        .or_else(|| mine().max_by_key(|s| s.shoot_date))
        .cloned()
}
