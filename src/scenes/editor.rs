//! The intimacy breakdown editor and its versions: saving makes a new immutable version only when
//! the content hash changes, refuses minors (R5), and each reader sees only what they need to.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use time::Date;
use tower_sessions::Session;

use super::stored::{SceneRow, VersionListing, age, load_scene, scene_dates};
use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::minors::is_restricted;
use crate::rules::minors::{self, CastAge};
use crate::vocab::Role;
use crate::vocab::body::{BodyArea, IntimacyKind, NudityLevel, is_flagged};
use crate::vocab::breakdown::empty_breakdown;
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::breakdown::{Breakdown, PerformerPart, diff};
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::form::lines;
use crate::web::{Ctx, FieldErrors, Flash, render, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/scenes/{scene_id}/breakdown",
            get(editor_page).post(save),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/versions/{version}",
            get(version_page),
        )
}

// ---------------------------------------------------------------- saving

/// What a save did.
#[derive(Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Same content hash as the current version: nothing written.
    Unchanged,
    /// A new version with this number is now current.
    Saved { version: i32 },
    /// The breakdown breaks a rule: (field, message) pairs, nothing written.
    Invalid(Vec<(String, String)>),
    /// R5: someone would be under 18 on a date of a restricted scene; the message, nothing written.
    MinorsRefused(String),
}

#[derive(sqlx::FromRow)]
struct Current {
    content_hash: Option<String>,
    breakdown: Option<String>,
    last_version: i32,
}

/// A breakdown is whole and meets R8 (the monitor list within the closed set), as (field,
/// message) pairs for the form.
fn check(breakdown: &Breakdown) -> Result<(), Vec<(String, String)>> {
    let mut problems = breakdown.validate().err().unwrap_or_default();
    problems.extend(crate::rules::closed_set::monitor_problems(breakdown));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Saves a breakdown as the scene's new version, inside the caller's transaction.
///
/// The scene row is locked first, so two coordinators saving at once get versions n+1 and n+2
/// rather than a clash, and the R5 check sees the same cast the version is written against.
pub async fn save_breakdown(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    scene_id: i64,
    breakdown: &Breakdown,
    created_by: Option<i64>,
    today: Date,
) -> Result<SaveOutcome> {
    if let Err(errors) = check(breakdown) {
        return Ok(SaveOutcome::Invalid(errors));
    }
    let current: Current = sqlx::query_as(
        "select v.content_hash, v.breakdown::text as breakdown,
                (select coalesce(max(version), 0) from scene_version where scene_id = s.scene_id)
                    as last_version
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2
         for update of s",
    )
    .bind(scene_id)
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let hash = breakdown.content_hash();
    let current_hash = current
        .content_hash
        .unwrap_or_else(|| empty_breakdown().content_hash());
    if hash == current_hash {
        return Ok(SaveOutcome::Unchanged);
    }

    let cast: Vec<CastMember> = sqlx::query_as(
        "select cast_member_id, cast_number, name, character_name, date_of_birth, union_name,
                representative, user_id
         from cast_member where production_id = $1",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;
    if breakdown
        .performers
        .iter()
        .any(|p| !cast.iter().any(|c| c.cast_member_id == p.cast_member_id))
    {
        return Ok(SaveOutcome::Invalid(vec![(
            "performers".into(),
            "Every performer in a breakdown must be on the cast list.".into(),
        )]));
    }
    if is_restricted(breakdown) {
        let in_scene: Vec<i64> =
            sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
                .bind(scene_id)
                .fetch_all(&mut *tx)
                .await?;
        let ages: Vec<CastAge> = cast
            .iter()
            .filter(|c| {
                in_scene.contains(&c.cast_member_id)
                    || breakdown
                        .performers
                        .iter()
                        .any(|p| p.cast_member_id == c.cast_member_id)
            })
            .map(age)
            .collect();
        let dates = scene_dates(tx, scene_id).await?;
        let conflicts = minors::minor_conflicts(&ages, &dates, today);
        if !conflicts.is_empty() {
            return Ok(SaveOutcome::MinorsRefused(minors::refusal(&conflicts)));
        }
    }

    let names: HashMap<i64, String> = cast.iter().map(|c| (c.cast_member_id, c.label())).collect();
    let old = read_breakdown(current.breakdown.as_deref().unwrap_or("{}"));
    let changes = diff(&old, breakdown, |id| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("cast member {id}"))
    });
    let nudity: Vec<NudityLevel> = breakdown.performers.iter().map(|p| p.nudity).collect();
    let version = current.last_version + 1;
    let version_id: i64 = sqlx::query_scalar(
        "insert into scene_version (scene_id, production_id, version, breakdown, content_hash,
                                    flagged, changes, created_by)
         values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) returning scene_version_id",
    )
    .bind(scene_id)
    .bind(production_id)
    .bind(version)
    .bind(breakdown.canonical())
    .bind(&hash)
    .bind(is_flagged(&breakdown.kinds, &nudity))
    .bind(&changes)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("update scene set current_version_id = $2, updated_at = now() where scene_id = $1")
        .bind(scene_id)
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    Ok(SaveOutcome::Saved { version })
}

