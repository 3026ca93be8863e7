//! The coordinator's page of one performer in one flagged scene on a shoot day (R11): the rider
//! they stand on, what earlier reconfirmations took back, and the reconfirmation and closure
//! forms. Both are recorded at the server's time when submitted; no time is typed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::OffsetDateTime;

use super::day_facts::{DayFacts, DayScene, day_facts, day_scenes};
use super::narrowing::{Item, items};
use super::people::People;
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::on_set::recording_open;
use crate::vocab::scope::Narrowing;
use crate::vocab::scope::Scope;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, render_form};

/// The rider a performer stands on for a scene today: signed, not withdrawn or replaced, for the
/// scene's current version. Its scope is what a reconfirmation may narrow.
#[derive(sqlx::FromRow)]
struct ValidRider {
    rider_id: i64,
    scope: String,
}

#[derive(Template)]
#[template(path = "onset/performer.html")]
pub(super) struct PerformerPage {
    ctx: Ctx,
    member: Member,
    day: DayFacts,
    scene: DayScene,
    cast_member_id: i64,
    who: String,
    rider_id: Option<i64>,
    items: Vec<Item>,
    /// How many items earlier reconfirmations took back from this rider.
    earlier: usize,
    reconfirmations: Vec<(String, i32)>,
    closed: Option<String>,
    recording_open: bool,
    errors: FieldErrors,
}

impl PerformerPage {
    /// The page of one performer in one scene on the day, with empty forms. No query.
    pub fn new(ctx: Ctx, member: Member, facts: PerformerFacts, cast_member_id: i64) -> Self {
        let zone = &member.production.zone;
        let items = facts
            .rider
            .as_ref()
            .map(|(_, scope)| items(scope, &facts.already))
            .unwrap_or_default();
        PerformerPage {
            recording_open: recording_open(facts.day.shoot_date, zone.today()),
            rider_id: facts.rider.as_ref().map(|(id, _)| *id),
            items,
            earlier: facts
                .rider
                .as_ref()
                .map(|(_, scope)| facts.already.within(scope).count())
                .unwrap_or(0),
            reconfirmations: facts
                .reconfirmations
                .iter()
                .map(|(at, n)| (zone.clock_time(*at), *n))
                .collect(),
            closed: facts.closed.map(|at| zone.clock_time(at)),
            ctx,
            day: facts.day,
            scene: facts.scene,
            cast_member_id,
            who: facts.who,
            errors: FieldErrors::default(),
            member,
        }
    }

    /// The page with the errors of the form that failed.
    pub fn with_errors(self, errors: FieldErrors) -> Self {
        PerformerPage { errors, ..self }
    }

    /// 422 when the page carries form errors.
    pub fn render(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

/// What the performer page and its actions know of one performer in one scene on one day.
pub(super) struct PerformerFacts {
    pub day: DayFacts,
    pub scene: DayScene,
    pub who: String,
    pub rider: Option<(i64, Scope)>,
    pub already: Narrowing,
    reconfirmations: Vec<(OffsetDateTime, i32)>,
    pub closed: Option<OffsetDateTime>,
}

pub(super) async fn performer_facts(
    state: &AppState,
    member: &Member,
    shoot_day_id: i64,
    scene_id: i64,
    cast_member_id: i64,
) -> Result<PerformerFacts> {
    member.may(Action::RecordOnSet)?;
    let pool = &state.pool;
    let production_id = member.production.production_id;
    let day = day_facts(pool, production_id, shoot_day_id).await?;
    // Reconfirmations and closures are for flagged scenes; one that is only intimate (a kiss, a
    // dance) can be paused but asks no rider, so nothing here is recorded for it.
    let scene = day_scenes(pool, member, shoot_day_id, Some(scene_id))
        .await?
        .pop()
        .filter(|scene| scene.flagged)
        .ok_or(AppError::NotFound)?;
    let people = People::load(pool, production_id).await?;
    let who = people
        .of_scene(
            scene.scene_id,
            scene.breakdown.as_deref().unwrap_or("{}"),
            &scene.cast_ids,
        )
        .into_iter()
        .find(|(id, _)| *id == cast_member_id)
        .map(|(_, who)| who)
        .ok_or(AppError::NotFound)?;
    let rider: Option<ValidRider> = sqlx::query_as(
        "select r.rider_id, rs.scope::text as scope
         from rider r join rider_scene rs using (rider_id)
         join scene s on s.scene_id = rs.scene_id
         where rs.scene_id = $1 and r.cast_member_id = $2 and r.production_id = $3
           and r.signed_at is not null and r.revoked_at is null and rs.superseded_at is null
           and s.current_version_id in (rs.scene_version_id, rs.carried_to_version_id)
         order by r.rider_id desc limit 1",
    )
    .bind(scene_id)
    .bind(cast_member_id)
    .bind(production_id)
    .fetch_optional(pool)
    .await?;
    let rider = rider.and_then(|r| Some((r.rider_id, serde_json::from_str(&r.scope).ok()?)));
    // Earlier narrowings of that rider (on any day) and this day's records for this performer.
    #[derive(sqlx::FromRow)]
    struct Earlier {
        shoot_day_id: i64,
        rider_id: Option<i64>,
        narrowed: String,
        confirmed_at: OffsetDateTime,
        narrowed_count: i32,
    }
    let earlier: Vec<Earlier> = sqlx::query_as(
        "select shoot_day_id, rider_id, narrowed::text as narrowed, confirmed_at, narrowed_count
         from reconfirmation where scene_id = $1 and cast_member_id = $2 order by confirmed_at",
    )
    .bind(scene_id)
    .bind(cast_member_id)
    .fetch_all(pool)
    .await?;
    let mut already = Narrowing::default();
    for e in &earlier {
        if rider.as_ref().map(|(id, _)| *id) == e.rider_id
            && let Ok(n) = serde_json::from_str::<Narrowing>(&e.narrowed)
        {
            already.add(&n);
        }
    }
    let closed: Option<OffsetDateTime> = sqlx::query_scalar(
        "select closed_at from closure
         where shoot_day_id = $1 and scene_id = $2 and cast_member_id = $3",
    )
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(cast_member_id)
    .fetch_optional(pool)
    .await?;
    Ok(PerformerFacts {
        day,
        scene,
        who,
        rider,
        already,
        reconfirmations: earlier
            .iter()
            .filter(|e| e.shoot_day_id == shoot_day_id)
            .map(|e| (e.confirmed_at, e.narrowed_count))
            .collect(),
        closed,
    })
}

pub(super) async fn performer_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id, scene_id, cast_member_id)): Ids<(i64, i64, i64, i64)>,
) -> Result<Response> {
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    PerformerPage::new(ctx, member, facts, cast_member_id).render()
}
