//! Saving an intimacy breakdown as a new immutable version: only when the content hash changes,
//! never for a breakdown that breaks a rule (R8) or puts a minor in a restricted scene (R5).

use std::collections::HashMap;

use time::Date;

use super::stored::{age, scene_dates};
use crate::cast::CastMember;
use crate::error::{AppError, Result};
use crate::rules::minors::is_restricted;
use crate::rules::minors::{self, CastAge};
use crate::vocab::body::{NudityLevel, is_flagged};
use crate::vocab::breakdown::empty_breakdown;
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::breakdown::{Breakdown, diff};

/// What a save did.
#[derive(Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Same content hash as the current version: nothing written.
    Unchanged,
    /// A new version with this number is now current.
    Saved { version: i32 },
    /// The breakdown breaks a rule: (field, message) pairs, nothing written.
    Invalid(Vec<(String, String)>),
    /// R5: someone would be under 18 on a date of a restricted scene; the message, nothing written.
    MinorsRefused(String),
}

#[derive(sqlx::FromRow)]
struct Current {
    content_hash: Option<String>,
    breakdown: Option<String>,
    last_version: i32,
}

/// A breakdown is whole and meets R8 (the monitor list within the closed set), as (field,
/// message) pairs for the form.
pub(super) fn check(breakdown: &Breakdown) -> Result<(), Vec<(String, String)>> {
    let mut problems = breakdown.validate().err().unwrap_or_default();
    problems.extend(crate::rules::closed_set::monitor_problems(breakdown));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Saves a breakdown as the scene's new version, inside the caller's transaction.
///
/// The scene row is locked first, so two coordinators saving at once get versions n+1 and n+2
/// rather than a clash, and the R5 check sees the same cast the version is written against.
pub async fn save_breakdown(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    scene_id: i64,
    breakdown: &Breakdown,
    created_by: Option<i64>,
    today: Date,
) -> Result<SaveOutcome> {
    if let Err(errors) = check(breakdown) {
        return Ok(SaveOutcome::Invalid(errors));
    }
    let current: Current = sqlx::query_as(
        "select v.content_hash, v.breakdown::text as breakdown,
                (select coalesce(max(version), 0) from scene_version where scene_id = s.scene_id)
                    as last_version
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2
         for update of s",
    )
    .bind(scene_id)
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let hash = breakdown.content_hash();
    let current_hash = current
        .content_hash
        .unwrap_or_else(|| empty_breakdown().content_hash());
    if hash == current_hash {
        return Ok(SaveOutcome::Unchanged);
    }

    let cast: Vec<CastMember> = sqlx::query_as(
        "select cast_member_id, cast_number, name, character_name, date_of_birth, union_name,
                representative, user_id
         from cast_member where production_id = $1",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;
    if breakdown
        .performers
        .iter()
        .any(|p| !cast.iter().any(|c| c.cast_member_id == p.cast_member_id))
    {
        return Ok(SaveOutcome::Invalid(vec![(
            "performers".into(),
            "Every performer in a breakdown must be on the cast list.".into(),
        )]));
    }
    if is_restricted(breakdown) {
        let in_scene: Vec<i64> =
            sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
                .bind(scene_id)
                .fetch_all(&mut *tx)
                .await?;
        let ages: Vec<CastAge> = cast
            .iter()
            .filter(|c| {
                in_scene.contains(&c.cast_member_id)
                    || breakdown
                        .performers
                        .iter()
                        .any(|p| p.cast_member_id == c.cast_member_id)
            })
            .map(age)
            .collect();
        let dates = scene_dates(tx, scene_id).await?;
        let conflicts = minors::minor_conflicts(&ages, &dates, today);
        if !conflicts.is_empty() {
            return Ok(SaveOutcome::MinorsRefused(minors::refusal(&conflicts)));
        }
    }

    let names: HashMap<i64, String> = cast.iter().map(|c| (c.cast_member_id, c.label())).collect();
    let old = read_breakdown(current.breakdown.as_deref().unwrap_or("{}"));
    let changes = diff(&old, breakdown, |id| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("cast member {id}"))
    });
    let nudity: Vec<NudityLevel> = breakdown.performers.iter().map(|p| p.nudity).collect();
    let version = current.last_version + 1;
    let version_id: i64 = sqlx::query_scalar(
        "insert into scene_version (scene_id, production_id, version, breakdown, content_hash,
                                    flagged, changes, created_by)
         values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) returning scene_version_id",
    )
    .bind(scene_id)
    .bind(production_id)
    .bind(version)
    .bind(breakdown.canonical())
    .bind(&hash)
    .bind(is_flagged(&breakdown.kinds, &nudity))
    .bind(&changes)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("update scene set current_version_id = $2, updated_at = now() where scene_id = $1")
        .bind(scene_id)
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    Ok(SaveOutcome::Saved { version })
}
