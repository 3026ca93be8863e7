//! The phone page of a shoot day (R10, R11): each flagged scene with its Pause button and pause
//! log, and for the coordinator each performer's reconfirmation, narrowing and closure.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::pauses::{self, PauseRow, PauseView};
use super::{DayFacts, DayScene, People, clock, day_facts, day_scenes};
use crate::access::Action;
use crate::consent::ledger;
use crate::consent::status::{Only, lines_for, production_status};
use crate::error::{AppError, Result};
use crate::notifications;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::rules::on_set::{pause_open, recording_open};
use crate::vocab::LedgerEvent;
use crate::vocab::Role;
use crate::vocab::scope::Narrowing;
use crate::vocab::scope::Scope;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};

/// One performer of a scene on the coordinator's list.
pub(super) struct PerformerLine {
    pub cast_member_id: i64,
    pub label: String,
    pub reconfirmed: Option<String>,
    pub narrowed: i64,
    pub closed: Option<String>,
}

struct SceneCard {
    pub scene: DayScene,
    pub pauses: Vec<PauseView>,
    pub paused: bool,
    /// The viewer has an open pause here: their button would add nothing.
    pub mine_open: bool,
    pub performers: Vec<PerformerLine>,
    pub status: Option<StatusLine>,
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
}

/// A reconfirmation or closure of one performer in one scene, at a time.
#[derive(sqlx::FromRow)]
pub(super) struct TimeRow {
    scene_id: i64,
    cast_member_id: i64,
    pub at: OffsetDateTime,
    narrowed_count: i32,
}

/// A shoot day's reconfirmations and closures (R11), each in time order: what the coordinator's
/// phone page and the daily report are built from. Two queries.
#[derive(Default)]
pub(super) struct DayRecords {
    pub reconfirmations: Vec<TimeRow>,
    pub closures: Vec<TimeRow>,
}

impl DayRecords {
    pub async fn load(pool: &PgPool, shoot_day_id: i64) -> Result<DayRecords> {
        let reconfirmations = sqlx::query_as(
            "select scene_id, cast_member_id, confirmed_at as at, narrowed_count
             from reconfirmation where shoot_day_id = $1 order by confirmed_at",
        )
        .bind(shoot_day_id)
        .fetch_all(pool)
        .await?;
        let closures = sqlx::query_as(
            "select scene_id, cast_member_id, closed_at as at, 0 as narrowed_count
             from closure where shoot_day_id = $1 order by closed_at",
        )
        .bind(shoot_day_id)
        .fetch_all(pool)
        .await?;
        Ok(DayRecords {
            reconfirmations,
            closures,
        })
    }

    /// Each person who answers for a performer of the scene, with when they were reconfirmed,
    /// how many items they took back and when the closure was logged.
    pub fn performers(
        &self,
        member: &Member,
        scene: &DayScene,
        people: &People,
    ) -> Vec<PerformerLine> {
        let breakdown = scene.breakdown.as_deref().unwrap_or("{}");
        people
            .of_scene(scene.scene_id, breakdown, &scene.cast_ids)
            .into_iter()
            .map(|(id, label)| {
                let theirs = |rows: &[TimeRow]| -> Vec<(OffsetDateTime, i32)> {
                    rows.iter()
                        .filter(|r| r.scene_id == scene.scene_id && r.cast_member_id == id)
                        .map(|r| (r.at, r.narrowed_count))
                        .collect()
                };
                let reconfirmed = theirs(&self.reconfirmations);
                PerformerLine {
                    cast_member_id: id,
                    label,
                    reconfirmed: reconfirmed.first().map(|(at, _)| clock(member, *at)),
                    narrowed: reconfirmed.iter().map(|(_, n)| i64::from(*n)).sum(),
                    closed: theirs(&self.closures)
                        .first()
                        .map(|(at, _)| clock(member, *at)),
                }
            })
            .collect()
    }
}

pub(super) async fn on_set_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, shoot_day_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let day = day_facts(&state.pool, member.production.production_id, shoot_day_id).await?;
    on_set_response(&state, ctx, member, day, FieldErrors::default(), None).await
}

