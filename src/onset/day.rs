//! The phone page of a shoot day (R10, R11) and its pause actions: each intimate scene with its
//! Pause button and pause log, and for the coordinator, in flagged scenes, each performer's
//! reconfirmation and closure. A pause and its resolution are ledger events.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::day_facts::{DayFacts, DayScene, day_facts, day_scenes};
use super::pauses::{PauseRow, PauseView, visible};
use super::people::People;
use super::records::{DayRecords, PerformerLine};
use crate::access::Action;
use crate::choreography::day::{DayBeat, scene_beats};
use crate::consent::status::{Only, lines_for, production_status};
use crate::error::{AppError, Result};
use crate::ledger;
use crate::notifications;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::rules::on_set::pause_open;
use crate::vocab::LedgerEvent;
use crate::vocab::Role;
use crate::vocab::ledger_event::{OnDay, PausedBy};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, render_form};
use crate::web::{FormBody, Len};

// ---------------------------------------------------------------- the page

struct SceneCard {
    pub scene: DayScene,
    pub pauses: Vec<PauseView>,
    pub paused: bool,
    /// The viewer has an open pause here: their button would add nothing.
    pub mine_open: bool,
    pub performers: Vec<PerformerLine>,
    pub status: Option<StatusLine>,
    /// For the coordinator: the scene's beats in order, with hold points (issue #20).
    pub beats: Vec<DayBeat>,
}

#[derive(Template)]
#[template(path = "onset/on_set.html")]
struct OnSetPage {
    ctx: Ctx,
    member: Member,
    day: DayFacts,
    call: String,
    cards: Vec<SceneCard>,
    can_pause: bool,
    pause_open: bool,
    is_coordinator: bool,
    can_report: bool,
    errors: FieldErrors,
    /// The resolve form that failed, with what was typed.
    failed: Option<(i64, String)>,
}

impl OnSetPage {
    fn note_id(&self, pause_id: &i64) -> String {
        match &self.failed {
            Some((id, _)) if id == pause_id => "note".to_string(),
            _ => format!("note-{pause_id}"),
        }
    }
    fn note_value(&self, pause_id: &i64) -> &str {
        match &self.failed {
            Some((id, text)) if id == pause_id => text,
            _ => "",
        }
    }

    /// The on-set page of `day`, without form errors. A performer not called that day gets 404.
    async fn load(pool: &PgPool, ctx: Ctx, member: Member, day: DayFacts) -> Result<OnSetPage> {
        let production_id = member.production.production_id;
        let scenes = day_scenes(pool, &member, day.shoot_day_id, None).await?;
        if member.is(Role::Performer) && scenes.is_empty() {
            return Err(AppError::NotFound);
        }
        let pauses = visible(pool, &member, Some(day.shoot_day_id), None).await?;
        let is_coordinator = member.is(Role::Coordinator);
        let (records, people) = if is_coordinator {
            (
                DayRecords::load(pool, day.shoot_day_id).await?,
                People::load(pool, production_id).await?,
            )
        } else {
            (DayRecords::default(), People::default())
        };
        let statuses = if member.is(Role::Performer) {
            Vec::new()
        } else {
            lines_for(
                // This day's clearance only: the cost follows the day, not the production.
                &production_status(
                    pool,
                    &member.production,
                    Only::Dates(day.shoot_date, day.shoot_date),
                )
                .await?,
                None,
            )
        };
        let beats = if is_coordinator {
            let ids: Vec<i64> = scenes.iter().map(|s| s.scene_id).collect();
            scene_beats(pool, &ids).await?
        } else {
            Vec::new()
        };
        let cards = scenes
            .into_iter()
            .map(|scene| {
                let beats = beats
                    .iter()
                    .find(|b| b.scene_id == scene.scene_id)
                    .map(|b| b.day_beats())
                    .unwrap_or_default();
                let mine: Vec<&PauseRow> = pauses
                    .iter()
                    .filter(|p| p.scene_id == scene.scene_id)
                    .collect();
                let performers = if scene.flagged {
                    records.performers(&member, &scene, &people)
                } else {
                    Vec::new()
                };
                SceneCard {
                    paused: mine.iter().any(|p| p.open()),
                    mine_open: mine
                        .iter()
                        .any(|p| p.open() && p.paused_by == Some(member.user.user_id)),
                    pauses: mine.iter().map(|p| PauseView::of(&member, p)).collect(),
                    status: statuses
                        .iter()
                        .find(|l| {
                            l.scene_id == scene.scene_id && l.shoot_day_id == Some(day.shoot_day_id)
                        })
                        .cloned(),
                    performers,
                    beats,
                    scene,
                }
            })
            .collect();
        Ok(OnSetPage {
            ctx,
            call: member.production.zone.clock_time(day.call_at),
            cards,
            can_pause: member.can(Action::Pause),
            pause_open: pause_open(
                day.shoot_date,
                member.production.zone.local(OffsetDateTime::now_utc()),
            ),
            is_coordinator,
            can_report: member.can(Action::SeeDailyReport),
            errors: FieldErrors::default(),
            failed: None,
            day,
            member,
        })
    }

