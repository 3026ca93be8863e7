//! The daily IC report of a shoot day (R11), printable, for producers and coordinators: facts
//! and times only. Never boundary notes, conversation summaries, rider text or narrowed items.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::day_facts::{DayFacts, DayScene, day_facts, day_scenes};
use super::pauses::{self, PauseRow};
use super::people::People;
use super::records::{DayRecords, PerformerLine};
use crate::access::Action;
use crate::choreography::day::scene_beats;
use crate::clock::span;
use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;
use crate::web::ids::Ids;
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
    /// Which beats ran as rehearsed, by number (issue #20); none without choreography.
    beats: Option<String>,
}

#[derive(Template)]
#[template(path = "onset/report.html")]
struct ReportPage {
    ctx: Ctx,
    member: Member,
    day: DayFacts,
    call: String,
    scenes: Vec<SceneReport>,
    /// First reconfirmation to last closure, e.g. "07:40 – 12:10 (4 h 30 min)".
    time_on_set: Option<String>,
}

pub(super) async fn report_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::SeeDailyReport)?;
    let pool = &state.pool;
    let production_id = member.production.production_id;
    let zone = &member.production.zone;
    let day = day_facts(pool, production_id, shoot_day_id).await?;
    let scenes = day_scenes(pool, &member, shoot_day_id, None).await?;
    let records = DayRecords::load(pool, shoot_day_id).await?;
    let pause_rows: Vec<PauseRow> =
        pauses::visible(pool, &member, Some(shoot_day_id), None).await?;
    let people = People::load(pool, production_id).await?;
    let ids: Vec<i64> = scenes.iter().map(|s| s.scene_id).collect();
    let beats = scene_beats(pool, &ids).await?;
    let time_on_set = match (records.reconfirmations.first(), records.closures.last()) {
        (Some(first), Some(last)) if last.at >= first.at => Some(format!(
            "{} – {} ({})",
            zone.clock_time(first.at),
            zone.clock_time(last.at),
            span(first.at, last.at)
        )),
        _ => None,
    };
    let scenes = scenes
        .into_iter()
        .map(|scene| {
            // Reconfirmations and closures are for flagged scenes; an intimate scene that is
            // not flagged is here for its pauses.
            let performers = if scene.flagged {
                records.performers(&member, &scene, &people)
            } else {
                Vec::new()
            };
            let pauses = pause_rows
                .iter()
                .filter(|p| p.scene_id == scene.scene_id)
                .map(|p| PauseLine {
                    at: zone.clock_time(p.paused_at),
                    by: p.by_role(),
                    resolved: p.resolved_at.map(|at| zone.clock_time(at)),
                })
                .collect();
            SceneReport {
                beats: beats
                    .iter()
                    .find(|b| b.scene_id == scene.scene_id && !b.beats.is_empty())
                    .map(|b| b.report_line()),
                shot: scene.shot_at.map(|at| zone.clock_time(at)),
                scene,
                performers,
                pauses,
            }
        })
        .collect();
    render(&ReportPage {
        ctx,
        call: zone.clock_time(day.call_at),
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
