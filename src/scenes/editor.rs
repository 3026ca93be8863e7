//! The intimacy breakdown editor: the form of kinds, each performer's part and the closed set,
//! kept as typed on a 422, and saving it through `save_breakdown`. Its route is in
//! `crate::pages::scene`, which also gathers the boundary conflicts the page warns of (they
//! come from consent, a layer above this one).

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::reading::{ConflictWarning, conflict_warnings};
use super::saving::{SaveOutcome, check, save_breakdown};
use super::stored::{SceneRow, load_scene};
use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::error::Result;
use crate::productions::Member;
use crate::rules::boundaries::Conflict;
use crate::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::breakdown::{Breakdown, PerformerPart};
use crate::web::form::lines;
use crate::web::{AppState, FormBody, Len, render_form};
use crate::web::{Ctx, FieldErrors, Flash};

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
    /// Their own modesty garments and barriers, one per line.
    pub garments: String,
}

impl PartForm {
    /// The name of this performer's acts field, which its length message is kept under.
    pub fn acts_key(&self) -> String {
        format!("p{}_acts", self.cast_member_id)
    }

    /// The name of this performer's own garments field, which its messages are kept under.
    pub fn garments_key(&self) -> String {
        format!("p{}_garments", self.cast_member_id)
    }

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
    pub too_long: FieldErrors,
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
                        garments: part.map_or_else(String::new, |p| p.garments.clone()),
                    }
                })
                .collect(),
            garments: b.garments.clone(),
            stills_allowed: b.stills_allowed,
            closed_set: b.closed_set.join("\n"),
            monitor_list: b.monitor_list.join("\n"),
            too_long: FieldErrors::default(),
        }
    }

    fn read(body: &FormBody, people: &[(&CastMember, bool)]) -> EditorForm {
        let mut r = body.reader();
        EditorForm {
            kinds: r.all("kinds", Len::Code),
            parts: people
                .iter()
                .map(|(c, here)| {
                    let key = |what: &str| format!("p{}_{what}", c.cast_member_id);
                    PartForm {
                        cast_member_id: c.cast_member_id,
                        label: c.label(),
                        in_scene: *here,
                        nudity: r.text(key("nudity"), Len::Code),
                        shown: r.all(key("shown"), Len::Code),
                        touched: r.all(key("touched"), Len::Code),
                        touching: r.all(key("touching"), Len::Code),
                        acts: r.text(key("acts"), Len::Paragraph),
                        garments: r.text(key("garments"), Len::Paragraph),
                    }
                })
                .collect(),
            garments: r.text("garments", Len::Paragraph),
            stills_allowed: body.has("stills_allowed"),
            closed_set: r.text("closed_set", Len::Paragraph),
            monitor_list: r.text("monitor_list", Len::Paragraph),
            too_long: r.finish(),
        }
    }

    pub fn has_kind(&self, kind: &IntimacyKind) -> bool {
        self.kinds.iter().any(|k| k == kind.as_str())
    }

    fn parse(&self) -> std::result::Result<Breakdown, FieldErrors> {
        let mut errors = self.too_long.clone();
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
            let garments = lines(&part.garments).join("\n");
            // A performer with nothing asked of them has no part: the breakdown lists only
            // what someone agrees to.
            let asked = nudity.is_nudity()
                || !shown.is_empty()
                || !touched.is_empty()
                || !touching.is_empty()
                || !acts.is_empty();
            if !asked && !garments.is_empty() {
                errors.add(
                    part.garments_key(),
                    "Nothing is asked of this performer, so they have no part to wear these in: \
                     fill in what the scene asks of them, or clear this field.",
                );
            }
            if asked {
                performers.push(PerformerPart {
                    cast_member_id: part.cast_member_id,
                    nudity,
                    shown,
                    touched,
                    touching,
                    acts,
                    garments,
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
    /// Boundary conflicts with the stored breakdown, as this member may read them.
    conflicts: Vec<ConflictWarning>,
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

    /// The editor with `form` and no messages yet.
    fn new(
        ctx: Ctx,
        member: Member,
        scene: SceneRow,
        form: EditorForm,
        conflicts: Vec<ConflictWarning>,
    ) -> EditorPage {
        EditorPage {
            ctx,
            member,
            scene,
            form,
            errors: FieldErrors::default(),
            conflicts,
        }
    }

    fn with_errors(self, errors: FieldErrors) -> Self {
        EditorPage { errors, ..self }
    }

    /// The page; 422 when it shows form errors.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

async fn scene_cast_ids(state: &AppState, scene_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
            .bind(scene_id)
            .fetch_all(&state.pool)
            .await?,
    )
}

/// The editor page, warning of `conflicts` (cast member id, conflicts with the stored
/// breakdown) as far as `member` may read them.
pub async fn editor_page(
    state: AppState,
    ctx: Ctx,
    member: Member,
    scene_id: i64,
    conflicts: &[(i64, Vec<Conflict>)],
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let scene = load_scene(&state, &member, scene_id).await?;
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let in_scene = scene_cast_ids(&state, scene_id).await?;
    let current = read_breakdown(scene.breakdown.as_deref().unwrap_or("{}"));
    let people = part_people(&cast, &in_scene, &current);
    let form = EditorForm::from_breakdown(&current, &people);
    let warnings = conflict_warnings(&member, conflicts, &cast);
    EditorPage::new(ctx, member, scene, form, warnings).respond()
}

/// Saves the breakdown as sent; a refused form is shown again with `conflicts` as on
/// [`editor_page`], so the warning does not vanish while the coordinator corrects a field.
pub async fn save(
    state: AppState,
    ctx: Ctx,
    member: Member,
    session: Session,
    scene_id: i64,
    body: FormBody,
    conflicts: &[(i64, Vec<Conflict>)],
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let scene = load_scene(&state, &member, scene_id).await?;
    let production_id = member.production.production_id;
    let cast = cast_list(&state.pool, production_id).await?;
    let warnings = conflict_warnings(&member, conflicts, &cast);
    let in_scene = scene_cast_ids(&state, scene_id).await?;
    let current = read_breakdown(scene.breakdown.as_deref().unwrap_or("{}"));
    let people = part_people(&cast, &in_scene, &current);
    let form = EditorForm::read(&body, &people);
    let breakdown = match form.parse() {
        Ok(b) => b,
        Err(errors) => {
            return EditorPage::new(ctx, member, scene, form, warnings)
                .with_errors(errors)
                .respond();
        }
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
            return EditorPage::new(ctx, member, scene, form, warnings)
                .with_errors(errors)
                .respond();
        }
        SaveOutcome::MinorsRefused(message) => {
            errors.add("minors", message);
            return EditorPage::new(ctx, member, scene, form, warnings)
                .with_errors(errors)
                .respond();
        }
    }
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}", member.base())).into_response())
}
