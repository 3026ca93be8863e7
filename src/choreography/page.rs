//! The choreography page of a flagged scene and its beat forms. Directors and coordinators
//! read every beat and edit; a performer reads only the beats they are in; a producer reads
//! that the choreography exists, its size and how much was rehearsed, never a beat.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

use super::form::BeatForm;
use super::store::{self, SceneInfo};
use crate::access::Action;
use crate::consent::status::{Only, production_status};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::facts::{Clearance, Problem};
use crate::vocab::Role;
use crate::vocab::beat::{Beat, Choreography};
use crate::vocab::body::{BodyArea, NudityLevel};
use crate::vocab::scope::words;
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, render_form};

/// One beat as the page shows it.
pub struct BeatView {
    pub key: i64,
    pub no: usize,
    pub performers: String,
    /// (cast member, label) of each performer, for the check-ins.
    pub people: Vec<(i64, String)>,
    pub action: String,
    pub contacts: Vec<String>,
    pub exposures: Vec<String>,
    pub positions: String,
    pub garments: String,
    pub camera: String,
    pub hold_point: bool,
    /// "#2 Sam Lindqvist: Thighs touched": what the beat asks beyond a signed rider.
    pub beyond: Vec<String>,
    /// The last rehearsal's word on this beat, if any.
    pub rehearsal: Option<String>,
}

fn view(
    beat: &Beat,
    no: usize,
    scene: &SceneInfo,
    beyond: &HashMap<usize, Vec<(i64, String)>>,
    viewer: Option<i64>,
    rehearsal: Option<String>,
) -> BeatView {
    let name = |id: i64| scene.label(id);
    BeatView {
        key: beat.key,
        no,
        performers: beat
            .performers
            .iter()
            .map(|id| name(*id))
            .collect::<Vec<_>>()
            .join(", "),
        people: beat.performers.iter().map(|id| (*id, name(*id))).collect(),
        action: beat.action.clone(),
        contacts: beat
            .contacts
            .iter()
            .map(|c| {
                format!(
                    "{} touches {}: {}, with {}",
                    name(c.by),
                    name(c.to),
                    c.area.label(),
                    c.with.label().to_lowercase()
                )
            })
            .collect(),
        exposures: beat
            .exposures
            .iter()
            .map(|e| {
                let shown: Vec<&str> = e.shown.iter().map(|a| a.label()).collect();
                let shown = if shown.is_empty() {
                    String::new()
                } else {
                    format!("; shown: {}", shown.join(", "))
                };
                format!(
                    "{}: nudity {}{shown}",
                    name(e.cast_member_id),
                    e.nudity.label()
                )
            })
            .collect(),
        positions: beat.positions.clone(),
        garments: beat.garments.clone(),
        camera: beat.camera.clone(),
        hold_point: beat.hold_point,
        beyond: beyond
            .get(&no)
            .into_iter()
            .flatten()
            .filter(|(id, _)| viewer.is_none_or(|v| v == *id))
            .map(|(id, items)| format!("{}: {items}", name(*id)))
            .collect(),
        rehearsal,
    }
}

#[derive(Template)]
#[template(path = "choreography/page.html")]
struct ChoreographyPage {
    ctx: Ctx,
    member: Member,
    scene_id: i64,
    number: String,
    version: i32,
    beat_count: usize,
    rehearsed_count: usize,
    hold_points: usize,
    /// Directors, coordinators and performers read beats; producers do not.
    show_content: bool,
    is_performer: bool,
    beats: Vec<BeatView>,
    blocked_by_beats: bool,
    can_edit: bool,
    can_rehearse: bool,
    outcomes: [super::rehearse::Outcome; 3],
    cast: Vec<(i64, String)>,
    form: BeatForm,
    errors: FieldErrors,
    areas: &'static [BodyArea],
    nudities: &'static [NudityLevel],
}

/// The signed-in performer's cast member in this scene, or 404 when they are not in it.
async fn performer_in_scene(pool: &PgPool, member: &Member, scene: &SceneInfo) -> Result<i64> {
    let own: Option<i64> = sqlx::query_scalar(
        "select cast_member_id from cast_member where production_id = $1 and user_id = $2",
    )
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(pool)
    .await?;
    own.filter(|id| scene.cast.iter().any(|(c, _)| c == id))
        .ok_or(AppError::NotFound)
}

