//! One version of a breakdown as it was saved, its change lines and its content hash, shaped
//! for the viewer like the scene page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use super::reading::{BreakdownView, Viewer, visible_changes};
use super::stored::{SceneRow, VersionListing, load_scene};
use crate::cast::cast_list;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::breakdown::read_breakdown;
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, render};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/productions/{production_id}/scenes/{scene_id}/versions/{version}",
        get(version_page),
    )
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    #[sqlx(flatten)]
    listing: VersionListing,
    breakdown: String,
    flagged: bool,
}

#[derive(Template)]
#[template(path = "scenes/version.html")]
struct VersionPage {
    ctx: Ctx,
    member: Member,
    scene: SceneRow,
    version: VersionListing,
    flagged: bool,
    bd: BreakdownView,
}

impl VersionPage {
    fn is_current(&self) -> bool {
        self.scene.current_version == Some(self.version.version)
    }
}

async fn version_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id, version)): Ids<(i64, i64, i32)>,
) -> Result<Response> {
    let scene = load_scene(&state, &member, scene_id).await?;
    let row: VersionRow = sqlx::query_as(
        "select v.version, v.created_at, v.content_hash, v.changes, u.name as author,
                v.breakdown::text as breakdown, v.flagged
         from scene_version v left join app_user u on u.user_id = v.created_by
         where v.scene_id = $1 and v.version = $2",
    )
    .bind(scene_id)
    .bind(version)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let viewer = Viewer::of(&member, &scene, &cast);
    let bd = BreakdownView::new(&read_breakdown(&row.breakdown), &cast, viewer);
    let mut version = row.listing;
    version.changes = visible_changes(&version.changes, viewer);
    version.created_at = member.production.zone.local(version.created_at);
    render(&VersionPage {
        ctx,
        member,
        scene,
        version,
        flagged: row.flagged,
        bd,
    })
}