// ---------------------------------------------------------------- reading, by role

/// Whose eyes a breakdown is shown to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Viewer {
    /// Producers, coordinators, directors: the whole breakdown.
    All,
    /// A performer: only their own part, never another's acts or areas.
    Performer {
        cast_member_id: i64,
        cast_number: i32,
    },
}

impl Viewer {
    pub(crate) fn of(member: &Member, scene: &SceneRow, cast: &[CastMember]) -> Viewer {
        if !member.is(Role::Performer) {
            return Viewer::All;
        }
        let cast_member_id = scene.my_cast_member_id.unwrap_or(-1);
        let cast_number = cast
            .iter()
            .find(|c| c.cast_member_id == cast_member_id)
            .map_or(-1, |c| c.cast_number);
        Viewer::Performer {
            cast_member_id,
            cast_number,
        }
    }
}

/// The change lines a viewer may read. A performer keeps the lines about the whole scene and
/// about themselves; lines naming another performer, and garment notes (which describe bodies),
/// are left out.
pub(crate) fn visible_changes(lines: &[String], viewer: Viewer) -> Vec<String> {
    let Viewer::Performer { cast_number, .. } = viewer else {
        return lines.to_vec();
    };
    let own = [
        format!("#{cast_number} "),
        format!("Added #{cast_number} "),
        format!("Removed #{cast_number} "),
    ];
    let general = [
        "Added kind:",
        "Removed kind:",
        "Stills:",
        "Closed set:",
        "Monitor list:",
    ];
    lines
        .iter()
        .filter(|l| {
            own.iter().any(|p| l.starts_with(p.as_str()))
                || general.iter().any(|p| l.starts_with(p))
        })
        .cloned()
        .collect()
}

/// One performer's part as shown.
pub struct PartView {
    pub label: String,
    pub nudity: &'static str,
    pub shown: String,
    pub touched: String,
    pub touching: String,
    pub acts: Vec<String>,
}

/// A breakdown as one viewer may read it.
pub struct BreakdownView {
    pub kinds: String,
    pub parts: Vec<PartView>,
    /// `None` for performers: garment notes describe other performers' bodies too.
    pub garments: Option<String>,
    pub stills_allowed: bool,
    pub closed_set: Vec<String>,
    pub monitor_list: Vec<String>,
    pub restricted: bool,
    pub is_empty: bool,
    pub for_performer: bool,
}