/// The on-set page; 422 when `errors` holds any. A performer not called that day gets 404.
pub(super) async fn on_set_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    day: DayFacts,
    errors: FieldErrors,
    failed: Option<(i64, String)>,
) -> Result<Response> {
    let pool = &state.pool;
    let production_id = member.production.production_id;
    let scenes = day_scenes(pool, &member, day.shoot_day_id, None).await?;
    if member.is(Role::Performer) && scenes.is_empty() {
        return Err(AppError::NotFound);
    }
    let pauses = pauses::visible(pool, &member, Some(day.shoot_day_id), None).await?;
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
    let cards = scenes
        .into_iter()
        .map(|scene| {
            let mine: Vec<&PauseRow> = pauses
                .iter()
                .filter(|p| p.scene_id == scene.scene_id)
                .collect();
            let performers = records.performers(&member, &scene, &people);
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
                scene,
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &OnSetPage {
            ctx,
            call: clock(&member, day.call_at),
            cards,
            can_pause: member.can(Action::Pause),
            pause_open: pause_open(
                day.shoot_date,
                member.production.zone.local(OffsetDateTime::now_utc()),
            ),
            is_coordinator,
            can_report: member.can(Action::SeeDailyReport),
            errors,
            failed,
            day,
            member,
        },
    )
}

// ---------------------------------------------------------------- one performer of a scene

/// The rider a performer stands on for a scene today: signed, not withdrawn or replaced, for the
/// scene's current version. Its scope is what a reconfirmation may narrow.
#[derive(sqlx::FromRow)]
struct ValidRider {
    rider_id: i64,
    scope: String,
}

/// One item of a signed scope, as a checkbox: `act:Kisses on the mouth`, `shown:breasts`.
struct Item {
    pub value: String,
    pub label: String,
}

/// Every item of `scope` a narrowing can take back, less those already taken back.
fn items(scope: &Scope, already: &Narrowing) -> Vec<Item> {
    let mut out = Vec::new();
    for act in scope.acts.difference(&already.acts) {
        out.push(Item {
            value: format!("act:{act}"),
            label: format!("Act: {act}"),
        });
    }
    for (key, word, areas, taken) in [
        ("shown", "Shown", &scope.shown, &already.shown),
        ("touched", "Touched", &scope.touched, &already.touched),
        (
            "touching",
            "Touching with",
            &scope.touching,
            &already.touching,
        ),
    ] {
        for area in areas.difference(taken) {
            out.push(Item {
                value: format!("{key}:{}", area.as_str()),
                label: format!("{word}: {}", area.label()),
            });
        }
    }
    for (key, label, agreed, taken) in [
        (
            "in_picture",
            "Use in the picture",
            scope.uses.in_picture,
            already.in_picture,
        ),
        (
            "trailers",
            "Use in trailers and marketing",
            scope.uses.trailers,
            already.trailers,
        ),
        ("stills", "Use in stills", scope.uses.stills, already.stills),
    ] {
        if agreed && !taken {
            out.push(Item {
                value: format!("use:{key}"),
                label: label.to_string(),
            });
        }
    }
    out
}

/// What the unticked boxes take back: every offered item not kept.
fn taken_back(offered: &[Item], kept: &[String]) -> Narrowing {
    let mut n = Narrowing::default();
    for item in offered.iter().filter(|i| !kept.contains(&i.value)) {
        let Some((kind, what)) = item.value.split_once(':') else {
            continue;
        };
        match kind {
            "act" => {
                n.acts.insert(what.to_string());
            }
            "use" => match what {
                "in_picture" => n.in_picture = true,
                "trailers" => n.trailers = true,
                _ => n.stills = true,
            },
            _ => {
                if let Ok(area) = what.parse() {
                    match kind {
                        "shown" => n.shown.insert(area),
                        "touched" => n.touched.insert(area),
                        _ => n.touching.insert(area),
                    };
                }
            }
        }
    }
    n
}

#[derive(Template)]
#[template(path = "onset/performer.html")]
struct PerformerPage {
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
    time: String,
    closure_time: String,
}

struct PerformerFacts {
    day: DayFacts,
    scene: DayScene,
    who: String,
    rider: Option<(i64, Scope)>,
    already: Narrowing,
    reconfirmations: Vec<(OffsetDateTime, i32)>,
    closed: Option<OffsetDateTime>,
}

async fn performer_facts(
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
    let scene = day_scenes(pool, member, shoot_day_id, Some(scene_id))
        .await?
        .pop()
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
           and r.signed_at is not null and r.revoked_at is null and r.superseded_at is null
           and rs.scene_version_id = s.current_version_id
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

fn performer_response(
    member: Member,
    ctx: Ctx,
    facts: PerformerFacts,
    cast_member_id: i64,
    errors: FieldErrors,
    time: String,
    closure_time: String,
) -> Result<Response> {
    let items = facts
        .rider
        .as_ref()
        .map(|(_, scope)| items(scope, &facts.already))
        .unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let today = member.production.zone.today();
    render_with_status(
        status,
        &PerformerPage {
            recording_open: recording_open(facts.day.shoot_date, today),
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
                .map(|(at, n)| (clock(&member, *at), *n))
                .collect(),
            closed: facts.closed.map(|at| clock(&member, at)),
            ctx,
            day: facts.day,
            scene: facts.scene,
            cast_member_id,
            who: facts.who,
            errors,
            time,
            closure_time,
            member,
        },
    )
}

pub(super) async fn performer_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, shoot_day_id, scene_id, cast_member_id)): Path<(i64, i64, i64, i64)>,
) -> Result<Response> {
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    performer_response(
        member,
        ctx,
        facts,
        cast_member_id,
        FieldErrors::default(),
        String::new(),
        String::new(),
    )
}

