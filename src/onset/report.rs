//! The daily IC report of a shoot day (R11), printable, for producers and coordinators: facts
//! and times only. Never boundary notes, conversation summaries, rider text or narrowed items.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use time::OffsetDateTime;

use super::day::{PerformerLine, scene_people};
use super::pauses::{self, PauseRow};
use super::{DayFacts, DayScene, clock, day_facts, day_scenes};
use crate::AppState;
use crate::cast::cast_list;
use crate::error::Result;
use crate::productions::{Member, Role};
use crate::web::{Ctx, render};

/// A pause as the report gives it: when, by which role, when resolved. Not the note.
struct PauseLine {
    at: String,
    by: &'static str,
    resolved: Option<String>,
}

struct SceneReport {
    scene: DayScene,
    shot: Option<String>,
    performers: Vec<PerformerLine>,
    pauses: Vec<PauseLine>,
}

#[derive(Template)]
#[template(path = "onset/report.html")]
struct ReportPage {
    ctx: Ctx,
    member: Member,
    day: DayFacts,
    call: String,
    scenes: Vec<SceneReport>,
    /// First reconfirmation to last closure, e.g. "07:40 GMT – 12:10 GMT (4 h 30 min)".
    time_on_set: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Record {
    scene_id: i64,
    cast_member_id: i64,
    at: OffsetDateTime,
    narrowed_count: i32,
}

/// `4 h 30 min`.
pub fn span(from: OffsetDateTime, to: OffsetDateTime) -> String {
    let minutes = (to - from).whole_minutes().max(0);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

pub(super) async fn report_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, shoot_day_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.require(&[Role::Producer, Role::Coordinator])?;
    let pool = &state.pool;
    let production_id = member.production.production_id;
    let day = day_facts(pool, production_id, shoot_day_id).await?;
    let scenes = day_scenes(pool, &member, shoot_day_id, None).await?;
    let reconfirmations: Vec<Record> = sqlx::query_as(
        "select scene_id, cast_member_id, confirmed_at as at, narrowed_count
         from reconfirmation where shoot_day_id = $1 order by confirmed_at",
    )
    .bind(shoot_day_id)
    .fetch_all(pool)
    .await?;
    let closures: Vec<Record> = sqlx::query_as(
        "select scene_id, cast_member_id, closed_at as at, 0 as narrowed_count
         from closure where shoot_day_id = $1 order by closed_at",
    )
    .bind(shoot_day_id)
    .fetch_all(pool)
    .await?;
    let doubles: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select scene_id, original_cast_member_id, double_cast_member_id from scene_double
         where production_id = $1",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?;
    let pause_rows: Vec<PauseRow> =
        pauses::visible(pool, &member, Some(shoot_day_id), None).await?;
    let cast = cast_list(pool, production_id).await?;
    let label = |id: i64| {
        cast.iter()
            .find(|c| c.cast_member_id == id)
            .map(|c| c.label())
            .unwrap_or_else(|| format!("cast member {id}"))
    };
    let time_on_set = match (reconfirmations.first(), closures.last()) {
        (Some(first), Some(last)) if last.at >= first.at => Some(format!(
            "{} – {} ({})",
            clock(&member, first.at),
            clock(&member, last.at),
            span(first.at, last.at)
        )),
        _ => None,
    };
    let scenes = scenes
        .into_iter()
        .map(|scene| {
            let performers = scene_people(&scene, &doubles, &label)
                .into_iter()
                .map(|(id, label)| {
                    let theirs = |rows: &[Record]| -> Vec<(OffsetDateTime, i32)> {
                        rows.iter()
                            .filter(|r| r.scene_id == scene.scene_id && r.cast_member_id == id)
                            .map(|r| (r.at, r.narrowed_count))
                            .collect()
                    };
                    let reconfirmed = theirs(&reconfirmations);
                    PerformerLine {
                        cast_member_id: id,
                        label,
                        reconfirmed: reconfirmed.first().map(|(at, _)| clock(&member, *at)),
                        narrowed: reconfirmed.iter().map(|(_, n)| i64::from(*n)).sum(),
                        closed: theirs(&closures).first().map(|(at, _)| clock(&member, *at)),
                    }
                })
                .collect();
            let pauses = pause_rows
                .iter()
                .filter(|p| p.scene_id == scene.scene_id)
                .map(|p| PauseLine {
                    at: clock(&member, p.paused_at),
                    by: p.by_role(),
                    resolved: p.resolved_at.map(|at| clock(&member, at)),
                })
                .collect();
            SceneReport {
                shot: scene.shot_at.map(|at| clock(&member, at)),
                scene,
                performers,
                pauses,
            }
        })
        .collect();
    render(&ReportPage {
        ctx,
        call: clock(&member, day.call_at),
        day,
        scenes,
        time_on_set,
        member,
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn spans_read_in_hours_and_minutes() {
        let from = datetime!(2026-11-24 07:40 UTC);
        assert_eq!(span(from, datetime!(2026-11-24 12:10 UTC)), "4 h 30 min");
        assert_eq!(span(from, datetime!(2026-11-24 08:00 UTC)), "20 min");
        assert_eq!(span(from, datetime!(2026-11-24 09:40 UTC)), "2 h");
    }
}