    /// The page with the resolve form of `pause_id` that failed, keeping what was typed.
    fn with_resolve_form(self, pause_id: i64, form: ResolveForm, errors: FieldErrors) -> Self {
        OnSetPage {
            failed: Some((pause_id, form.note)),
            errors,
            ..self
        }
    }

    /// 422 when the page carries form errors.
    fn render(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

pub(super) async fn on_set_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let day = day_facts(&state.pool, member.production.production_id, shoot_day_id).await?;
    OnSetPage::load(&state.pool, ctx, member, day)
        .await?
        .render()
}

// ---------------------------------------------------------------- pause and resolve (R10)

pub(super) async fn pause(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id, scene_id)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    member.may(Action::Pause)?;
    let production_id = member.production.production_id;
    let day = day_facts(&state.pool, production_id, shoot_day_id).await?;
    // A performer not in the scene (or the scene not intimate, or not on this day) gets 404.
    let scene = day_scenes(&state.pool, &member, shoot_day_id, Some(scene_id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let on_set = format!("{}/schedule/{shoot_day_id}/on-set", member.base());
    if !pause_open(
        day.shoot_date,
        member.production.zone.local(OffsetDateTime::now_utc()),
    ) {
        Flash::info(
            &session,
            format!(
                "Pause opens on the shoot day itself ({}). Nothing was recorded; if something is \
                 wrong before then, tell your coordinator.",
                crate::clock::format_date(day.shoot_date)
            ),
        )
        .await?;
        return Ok(Redirect::to(&on_set).into_response());
    }
    let mut tx = state.pool.begin().await?;
    // A pause is a consent write: it queues on the production's ledger lock before any row.
    ledger::lock(&mut tx, production_id).await?;
    let by = if member.is(Role::Coordinator) {
        PausedBy::Coordinator
    } else {
        PausedBy::Performer
    };
    let paused_as = match by {
        PausedBy::Coordinator => "coordinator",
        PausedBy::Performer => "performer",
    };
    // A second press while the same person's pause is open is that pause, not a new one.
    let inserted: Option<(i64, OffsetDateTime)> = sqlx::query_as(
        "insert into pause (production_id, shoot_day_id, scene_id, paused_by, paused_as)
         values ($1, $2, $3, $4, $5)
         on conflict (shoot_day_id, scene_id, paused_by) where resolved_at is null do nothing
         returning pause_id, paused_at",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(member.user.user_id)
    .bind(paused_as)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((pause_id, paused_at)) = inserted {
        // On the ledger: the scene, the day and the pauser's role (the entry's actor names
        // them, as for every event), never a reason.
        ledger::append(
            &mut tx,
            production_id,
            &LedgerEvent::Paused {
                on: scene.on(&day),
                by,
                pause_id,
            },
            None,
            Some(member.user.user_id),
        )
        .await?;
        // The scene, the day and who paused, never a reason (none is asked); coordinators and
        // directors hear it inside the pausing transaction, and live once it commits.
        notifications::notify_roles(
            &mut tx,
            production_id,
            &[Role::Coordinator, Role::Director],
            "scene_paused",
            &format!(
                "Scene {} is paused ({}), by {} at {}.",
                scene.number,
                day.label(),
                member.user.name,
                member.production.zone.clock_time(paused_at)
            ),
            &on_set,
        )
        .await?;
    }
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "Scene {} is paused. The intimacy coordinator and the director have been told.",
            scene.number
        ),
    )
    .await?;
    Ok(Redirect::to(&on_set).into_response())
}

/// The note a coordinator may leave when resolving a pause.
pub(super) struct ResolveForm {
    note: String,
    too_long: FieldErrors,
}

impl ResolveForm {
    fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        ResolveForm {
            note: r.text("note", Len::Paragraph),
            too_long: r.finish(),
        }
    }
}