/// When it happened: the typed time on the shoot date (production clocks), or now when blank.
fn when(
    member: &Member,
    day: &DayFacts,
    typed: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<OffsetDateTime> {
    let now = OffsetDateTime::now_utc();
    if typed.trim().is_empty() {
        return Some(now);
    }
    let Some(time) = crate::clock::parse_time(typed) else {
        errors.add(
            field,
            "Enter the time as hours and minutes, for example 07:40, or leave it empty for now.",
        );
        return None;
    };
    match crate::clock::local_to_utc(day.shoot_date, time, member.production.zone.tz()) {
        Ok(at) if at <= now => Some(at),
        Ok(_) => {
            errors.add(
                field,
                "That time is still to come; record it when it happens.",
            );
            None
        }
        Err(e) => {
            errors.add(field, e.to_string());
            None
        }
    }
}

fn not_yet(day: &DayFacts) -> String {
    format!(
        "This is recorded on the shoot day itself or after, from {}.",
        crate::clock::format_date(day.shoot_date)
    )
}

pub(super) async fn reconfirm(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, shoot_day_id, scene_id, cast_member_id)): Path<(i64, i64, i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    let form = FormBody::parse(&body);
    let typed = form.get("time");
    let mut errors = FieldErrors::default();
    let today = member.production.zone.today();
    if !recording_open(facts.day.shoot_date, today) {
        errors.add("time", not_yet(&facts.day));
    }
    if facts.scene.shot_at.is_some() {
        errors.add(
            "time",
            "This scene is already marked shot on this day; record the closure instead.",
        );
    }
    let at = when(&member, &facts.day, &typed, "time", &mut errors);
    let shown_rider = form.get("rider_id").parse::<i64>().ok();
    let rider = match &facts.rider {
        None => {
            errors.add(
                "keep",
                "There is no signed rider in place for this performer and scene: consent cannot \
                 be reconfirmed, and the scene stays blocked for them.",
            );
            None
        }
        Some((id, _)) if Some(*id) != shown_rider => {
            errors.add(
                "keep",
                "The rider changed while this page was open. Check the items below again.",
            );
            None
        }
        Some(rider) => Some(rider.clone()),
    };
    let (Some(at), Some((rider_id, scope)), true) = (at, rider, errors.is_empty()) else {
        return performer_response(
            member,
            ctx,
            facts,
            cast_member_id,
            errors,
            typed,
            String::new(),
        );
    };
    let offered = items(&scope, &facts.already);
    let narrowing = taken_back(&offered, &form.all("keep"));
    let count = narrowing.count();
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "insert into reconfirmation (production_id, shoot_day_id, scene_id, cast_member_id,
                                     rider_id, narrowed, narrowed_count, confirmed_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(cast_member_id)
    .bind(rider_id)
    .bind(serde_json::to_string(&narrowing).map_err(anyhow::Error::from)?)
    .bind(i32::try_from(count).unwrap_or(i32::MAX))
    .bind(at)
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    let number = &facts.scene.number;
    if count > 0 {
        // Taking back is consent withdrawn in part: on the ledger, and everyone who must stop
        // the scene hears it at once (without what was taken back).
        ledger::append(
            &mut tx,
            production_id,
            &LedgerEvent::Narrowed {
                scene: number.clone(),
                shoot_date: facts.day.shoot_date,
                taken_back: narrowing.clone(),
            },
            Some(rider_id),
            Some(member.user.user_id),
        )
        .await?;
        notifications::notify_roles(
            &mut tx,
            production_id,
            &[Role::Coordinator, Role::Producer, Role::Director],
            notifications::kind::CONSENT_NARROWED,
            &format!(
                "{} narrowed consent for scene {number} on the day: the scene is blocked for \
                 what was taken back.",
                facts.who
            ),
            &format!("{}/scenes/{scene_id}", member.base()),
        )
        .await?;
    }
    tx.commit().await?;
    let message = if count > 0 {
        format!(
            "{} is reconfirmed for scene {number}, narrowed: {count} item{} taken back.",
            facts.who,
            if count == 1 { "" } else { "s" }
        )
    } else {
        format!("{} is reconfirmed for scene {number}.", facts.who)
    };
    Flash::success(&session, message).await?;
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}/on-set", member.base())).into_response())
}

