//! What the 1st AD adds to a day's call sheet: its location, a weather line, and each called
//! cast member's pickup, make-up / hair and on-set times (on the production's clocks). One
//! form, saved all or nothing; bad times are refused beside their field, as typed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::{Date, OffsetDateTime};
use tower_sessions::Session;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::schedule::locations::{self, Location};
use crate::web::ids::{Ids, canonical_id};
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render_form};

/// The three calls of a cast member, in form order.
pub(super) const CALLS: [(&str, &str); 3] = [
    ("pickup", "Pickup"),
    ("makeup", "Make-up / hair"),
    ("on_set", "On set"),
];

#[derive(sqlx::FromRow)]
pub(super) struct Called {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub pickup_at: Option<OffsetDateTime>,
    pub makeup_at: Option<OffsetDateTime>,
    pub on_set_at: Option<OffsetDateTime>,
}

#[derive(Template)]
#[template(path = "schedule/call_sheet_details.html")]
struct DetailsPage {
    ctx: Ctx,
    member: Member,
    shoot_day_id: i64,
    date: String,
    locations: Vec<Location>,
    called: Vec<Called>,
    /// What each field shows: stored, or as typed.
    values: HashMap<String, String>,
    errors: FieldErrors,
}

impl DetailsPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn field(&self, cast_member_id: &i64, call: &str) -> String {
        format!("{call}_{cast_member_id}")
    }

    fn calls(&self) -> [(&'static str, &'static str); 3] {
        CALLS
    }

    fn location_chosen(&self, location_id: &i64) -> bool {
        self.value("location") == location_id.to_string()
    }
}

struct Day {
    date: Date,
    location_id: Option<i64>,
    weather: String,
}

