//! Consent on set: marking a scene shot on its shoot day, after call, while cleared (R3: later
//! revocation leaves those takes alone) and undoing a mark made in error, both on the ledger;
//! and assigning a double for a performer in a scene (R4: the double signs their own rider).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::consent::status::{self, Only};
use crate::error::{AppError, Result};
use crate::ledger;
use crate::productions::Member;
use crate::rules::facts::Clearance;
use crate::rules::minors::is_restricted;
use crate::rules::minors::{self, CastAge};
use crate::rules::shot::may_mark_shot;
use crate::vocab::LedgerEvent;
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::ledger_event::OnDay;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, render_form};
use crate::web::{FormBody, Len};
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/scenes/{scene_id}/shot",
            post(mark_shot),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/scenes/{scene_id}/unshot",
            post(undo_shot),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/doubles",
            get(doubles_page).post(assign_double),
        )
}

/// The scene on the day as the shot mark needs it.
#[derive(sqlx::FromRow)]
struct Placement {
    number: String,
    shoot_date: time::Date,
    call_at: time::OffsetDateTime,
    shot: bool,
    /// A hold (R10) stands for the scene on this day.
    paused: bool,
}

async fn placement(
    conn: &mut sqlx::PgConnection,
    production_id: i64,
    shoot_day_id: i64,
    scene_id: i64,
) -> Result<Placement> {
    sqlx::query_as(
        "select s.number, d.shoot_date, d.call_at, ds.shot_at is not null as shot,
                exists (select 1 from pause p
                        where p.shoot_day_id = ds.shoot_day_id and p.scene_id = ds.scene_id
                          and p.resolved_at is null) as paused
         from shoot_day_scene ds
         join shoot_day d on d.shoot_day_id = ds.shoot_day_id
         join scene s on s.scene_id = ds.scene_id
         where ds.shoot_day_id = $1 and ds.scene_id = $2 and ds.production_id = $3
         for update of ds",
    )
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// Sets (or, undoing a mistake, clears) the shot mark and puts it on the ledger naming who,
/// inside the caller's transaction and ledger lock.
async fn set_mark(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    shoot_day_id: i64,
    scene_id: i64,
    place: &Placement,
    member: &Member,
    shot: bool,
) -> Result<()> {
    sqlx::query(
        "update shoot_day_scene
         set shot_at = case when $4 then now() end, shot_by = case when $4 then $5 end
         where shoot_day_id = $1 and scene_id = $2 and production_id = $3",
    )
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(production_id)
    .bind(shot)
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    let on = OnDay {
        scene_id,
        scene: place.number.clone(),
        shoot_day_id,
        shoot_date: place.shoot_date,
    };
    let event = if shot {
        LedgerEvent::Shot(on)
    } else {
        LedgerEvent::ShotUndone(on)
    };
    ledger::append(tx, production_id, &event, None, Some(member.user.user_id)).await?;
    Ok(())
}

/// Marks a scene shot on its day: only on that day, after call, while it is cleared and no hold
/// stands; a ledger event names who marked it. Takes marked shot are out of a later
/// withdrawal's reach (R3), so the mark is never a way around one.
async fn mark_shot(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id, scene_id)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    member.may(Action::MarkShot)?;
    let production_id = member.production.production_id;
    let back = format!("{}/schedule/{shoot_day_id}", member.base());
    let mut tx = state.pool.begin().await?;
    ledger::lock(&mut tx, production_id).await?;
    let place = placement(&mut tx, production_id, shoot_day_id, scene_id).await?;
    if place.shot {
        drop(tx);
        Flash::info(&session, "That scene was already marked shot.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    // Clearance as it stands now, inside the lock: a withdrawal cannot slip in between.
    let statuses =
        status::production_status_on(&mut tx, &member.production, Only::Scene(scene_id)).await?;
    let clearance = statuses
        .iter()
        .find(|s| s.shoot_day_id == Some(shoot_day_id))
        .map(|s| s.clearance.clone())
        .unwrap_or(Clearance::NotFlagged);
    let now_local = member.production.zone.local(OffsetDateTime::now_utc());
    let allowed = if place.paused {
        Err(
            "This scene is on hold. The coordinator resolves the hold first; nothing was \
             recorded."
                .to_string(),
        )
    } else {
        may_mark_shot(place.shoot_date, place.call_at, now_local, &clearance)
            .map_err(|not_yet| not_yet.to_string())
    };
    if let Err(message) = allowed {
        drop(tx);
        Flash::info(&session, message).await?;
        return Ok(Redirect::to(&back).into_response());
    }
    set_mark(
        &mut tx,
        production_id,
        shoot_day_id,
        scene_id,
        &place,
        &member,
        true,
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!("Scene {} is marked shot on this day.", place.number),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// Undoes a shot mark made in error: the coordinator only, and on the ledger too.
async fn undo_shot(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id, scene_id)): Ids<(i64, i64, i64)>,
) -> Result<Response> {
    member.may(Action::UndoShot)?;
    let production_id = member.production.production_id;
    let back = format!("{}/schedule/{shoot_day_id}", member.base());
    let mut tx = state.pool.begin().await?;
    ledger::lock(&mut tx, production_id).await?;
    let place = placement(&mut tx, production_id, shoot_day_id, scene_id).await?;
    if !place.shot {
        drop(tx);
        Flash::info(&session, "That scene is not marked shot.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    set_mark(
        &mut tx,
        production_id,
        shoot_day_id,
        scene_id,
        &place,
        &member,
        false,
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "The shot mark of scene {} is undone; consent applies to it again.",
            place.number
        ),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

// ---------------------------------------------------------------- doubles

#[derive(sqlx::FromRow)]
struct SceneFacts {
    number: String,
    breakdown: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DoubleRow {
    original: String,
    double: String,
}

#[derive(Default)]
struct DoubleForm {
    original_cast_member_id: String,
    double_cast_member_id: String,
}

impl DoubleForm {
    fn read(body: &FormBody) -> DoubleForm {
        let mut r = body.reader();
        DoubleForm {
            original_cast_member_id: r.text("original_cast_member_id", Len::Code),
            double_cast_member_id: r.text("double_cast_member_id", Len::Code),
        }
    }
}

#[derive(Template)]
#[template(path = "consent/rider_doubles.html")]
struct DoublesPage {
    ctx: Ctx,
    member: Member,
    scene_id: i64,
    number: String,
    doubles: Vec<DoubleRow>,
    in_scene: Vec<CastMember>,
    cast: Vec<CastMember>,
    can_edit: bool,
    form: DoubleForm,
    errors: FieldErrors,
}

impl DoublesPage {
    fn original_chosen(&self, id: &i64) -> bool {
        self.form.original_cast_member_id == id.to_string()
    }
    fn double_chosen(&self, id: &i64) -> bool {
        self.form.double_cast_member_id == id.to_string()
    }
}

async fn scene_facts(state: &AppState, member: &Member, scene_id: i64) -> Result<SceneFacts> {
    sqlx::query_as(
        "select s.number, v.breakdown::text as breakdown
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)
}

impl DoublesPage {
    /// The scene's doubles and, for who may assign one, an empty form.
    async fn load(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        scene_id: i64,
    ) -> Result<DoublesPage> {
        let facts = scene_facts(state, &member, scene_id).await?;
        let doubles: Vec<DoubleRow> = sqlx::query_as(
            "select '#' || o.cast_number || ' ' || o.name as original,
                    '#' || d.cast_number || ' ' || d.name as double
             from scene_double sd
             join cast_member o on o.cast_member_id = sd.original_cast_member_id
             join cast_member d on d.cast_member_id = sd.double_cast_member_id
             where sd.scene_id = $1 order by o.cast_number",
        )
        .bind(scene_id)
        .fetch_all(&state.pool)
        .await?;
        let cast = cast_list(&state.pool, member.production.production_id).await?;
        let in_scene_ids: Vec<i64> =
            sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
                .bind(scene_id)
                .fetch_all(&state.pool)
                .await?;
        let in_scene = cast
            .iter()
            .filter(|c| in_scene_ids.contains(&c.cast_member_id))
            .cloned()
            .collect();
        Ok(DoublesPage {
            ctx,
            can_edit: member.can(Action::AssignDoubles),
            member,
            scene_id,
            number: facts.number,
            doubles,
            in_scene,
            cast,
            form: DoubleForm::default(),
            errors: FieldErrors::default(),
        })
    }

    /// A refused assignment: the form as it was chosen, with messages beside its fields.
    fn with_form(self, form: DoubleForm, errors: FieldErrors) -> DoublesPage {
        DoublesPage {
            form,
            errors,
            ..self
        }
    }

    /// 200, or 422 when the form has errors.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

async fn doubles_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::SeeDoubles)?;
    DoublesPage::load(&state, ctx, member, scene_id)
        .await?
        .respond()
}

async fn assign_double(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::AssignDoubles)?;
    let form = DoubleForm::read(&body);
    let production_id = member.production.production_id;
    let facts = scene_facts(&state, &member, scene_id).await?;
    let cast = cast_list(&state.pool, production_id).await?;
    let in_scene: Vec<i64> =
        sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
            .bind(scene_id)
            .fetch_all(&state.pool)
            .await?;
    let mut errors = FieldErrors::default();
    let original = form
        .original_cast_member_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| in_scene.contains(id));
    if original.is_none() {
        errors.add(
            "original_cast_member_id",
            format!("Choose a performer who is in scene {}.", facts.number),
        );
    }
    let double = form
        .double_cast_member_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| cast.iter().find(|c| c.cast_member_id == id));
    match double {
        None => errors.add(
            "double_cast_member_id",
            "Choose the double from the cast list.",
        ),
        Some(d) if Some(d.cast_member_id) == original => errors.add(
            "double_cast_member_id",
            "A performer cannot double for themself; choose someone else.",
        ),
        Some(_) => {}
    }
    let (Some(original), Some(double), true) = (original, double, errors.is_empty()) else {
        return DoublesPage::load(&state, ctx, member, scene_id)
            .await?
            .with_form(form, errors)
            .respond();
    };

    let mut tx = state.pool.begin().await?;
    // R5 holds for doubles too: nobody under 18 stands in for nudity or simulated sex.
    let breakdown = read_breakdown(facts.breakdown.as_deref().unwrap_or("{}"));
    if is_restricted(&breakdown) {
        let dates: Vec<time::Date> = sqlx::query_scalar(
            "select d.shoot_date from shoot_day_scene ds join shoot_day d using (shoot_day_id)
             where ds.scene_id = $1 order by d.shoot_date",
        )
        .bind(scene_id)
        .fetch_all(&mut *tx)
        .await?;
        let age = CastAge {
            cast_member_id: double.cast_member_id,
            cast_number: double.cast_number,
            name: double.name.clone(),
            date_of_birth: double.date_of_birth,
        };
        let conflicts = minors::minor_conflicts(&[age], &dates, member.production.zone.today());
        if !conflicts.is_empty() {
            drop(tx);
            errors.add("double_cast_member_id", minors::refusal(&conflicts));
            return DoublesPage::load(&state, ctx, member, scene_id)
                .await?
                .with_form(form, errors)
                .respond();
        }
    }
    sqlx::query(
        "insert into scene_double (scene_id, original_cast_member_id, double_cast_member_id,
                                   production_id, assigned_by)
         values ($1, $2, $3, $4, $5)
         on conflict (scene_id, original_cast_member_id)
         do update set double_cast_member_id = excluded.double_cast_member_id,
                       assigned_by = excluded.assigned_by, assigned_at = now()",
    )
    .bind(scene_id)
    .bind(original)
    .bind(double.cast_member_id)
    .bind(production_id)
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    ledger::append(
        &mut tx,
        production_id,
        &LedgerEvent::DoubleAssigned {
            scene_id,
            scene: facts.number.clone(),
            original_cast_member_id: original,
            double_cast_member_id: double.cast_member_id,
        },
        None,
        Some(member.user.user_id),
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "{} is the double in scene {}. Draft them their own rider: it may be no wider than \
             what the original performer agreed.",
            double.label(),
            facts.number
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}/doubles", member.base())).into_response())
}