/// The last rehearsal outcome of each beat key, with the beat's hash at the time.
async fn rehearsals(pool: &PgPool, scene_id: i64) -> Result<HashMap<i64, (String, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "select distinct on (beat_key) beat_key, outcome, beat_hash from beat_rehearsal
         where scene_id = $1 order by beat_key, recorded_at desc, beat_rehearsal_id desc",
    )
    .bind(scene_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(k, outcome, hash)| (k, (outcome, hash)))
        .collect())
}

/// The word a beat's last rehearsal gets on the page: the outcome, and whether the beat was
/// changed in the app since.
pub fn rehearsal_word(beat: &Beat, mark: Option<&(String, String)>) -> Option<String> {
    let (outcome, hash) = mark?;
    let word = match outcome.as_str() {
        "rehearsed" => "Rehearsed as written",
        "changed" => "Changed at rehearsal",
        "dropped" => "Dropped at rehearsal",
        _ => return None,
    };
    if *hash != beat.content_hash() {
        Some(format!("{word}; edited since"))
    } else {
        Some(word.to_string())
    }
}

impl ChoreographyPage {
    async fn load(
        pool: &PgPool,
        ctx: Ctx,
        member: Member,
        scene_id: i64,
    ) -> Result<ChoreographyPage> {
        let scene = store::flagged_scene(pool, &member, scene_id).await?;
        let viewer = if member.is(Role::Performer) {
            Some(performer_in_scene(pool, &member, &scene).await?)
        } else {
            None
        };
        let current = store::current(pool, scene_id).await?;
        let marks = rehearsals(pool, scene_id).await?;
        let show_content = member.can(Action::ReadBeats);
        // What the beats ask beyond the riders, from the clearance itself: one source of truth.
        let mut beyond: HashMap<usize, Vec<(i64, String)>> = HashMap::new();
        if show_content {
            let statuses =
                production_status(pool, &member.production, Only::Scene(scene_id)).await?;
            // Every day the scene is on asks the same of the beats; a day already shot hears
            // none of them, so the reasons come from whichever days still can.
            for status in &statuses {
                let Clearance::Blocked(reasons) = &status.clearance else {
                    continue;
                };
                for r in reasons {
                    if let Problem::BeatBeyond { beat_no, items } = &r.problem {
                        let found = beyond.entry(*beat_no).or_default();
                        let line = (r.cast_member_id, words(items));
                        if !found.contains(&line) {
                            found.push(line);
                        }
                    }
                }
            }
        }
        let choreography = &current.choreography;
        let beats: Vec<BeatView> = if show_content {
            choreography
                .beats
                .iter()
                .enumerate()
                .filter(|(_, b)| viewer.is_none_or(|v| b.involves(v)))
                .map(|(i, b)| {
                    view(
                        b,
                        i + 1,
                        &scene,
                        &beyond,
                        viewer,
                        rehearsal_word(b, marks.get(&b.key)),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(ChoreographyPage {
            ctx,
            scene_id,
            number: scene.number.clone(),
            version: current.version,
            beat_count: choreography.beats.len(),
            rehearsed_count: choreography
                .beats
                .iter()
                .filter(|b| marks.contains_key(&b.key))
                .count(),
            hold_points: choreography.beats.iter().filter(|b| b.hold_point).count(),
            show_content,
            is_performer: viewer.is_some(),
            blocked_by_beats: beats.iter().any(|b| !b.beyond.is_empty()),
            beats,
            can_edit: member.can(Action::EditChoreography),
            can_rehearse: member.can(Action::RecordBeatRehearsal),
            outcomes: super::rehearse::Outcome::ALL,
            form: BeatForm::empty(&scene.cast),
            cast: scene.cast,
            errors: FieldErrors::default(),
            areas: BodyArea::all(),
            nudities: NudityLevel::all(),
            member,
        })
    }

    fn nudity_chosen(&self, row: &super::form::ExposureRow, level: &NudityLevel) -> bool {
        row.nudity == level.as_str()
    }
}

pub(super) async fn choreography_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::SeeChoreography)?;
    let page = ChoreographyPage::load(&state.pool, ctx, member, scene_id).await?;
    render_form(&page, false)
}

/// Reads, changes and writes the choreography under the scene's lock; a form with mistakes
/// comes back (422) keeping what was typed.
async fn change(
    state: &AppState,
    member: &Member,
    scene_id: i64,
    edit: impl FnOnce(&mut Choreography) -> Result<()>,
) -> Result<()> {
    let mut tx = state.pool.begin().await?;
    let mut current = store::lock_and_read(&mut tx, scene_id).await?;
    edit(&mut current.choreography)?;
    store::save(&mut tx, member, scene_id, &current.choreography).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn add_beat(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditChoreography)?;
    let scene = store::flagged_scene(&state.pool, &member, scene_id).await?;
    let form = BeatForm::read(&body, &scene.cast);
    let parsed = form.parse(0, &scene.cast);
    let beat = match parsed {
        Ok(beat) => beat,
        Err(errors) => {
            let page = ChoreographyPage::load(&state.pool, ctx, member, scene_id).await?;
            let page = ChoreographyPage {
                form,
                errors,
                ..page
            };
            return render_form(&page, true);
        }
    };
    change(&state, &member, scene_id, |c| {
        let at = form.index_in(c.beats.len());
        c.beats.insert(
            at,
            Beat {
                key: c.next_key(),
                ..beat
            },
        );
        Ok(())
    })
    .await?;
    Flash::success(
        &session,
        "The beat is added; the choreography has a new version.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}/choreography", member.base())).into_response())
}

