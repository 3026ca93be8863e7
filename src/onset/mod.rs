//! On set and after (R10, R11): pausing a scene from a phone, the coordinator's on-the-day
//! reconfirmations (with narrowings) and closures, the daily IC report, post review, footage use.

mod day;
mod day_facts;
pub mod footage;
mod narrowing;
pub mod pauses;
mod people;
mod performer;
mod reconfirm;
mod records;
mod report;
mod review;

use axum::Router;
use axum::routing::{get, post};
use sqlx::PgPool;

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set",
            get(day::on_set_page),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/pause",
            post(day::pause),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/cast/{cast_member_id}",
            get(performer::performer_page),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/cast/{cast_member_id}/reconfirm",
            post(reconfirm::reconfirm),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/cast/{cast_member_id}/closure",
            post(reconfirm::closure),
        )
        .route(
            "/productions/{production_id}/pauses/{pause_id}/resolve",
            post(day::resolve),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/ic-report",
            get(report::report_page),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/post-review",
            get(review::review_page).post(review::record_review),
        )
        .route(
            "/productions/{production_id}/footage-use",
            get(footage::footage_page),
        )
        .route(
            "/productions/{production_id}/footage-use.csv",
            get(footage::footage_csv),
        )
}

/// What the scene page shows of this module: pauses the viewer may see, and (for producers and
/// coordinators) the post-production reviews of the cut.
pub struct ScenePanel {
    pub pauses: Vec<pauses::PauseView>,
    pub paused: bool,
    pub reviews: Vec<review::ReviewRow>,
    pub show_reviews: bool,
    pub can_review: bool,
}

/// The scene page's panel; at most three queries.
pub async fn scene_panel(pool: &PgPool, member: &Member, scene_id: i64) -> Result<ScenePanel> {
    let rows = pauses::visible(pool, member, None, Some(scene_id)).await?;
    // Reviews of the cut are for flagged scenes, and for producers and coordinators only.
    let show_reviews = member.can(Action::SeeFootageUse)
        && sqlx::query_scalar::<_, bool>(
            "select exists (select 1 from scene s
                            join scene_version v on v.scene_version_id = s.current_version_id
                            where s.scene_id = $1 and v.flagged)",
        )
        .bind(scene_id)
        .fetch_one(pool)
        .await?;
    let reviews = if show_reviews {
        review::reviews(pool, member.production.production_id, scene_id).await?
    } else {
        Vec::new()
    };
    Ok(ScenePanel {
        paused: rows.iter().any(|p| p.open()),
        pauses: rows
            .iter()
            .map(|p| pauses::PauseView::of(member, p))
            .collect(),
        reviews,
        show_reviews,
        can_review: member.can(Action::RecordPostReview),
    })
}
