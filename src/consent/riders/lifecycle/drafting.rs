//! Drafting a rider: snapshotting the scenes it covers at their current versions, creating a
//! draft and changing one, and the row lock a draft's changes (and its delivery) take first.

use sqlx::PgConnection;

use crate::error::Result;
use crate::ledger;
use crate::vocab::LedgerEvent;
use crate::vocab::scope::Scope;

use super::rider::{Refused, Terms};
use super::scenes::{candidates, covered, scene_facts};

/// Writes which scene versions a rider covers, at their current versions, replacing what it
/// covered before. Only drafts are re-snapshotted; delivered riders are never edited in place.
pub(super) async fn snapshot(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    cast_member_id: i64,
    scene_ids: &[i64],
    terms: Terms,
) -> Result<std::result::Result<(), Refused>> {
    if scene_ids.is_empty() {
        return Ok(Err(Refused::field(
            "scenes",
            "Choose at least one scene for the rider to cover.",
        )));
    }
    let offered = candidates(conn, production_id, cast_member_id).await?;
    let mut chosen = Vec::new();
    for id in scene_ids {
        match offered.iter().find(|c| c.scene_id == *id) {
            Some(c) => chosen.push(c),
            None => {
                return Ok(Err(Refused::field(
                    "scenes",
                    "Choose scenes whose current breakdown asks something of this performer.",
                )));
            }
        }
    }
    let scopes: Vec<String> = chosen
        .iter()
        .map(|c| {
            serde_json::to_string(&Scope::from_part(&c.part, terms.uses, terms.double_allowed))
                .expect("a scope serialises")
        })
        .collect();
    sqlx::query("delete from rider_scene where rider_id = $1")
        .bind(rider_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "insert into rider_scene (rider_id, scene_id, scene_version_id, production_id, scope)
         select $1, t.scene_id, t.version_id, $2, t.scope::jsonb
         from unnest($3::bigint[], $4::bigint[], $5::text[]) as t(scene_id, version_id, scope)",
    )
    .bind(rider_id)
    .bind(production_id)
    .bind(chosen.iter().map(|c| c.scene_id).collect::<Vec<_>>())
    .bind(
        chosen
            .iter()
            .map(|c| c.scene_version_id)
            .collect::<Vec<_>>(),
    )
    .bind(&scopes)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// Drafts a rider for a performer from the current breakdowns of `scene_ids`.
pub async fn draft(
    conn: &mut PgConnection,
    production_id: i64,
    cast_member_id: i64,
    scene_ids: &[i64],
    terms: Terms,
    actor: i64,
) -> Result<std::result::Result<i64, Refused>> {
    ledger::lock(conn, production_id).await?;
    let on_cast: bool = sqlx::query_scalar(
        "select exists (select 1 from cast_member where cast_member_id = $1 and production_id = $2)",
    )
    .bind(cast_member_id)
    .bind(production_id)
    .fetch_one(&mut *conn)
    .await?;
    if !on_cast {
        return Ok(Err(Refused::field(
            "cast_member_id",
            "Choose a performer from the cast list.",
        )));
    }
    let rider_id: i64 = sqlx::query_scalar(
        "insert into rider (production_id, cast_member_id, in_picture, in_trailers, in_stills,
                            double_allowed, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning rider_id",
    )
    .bind(production_id)
    .bind(cast_member_id)
    .bind(terms.uses.in_picture)
    .bind(terms.uses.trailers)
    .bind(terms.uses.stills)
    .bind(terms.double_allowed)
    .bind(actor)
    .fetch_one(&mut *conn)
    .await?;
    if let Err(refused) = snapshot(
        conn,
        production_id,
        rider_id,
        cast_member_id,
        scene_ids,
        terms,
    )
    .await?
    {
        // The caller drops the transaction, so the rider row goes too.
        return Ok(Err(refused));
    }
    record_drafted(conn, production_id, rider_id, actor).await?;
    Ok(Ok(rider_id))
}

/// Puts the scene versions the draft now covers on the ledger as a `drafted` entry.
async fn record_drafted(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
) -> Result<()> {
    let scenes = covered(conn, rider_id).await?;
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Drafted {
            scenes: scene_facts(&scenes),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    Ok(())
}

/// Locks the production's ledger, then the rider row, for the rest of the transaction (the one
/// order every consent write keeps) and returns the rider's status.
pub(super) async fn lock(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
) -> Result<Option<String>> {
    ledger::lock(conn, production_id).await?;
    Ok(sqlx::query_scalar(
        "select status from rider where rider_id = $1 and production_id = $2 for update",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(conn)
    .await?)
}

const ONLY_DRAFTS: &str = "Only a draft can be changed. A delivered rider is never edited: \
                           draft a new rider instead.";

/// Changes a draft's scenes and terms; the scenes are taken at their current versions, and the
/// ledger gets a `drafted` entry naming them, so the scenes a rider covers always match its
/// latest `drafted` (or `delivered`) entry.
pub async fn update_draft(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    scene_ids: &[i64],
    terms: Terms,
    actor: i64,
) -> Result<std::result::Result<(), Refused>> {
    if lock(conn, production_id, rider_id).await?.as_deref() != Some("drafted") {
        return Ok(Err(Refused::state(ONLY_DRAFTS)));
    }
    let cast_member_id: i64 =
        sqlx::query_scalar("select cast_member_id from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&mut *conn)
            .await?;
    if let Err(refused) = snapshot(
        conn,
        production_id,
        rider_id,
        cast_member_id,
        scene_ids,
        terms,
    )
    .await?
    {
        return Ok(Err(refused));
    }
    sqlx::query(
        "update rider set in_picture = $2, in_trailers = $3, in_stills = $4, double_allowed = $5,
                updated_at = now()
         where rider_id = $1",
    )
    .bind(rider_id)
    .bind(terms.uses.in_picture)
    .bind(terms.uses.trailers)
    .bind(terms.uses.stills)
    .bind(terms.double_allowed)
    .execute(&mut *conn)
    .await?;
    record_drafted(conn, production_id, rider_id, actor).await?;
    Ok(Ok(()))
}
