//! Day Out of Days: each cast member's code on each day of the schedule, and one row for the
//! intimacy coordinator (the days with flagged scenes and their rehearsals), as a page and as
//! CSV. The codes are `rules::day_out_of_days`; this file gathers the schedule for it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use time::{Date, OffsetDateTime};

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::rules::day_out_of_days::{self as dood, Calls, Code, Column, Row};
use crate::web::{AppState, Ctx, render};

/// A person's line: who, and their row.
pub(super) struct Line {
    pub label: String,
    pub row: Row,
}

impl Line {
    pub fn code(&self, i: &usize) -> &'static str {
        self.row
            .codes
            .get(*i)
            .copied()
            .flatten()
            .map_or("", Code::as_str)
    }
}

/// The whole table.
pub(super) struct Table {
    pub columns: Vec<Column>,
    pub cast: Vec<Line>,
    pub coordinator: Line,
}

#[derive(sqlx::FromRow)]
struct CastRow {
    cast_member_id: i64,
    cast_number: i32,
    name: String,
}

/// The schedule as DOOD reads it: four queries, whatever its length.
pub(super) async fn load(state: &AppState, member: &Member) -> Result<Table> {
    let production_id = member.production.production_id;
    let zone = &member.production.zone;
    let cast: Vec<CastRow> = sqlx::query_as(
        "select cast_member_id, cast_number, name from cast_member
         where production_id = $1 order by cast_number",
    )
    .bind(production_id)
    .fetch_all(&state.pool)
    .await?;
    // Every shoot date, with who works on it (null for a day nobody in the cast works) and
    // whether a flagged scene is on it.
    let worked: Vec<(Date, Option<i64>, bool)> = sqlx::query_as(
        "select d.shoot_date, sc.cast_member_id, coalesce(v.flagged, false)
         from shoot_day d
         left join shoot_day_scene ds on ds.shoot_day_id = d.shoot_day_id
         left join scene s on s.scene_id = ds.scene_id and not s.omitted
         left join scene_version v on v.scene_version_id = s.current_version_id
         left join scene_cast sc on sc.scene_id = s.scene_id
         where d.production_id = $1",
    )
    .bind(production_id)
    .fetch_all(&state.pool)
    .await?;
    // Rehearsals with who is called (null for a rehearsal with nobody) and whether its scene
    // is flagged.
    let rehearsed: Vec<(OffsetDateTime, Option<i64>, bool)> = sqlx::query_as(
        "select r.starts_at, rc.cast_member_id, coalesce(v.flagged, false)
         from rehearsal r
         join scene s on s.scene_id = r.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         left join rehearsal_cast rc on rc.rehearsal_id = r.rehearsal_id
         where r.production_id = $1",
    )
    .bind(production_id)
    .fetch_all(&state.pool)
    .await?;
    let shoot_dates: Vec<Date> = worked.iter().map(|w| w.0).collect();
    let rehearsal_dates: Vec<Date> = rehearsed.iter().map(|r| zone.local(r.0).date()).collect();
    let columns = dood::columns(&shoot_dates, &rehearsal_dates);
    let mut calls: BTreeMap<i64, Calls> = BTreeMap::new();
    let mut coordinator = Calls::default();
    for (date, who, flagged) in &worked {
        if let Some(id) = who {
            calls.entry(*id).or_default().work.insert(*date);
        }
        if *flagged {
            coordinator.work.insert(*date);
        }
    }
    for (at, who, flagged) in &rehearsed {
        let date = zone.local(*at).date();
        if let Some(id) = who {
            calls.entry(*id).or_default().rehearsal.insert(date);
        }
        if *flagged {
            coordinator.rehearsal.insert(date);
        }
    }
    let cast = cast
        .into_iter()
        .map(|c| Line {
            label: format!("#{} {}", c.cast_number, c.name),
            row: dood::row(
                &columns,
                calls.get(&c.cast_member_id).unwrap_or(&Calls::default()),
            ),
        })
        .collect();
    Ok(Table {
        coordinator: Line {
            label: "Intimacy coordinator".into(),
            row: dood::row(&columns, &coordinator),
        },
        cast,
        columns,
    })
}

#[derive(Template)]
#[template(path = "schedule/day_out_of_days.html")]
struct DoodPage {
    ctx: Ctx,
    member: Member,
    table: Table,
}

impl DoodPage {
    fn header(&self, column: &Column) -> String {
        let format = time::macros::format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short]"
        );
        column.date.format(&format).unwrap_or_default()
    }

    fn codes(&self) -> [Code; 11] {
        Code::ALL
    }

    fn indexes(&self) -> std::ops::Range<usize> {
        0..self.table.columns.len()
    }

    fn drop_after(&self) -> i64 {
        dood::DROP_AFTER_DAYS
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::SeeCast)?;
    let table = load(&state, &member).await?;
    render(&DoodPage { ctx, member, table })
}

/// The same table as CSV: one row per person, one column per date, then the totals.
pub(super) async fn csv(State(state): State<AppState>, member: Member) -> Result<Response> {
    member.may(Action::SeeCast)?;
    let table = load(&state, &member).await?;
    let body = table_csv(&table);
    let disposition = format!(
        "attachment; filename=\"{}\"",
        crate::csv::file_name(&member.production.title, "day-out-of-days")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn table_csv(table: &Table) -> String {
    let dates: Vec<String> = table.columns.iter().map(|c| c.date.to_string()).collect();
    let mut header: Vec<&str> = vec!["Person"];
    header.extend(dates.iter().map(String::as_str));
    header.extend([
        "Work",
        "Hold",
        "Rehearsal",
        "Travel",
        "Total",
        "Start",
        "Finish",
    ]);
    let mut out = crate::csv::start(&header);
    for line in table.cast.iter().chain([&table.coordinator]) {
        let mut fields = vec![crate::csv::text_field(&line.label)];
        fields.extend(
            line.row
                .codes
                .iter()
                .map(|c| c.map_or(String::new(), |c| c.as_str().to_string())),
        );
        fields.extend(
            [
                line.row.work,
                line.row.hold,
                line.row.rehearsal,
                line.row.travel,
                line.row.total(),
            ]
            .map(|n| n.to_string()),
        );
        fields.push(line.row.start.map(|d| d.to_string()).unwrap_or_default());
        fields.push(line.row.finish.map(|d| d.to_string()).unwrap_or_default());
        crate::csv::push_row(&mut out, &fields);
    }
    out
}
