//! Saving an intimacy breakdown as a new immutable version: only when the content hash changes,
//! never for a breakdown that breaks a rule (R8) or puts a minor in a restricted scene (R5).

use std::collections::HashMap;

use time::Date;

use super::stored::{age, scene_dates};
use crate::cast::CastMember;
use crate::error::{AppError, Result};
use crate::ledger;
use crate::notifications;
use crate::rules::minors::is_restricted;
use crate::rules::minors::{self, CastAge};
use crate::rules::staleness::part_changed;
use crate::vocab::LedgerEvent;
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
    // A new version can carry riders forward (a consent event): the ledger lock comes first,
    // before the scene row, as in every consent write.
    ledger::lock(tx, production_id).await?;
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
    // A new breakdown is the coordinator's review of any script revision waiting for one.
    sqlx::query(
        "update scene set current_version_id = $2, script_review_revision_id = null,
                updated_at = now()
         where scene_id = $1",
    )
    .bind(scene_id)
    .bind(version_id)
    .execute(&mut *tx)
    .await?;
    let saved = NewVersion {
        scene_id,
        version,
        version_id,
    };
    carry_forward(tx, production_id, &saved, &old, breakdown, created_by).await?;
    Ok(SaveOutcome::Saved { version })
}

/// The version just saved.
#[derive(Clone, Copy)]
struct NewVersion {
    scene_id: i64,
    version: i32,
    version_id: i64,
}

/// A signed rider that still stands for the scene, with the version it covers.
#[derive(sqlx::FromRow)]
struct Standing {
    rider_id: i64,
    cast_member_id: i64,
    user_id: Option<i64>,
    number: String,
    version: i32,
    breakdown: String,
}

/// What changed around a performer whose own part stayed as it was, in words.
fn around(old: &Breakdown, new: &Breakdown, cast_member_id: i64) -> Vec<&'static str> {
    let others = |b: &Breakdown| -> Vec<Option<String>> {
        let mut parts: Vec<Option<String>> = b
            .performers
            .iter()
            .filter(|p| p.cast_member_id != cast_member_id)
            .map(|p| b.part_hash(p.cast_member_id))
            .collect();
        parts.sort();
        parts
    };
    let (old_whole, new_whole) = (old.normalised(), new.normalised());
    let mut out = Vec::new();
    if old_whole.closed_set != new_whole.closed_set {
        out.push("the closed set");
    }
    if old_whole.monitor_list != new_whole.monitor_list {
        out.push("the monitor list");
    }
    if others(old) != others(new) {
        out.push("another performer's part");
    }
    out
}

/// Every signed rider of the scene whose performer's part is as it was (DOMAIN §3, Stale)
/// carries forward to the new version: a ledger event says so, and the performer is told what
/// changed around them. A rider whose part changed goes stale, which clearance shows.
async fn carry_forward(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    saved: &NewVersion,
    old: &Breakdown,
    new: &Breakdown,
    actor: Option<i64>,
) -> Result<()> {
    let NewVersion {
        scene_id,
        version,
        version_id,
    } = *saved;
    let standing: Vec<Standing> = sqlx::query_as(
        "select r.rider_id, r.cast_member_id, c.user_id, s.number, v.version,
                v.breakdown::text as breakdown
         from rider_scene rs
         join rider r using (rider_id)
         join cast_member c on c.cast_member_id = r.cast_member_id
         join scene s on s.scene_id = rs.scene_id
         join scene_version v on v.scene_version_id = rs.scene_version_id
         where rs.scene_id = $1 and rs.production_id = $2 and r.status = 'signed'
           and r.revoked_at is null and rs.superseded_at is null",
    )
    .bind(scene_id)
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;
    for rider in standing {
        let covered = read_breakdown(&rider.breakdown);
        if part_changed(Some(&covered), new, rider.cast_member_id, false) {
            continue;
        }
        sqlx::query(
            "update rider_scene set carried_to_version_id = $3 where rider_id = $1 and scene_id = $2",
        )
        .bind(rider.rider_id)
        .bind(scene_id)
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
        ledger::append(
            tx,
            production_id,
            &LedgerEvent::CarriedForward {
                scene_id,
                scene: rider.number.clone(),
                from_version: rider.version,
                to_version: version,
            },
            Some(rider.rider_id),
            actor,
        )
        .await?;
        if let Some(user_id) = rider.user_id {
            let what = around(old, new, rider.cast_member_id);
            let around = if what.is_empty() {
                String::new()
            } else {
                format!(" What changed around you: {}.", what.join(", "))
            };
            notifications::notify(
                tx,
                production_id,
                &[user_id],
                notifications::kind::RIDER_CARRIED_FORWARD,
                &format!(
                    "The breakdown of scene {} changed (version {version}), but not what you are \
                     asked: your signed rider still covers it.{around}",
                    rider.number
                ),
                &format!("/productions/{production_id}/riders/{}", rider.rider_id),
            )
            .await?;
        }
    }
    Ok(())
}