#[derive(Template)]
#[template(path = "choreography/edit.html")]
struct EditPage {
    ctx: Ctx,
    member: Member,
    scene_id: i64,
    number: String,
    key: i64,
    cast: Vec<(i64, String)>,
    form: BeatForm,
    errors: FieldErrors,
    areas: &'static [BodyArea],
    nudities: &'static [NudityLevel],
}

impl EditPage {
    fn nudity_chosen(&self, row: &super::form::ExposureRow, level: &NudityLevel) -> bool {
        row.nudity == level.as_str()
    }
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id, key)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditChoreography)?;
    let scene = store::flagged_scene(&state.pool, &member, scene_id).await?;
    let current = store::current(&state.pool, scene_id).await?;
    let (place, beat) = current
        .choreography
        .beats
        .iter()
        .enumerate()
        .find(|(_, b)| b.key == key)
        .ok_or(AppError::NotFound)?;
    let page = EditPage {
        ctx,
        scene_id,
        number: scene.number.clone(),
        key,
        form: BeatForm::of(beat, place + 1, &scene.cast),
        cast: scene.cast,
        errors: FieldErrors::default(),
        areas: BodyArea::all(),
        nudities: NudityLevel::all(),
        member,
    };
    render_form(&page, false)
}

pub(super) async fn save_beat(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id, key)): Ids<(i64, i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditChoreography)?;
    let scene = store::flagged_scene(&state.pool, &member, scene_id).await?;
    let current = store::current(&state.pool, scene_id).await?;
    if !current.choreography.beats.iter().any(|b| b.key == key) {
        return Err(AppError::NotFound);
    }
    let form = BeatForm::read(&body, &scene.cast);
    let beat = match form.parse(key, &scene.cast) {
        Ok(beat) => beat,
        Err(errors) => {
            let page = EditPage {
                ctx,
                scene_id,
                number: scene.number.clone(),
                key,
                form,
                cast: scene.cast,
                errors,
                areas: BodyArea::all(),
                nudities: NudityLevel::all(),
                member,
            };
            return render_form(&page, true);
        }
    };
    change(&state, &member, scene_id, |c| {
        // Removed meanwhile by someone else: nothing to change.
        let Some(old) = c.beats.iter().position(|b| b.key == key) else {
            return Err(AppError::NotFound);
        };
        c.beats.remove(old);
        let at = form.index_in(c.beats.len());
        c.beats.insert(at, beat);
        Ok(())
    })
    .await?;
    Flash::success(
        &session,
        "The beat is saved; the choreography has a new version.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}/choreography", member.base())).into_response())
}

pub(super) async fn remove_beat(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, scene_id, key)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditChoreography)?;
    store::flagged_scene(&state.pool, &member, scene_id).await?;
    change(&state, &member, scene_id, |c| {
        let Some(at) = c.beats.iter().position(|b| b.key == key) else {
            return Err(AppError::NotFound);
        };
        c.beats.remove(at);
        Ok(())
    })
    .await?;
    Flash::success(
        &session,
        "The beat is removed; the choreography has a new version.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}/choreography", member.base())).into_response())
}
