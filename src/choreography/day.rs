//! The choreography on the day: the beats of each scene in order for the IC, with the hold
//! points and what the rehearsal made of each; and for the daily IC report, which beats ran as
//! rehearsed, by number only (producers read the report; beat content is not theirs).

use std::collections::HashMap;

use sqlx::PgPool;

use crate::error::Result;
use crate::vocab::beat::{Beat, Choreography};

/// One beat as the on-the-day page lists it.
pub struct DayBeat {
    pub no: usize,
    pub hold_point: bool,
    pub action: String,
    pub rehearsal: String,
}

/// What the rehearsals made of a scene's current beats.
pub struct SceneBeats {
    pub scene_id: i64,
    pub beats: Vec<(Beat, Option<Mark>)>,
}

/// The newest rehearsal mark of a beat.
#[derive(Clone, Debug)]
pub struct Mark {
    pub outcome: String,
    pub beat_hash: String,
}

/// Whether a beat ran as rehearsed: marked rehearsed as written, and unchanged since.
pub fn as_rehearsed(beat: &Beat, mark: Option<&Mark>) -> bool {
    mark.is_some_and(|m| m.outcome == "rehearsed" && m.beat_hash == beat.content_hash())
}

fn word(beat: &Beat, mark: Option<&Mark>) -> String {
    match mark {
        None => "Not rehearsed".into(),
        Some(_) if as_rehearsed(beat, mark) => "Rehearsed as written".into(),
        Some(m) if m.outcome == "rehearsed" => "Rehearsed; edited since".into(),
        Some(m) if m.outcome == "changed" => "Changed at rehearsal".into(),
        Some(_) => "Dropped at rehearsal".into(),
    }
}

/// The current beats of these scenes with their newest rehearsal marks: two queries.
pub async fn scene_beats(pool: &PgPool, scene_ids: &[i64]) -> Result<Vec<SceneBeats>> {
    let versions: Vec<(i64, String)> = sqlx::query_as(
        "select distinct on (scene_id) scene_id, beats::text from choreography_version
         where scene_id = any($1) order by scene_id, version desc",
    )
    .bind(scene_ids)
    .fetch_all(pool)
    .await?;
    let marks: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "select distinct on (scene_id, beat_key) scene_id, beat_key, outcome, beat_hash
         from beat_rehearsal where scene_id = any($1)
         order by scene_id, beat_key, recorded_at desc, beat_rehearsal_id desc",
    )
    .bind(scene_ids)
    .fetch_all(pool)
    .await?;
    let marks: HashMap<(i64, i64), Mark> = marks
        .into_iter()
        .map(|(s, k, outcome, beat_hash)| ((s, k), Mark { outcome, beat_hash }))
        .collect();
    Ok(versions
        .into_iter()
        .map(|(scene_id, json)| {
            let c: Choreography = serde_json::from_str(&json).unwrap_or_default();
            SceneBeats {
                scene_id,
                beats: c
                    .beats
                    .into_iter()
                    .map(|b| {
                        let m = marks.get(&(scene_id, b.key)).cloned();
                        (b, m)
                    })
                    .collect(),
            }
        })
        .collect())
}

impl SceneBeats {
    /// For the IC on the day: every beat in order, content included.
    pub fn day_beats(&self) -> Vec<DayBeat> {
        self.beats
            .iter()
            .enumerate()
            .map(|(i, (b, m))| DayBeat {
                no: i + 1,
                hold_point: b.hold_point,
                action: b.action.clone(),
                rehearsal: word(b, m.as_ref()),
            })
            .collect()
    }

    /// For the report: "Beats 1, 3 of 3 ran as rehearsed; beat 2 did not (changed at
    /// rehearsal)", numbers and outcomes only.
    pub fn report_line(&self) -> String {
        let total = self.beats.len();
        let (ran, not): (Vec<_>, Vec<_>) = self
            .beats
            .iter()
            .enumerate()
            .partition(|(_, (b, m))| as_rehearsed(b, m.as_ref()));
        let numbers = |list: &[(usize, &(Beat, Option<Mark>))]| {
            list.iter()
                .map(|(i, _)| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut line = if ran.is_empty() {
            format!("None of the {total} beats ran as rehearsed")
        } else {
            format!("Beats {} of {total} ran as rehearsed", numbers(&ran))
        };
        for (i, (b, m)) in &not {
            line.push_str(&format!(
                "; beat {}: {}",
                i + 1,
                word(b, m.as_ref()).to_lowercase()
            ));
        }
        line.push('.');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(key: i64) -> Beat {
        Beat {
            key,
            performers: vec![1],
            action: format!("beat {key}"),
            contacts: vec![],
            exposures: vec![],
            positions: String::new(),
            garments: String::new(),
            camera: String::new(),
            hold_point: key == 2,
        }
    }

    #[test]
    fn the_report_names_beats_that_ran_as_rehearsed_and_those_that_did_not() {
        let one = beat(1);
        let two = beat(2);
        let three = beat(3);
        let edited_after = Mark {
            outcome: "rehearsed".into(),
            beat_hash: "0".repeat(64),
        };
        let scene = SceneBeats {
            scene_id: 1,
            beats: vec![
                (
                    one.clone(),
                    Some(Mark {
                        outcome: "rehearsed".into(),
                        beat_hash: one.content_hash(),
                    }),
                ),
                (two, Some(edited_after)),
                (three, None),
            ],
        };
        assert_eq!(
            scene.report_line(),
            "Beats 1 of 3 ran as rehearsed; beat 2: rehearsed; edited since; beat 3: not rehearsed."
        );
        let day = scene.day_beats();
        assert!(day[1].hold_point && !day[0].hold_point);
        assert_eq!(day[0].rehearsal, "Rehearsed as written");
    }
}
