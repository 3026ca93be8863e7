//! What a call sheet holds, gathered once for one reader: the page shows it, and publishing
//! keeps a copy of it per recipient. A performer's copy holds only the scenes they are in and
//! no one's consent; nobody's copy holds breakdown content (R8), only the closed-set names.

use askama::Template;
use time::{Date, Duration};

use crate::error::{AppError, Result};
use crate::productions::Production;
use crate::rules::sun::{SunDay, sun_day};
use crate::schedule::board::{self, DayView, Strip};
use crate::schedule::locations::{self, Location};
use crate::schedule::{load_days, load_placed, week};
use crate::web::AppState;

/// How many shoot days after this one the advance schedule shows.
const ADVANCE_DAYS: usize = 2;

/// One cast member's calls for the day.
#[derive(sqlx::FromRow)]
pub struct CastCall {
    pub cast_number: i32,
    pub name: String,
    pub character_name: String,
    pub pickup_at: Option<time::OffsetDateTime>,
    pub makeup_at: Option<time::OffsetDateTime>,
    pub on_set_at: Option<time::OffsetDateTime>,
}

/// A cast call's times on the production's clocks (empty when not set).
pub struct CastCallLine {
    pub call: CastCall,
    pub pickup: String,
    pub makeup: String,
    pub on_set: String,
}

/// A key contact: someone the crew calls on the day (producer, director / 1st AD, IC), with
/// the e-mail address of their account. Performers' and agents' contacts never appear.
#[derive(sqlx::FromRow)]
pub struct Contact {
    pub role: String,
    pub name: String,
    pub email: String,
}

impl Contact {
    pub fn role_label(&self) -> &'static str {
        match self.role.as_str() {
            "producer" => "Producer",
            "director" => "Director / 1st AD",
            "coordinator" => "Intimacy coordinator",
            _ => "",
        }
    }
}

/// A flagged scene's closed-set line: clearance in words (for staff) and R9's stills marker.
pub struct ClosedSetLine {
    pub number: String,
    pub heading: String,
    /// "Cleared", "Blocked"…; `None` on a performer's copy.
    pub clearance: Option<String>,
    /// The clearance's status-* class, and its id for the live script (`scene-12-day-4`):
    /// both only where the clearance is shown and decided.
    pub tone: &'static str,
    pub status_key: Option<String>,
    pub no_stills: bool,
    pub essential: String,
}

/// The whole call sheet.
pub struct CallSheet {
    pub title: String,
    pub view: DayView,
    pub location: Option<Location>,
    /// `Sunrise 04:43 · Sunset 21:21`, or why there is none.
    pub sun: String,
    /// Which clocks the sheet's times are on, said once ("Times are London time (…).").
    pub times: String,
    /// Typed by the AD on the call sheet's details.
    pub weather: String,
    pub closed_set: Vec<ClosedSetLine>,
    pub cast_calls: Vec<CastCallLine>,
    pub contacts: Vec<Contact>,
    pub advance: Vec<DayView>,
}

impl CallSheet {
    /// The sheet as facts, one a line, each `Key: value`, to tell what a republished version
    /// changed. Keys are unique within a sheet.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = vec![
            format!("Date: {}", self.view.date()),
            format!("Crew call: {}", self.view.call),
            format!(
                "Location: {}",
                self.location.as_ref().map_or("none", |l| l.name.as_str())
            ),
            format!("Weather: {}", self.weather),
            format!("Intimacy coordinator: {}", self.coordinator()),
            format!(
                "Scenes: {}",
                self.view
                    .strips
                    .iter()
                    .map(|s| s.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ];
        for c in &self.closed_set {
            lines.push(format!(
                "Closed set Sc. {}: {}{}",
                c.number,
                c.clearance.as_deref().unwrap_or("closed set"),
                if c.no_stills { ", no stills" } else { "" }
            ));
        }
        for c in &self.cast_calls {
            lines.push(format!(
                "Call #{} {}: pickup {}, make-up {}, on set {}",
                c.call.cast_number,
                c.call.name,
                or_dash(&c.pickup),
                or_dash(&c.makeup),
                or_dash(&c.on_set)
            ));
        }
        lines.push(format!("Notes: {}", self.view.day.notes));
        lines
    }

    pub fn coordinator(&self) -> &str {
        self.view.day.coordinator_name.as_deref().unwrap_or("")
    }
}

/// The sun line of a day at a location, on the production's clocks.
pub fn sun_line(date: Date, location: Option<&Location>, production: &Production) -> String {
    let Some((lat, lon)) = location.and_then(|l| l.latitude.zip(l.longitude)) else {
        return "Sunrise and sunset: add the location's coordinates.".into();
    };
    match sun_day(date, lat, lon) {
        SunDay::RiseAndSet { rise, set } => format!(
            "Sunrise {} · Sunset {}",
            production.zone.clock_time(rise),
            production.zone.clock_time(set)
        ),
        SunDay::AlwaysUp => "Midnight sun: the sun does not set today.".into(),
        SunDay::AlwaysDown => "Polar night: the sun does not rise today.".into(),
    }
}

