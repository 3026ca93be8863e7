//! The performer's two acts on a delivered rider: signing it (which supersedes their older
//! riders for the same scenes) and withdrawing consent, each with its ledger event.

use sqlx::PgConnection;

use crate::consent::ledger;
use crate::error::Result;
use crate::notifications;
use crate::vocab::LedgerEvent;
use crate::vocab::Role;

use super::rider::{Refused, load, rider_link};
use super::scenes::{covered, scenes_phrase};

/// How a signature was made, as the ledger keeps it.
#[derive(Clone, Debug)]
pub struct Signature {
    /// The hash of the text on the page the performer signed from.
    pub text_sha256: String,
    pub client_addr: String,
    pub user_agent: String,
    pub authenticated: String,
}

/// Signs a delivered rider (the caller has checked who is signing and how), and supersedes the
/// performer's older riders for any of the same scenes. Returns the ids superseded.
pub async fn sign(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
    signature: &Signature,
) -> Result<std::result::Result<Vec<i64>, Refused>> {
    let signed: Option<i64> = sqlx::query_scalar(
        "update rider set status = 'signed', signed_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2 and status in ('delivered', 'viewed')
           and revoked_at is null and body_sha256 = $3
         returning cast_member_id",
    )
    .bind(rider_id)
    .bind(production_id)
    .bind(&signature.text_sha256)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(cast_member_id) = signed else {
        return Ok(Err(Refused::state(
            "This rider cannot be signed now: it was already signed or withdrawn, or its text \
             is not the one your page showed. Nothing was recorded.",
        )));
    };
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Signed {
            text_sha256: signature.text_sha256.clone(),
            client_addr: signature.client_addr.clone(),
            user_agent: signature.user_agent.clone(),
            authenticated: signature.authenticated.clone(),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    // Older riders of this performer for any of the same scenes stop counting: a signed one is
    // replaced by this signature, and an unsigned one must not be signed later by mistake.
    // Withdrawn riders keep their status.
    let superseded: Vec<i64> = sqlx::query_scalar(
        "update rider o set status = 'superseded', superseded_at = now(), superseded_by = $1,
                updated_at = now()
         where o.cast_member_id = $2 and o.rider_id < $1
           and o.status in ('delivered', 'viewed', 'signed') and o.revoked_at is null
           and exists (select 1 from rider_scene a join rider_scene b using (scene_id)
                       where a.rider_id = o.rider_id and b.rider_id = $1)
         returning o.rider_id",
    )
    .bind(rider_id)
    .bind(cast_member_id)
    .fetch_all(&mut *conn)
    .await?;
    for old in &superseded {
        ledger::append(
            conn,
            production_id,
            &LedgerEvent::Superseded {
                superseded_by: rider_id,
            },
            Some(*old),
            Some(actor),
        )
        .await?;
    }
    Ok(Ok(superseded))
}

/// Withdraws consent: effective at once, recorded once, and the coordinators and producers are
/// told. The caller has checked that the performer themself asked.
pub async fn revoke(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
) -> Result<std::result::Result<(), Refused>> {
    // `revoked_at is null` makes a double submit record exactly one revocation.
    let revoked: Option<i64> = sqlx::query_scalar(
        "update rider set status = 'revoked', revoked_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2 and revoked_at is null
           and status in ('delivered', 'viewed', 'signed')
         returning rider_id",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    if revoked.is_none() {
        return Ok(Err(Refused::state(
            "Consent for this rider is already withdrawn, or it was replaced by a newer rider.",
        )));
    }
    ledger::append(
        conn,
        production_id,
        &LedgerEvent::Revoked,
        Some(rider_id),
        Some(actor),
    )
    .await?;
    let rider = load(conn, production_id, rider_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let scenes = covered(conn, rider_id).await?;
    let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
    notifications::notify_roles(
        conn,
        production_id,
        &[Role::Coordinator, Role::Producer],
        notifications::kind::CONSENT_REVOKED,
        &format!(
            "{} withdrew consent for {}",
            rider.performer_label(),
            scenes_phrase(&numbers)
        ),
        &rider_link(production_id, rider_id),
    )
    .await?;
    Ok(Ok(()))
}