fn area_list(areas: &[BodyArea]) -> String {
    if areas.is_empty() {
        return "none".into();
    }
    areas
        .iter()
        .map(|a| a.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl BreakdownView {
    pub(crate) fn new(b: &Breakdown, cast: &[CastMember], viewer: Viewer) -> BreakdownView {
        let b = b.normalised();
        let only = match viewer {
            Viewer::All => None,
            Viewer::Performer { cast_member_id, .. } => Some(cast_member_id),
        };
        let parts = b
            .performers
            .iter()
            .filter(|p| only.is_none_or(|id| id == p.cast_member_id))
            .map(|p| PartView {
                label: cast
                    .iter()
                    .find(|c| c.cast_member_id == p.cast_member_id)
                    .map_or_else(|| "A former cast member".to_string(), CastMember::label),
                nudity: p.nudity.label(),
                shown: area_list(&p.shown),
                touched: area_list(&p.touched),
                touching: area_list(&p.touching),
                acts: p.acts.clone(),
            })
            .collect();
        BreakdownView {
            is_empty: b == empty_breakdown(),
            restricted: is_restricted(&b),
            kinds: b
                .kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", "),
            parts,
            garments: only.is_none().then(|| b.garments.clone()),
            stills_allowed: b.stills_allowed,
            closed_set: b.closed_set.clone(),
            monitor_list: b.monitor_list.clone(),
            for_performer: only.is_some(),
        }
    }
}

// ---------------------------------------------------------------- the editor form

/// One performer's part as typed.
pub struct PartForm {
    pub cast_member_id: i64,
    pub label: String,
    pub in_scene: bool,
    pub nudity: String,
    pub shown: Vec<String>,
    pub touched: Vec<String>,
    pub touching: Vec<String>,
    pub acts: String,
}

impl PartForm {
    /// Whether the area is ticked in the `shown`, `touched` or `touching` grid.
    pub fn has(&self, which: &str, area: &BodyArea) -> bool {
        let list = match which {
            "shown" => &self.shown,
            "touched" => &self.touched,
            _ => &self.touching,
        };
        list.iter().any(|a| a == area.as_str())
    }
}

/// The whole breakdown as typed, kept on a 422 so nothing has to be typed again.
pub struct EditorForm {
    pub kinds: Vec<String>,
    pub parts: Vec<PartForm>,
    pub garments: String,
    pub stills_allowed: bool,
    pub closed_set: String,
    pub monitor_list: String,
}

/// The people a breakdown has parts for: the scene's cast, plus anyone still in the current
/// breakdown who has left the cast of the scene (so their part can be cleared).
fn part_people<'a>(
    cast: &'a [CastMember],
    in_scene: &[i64],
    current: &Breakdown,
) -> Vec<(&'a CastMember, bool)> {
    cast.iter()
        .filter_map(|c| {
            let here = in_scene.contains(&c.cast_member_id);
            let listed = current
                .performers
                .iter()
                .any(|p| p.cast_member_id == c.cast_member_id);
            (here || listed).then_some((c, here))
        })
        .collect()
}

impl EditorForm {
    fn from_breakdown(b: &Breakdown, people: &[(&CastMember, bool)]) -> EditorForm {
        let strings = |areas: &[BodyArea]| areas.iter().map(|a| a.as_str().to_string()).collect();
        EditorForm {
            kinds: b.kinds.iter().map(|k| k.as_str().to_string()).collect(),
            parts: people
                .iter()
                .map(|(c, here)| {
                    let part = b
                        .performers
                        .iter()
                        .find(|p| p.cast_member_id == c.cast_member_id);
                    PartForm {
                        cast_member_id: c.cast_member_id,
                        label: c.label(),
                        in_scene: *here,
                        nudity: part.map_or("none", |p| p.nudity.as_str()).to_string(),
                        shown: part.map_or_else(Vec::new, |p| strings(&p.shown)),
                        touched: part.map_or_else(Vec::new, |p| strings(&p.touched)),
                        touching: part.map_or_else(Vec::new, |p| strings(&p.touching)),
                        acts: part.map_or_else(String::new, |p| p.acts.join("\n")),
                    }
                })
                .collect(),
            garments: b.garments.clone(),
            stills_allowed: b.stills_allowed,
            closed_set: b.closed_set.join("\n"),
            monitor_list: b.monitor_list.join("\n"),
        }
    }

