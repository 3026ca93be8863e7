//! The rehearsal record: at a rehearsal the coordinator marks a beat rehearsed as written,
//! changed or dropped, with a check-in from each performer in it. The mark keeps the beat's
//! hash, so later pages say whether the beat is still the one rehearsed.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::store;
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::web::ids::Ids;
use crate::web::{AppState, Flash, FormBody, Len};

/// What a rehearsal did with a beat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Rehearsed,
    Changed,
    Dropped,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Rehearsed, Outcome::Changed, Outcome::Dropped];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Rehearsed => "rehearsed",
            Outcome::Changed => "changed",
            Outcome::Dropped => "dropped",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Rehearsed => "Rehearsed as written",
            Outcome::Changed => "Changed at rehearsal",
            Outcome::Dropped => "Dropped at rehearsal",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text.trim())
    }
}

/// One performer's check-in at the rehearsal of a beat.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CheckIn {
    pub cast_member_id: i64,
    pub note: String,
}

const NOTE_MAX: usize = 300;

pub(super) async fn mark_beat(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, scene_id, key)): Ids<(i64, i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::RecordBeatRehearsal)?;
    let scene = store::flagged_scene(&state.pool, &member, scene_id).await?;
    let current = store::current(&state.pool, scene_id).await?;
    let beat = current
        .choreography
        .beats
        .iter()
        .find(|b| b.key == key)
        .ok_or(AppError::NotFound)?;
    let back = format!(
        "{}/scenes/{scene_id}/choreography#beat-{key}",
        member.base()
    );
    let mut r = body.reader();
    let Some(outcome) = Outcome::parse(&r.text("outcome", Len::Code)) else {
        Flash::info(&session, "Choose what the rehearsal did with the beat.").await?;
        return Ok(Redirect::to(&back).into_response());
    };
    let check_ins: Vec<CheckIn> = beat
        .performers
        .iter()
        .map(|id| CheckIn {
            cast_member_id: *id,
            // A check-in is a word or two; anything longer is cut rather than lost.
            note: r
                .text(format!("check_in_{id}"), Len::Line)
                .chars()
                .take(NOTE_MAX)
                .collect(),
        })
        .collect();
    let json =
        serde_json::to_string(&check_ins).map_err(|e| anyhow::anyhow!("writing check-ins: {e}"))?;
    sqlx::query(
        "insert into beat_rehearsal
           (production_id, scene_id, beat_key, beat_hash, outcome, check_ins, recorded_by)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7)",
    )
    .bind(member.production.production_id)
    .bind(scene_id)
    .bind(key)
    .bind(beat.content_hash())
    .bind(outcome.as_str())
    .bind(json)
    .bind(member.user.user_id)
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        format!(
            "Scene {}: the beat is marked “{}”.",
            scene.number,
            outcome.label().to_lowercase()
        ),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}
