//! Private calendar feeds: one secret link per member (stored hashed, shown once, replaced on
//! request) serving their shoot days and rehearsals as iCalendar with neutral titles.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;

use super::ics::{Calendar, Event};
use super::{load_days, load_placed, rehearsals};
use crate::auth;
use crate::clock::Zone;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::PathToken;
use crate::web::{Ctx, Flash, render};

const LINK_KEY: &str = "calendar_link";

/// How long a shoot day lasts in a calendar: a standard shooting day from general call.
const SHOOT_DAY_HOURS: i64 = 12;

#[derive(Template)]
#[template(path = "schedule/calendar.html")]
struct CalendarPage {
    ctx: Ctx,
    member: Member,
    /// When the current link was made, if there is one.
    made: Option<String>,
    /// The full link; shown once, right after it is made.
    new_link: Option<String>,
}

pub(super) async fn calendar_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
) -> Result<Response> {
    let new_link: Option<String> = session
        .remove(LINK_KEY)
        .await
        .map_err(crate::web::session_err)?;
    let made: Option<OffsetDateTime> =
        sqlx::query_scalar("select created_at from calendar_feed where member_id = $1")
            .bind(member.member_id)
            .fetch_optional(&state.pool)
            .await?;
    render(&CalendarPage {
        ctx,
        made: made.map(|at| crate::clock::format_date(at.date())),
        member,
        new_link,
    })
}

pub(super) async fn new_link(
    State(state): State<AppState>,
    member: Member,
    session: Session,
) -> Result<Response> {
    let token = auth::new_token();
    // One row per member: a new link replaces the old hash, so the old link stops at once.
    sqlx::query(
        "insert into calendar_feed (member_id, production_id, token_hash) values ($1, $2, $3)
         on conflict (member_id)
         do update set token_hash = excluded.token_hash, created_at = now()",
    )
    .bind(member.member_id)
    .bind(member.production.production_id)
    .bind(auth::token_hash(&token))
    .execute(&state.pool)
    .await?;
    let link = format!("{}/calendar/{token}", state.config.base_url);
    session
        .insert(LINK_KEY, &link)
        .await
        .map_err(crate::web::session_err)?;
    Flash::success(
        &session,
        "Your new calendar link is below. Any earlier link has stopped working.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/calendar", member.base())).into_response())
}

#[derive(sqlx::FromRow)]
struct FeedOwner {
    production_id: i64,
    title: String,
    /// Read like `Production::zone`: a name the zone database no longer knows reads as UTC.
    #[sqlx(rename = "time_zone", try_from = "String")]
    zone: Zone,
    role: Role,
    user_id: i64,
    revision: i64,
}

/// The calendar's text for staff, or for one performer (only the days they are called).
async fn calendar_text(
    state: &AppState,
    owner: &FeedOwner,
    performer: Option<i64>,
) -> Result<String> {
    let days = load_days(&state.pool, owner.production_id, None).await?;
    // Which days hold a performer's scenes; everyone else's feed has every day, so their
    // placements are not read at all.
    let placed = match performer {
        Some(_) => load_placed(&state.pool, owner.production_id, None, performer).await?,
        None => Vec::new(),
    };
    let rehearsals = rehearsals::load(&state.pool, owner.production_id, None, performer).await?;

    // Titles are neutral on purpose: a calendar is seen on lock screens and by assistants.
    let mut events: Vec<Event> = days
        .iter()
        .filter(|d| performer.is_none() || placed.iter().any(|p| p.shoot_day_id == d.shoot_day_id))
        .map(|d| Event {
            uid: format!("shoot-day-{}@closedset", d.shoot_day_id),
            start: d.call_at,
            end: d.call_at + Duration::hours(SHOOT_DAY_HOURS),
            summary: format!("Shoot day {}", d.day_number),
            location: None,
            description: Some(d.unit.clone()),
            updated: d.updated_at,
        })
        .collect();
    events.extend(rehearsals.iter().map(|r| Event {
        uid: format!("rehearsal-{}@closedset", r.rehearsal_id),
        start: r.starts_at,
        end: r.ends_at,
        summary: format!("Rehearsal — Sc. {}", r.number),
        location: (!r.location.is_empty()).then(|| r.location.clone()),
        description: None,
        updated: r.updated_at,
    }));
    let calendar = Calendar {
        name: owner.title.clone(),
        events,
    };
    Ok(calendar.render(owner.zone.tz()))
}

/// The feed itself: no session, the secret in the path is the key.
pub(super) async fn feed(
    State(state): State<AppState>,
    PathToken(token): PathToken,
) -> Result<Response> {
    let owner: FeedOwner = sqlx::query_as(
        "select p.production_id, p.title, p.time_zone, m.role, m.user_id, p.revision
         from calendar_feed f
         join member m on m.member_id = f.member_id
         join production p on p.production_id = m.production_id
         where f.token_hash = $1",
    )
    .bind(auth::token_hash(&token))
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let performer = (owner.role == Role::Performer).then_some(owner.user_id);
    // The calendar is kept by production revision (days, rehearsals, placements and the
    // production's title and zone all move it), for staff alike or for the one performer.
    let class = performer.map_or_else(|| "staff".to_string(), |u| format!("performer {u}"));
    let text: std::sync::Arc<String> = state
        .pages
        .get_or_compute_with(
            owner.production_id,
            "calendar feed",
            crate::i18n::Lang::source(),
            &class,
            owner.revision,
            0,
            || calendar_text(&state, &owner, performer),
        )
        .await?;
    let mut response = String::clone(&text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
