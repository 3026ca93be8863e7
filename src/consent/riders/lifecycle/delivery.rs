//! Delivering a rider: the text rendered from the covered scenes, locked with its hash when it
//! is delivered, and the performer's first look at it recorded once.

use sqlx::PgConnection;

use crate::consent::boundaries::conflicts_for_rider;
use crate::consent::rider_text::{self, RiderContent, RiderScene};
use crate::error::Result;
use crate::ledger;
use crate::notifications;
use crate::productions::Production;
use crate::vault::Vault;
use crate::vocab::LedgerEvent;
use crate::vocab::breakdown::PerformerPart;
use crate::vocab::scope::Scope;

use super::drafting::{lock, snapshot};
use super::rider::{Refused, RiderRow, load, rider_link};
use super::scenes::{Covered, covered, scene_facts, scenes_phrase};

/// The part a stored scope describes, with the performer's own garments from the covered
/// breakdown version, for rendering the text.
fn part_of(scope: &Scope, cast_member_id: i64, garments: &str) -> PerformerPart {
    PerformerPart {
        cast_member_id,
        nudity: scope.nudity,
        shown: scope.shown.iter().copied().collect(),
        touched: scope.touched.iter().copied().collect(),
        touching: scope.touching.iter().copied().collect(),
        acts: scope.acts.iter().cloned().collect(),
        garments: garments.to_string(),
    }
}

/// The rider text as it reads for these covered scenes: the stored body once delivered, this
/// rendering (a preview) while drafted.
pub fn render_text(production: &Production, rider: &RiderRow, scenes: &[Covered]) -> String {
    let parts: Vec<PerformerPart> = scenes
        .iter()
        .map(|s| {
            s.scope
                .as_ref()
                .map(|scope| {
                    let wearer = s.wearer(rider.cast_member_id);
                    let garments = rider_text::own_garments(&s.breakdown, wearer);
                    part_of(scope, rider.cast_member_id, garments)
                })
                .unwrap_or_else(|| PerformerPart {
                    cast_member_id: rider.cast_member_id,
                    nudity: crate::vocab::body::NudityLevel::None,
                    shown: Vec::new(),
                    touched: Vec::new(),
                    touching: Vec::new(),
                    acts: Vec::new(),
                    garments: String::new(),
                })
        })
        .collect();
    let content = RiderContent {
        production_title: &production.title,
        performer_name: &rider.performer_name,
        cast_number: rider.cast_number,
        character: &rider.character_name,
        scenes: scenes
            .iter()
            .zip(&parts)
            .map(|(s, part)| RiderScene {
                number: &s.number,
                heading: &s.heading,
                version: s.version,
                content_hash: &s.content_hash,
                part,
                shared_garments: &s.breakdown.garments,
                closed_set: &s.breakdown.closed_set,
            })
            .collect(),
        uses: rider.terms().uses,
        double_allowed: rider.double_allowed,
        notice_hours: production.notice_hours,
    };
    rider_text::render(&content)
}

/// What the coordinator must confirm before delivering a rider that asks for something the
/// performer's boundary profile says No or "ask first" to.
pub const DISCUSS_FIRST: &str = "This rider asks for something the performer's boundary profile \
     says No or “ask first” to. Confirm you have discussed it with them before delivering.";

/// Delivers a draft: takes each scene at its current version, locks the text and its hash,
/// starts the notice clock and tells the performer. When the rider, as delivered, asks for
/// something the performer's boundary profile says No or "ask first" to, it is delivered only if
/// the coordinator `discussed` it with them, and the ledger records that they did and how many
/// items, never which.
pub async fn deliver(
    conn: &mut PgConnection,
    production: &Production,
    rider_id: i64,
    actor: i64,
    discussed: bool,
    vault: Option<&Vault>,
) -> Result<std::result::Result<(), Refused>> {
    let production_id = production.production_id;
    if lock(conn, production_id, rider_id).await?.as_deref() != Some("drafted") {
        return Ok(Err(Refused::state(
            "This rider was already delivered; a delivered rider is never changed.",
        )));
    }
    let rider = load(conn, production_id, rider_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let scene_ids: Vec<i64> = covered(conn, rider_id)
        .await?
        .iter()
        .map(|s| s.scene_id)
        .collect();
    if let Err(refused) = snapshot(
        conn,
        production_id,
        rider_id,
        rider.cast_member_id,
        &scene_ids,
        rider.terms(),
    )
    .await?
    {
        return Ok(Err(Refused::state(format!(
            "{} Edit the draft's scenes, then deliver.",
            refused.message
        ))));
    }
    let conflicts = conflicts_for_rider(vault, conn, production_id, rider_id).await?;
    if !conflicts.is_empty() && !discussed {
        return Ok(Err(Refused::field("discussed", DISCUSS_FIRST)));
    }
    let scenes = covered(conn, rider_id).await?;
    let body = render_text(production, &rider, &scenes);
    let hash = rider_text::text_hash(&body);
    // What is agreed besides the text (each scene's scope, the uses, doubles), as stored now:
    // the ledger keeps its hash, so a scope changed after delivery no longer matches.
    let terms_sha256 = ledger::state::terms_sha256_of(conn, rider_id).await?;
    sqlx::query(
        "update rider set status = 'delivered', body = $2, body_sha256 = $3, delivered_at = now(),
                updated_at = now()
         where rider_id = $1",
    )
    .bind(rider_id)
    .bind(&body)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    // Without a vault (the demo loader) the text stays clear until the start-up sweep seals it.
    if let Some(vault) = vault {
        super::rider::seal_body(
            vault,
            conn,
            production_id,
            rider.cast_member_id,
            rider_id,
            &body,
        )
        .await?;
    }
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Delivered {
            text_sha256: hash.clone(),
            terms_sha256,
            scenes: scene_facts(&scenes),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    if !conflicts.is_empty() {
        ledger::append(
            conn,
            production_id,
            &LedgerEvent::ConflictsDiscussed {
                items: conflicts.len(),
            },
            Some(rider_id),
            Some(actor),
        )
        .await?;
    }
    if let Some(user_id) = rider.performer_user_id {
        let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
        notifications::notify(
            conn,
            production_id,
            &[user_id],
            notifications::kind::RIDER_DELIVERED,
            &format!(
                "A rider for {} is ready for you to read",
                scenes_phrase(&numbers)
            ),
            &rider_link(production_id, rider_id),
        )
        .await?;
    }
    Ok(Ok(()))
}

/// Records the performer's first look at a delivered rider; later looks record nothing.
/// Returns whether this was the first.
pub async fn mark_viewed(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
) -> Result<bool> {
    // The ledger lock first, as every consent write; then the guarded update is the once-only
    // check: a second view, even a concurrent one, finds nothing left to update.
    ledger::lock(conn, production_id).await?;
    let first: Option<String> = sqlx::query_scalar(
        "update rider set status = 'viewed', viewed_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2 and status = 'delivered' and viewed_at is null
         returning body_sha256",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(hash) = first else {
        return Ok(false);
    };
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Viewed {
            text_sha256: hash.clone(),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    Ok(true)
}
