//! The status words an open page shows, as small JSON, for `static/live.js` to put in place when
//! a production's status moves: `GET /productions/{id}/status?ids=scene-12-day-4,rider-7`.
//! Each id names one status element of a page (`data-status` in the templates); the words are
//! those the page itself would show this viewer, under the same access rules.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::consent::status::{self, Only};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::cleared::scene_status_key;
use crate::vocab::{RiderStatus, Role};
use crate::web::AppState;
use crate::web::ids::Params;

/// The most status elements one request may ask about: more than any page shows (a page of the
/// rider list is fifty), small enough that a hostile request costs little.
pub const MAX_IDS: usize = 200;

/// One status element of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusId {
    /// A flagged scene on one shoot day (`scene-12-day-4`), or unscheduled (`scene-12`).
    Scene { scene_id: i64, day: Option<i64> },
    /// A rider (`rider-7`).
    Rider(i64),
}

impl StatusId {
    /// The id as pages write it in `data-status`.
    pub fn key(&self) -> String {
        match self {
            StatusId::Scene { scene_id, day } => scene_status_key(*scene_id, *day),
            StatusId::Rider(rider_id) => format!("rider-{rider_id}"),
        }
    }

    pub fn parse(text: &str) -> Option<StatusId> {
        let number = |t: &str| -> Option<i64> {
            // Digits only: no sign, no spaces, and never past what a bigint id holds.
            (!t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        if let Some(rest) = text.strip_prefix("rider-") {
            return number(rest).map(StatusId::Rider);
        }
        let rest = text.strip_prefix("scene-")?;
        match rest.split_once("-day-") {
            Some((scene, day)) => Some(StatusId::Scene {
                scene_id: number(scene)?,
                day: Some(number(day)?),
            }),
            None => Some(StatusId::Scene {
                scene_id: number(rest)?,
                day: None,
            }),
        }
    }

    /// The ids of a request: comma-separated, at most `MAX_IDS`; `None` if any is unreadable.
    pub fn parse_list(text: &str) -> Option<Vec<StatusId>> {
        let mut ids = Vec::new();
        for part in text.split(',').filter(|p| !p.is_empty()) {
            if ids.len() == MAX_IDS {
                return None;
            }
            ids.push(StatusId::parse(part)?);
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

/// The words of one status element, and its tone (the status-* class that gives its colour
/// and icon beside the word).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Words {
    pub word: String,
    pub tone: &'static str,
}

#[derive(Deserialize)]
pub struct StatusQuery {
    #[serde(default)]
    ids: String,
}

#[derive(sqlx::FromRow)]
struct RiderWords {
    rider_id: i64,
    status: RiderStatus,
    stale: bool,
}

/// `GET /productions/{id}/status?ids=…`: the current words of the named elements this member
/// may see; an element they may not see, or that does not exist, is simply left out. An
/// unreadable id, or more than `MAX_IDS`, is refused with 422.
pub async fn status_words(
    State(state): State<AppState>,
    member: Member,
    Params(query): Params<StatusQuery>,
) -> Result<Response> {
    let ids = StatusId::parse_list(&query.ids).ok_or(AppError::UnreadableForm)?;
    let production = &member.production;
    let performer = member.is(Role::Performer);
    // A performer's own cast record in this production: they see only its scenes and riders.
    let own_cast: Option<i64> = if performer {
        sqlx::query_scalar(
            "select cast_member_id from cast_member where production_id = $1 and user_id = $2",
        )
        .bind(production.production_id)
        .bind(member.user.user_id)
        .fetch_optional(&state.pool)
        .await?
    } else {
        None
    };
    let mut words: BTreeMap<String, Words> = BTreeMap::new();

    let wants_scenes = ids.iter().any(|id| matches!(id, StatusId::Scene { .. }));
    if wants_scenes && (!performer || own_cast.is_some()) {
        let lines = match own_cast {
            Some(cast_member_id) => {
                let in_scenes: Vec<i64> = sqlx::query_scalar(
                    "select sc.scene_id from scene_cast sc join scene s using (scene_id)
                     where sc.cast_member_id = $1 and not s.omitted",
                )
                .bind(cast_member_id)
                .fetch_all(&state.pool)
                .await?;
                let mine: Vec<_> = status::production_status(
                    &state.pool,
                    production,
                    Only::Performer(cast_member_id),
                )
                .await?
                .into_iter()
                .filter(|s| in_scenes.contains(&s.scene_id))
                .collect();
                status::lines_for(&mine, Some(cast_member_id))
            }
            None => status::lines_for(
                &status::production_status_shared(&state, production).await?,
                None,
            ),
        };
        for line in lines {
            let id = StatusId::Scene {
                scene_id: line.scene_id,
                day: line.shoot_day_id,
            };
            if ids.binary_search(&id).is_ok() {
                words.insert(
                    id.key(),
                    Words {
                        word: line.word,
                        tone: line.css,
                    },
                );
            }
        }
    }

    let riders: Vec<i64> = ids
        .iter()
        .filter_map(|id| match id {
            StatusId::Rider(rider_id) => Some(*rider_id),
            StatusId::Scene { .. } => None,
        })
        .collect();
    // Directors read no rider (DOMAIN §4); a performer only their own, once delivered.
    if !riders.is_empty() && member.can(Action::ReadRiders) && (!performer || own_cast.is_some()) {
        let rows: Vec<RiderWords> = sqlx::query_as(&format!(
            "select r.rider_id, r.status, {stale} as stale
             from rider r
             where r.production_id = $1 and r.rider_id = any($2)
               and ($3::bigint is null or (r.cast_member_id = $3 and r.status <> 'drafted'))",
            stale = crate::consent::riders::stale_sql("r.rider_id")
        ))
        .bind(production.production_id)
        .bind(&riders)
        .bind(own_cast)
        .fetch_all(&state.pool)
        .await?;
        for r in rows {
            words.insert(
                StatusId::Rider(r.rider_id).key(),
                Words {
                    word: r.status.label(r.stale).into(),
                    tone: r.status.tone(r.stale),
                },
            );
        }
    }

    Ok(([(header::CACHE_CONTROL, "no-store, private")], Json(words)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_as_pages_write_them_and_nothing_else() {
        for id in [
            StatusId::Rider(7),
            StatusId::Scene {
                scene_id: 12,
                day: Some(4),
            },
            StatusId::Scene {
                scene_id: 12,
                day: None,
            },
        ] {
            assert_eq!(StatusId::parse(&id.key()), Some(id));
        }
        for hostile in [
            "rider-",
            "rider--1",
            "rider-+1",
            "rider-1 ",
            "rider-99999999999999999999",
            "scene-1-day-",
            "scene-1-day-x",
            "scene--day-1",
            "scene-1-day-2-day-3",
            "shot-1",
            "",
            "rider-1\u{0}",
        ] {
            assert_eq!(StatusId::parse(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn a_list_is_capped_and_refused_whole_when_one_id_is_unreadable() {
        let many = (0..MAX_IDS)
            .map(|i| format!("rider-{i}"))
            .collect::<Vec<_>>();
        assert_eq!(
            StatusId::parse_list(&many.join(",")).unwrap().len(),
            MAX_IDS
        );
        let too_many = (0..=MAX_IDS)
            .map(|i| format!("rider-{i}"))
            .collect::<Vec<_>>();
        assert_eq!(StatusId::parse_list(&too_many.join(",")), None);
        assert_eq!(StatusId::parse_list("rider-1,bogus"), None);
        assert_eq!(
            StatusId::parse_list("rider-2,rider-1,rider-2,"),
            Some(vec![StatusId::Rider(1), StatusId::Rider(2)])
        );
    }
}