pub(super) async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, pause_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::RecordOnSet)?;
    let form = ResolveForm::read(&body);
    let production_id = member.production.production_id;
    let found: Option<(i64, time::Date, i64, String, Option<i64>)> = sqlx::query_as(
        "select p.shoot_day_id, d.shoot_date, p.scene_id, s.number, p.paused_by from pause p
         join scene s on s.scene_id = p.scene_id
         join shoot_day d on d.shoot_day_id = p.shoot_day_id
         where p.pause_id = $1 and p.production_id = $2",
    )
    .bind(pause_id)
    .bind(production_id)
    .fetch_optional(&state.pool)
    .await?;
    let (shoot_day_id, shoot_date, scene_id, number, paused_by) =
        found.ok_or(AppError::NotFound)?;
    let note = form.note.trim().to_string();
    if !form.too_long.is_empty() || note.chars().count() > 2000 {
        let mut errors = form.too_long.clone();
        errors.add("note", "Keep the note to 2000 characters.");
        let day = day_facts(&state.pool, production_id, shoot_day_id).await?;
        return OnSetPage::load(&state.pool, ctx, member, day)
            .await?
            .with_resolve_form(pause_id, form, errors)
            .render();
    }
    let mut tx = state.pool.begin().await?;
    ledger::lock(&mut tx, production_id).await?;
    // `resolved_at is null`: a double submit resolves once and keeps the first note.
    let resolved: Option<i64> = sqlx::query_scalar(
        "update pause set resolved_at = now(), resolved_by = $3, resolution_note = $4
         where pause_id = $1 and production_id = $2 and resolved_at is null
         returning pause_id",
    )
    .bind(pause_id)
    .bind(production_id)
    .bind(member.user.user_id)
    .bind(&note)
    .fetch_optional(&mut *tx)
    .await?;
    let on_set = format!("{}/schedule/{shoot_day_id}/on-set", member.base());
    if resolved.is_some() {
        // On the ledger: the scene and the day; the entry's actor is the coordinator. The note
        // stays off it, with the pause.
        ledger::append(
            &mut tx,
            production_id,
            &LedgerEvent::Resumed {
                on: OnDay {
                    scene_id,
                    scene: number.clone(),
                    shoot_day_id,
                    shoot_date,
                },
                pause_id,
            },
            None,
            Some(member.user.user_id),
        )
        .await?;
        let message = format!("The pause of scene {number} is resolved; the scene may go on.");
        notifications::notify_roles(
            &mut tx,
            production_id,
            &[Role::Director],
            notifications::kind::PAUSE_RESOLVED,
            &message,
            &on_set,
        )
        .await?;
        // The person who paused hears it too, whoever they are.
        if let Some(user) = paused_by.filter(|id| *id != member.user.user_id) {
            notifications::notify(
                &mut tx,
                production_id,
                &[user],
                notifications::kind::PAUSE_RESOLVED,
                &format!("Your pause of scene {number} is resolved."),
                &on_set,
            )
            .await?;
        }
        tx.commit().await?;
        Flash::success(
            &session,
            format!("The pause of scene {number} is resolved."),
        )
        .await?;
    } else {
        drop(tx);
        Flash::info(&session, "That pause was already resolved.").await?;
    }
    Ok(Redirect::to(&on_set).into_response())
}