    fn from_body(body: &FormBody, people: &[(&CastMember, bool)]) -> EditorForm {
        EditorForm {
            kinds: body.all("kinds"),
            parts: people
                .iter()
                .map(|(c, here)| {
                    let key = |what: &str| format!("p{}_{what}", c.cast_member_id);
                    PartForm {
                        cast_member_id: c.cast_member_id,
                        label: c.label(),
                        in_scene: *here,
                        nudity: body.get(&key("nudity")),
                        shown: body.all(&key("shown")),
                        touched: body.all(&key("touched")),
                        touching: body.all(&key("touching")),
                        acts: body.get(&key("acts")),
                    }
                })
                .collect(),
            garments: body.get("garments"),
            stills_allowed: body.has("stills_allowed"),
            closed_set: body.get("closed_set"),
            monitor_list: body.get("monitor_list"),
        }
    }

    pub fn has_kind(&self, kind: &IntimacyKind) -> bool {
        self.kinds.iter().any(|k| k == kind.as_str())
    }

    fn parse(&self) -> std::result::Result<Breakdown, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut kinds = Vec::new();
        for k in &self.kinds {
            match k.parse::<IntimacyKind>() {
                Ok(kind) => kinds.push(kind),
                Err(e) => errors.add("kinds", e.to_string()),
            }
        }
        let mut performers = Vec::new();
        for part in &self.parts {
            let nudity = if part.nudity.trim().is_empty() {
                NudityLevel::None
            } else {
                match part.nudity.parse::<NudityLevel>() {
                    Ok(n) => n,
                    Err(e) => {
                        errors.add("performers", e.to_string());
                        continue;
                    }
                }
            };
            let mut areas = |list: &[String]| -> Vec<BodyArea> {
                list.iter()
                    .filter_map(|a| {
                        a.parse::<BodyArea>()
                            .map_err(|e| errors.add("performers", e.to_string()))
                            .ok()
                    })
                    .collect()
            };
            let shown = areas(&part.shown);
            let touched = areas(&part.touched);
            let touching = areas(&part.touching);
            let acts = lines(&part.acts);
            // A performer with nothing asked of them has no part: the breakdown lists only
            // what someone agrees to.
            if nudity.is_nudity()
                || !shown.is_empty()
                || !touched.is_empty()
                || !touching.is_empty()
                || !acts.is_empty()
            {
                performers.push(PerformerPart {
                    cast_member_id: part.cast_member_id,
                    nudity,
                    shown,
                    touched,
                    touching,
                    acts,
                });
            }
        }
        let breakdown = Breakdown {
            kinds,
            performers,
            garments: self.garments.clone(),
            stills_allowed: self.stills_allowed,
            closed_set: lines(&self.closed_set),
            monitor_list: lines(&self.monitor_list),
        };
        if let Err(problems) = check(&breakdown) {
            add_problems(&mut errors, problems);
        }
        if errors.is_empty() {
            Ok(breakdown)
        } else {
            Err(errors)
        }
    }
}

fn add_problems(errors: &mut FieldErrors, problems: Vec<(String, String)>) {
    for (field, message) in problems {
        let field = match field.as_str() {
            "monitor_list" => "monitor_list",
            "kinds" => "kinds",
            "closed_set" => "closed_set",
            _ => "performers",
        };
        errors.add(field, message);
    }
}

#[derive(Template)]
#[template(path = "scenes/breakdown.html")]
struct EditorPage {
    ctx: Ctx,
    member: Member,
    scene: SceneRow,
    form: EditorForm,
    errors: FieldErrors,
}

