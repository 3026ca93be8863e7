//! R10 pauses: one press by a performer in the scene or a coordinator, no reason asked, logged
//! and announced to coordinators and directors at once; "Paused" shows until a coordinator resolves it.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::{clock, day_facts, day_scenes};
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::notifications;
use crate::productions::Member;
use crate::rules::on_set::pause_open;
use crate::schedule::board::DayView;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash};

pub(super) async fn pause(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, shoot_day_id, scene_id)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    member.may(Action::Pause)?;
    let production_id = member.production.production_id;
    let day = day_facts(&state.pool, production_id, shoot_day_id).await?;
    // A performer not in the scene (or the scene not flagged, or not on this day) gets 404.
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
    let paused_as = if member.is(Role::Coordinator) {
        "coordinator"
    } else {
        "performer"
    };
    // A second press while the same person's pause is open is that pause, not a new one.
    let inserted: Option<OffsetDateTime> = sqlx::query_scalar(
        "insert into pause (production_id, shoot_day_id, scene_id, paused_by, paused_as)
         values ($1, $2, $3, $4, $5)
         on conflict (shoot_day_id, scene_id, paused_by) where resolved_at is null do nothing
         returning paused_at",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(member.user.user_id)
    .bind(paused_as)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(paused_at) = inserted {
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
                clock(&member, paused_at)
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

/// A pause as the on-set page, the report and the scene page show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PauseRow {
    pub pause_id: i64,
    pub shoot_day_id: i64,
    pub shoot_date: time::Date,
    pub scene_id: i64,
    pub number: String,
    pub paused_by: Option<i64>,
    pub paused_by_name: Option<String>,
    pub paused_as: String,
    pub paused_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
    pub resolved_by_name: Option<String>,
    pub resolution_note: String,
}

impl PauseRow {
    pub fn open(&self) -> bool {
        self.resolved_at.is_none()
    }
    /// How the producers' report names the pauser (see `pauser_role`).
    pub fn by_role(&self) -> &'static str {
        pauser_role(&self.paused_as)
    }
}

/// "the intimacy coordinator" or "a performer in the scene": how pages that must not say who
/// paused (the producer's dashboard, the daily report, DOMAIN §4) name the pauser.
pub fn pauser_role(paused_as: &str) -> &'static str {
    if paused_as == "coordinator" {
        "the intimacy coordinator"
    } else {
        "a performer in the scene"
    }
}

/// A pause as this viewer may see it.
pub struct PauseView {
    pub pause_id: i64,
    /// The pauser's name for coordinators and directors, "You" for the pauser, else the role.
    pub by: String,
    pub at: String,
    pub open: bool,
    /// "Resolved at 14:20 by Morgan Ellis".
    pub resolved: String,
    pub note: String,
    /// "Tue 24 Nov 2026".
    pub date: String,
}

impl PauseView {
    pub fn of(member: &Member, p: &PauseRow) -> PauseView {
        let by = if p.paused_by == Some(member.user.user_id) {
            "you".to_string()
        } else if sees_pausers(member) {
            p.paused_by_name
                .clone()
                .unwrap_or_else(|| p.by_role().to_string())
        } else {
            p.by_role().to_string()
        };
        PauseView {
            pause_id: p.pause_id,
            by,
            at: clock(member, p.paused_at),
            open: p.open(),
            resolved: p
                .resolved_at
                .map(|at| match &p.resolved_by_name {
                    Some(name) => format!("Resolved at {} by {name}", clock(member, at)),
                    None => format!("Resolved at {}", clock(member, at)),
                })
                .unwrap_or_default(),
            note: p.resolution_note.clone(),
            date: crate::clock::format_date(p.shoot_date),
        }
    }
}

/// Who may see who paused, and every pause: coordinators and directors. Producers see that a
/// scene is paused, not by whom; a performer sees only their own pauses.
fn sees_pausers(member: &Member) -> bool {
    member.is(Role::Coordinator) || member.is(Role::Director)
}

/// The pauses this member may see, on one day and/or one scene, oldest first.
pub async fn visible(
    pool: &PgPool,
    member: &Member,
    shoot_day_id: Option<i64>,
    scene_id: Option<i64>,
) -> Result<Vec<PauseRow>> {
    let only_own = member.is(Role::Performer).then_some(member.user.user_id);
    Ok(sqlx::query_as(
        "select p.pause_id, p.shoot_day_id, d.shoot_date, p.scene_id, s.number, p.paused_by,
                u.name as paused_by_name, p.paused_as, p.paused_at, p.resolved_at,
                r.name as resolved_by_name, p.resolution_note
         from pause p
         join scene s on s.scene_id = p.scene_id
         join shoot_day d on d.shoot_day_id = p.shoot_day_id
         left join app_user u on u.user_id = p.paused_by
         left join app_user r on r.user_id = p.resolved_by
         where p.production_id = $1
           and ($2::bigint is null or p.shoot_day_id = $2)
           and ($3::bigint is null or p.scene_id = $3)
           and ($4::bigint is null or p.paused_by = $4)
         order by p.paused_at, p.pause_id",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(only_own)
    .fetch_all(pool)
    .await?)
}

/// Marks each strip with an open pause this member may see as "Paused". One query.
pub async fn mark_paused(pool: &PgPool, member: &Member, days: &mut [DayView]) -> Result<()> {
    let only_own = member.is(Role::Performer).then_some(member.user.user_id);
    let open: Vec<(i64, i64)> = sqlx::query_as(
        "select distinct shoot_day_id, scene_id from pause
         where production_id = $1 and resolved_at is null
           and ($2::bigint is null or paused_by = $2)",
    )
    .bind(member.production.production_id)
    .bind(only_own)
    .fetch_all(pool)
    .await?;
    for strip in days.iter_mut().flat_map(|d| d.strips.iter_mut()) {
        strip.paused = open.contains(&(strip.shoot_day_id, strip.scene_id));
    }
    Ok(())
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct ResolveForm {
    note: String,
}

pub(super) async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, pause_id)): Path<(i64, i64)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response> {
    member.may(Action::RecordOnSet)?;
    let production_id = member.production.production_id;
    let found: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "select p.shoot_day_id, s.number, p.paused_by from pause p
         join scene s on s.scene_id = p.scene_id
         where p.pause_id = $1 and p.production_id = $2",
    )
    .bind(pause_id)
    .bind(production_id)
    .fetch_optional(&state.pool)
    .await?;
    let (shoot_day_id, number, paused_by) = found.ok_or(AppError::NotFound)?;
    let note = form.note.trim().to_string();
    if note.chars().count() > 2000 {
        let mut errors = FieldErrors::default();
        errors.add("note", "Keep the note to 2000 characters.");
        let day = day_facts(&state.pool, production_id, shoot_day_id).await?;
        return super::day::on_set_response(
            &state,
            ctx,
            member,
            day,
            errors,
            Some((pause_id, form.note)),
        )
        .await;
    }
    let mut tx = state.pool.begin().await?;
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
