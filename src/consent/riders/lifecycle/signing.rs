//! The performer's acts on a delivered rider: signing it (which supersedes their older riders
//! for the scenes it covers), declining it unsigned, and withdrawing consent (themself, or told
//! to a coordinator who records it for them), each with its ledger event. Each takes the
//! production's ledger lock before any row, so no two consent writes can deadlock.

use sqlx::PgConnection;

use crate::error::Result;
use crate::ledger;
use crate::notifications;
use crate::rules::revocation::{SayingNo, saying_no};
use crate::vocab::ledger_event::{Told, client_sha256};
use crate::vocab::{LedgerEvent, RiderStatus, Role};

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
    /// `password` or `passkey`.
    pub method: &'static str,
    /// With a passkey: the SHA-256 of its credential id.
    pub credential_sha256: Option<String>,
}

/// Signs a delivered rider (the caller has checked who is signing and how), and supersedes the
/// performer's older riders for the scenes this one covers. Returns the older riders touched.
pub async fn sign(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
    signature: &Signature,
) -> Result<std::result::Result<Vec<i64>, Refused>> {
    ledger::lock(conn, production_id).await?;
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
    let salt = hex::encode(rand::random::<[u8; 32]>());
    let entry = ledger::append(
        conn,
        production_id,
        &LedgerEvent::Signed {
            text_sha256: signature.text_sha256.clone(),
            client_sha256: client_sha256(&salt, &signature.client_addr, &signature.user_agent),
            authenticated: signature.authenticated.clone(),
            method: signature.method.into(),
            credential_sha256: signature.credential_sha256.clone(),
        },
        Some(rider_id),
        Some(actor),
    )
    .await?;
    // The device itself stays beside the ledger, where erasure can reach it.
    sqlx::query(
        "insert into consent_event_client (consent_event_id, production_id, salt, client_addr,
                                           user_agent)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(entry.consent_event_id)
    .bind(production_id)
    .bind(&salt)
    .bind(&signature.client_addr)
    .bind(&signature.user_agent)
    .execute(&mut *conn)
    .await?;
    // Older riders of this performer stop counting for the scenes this one covers: a signed one
    // is replaced there by this signature, and an unsigned one must not be signed later for
    // them by mistake. Their other scenes stay theirs. Withdrawn riders keep their status.
    let touched: Vec<(i64, Vec<String>, Vec<i64>)> = sqlx::query_as(
        "with older as (
             update rider_scene o set superseded_at = now(), superseded_by = $1
             from rider r, scene s
             where r.rider_id = o.rider_id and s.scene_id = o.scene_id
               and r.cast_member_id = $2 and r.rider_id < $1
               and r.status in ('delivered', 'viewed', 'signed') and r.revoked_at is null
               and o.superseded_at is null
               and o.scene_id in (select scene_id from rider_scene where rider_id = $1)
             returning o.rider_id, o.scene_id, s.number, s.sort_key)
         select rider_id, array_agg(number order by sort_key collate \"C\"),
                array_agg(scene_id order by sort_key collate \"C\") from older
         group by rider_id order by rider_id",
    )
    .bind(rider_id)
    .bind(cast_member_id)
    .fetch_all(&mut *conn)
    .await?;
    let superseded: Vec<i64> = touched.iter().map(|(id, _, _)| *id).collect();
    // A rider none of whose scenes still count is superseded as a whole.
    sqlx::query(
        "update rider r set status = 'superseded', superseded_at = now(), superseded_by = $1,
                updated_at = now()
         where r.rider_id = any($2)
           and not exists (select 1 from rider_scene rs
                           where rs.rider_id = r.rider_id and rs.superseded_at is null)",
    )
    .bind(rider_id)
    .bind(&superseded)
    .execute(&mut *conn)
    .await?;
    for (old, scenes, scene_ids) in touched {
        ledger::append(
            conn,
            production_id,
            &LedgerEvent::Superseded {
                superseded_by: rider_id,
                scenes,
                scene_ids,
            },
            Some(old),
            Some(actor),
        )
        .await?;
    }
    Ok(Ok(superseded))
}

/// Who asked to withdraw: the performer themself, or a coordinator recording what the
/// performer told them in person or by phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    ByPerformer,
    ToldCoordinator(Told),
}

/// Withdraws consent (or declines a rider not yet signed): effective at once, recorded once,
/// and the coordinators and producers are told; when a coordinator recorded it, the performer
/// is told too. Only a rider delivered after it, and signed, clears those scenes again. The
/// caller has checked who is asking.
pub async fn revoke(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
    actor: i64,
    asked: Asked,
) -> Result<std::result::Result<SayingNo, Refused>> {
    ledger::lock(conn, production_id).await?;
    let current: Option<(RiderStatus, bool)> = sqlx::query_as(
        "select status, revoked_at is not null from rider
         where rider_id = $1 and production_id = $2 for update",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    // A double submit finds it already withdrawn and records nothing more.
    let Some(how) = current.and_then(|(status, withdrawn)| saying_no(status, withdrawn)) else {
        return Ok(Err(Refused::state(
            "Consent for this rider is already withdrawn, or it was replaced by a newer rider.",
        )));
    };
    let status = match how {
        SayingNo::Decline => RiderStatus::Declined,
        SayingNo::Withdraw => RiderStatus::Revoked,
    };
    sqlx::query(
        "update rider set status = $3, revoked_at = now(), updated_at = now()
         where rider_id = $1 and production_id = $2",
    )
    .bind(rider_id)
    .bind(production_id)
    .bind(status)
    .execute(&mut *conn)
    .await?;
    let event = match (how, asked) {
        (_, Asked::ToldCoordinator(told)) => LedgerEvent::RevokedForPerformer { told },
        (SayingNo::Decline, Asked::ByPerformer) => LedgerEvent::Declined,
        (SayingNo::Withdraw, Asked::ByPerformer) => LedgerEvent::Revoked,
    };
    ledger::append(conn, production_id, &event, Some(rider_id), Some(actor)).await?;
    let rider = load(conn, production_id, rider_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let scenes = covered(conn, rider_id).await?;
    let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
    let what = match how {
        SayingNo::Decline => "declined the rider",
        SayingNo::Withdraw => "withdrew consent",
    };
    let told = match asked {
        Asked::ByPerformer => String::new(),
        Asked::ToldCoordinator(told) => {
            format!(
                " (told to the coordinator {}, who recorded it)",
                told.label()
            )
        }
    };
    notifications::notify_roles(
        conn,
        production_id,
        &[Role::Coordinator, Role::Producer],
        notifications::kind::CONSENT_REVOKED,
        &format!(
            "{} {what} for {}{told}",
            rider.performer_label(),
            scenes_phrase(&numbers)
        ),
        &rider_link(production_id, rider_id),
    )
    .await?;
    if let (Asked::ToldCoordinator(told), Some(performer)) = (asked, rider.performer_user_id) {
        notifications::notify(
            conn,
            production_id,
            &[performer],
            notifications::kind::CONSENT_REVOKED,
            &format!(
                "Your coordinator recorded that you withdrew consent for {}, as you told them {}. \
                 It took effect at once.",
                scenes_phrase(&numbers),
                told.label()
            ),
            &rider_link(production_id, rider_id),
        )
        .await?;
    }
    Ok(Ok(how))
}