impl EditorPage {
    fn kinds(&self) -> &'static [IntimacyKind] {
        IntimacyKind::all()
    }
    fn levels(&self) -> &'static [NudityLevel] {
        NudityLevel::all()
    }
    fn areas(&self) -> &'static [BodyArea] {
        BodyArea::all()
    }
    fn grids(&self) -> [(&'static str, &'static str); 3] {
        [
            ("shown", "Body areas shown on camera"),
            ("touched", "Body areas touched by another performer"),
            ("touching", "Body areas touching another performer"),
        ]
    }
}

fn editor_response(
    ctx: Ctx,
    member: Member,
    scene: SceneRow,
    form: EditorForm,
    errors: FieldErrors,
) -> Result<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &EditorPage {
            ctx,
            member,
            scene,
            form,
            errors,
        },
    )
}

async fn scene_cast_ids(state: &AppState, scene_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
            .bind(scene_id)
            .fetch_all(&state.pool)
            .await?,
    )
}

async fn editor_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, scene_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let scene = load_scene(&state, &member, scene_id).await?;
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let in_scene = scene_cast_ids(&state, scene_id).await?;
    let current = read_breakdown(scene.breakdown.as_deref().unwrap_or("{}"));
    let people = part_people(&cast, &in_scene, &current);
    let form = EditorForm::from_breakdown(&current, &people);
    editor_response(ctx, member, scene, form, FieldErrors::default())
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, scene_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let scene = load_scene(&state, &member, scene_id).await?;
    let production_id = member.production.production_id;
    let cast = cast_list(&state.pool, production_id).await?;
    let in_scene = scene_cast_ids(&state, scene_id).await?;
    let current = read_breakdown(scene.breakdown.as_deref().unwrap_or("{}"));
    let people = part_people(&cast, &in_scene, &current);
    let form = EditorForm::from_body(&FormBody::parse(&body), &people);
    let breakdown = match form.parse() {
        Ok(b) => b,
        Err(errors) => return editor_response(ctx, member, scene, form, errors),
    };
    let today = member.production.zone.today();
    let mut tx = state.pool.begin().await?;
    let outcome = save_breakdown(
        &mut tx,
        production_id,
        scene_id,
        &breakdown,
        Some(member.user.user_id),
        today,
    )
    .await?;
    let mut errors = FieldErrors::default();
    match outcome {
        SaveOutcome::Unchanged => {
            drop(tx);
            Flash::info(
                &session,
                "No changes to save: the breakdown is the same as the current version.",
            )
            .await?;
        }
        SaveOutcome::Saved { version } => {
            tx.commit().await?;
            Flash::success(
                &session,
                format!(
                    "Breakdown saved as version {version} of scene {}.",
                    scene.number
                ),
            )
            .await?;
        }
        SaveOutcome::Invalid(problems) => {
            add_problems(&mut errors, problems);
            return editor_response(ctx, member, scene, form, errors);
        }
        SaveOutcome::MinorsRefused(message) => {
            errors.add("minors", message);
            return editor_response(ctx, member, scene, form, errors);
        }
    }
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}", member.base())).into_response())
}

// ---------------------------------------------------------------- one version

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
    Path((_, scene_id, version)): Path<(i64, i64, i32)>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn performers_read_only_general_and_own_change_lines() {
        let lines: Vec<String> = [
            "Added kind: Nudity",
            "#1 Alex Rivera: added act “Kiss”",
            "#12 Someone: added act “Secret”",
            "Added #2 Sam (nudity: Implied)",
            "Garments and barriers: “” → “Patch for Sam”",
            "Closed set: added Morgan",
            "Removed #1 Alex Rivera",
        ]
        .map(String::from)
        .to_vec();
        let seen = visible_changes(
            &lines,
            Viewer::Performer {
                cast_member_id: 5,
                cast_number: 1,
            },
        );
        assert_eq!(
            seen,
            [
                "Added kind: Nudity",
                "#1 Alex Rivera: added act “Kiss”",
                "Closed set: added Morgan",
                "Removed #1 Alex Rivera",
            ]
        );
        assert_eq!(visible_changes(&lines, Viewer::All).len(), lines.len());
    }
}