/// Gathers the call sheet of `shoot_day_id` for a reader: `performer` is the user id of a
/// performer (their copy), `None` for everyone else. A fixed number of queries.
pub async fn build(
    state: &AppState,
    production: &Production,
    shoot_day_id: i64,
    performer: Option<i64>,
) -> Result<CallSheet> {
    let production_id = production.production_id;
    let zone = production.zone.tz();
    let days = load_days(&state.pool, production_id, Some(shoot_day_id)).await?;
    let placed = load_placed(&state.pool, production_id, Some(shoot_day_id), performer).await?;
    // A performer not called that day gets 404, like any page not shared with them.
    let mut days = board::assemble(days, placed, zone, performer.is_some());
    let date = days
        .first()
        .map(|d| d.day.shoot_date)
        .ok_or(AppError::NotFound)?;
    // One day's clearance, that day only (issue #19: the cost follows what the page shows).
    let statuses = crate::consent::status::production_status(
        &state.pool,
        production,
        crate::consent::status::Only::Dates(date, date),
    )
    .await?;
    let mut lines = crate::consent::status::lines_for(&statuses, None);
    // The call sheet says cleared or blocked only: reasons stay on the consent pages.
    for line in &mut lines {
        line.reasons.clear();
    }
    board::attach_consent(&mut days, &lines);
    let mut view = days.pop().ok_or(AppError::NotFound)?;
    let weather: String =
        sqlx::query_scalar("select weather from shoot_day where shoot_day_id = $1")
            .bind(shoot_day_id)
            .fetch_one(&state.pool)
            .await?;
    let closed_set = view
        .strips
        .iter()
        .filter(|s| s.flagged)
        .map(|s| closed_set_line(s, performer.is_none()))
        .collect();
    if performer.is_some() {
        for strip in &mut view.strips {
            strip.consent = None;
        }
    }
    let location = locations::of_day(&state.pool, shoot_day_id).await?;
    let sun = sun_line(date, location.as_ref(), production);
    let scene_ids: Vec<i64> = view.strips.iter().map(|s| s.scene_id).collect();
    let calls: Vec<CastCall> = sqlx::query_as(
        "select cm.cast_number, cm.name, cm.character_name, cc.pickup_at, cc.makeup_at, cc.on_set_at
         from cast_member cm
         left join cast_call cc on cc.cast_member_id = cm.cast_member_id
                               and cc.shoot_day_id = $3
         where cm.production_id = $1 and exists (
             select 1 from scene_cast sc
             where sc.cast_member_id = cm.cast_member_id and sc.scene_id = any($2))
         order by cm.cast_number",
    )
    .bind(production_id)
    .bind(&scene_ids)
    .bind(shoot_day_id)
    .fetch_all(&state.pool)
    .await?;
    let time = |at: Option<time::OffsetDateTime>| {
        at.map(|at| production.zone.clock_time(at))
            .unwrap_or_default()
    };
    let cast_calls = calls
        .into_iter()
        .map(|call| CastCallLine {
            pickup: time(call.pickup_at),
            makeup: time(call.makeup_at),
            on_set: time(call.on_set_at),
            call,
        })
        .collect();
    let contacts: Vec<Contact> = sqlx::query_as(
        "select m.role, u.name, u.email from member m join app_user u using (user_id)
         where m.production_id = $1 and m.role in ('producer', 'director', 'coordinator')
         order by case m.role when 'producer' then 1 when 'director' then 2 else 3 end, u.name",
    )
    .bind(production_id)
    .fetch_all(&state.pool)
    .await?;
    let upcoming = week::days_between(
        &state.pool,
        production_id,
        date + Duration::days(1),
        date + Duration::days(29),
    )
    .await?;
    let advance_placed = week::placed_between(
        &state.pool,
        production_id,
        date + Duration::days(1),
        date + Duration::days(29),
        performer,
    )
    .await?;
    let mut advance = board::assemble(upcoming, advance_placed, zone, performer.is_some());
    advance.truncate(ADVANCE_DAYS);
    Ok(CallSheet {
        title: production.title.clone(),
        view,
        location,
        sun,
        times: production.zone.times_line(),
        weather,
        closed_set,
        cast_calls,
        contacts,
        advance,
    })
}

fn or_dash(text: &str) -> &str {
    if text.is_empty() { "–" } else { text }
}

fn closed_set_line(strip: &Strip, staff: bool) -> ClosedSetLine {
    let consent = strip.consent.as_ref();
    ClosedSetLine {
        number: strip.number.clone(),
        heading: strip.heading.clone(),
        clearance: staff
            .then(|| consent.map_or_else(|| "Not yet decided".to_string(), |c| c.word.clone())),
        tone: consent.map_or("status-none", |c| c.css),
        status_key: consent.filter(|_| staff).map(|c| c.status_key()),
        // R9: stills only where every performer's signed rider allows them.
        no_stills: consent.and_then(|c| c.stills) != Some(true),
        essential: strip.closed_set_names(),
    }
}

/// The sheet alone, as printed and as published.
#[derive(Template)]
#[template(path = "schedule/call_sheet_body.html")]
pub(super) struct CallSheetBody<'a> {
    pub sheet: &'a CallSheet,
}

impl CallSheetBody<'_> {
    /// The sheet as HTML, to show or to keep.
    pub(super) fn html(sheet: &CallSheet) -> Result<String> {
        Ok(CallSheetBody { sheet }
            .render()
            .map_err(|e| anyhow::anyhow!("rendering a call sheet: {e}"))?)
    }
}