pub(super) async fn closure(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, shoot_day_id, scene_id, cast_member_id)): Path<(i64, i64, i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    let facts = performer_facts(&state, &member, shoot_day_id, scene_id, cast_member_id).await?;
    let form = FormBody::parse(&body);
    let typed = form.get("closure_time");
    let mut errors = FieldErrors::default();
    if !recording_open(facts.day.shoot_date, member.production.zone.today()) {
        errors.add("closure_time", not_yet(&facts.day));
    }
    if let Some(at) = facts.closed {
        errors.add(
            "closure_time",
            format!(
                "The closure is already recorded, at {}.",
                clock(&member, at)
            ),
        );
    }
    let at = when(&member, &facts.day, &typed, "closure_time", &mut errors);
    let (Some(at), true) = (at, errors.is_empty()) else {
        return performer_response(
            member,
            ctx,
            facts,
            cast_member_id,
            errors,
            String::new(),
            typed,
        );
    };
    let inserted = sqlx::query(
        "insert into closure (production_id, shoot_day_id, scene_id, cast_member_id, closed_at,
                              recorded_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict on constraint closure_key do nothing",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(cast_member_id)
    .bind(at)
    .bind(member.user.user_id)
    .execute(&state.pool)
    .await?;
    if inserted.rows_affected() == 1 {
        Flash::success(
            &session,
            format!(
                "Closure recorded for {} in scene {} at {}.",
                facts.who,
                facts.scene.number,
                clock(&member, at)
            ),
        )
        .await?;
    } else {
        Flash::info(&session, "The closure was already recorded.").await?;
    }
    Ok(Redirect::to(&format!("{}/schedule/{shoot_day_id}/on-set", member.base())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::body::{BodyArea, NudityLevel};
    use crate::vocab::breakdown::PerformerPart;
    use crate::vocab::scope::Uses;

    #[test]
    fn unticked_items_are_taken_back_and_nothing_else() {
        let scope = Scope::from_part(
            &PerformerPart {
                cast_member_id: 1,
                nudity: NudityLevel::PartialUpper,
                shown: vec![BodyArea::Breasts, BodyArea::UpperBack],
                touched: vec![BodyArea::Neck],
                touching: vec![],
                acts: vec!["Kiss".into(), "Embrace".into()],
            },
            Uses {
                in_picture: true,
                trailers: true,
                stills: false,
            },
            false,
        );
        let offered = items(&scope, &Narrowing::default());
        assert_eq!(offered.len(), 7);
        let all: Vec<String> = offered.iter().map(|i| i.value.clone()).collect();
        assert!(taken_back(&offered, &all).is_empty());
        let kept: Vec<String> = all
            .iter()
            .filter(|v| *v != "act:Kiss" && *v != "shown:breasts" && *v != "use:trailers")
            .cloned()
            .collect();
        let n = taken_back(&offered, &kept);
        assert_eq!(n.count(), 3);
        assert!(n.acts.contains("Kiss") && n.shown.contains(&BodyArea::Breasts) && n.trailers);
        // Already taken back: not offered again.
        assert_eq!(items(&scope, &n).len(), 4);
    }
}