async fn load_day(state: &AppState, member: &Member, shoot_day_id: i64) -> Result<Day> {
    let row: Option<(Date, Option<i64>, String)> = sqlx::query_as(
        "select shoot_date, location_id, weather from shoot_day
         where shoot_day_id = $1 and production_id = $2",
    )
    .bind(shoot_day_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?;
    let (date, location_id, weather) = row.ok_or(AppError::NotFound)?;
    Ok(Day {
        date,
        location_id,
        weather,
    })
}

/// Cast members in the day's scenes, with their stored calls.
async fn load_called(state: &AppState, member: &Member, shoot_day_id: i64) -> Result<Vec<Called>> {
    Ok(sqlx::query_as(
        "select cm.cast_member_id, cm.cast_number, cm.name,
                cc.pickup_at, cc.makeup_at, cc.on_set_at
         from cast_member cm
         left join cast_call cc on cc.cast_member_id = cm.cast_member_id
                               and cc.shoot_day_id = $2
         where cm.production_id = $1 and exists (
             select 1 from shoot_day_scene ds join scene_cast sc using (scene_id)
             where ds.shoot_day_id = $2 and sc.cast_member_id = cm.cast_member_id)
         order by cm.cast_number",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .fetch_all(&state.pool)
    .await?)
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    shoot_day_id: i64,
    typed: Option<(HashMap<String, String>, FieldErrors)>,
) -> Result<Response> {
    let day = load_day(state, &member, shoot_day_id).await?;
    let called = load_called(state, &member, shoot_day_id).await?;
    let locations = locations::all(&state.pool, member.production.production_id).await?;
    let refused = typed.is_some();
    let (values, errors) = typed.unwrap_or_else(|| {
        let mut values = HashMap::new();
        values.insert(
            "location".to_string(),
            day.location_id.map(|id| id.to_string()).unwrap_or_default(),
        );
        values.insert("weather".to_string(), day.weather.clone());
        for c in &called {
            for (call, at) in CALLS.iter().zip([c.pickup_at, c.makeup_at, c.on_set_at]) {
                let shown =
                    at.map(|at| crate::clock::hour_minute(member.production.zone.local(at).time()));
                values.insert(
                    format!("{}_{}", call.0, c.cast_member_id),
                    shown.unwrap_or_default(),
                );
            }
        }
        (values, FieldErrors::default())
    });
    render_form(
        &DetailsPage {
            ctx,
            shoot_day_id,
            date: crate::clock::format_date(day.date),
            member,
            locations,
            called,
            values,
            errors,
        },
        refused,
    )
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    page(&state, ctx, member, shoot_day_id, None).await
}

pub(super) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let production_id = member.production.production_id;
    let day = load_day(&state, &member, shoot_day_id).await?;
    let called = load_called(&state, &member, shoot_day_id).await?;
    let mut r = body.reader();
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("location".into(), r.text("location", Len::Code));
    values.insert("weather".into(), r.text("weather", Len::Line));
    for c in &called {
        for (call, _) in CALLS {
            let key = format!("{call}_{}", c.cast_member_id);
            let value = r.text(key.clone(), Len::Code);
            values.insert(key, value);
        }
    }
    let mut errors = r.finish();

    let location_text = values["location"].trim().to_string();
    let location_id: Option<i64> = if location_text.is_empty() {
        None
    } else {
        let id = canonical_id::<i64>(&location_text);
        let known = match id {
            Some(id) => locations::one(&state.pool, production_id, id)
                .await?
                .is_some(),
            None => false,
        };
        if !known {
            errors.add("location", "Choose a location from the list.");
        }
        id
    };
    if values["weather"].chars().count() > 200 {
        errors.add("weather", "Keep the weather line to 200 characters.");
    }
    let mut times: Vec<(i64, [Option<OffsetDateTime>; 3])> = Vec::new();
    for c in &called {
        let mut row = [None; 3];
        for (slot, (call, label)) in row.iter_mut().zip(CALLS) {
            let key = format!("{call}_{}", c.cast_member_id);
            let text = values[&key].trim();
            if text.is_empty() {
                continue;
            }
            match crate::clock::parse_time(text) {
                None => errors.add(
                    key,
                    format!(
                        "Enter {}'s {} as hours and minutes, for example 06:30.",
                        c.name,
                        label.to_lowercase()
                    ),
                ),
                Some(t) => match member.production.zone.to_utc(day.date, t) {
                    Ok(at) => *slot = Some(at),
                    Err(e) => errors.add(key, e.to_string()),
                },
            }
        }
        times.push((c.cast_member_id, row));
    }
    if !errors.is_empty() {
        return page(&state, ctx, member, shoot_day_id, Some((values, errors))).await;
    }

    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "update shoot_day set location_id = $3, weather = $4, updated_at = now()
         where shoot_day_id = $1 and production_id = $2",
    )
    .bind(shoot_day_id)
    .bind(production_id)
    .bind(location_id)
    .bind(values["weather"].trim())
    .execute(&mut *tx)
    .await?;
    let ids: Vec<i64> = times.iter().map(|t| t.0).collect();
    let column =
        |i: usize| -> Vec<Option<OffsetDateTime>> { times.iter().map(|t| t.1[i]).collect() };
    sqlx::query("delete from cast_call where shoot_day_id = $1")
        .bind(shoot_day_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into cast_call (shoot_day_id, cast_member_id, production_id, pickup_at,
                                makeup_at, on_set_at)
         select $1, u.id, $2, u.pickup, u.makeup, u.on_set
         from unnest($3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[])
              as u(id, pickup, makeup, on_set)
         where u.pickup is not null or u.makeup is not null or u.on_set is not null",
    )
    .bind(shoot_day_id)
    .bind(production_id)
    .bind(&ids)
    .bind(column(0))
    .bind(column(1))
    .bind(column(2))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Flash::success(&session, "The call sheet's details are saved.").await?;
    Ok(Redirect::to(&format!(
        "{}/schedule/{shoot_day_id}/call-sheet",
        member.base()
    ))
    .into_response())
}
