//! The scene page: the scene as stored, its breakdown as the viewer may read it (each performer
//! whose part is shown finds the view in their access log), its version history, clearance per
//! scheduled day (R1), what was agreed and what happened on set; and the route of the breakdown
//! editor. Both warn of boundary conflicts to those who may read boundary profiles.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use tower_sessions::Session;

use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::consent::boundaries::conflicts_for_scene;
use crate::consent::status::{self, Only};
use crate::error::Result;
use crate::onset::ScenePanel;
use crate::productions::Member;
use crate::rules::boundaries::Conflict;
use crate::rules::cleared::StatusLine;
use crate::scenes::editor;
use crate::scenes::reading::{self, BreakdownView, ConflictWarning, Viewer, conflict_warnings};
use crate::scenes::stored::{SceneRow, VersionListing, load_scene};
use crate::vocab::Role;
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::scope::Scope;
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, FormBody, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/{production_id}/scenes/{scene_id}", get(show))
        .route(
            "/productions/{production_id}/scenes/{scene_id}/breakdown",
            get(breakdown_editor).post(save_breakdown),
        )
}

/// The scene's boundary conflicts, read only for members who may read boundary profiles at
/// all: for producers and directors nothing is even looked up.
async fn readable_conflicts(
    state: &AppState,
    member: &Member,
    scene_id: i64,
) -> Result<Vec<(i64, Vec<Conflict>)>> {
    if !member.can(Action::ReadBoundaries) {
        return Ok(Vec::new());
    }
    conflicts_for_scene(
        &state.vault,
        &state.pool,
        member.production.production_id,
        scene_id,
    )
    .await
}

async fn breakdown_editor(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let conflicts = readable_conflicts(&state, &member, scene_id).await?;
    editor::editor_page(state, ctx, member, scene_id, &conflicts).await
}

async fn save_breakdown(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let conflicts = readable_conflicts(&state, &member, scene_id).await?;
    editor::save(state, ctx, member, session, scene_id, body, &conflicts).await
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
    /// What each performer agreed to, from their signed riders (DOMAIN §4: the signed scope).
    agreed: Vec<Agreed>,
    /// Boundary conflicts with the current breakdown: every performer's for coordinators, a
    /// performer's own, none for anyone else (DOMAIN §4).
    conflicts: Vec<ConflictWarning>,
}

/// One performer's signed scope for this scene, in words, as a summary list shows it.
struct Agreed {
    performer: String,
    /// (what, agreed) pairs: "Nudity" / "Partial (upper)".
    items: Vec<(&'static str, String)>,
    /// Signed for an earlier version of the breakdown.
    earlier_version: bool,
}

#[derive(sqlx::FromRow)]
struct SignedScope {
    cast_number: i32,
    name: String,
    user_id: Option<i64>,
    scope: String,
    covers_current: bool,
}

fn listed<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let words: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    if words.is_empty() {
        "none".into()
    } else {
        words.join(", ")
    }
}

impl Agreed {
    fn of(row: &SignedScope, scope: &Scope) -> Agreed {
        let labels = |areas: &std::collections::BTreeSet<crate::vocab::body::BodyArea>| {
            listed(areas.iter().map(|a| a.label()))
        };
        let uses = [
            (scope.uses.in_picture, "in the picture"),
            (scope.uses.trailers, "trailers and marketing"),
            (scope.uses.stills, "stills"),
        ];
        Agreed {
            performer: format!("#{} {}", row.cast_number, row.name),
            items: vec![
                ("Nudity", scope.nudity.label().to_string()),
                ("Shown", labels(&scope.shown)),
                ("Touched", labels(&scope.touched)),
                ("Touching", labels(&scope.touching)),
                ("Acts", listed(&scope.acts)),
                (
                    "Footage may be used",
                    listed(uses.iter().filter(|(yes, _)| *yes).map(|(_, w)| w)),
                ),
                (
                    "A double",
                    if scope.double_allowed {
                        "may be used"
                    } else {
                        "may not be used"
                    }
                    .into(),
                ),
            ],
            earlier_version: !row.covers_current,
        }
    }
}

/// The signed, standing riders' scopes for the scene, newest signature first per performer; a
/// performer sees only their own.
async fn signed_scopes(state: &AppState, member: &Member, scene_id: i64) -> Result<Vec<Agreed>> {
    if !member.can(Action::SeeSignedScope) {
        return Ok(Vec::new());
    }
    let rows: Vec<SignedScope> = sqlx::query_as(
        "select distinct on (c.cast_member_id) c.cast_number, c.name, c.user_id,
                (rs.scope || jsonb_build_object('uses', jsonb_build_object(
                     'in_picture', r.in_picture, 'trailers', r.in_trailers,
                     'stills', r.in_stills), 'double_allowed', r.double_allowed))::text as scope,
                coalesce(s.current_version_id in (rs.scene_version_id, rs.carried_to_version_id), false)
                    as covers_current
         from rider_scene rs
         join rider r using (rider_id)
         join cast_member c on c.cast_member_id = r.cast_member_id
         join scene s on s.scene_id = rs.scene_id
         where rs.scene_id = $1 and rs.production_id = $2 and r.status = 'signed'
           and r.revoked_at is null
         order by c.cast_member_id, r.signed_at desc",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .fetch_all(&state.pool)
    .await?;
    let mut agreed: Vec<(i32, Agreed)> = rows
        .iter()
        .filter(|r| !member.is(Role::Performer) || r.user_id == Some(member.user.user_id))
        .filter_map(|r| {
            let scope: Scope = serde_json::from_str(&r.scope).ok()?;
            Some((r.cast_number, Agreed::of(r, &scope)))
        })
        .collect();
    agreed.sort_by_key(|(n, _)| *n);
    Ok(agreed.into_iter().map(|(_, a)| a).collect())
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id)): Ids<(i64, i64)>,
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
    let found = readable_conflicts(&state, &member, scene_id).await?;
    let conflicts = conflict_warnings(&member, &found, &all_cast);
    // Each performer whose part the page shows is told who read it (the reader's own part is
    // left out by the log itself), in one statement for the whole scene.
    let parts_shown: Vec<i64> = breakdown
        .performers
        .iter()
        .map(|p| p.cast_member_id)
        .filter(|id| match viewer {
            Viewer::All => true,
            Viewer::Performer { cast_member_id, .. } => *id == cast_member_id,
        })
        .collect();
    if !parts_shown.is_empty() {
        access_log::record(
            &state.pool,
            &member,
            &parts_shown,
            RecordKind::Breakdown,
            Some(scene_id),
        )
        .await?;
    }
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
    let agreed = signed_scopes(&state, &member, scene_id).await?;
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
        agreed,
        conflicts,
    })
}
