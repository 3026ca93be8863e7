//! The scene page: the scene as stored, its breakdown as the viewer may read it, its version
//! history, clearance per scheduled day (R1) and what happened on set.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::consent::status::{self, Only};
use crate::error::Result;
use crate::onset::ScenePanel;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::scenes::reading::{self, BreakdownView, Viewer};
use crate::scenes::stored::{SceneRow, VersionListing, load_scene};
use crate::vocab::breakdown::read_breakdown;
use crate::web::{AppState, Ctx, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/productions/{production_id}/scenes/{scene_id}", get(show))
}

#[derive(Template)]
#[template(path = "scenes/show.html")]
struct ShowPage {
    ctx: Ctx,
    member: Member,
    scene: SceneRow,
    cast: Vec<CastMember>,
    bd: BreakdownView,
    versions: Vec<VersionListing>,
    can_edit: bool,
    /// Clearance per scheduled day (R1), shaped for the viewer.
    consent: Vec<StatusLine>,
    /// Pauses on set (R10) and post-production reviews, as the viewer may see them.
    onset: ScenePanel,
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, scene_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let scene = load_scene(&state, &member, scene_id).await?;
    let all_cast = cast_list(&state.pool, member.production.production_id).await?;
    let in_scene: Vec<i64> =
        sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
            .bind(scene_id)
            .fetch_all(&state.pool)
            .await?;
    let mut versions: Vec<VersionListing> = sqlx::query_as(
        "select v.version, v.created_at, v.content_hash, v.changes, u.name as author
         from scene_version v left join app_user u on u.user_id = v.created_by
         where v.scene_id = $1 order by v.version desc",
    )
    .bind(scene_id)
    .fetch_all(&state.pool)
    .await?;
    let viewer = Viewer::of(&member, &scene, &all_cast);
    for v in &mut versions {
        v.changes = reading::visible_changes(&v.changes, viewer);
        v.created_at = member.production.zone.local(v.created_at);
    }
    let breakdown = read_breakdown(scene.breakdown.as_deref().unwrap_or("{}"));
    let bd = BreakdownView::new(&breakdown, &all_cast, viewer);
    let cast = all_cast
        .into_iter()
        .filter(|c| in_scene.contains(&c.cast_member_id))
        .collect();
    let can_edit = member.can(Action::EditScenes);
    let statuses =
        status::production_status(&state.pool, &member.production, Only::Scene(scene_id)).await?;
    let own_cast = match viewer {
        Viewer::Performer { cast_member_id, .. } => Some(cast_member_id),
        Viewer::All => None,
    };
    let consent = status::lines_for(&statuses, own_cast);
    let onset = crate::onset::scene_panel(&state.pool, &member, scene_id).await?;
    render(&ShowPage {
        ctx,
        member,
        scene,
        cast,
        bd,
        versions,
        can_edit,
        consent,
        onset,
    })
}
