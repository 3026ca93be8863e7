//! The printable consent certificate of a delivered rider: its text and hash, the scenes it
//! covers, every ledger event of the rider with who, when and how, and the proof that the log
//! holds them: the signed checkpoint covering the newest event and each event's inclusion
//! proof, checked here from the same receipt the performer can download and check themselves.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::OffsetDateTime;

use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::consent::rider_text::{Block, Reading};
use crate::error::{AppError, Result};
use crate::ledger::receipt::{self, Receipt};
use crate::productions::{Member, Production};
use crate::vocab::{RiderStatus, Role};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, render};

use super::lifecycle::{self, Covered, RiderRow};
use super::reading::{CoveredView, readable};

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    event: String,
    occurred_at: OffsetDateTime,
    details: String,
    entry_hash: String,
    prev_hash: String,
    actor_name: Option<String>,
    actor_role: Option<Role>,
    /// The signing device, kept beside the ledger (gone once the signer is erased).
    client_addr: Option<String>,
    user_agent: Option<String>,
}

struct EventView {
    seq: i64,
    /// The event as the log and the receipt name it.
    event: String,
    what: String,
    when: String,
    who: String,
    how: String,
    facts: Vec<(String, String)>,
    entry_hash: String,
    prev_hash: String,
    /// The length of its inclusion proof, when the receipt holds one that checked out.
    proof_len: Option<usize>,
}

/// What an event means, in the words the rider pages use.
fn what(event: &str) -> String {
    match event {
        "drafted" => "Drafted".into(),
        "delivered" => "Delivered to the performer".into(),
        "viewed" => "Opened by the performer".into(),
        "signed" => "Signed".into(),
        "superseded" => "Replaced by a newer rider".into(),
        "revoked" => "Consent withdrawn".into(),
        "declined" => "Declined".into(),
        "carried_forward" => "Carried forward to a new breakdown version".into(),
        "conflicts_discussed" => "Boundary conflicts discussed before delivery".into(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

impl EventView {
    fn of(production: &Production, e: EventRow, receipt: Option<&Receipt>) -> EventView {
        let details: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&e.details).unwrap_or_default();
        let how = details
            .get("authenticated")
            .and_then(|v| v.as_str())
            .unwrap_or("signed-in session")
            .to_string();
        let mut facts: Vec<(String, String)> = details
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "text_sha256" | "client_addr" | "user_agent" | "client_sha256"
                )
            })
            .map(|(k, v)| {
                let label = match k.as_str() {
                    "text_sha256" => "Text SHA-256",
                    "client_addr" => "Client address",
                    "client_sha256" => "Device SHA-256",
                    _ => "User agent",
                };
                (label.to_string(), v.as_str().unwrap_or("").to_string())
            })
            .collect();
        // Entries written since the ledger holds only the device's hash: the address and
        // browser come from beside it, while the signer's data is kept.
        if let (Some(addr), Some(agent)) = (&e.client_addr, &e.user_agent) {
            facts.push(("Client address".into(), addr.clone()));
            facts.push(("User agent".into(), agent.clone()));
        }
        let who = match (e.actor_name, e.actor_role) {
            (Some(name), Some(role)) => format!("{name} ({})", role.label()),
            (Some(name), None) => format!("{name} (no longer a member)"),
            (None, _) => "Closed Set itself".into(),
        };
        EventView {
            seq: e.seq,
            what: what(&e.event),
            event: e.event,
            when: production.zone.moment_with_zone(e.occurred_at),
            who,
            how,
            facts,
            proof_len: receipt.and_then(|r| {
                r.events
                    .iter()
                    .find(|p| p.entry.seq == e.seq)
                    .map(|p| p.inclusion_proof.len())
            }),
            entry_hash: e.entry_hash,
            prev_hash: e.prev_hash,
        }
    }
}

/// The signed checkpoint covering the rider's newest event, as checked on the server.
struct ProofView {
    origin: String,
    size: u64,
    root_hex: String,
    /// The log's public key, which signed it.
    verifier_key: String,
    /// The signed note itself, for anyone who wants to check it by hand.
    note: String,
    newest_seq: i64,
    newest_proof_len: usize,
    /// Every event's proof, the text and the signature checked out.
    verified: bool,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "consent/rider_certificate.html")]
struct CertificatePage {
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    status: &'static str,
    covered: Vec<CoveredView>,
    events: Vec<EventView>,
    /// The rider text as it reads, parsed from the stored text itself.
    reading: Reading,
    hash: String,
    /// `None` while the log does not check out (nothing can be vouched for then).
    proof: Option<ProofView>,
    verify_url: String,
    /// The QR code of `verify_url`, as inline SVG.
    qr_svg: String,
}

impl CertificatePage {
    fn rider_path(&self) -> String {
        lifecycle::rider_link(self.member.production.production_id, self.rider.rider_id)
    }
}

/// A QR code of `url` as an inline `<svg>` (no XML prologue), labelled for screen readers.
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(144, 144)
            .quiet_zone(true)
            .build()
            .split_once("<svg")
            .map(|(_, rest)| {
                format!(
                    "<svg role=\"img\" aria-label=\"QR code of {}\" class=\"qr\"{rest}",
                    url.replace('&', "&amp;")
                        .replace('"', "&quot;")
                        .replace('<', "&lt;")
                )
            })
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub(super) async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, rider_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let rider = readable(&state, &member, rider_id).await?;
    if rider.is_draft() {
        // A draft has no agreed text yet: there is nothing to certify.
        return Err(AppError::NotFound);
    }
    access_log::record(
        &state.pool,
        &member,
        &[rider.cast_member_id],
        RecordKind::Certificate,
        Some(rider.rider_id),
    )
    .await?;
    let (covered, events) = {
        let mut conn = state.pool.acquire().await?;
        let covered = lifecycle::covered(&mut conn, rider_id).await?;
        let events: Vec<EventRow> = sqlx::query_as(
            "select e.seq, e.event, e.occurred_at, e.details, e.entry_hash, e.prev_hash,
                    u.name as actor_name, m.role as actor_role, c.client_addr, c.user_agent
             from consent_event e
             left join consent_event_client c on c.consent_event_id = e.consent_event_id
             left join app_user u on u.user_id = e.actor_user_id
             left join member m on m.user_id = e.actor_user_id
                               and m.production_id = e.production_id
             where e.rider_id = $1 and e.production_id = $2
             order by e.seq",
        )
        .bind(rider_id)
        .bind(member.production.production_id)
        .fetch_all(&mut *conn)
        .await?;
        (covered, events)
    };
    // The same receipt the performer downloads, checked with the log's public key: what this
    // page says about the log is what anyone holding the receipt can check for themselves.
    let built = super::receipt::build(&state, &member, &rider, &covered).await?;
    let receipt = match built {
        Ok(receipt) => Some(receipt),
        Err(refused) => {
            tracing::error!(rider_id, "certificate without a proof: {refused}");
            None
        }
    };
    let proof = receipt.as_ref().and_then(|r| {
        let newest = r.events.last()?;
        let (checkpoint, verified, problems) = match receipt::check(r, state.log_key.verifier()) {
            Ok(checked) => (checked.checkpoint, true, Vec::new()),
            Err(problems) => (
                crate::ledger::note::open(&r.checkpoint, state.log_key.verifier()).ok()?,
                false,
                problems,
            ),
        };
        Some(ProofView {
            origin: checkpoint.origin,
            size: checkpoint.size,
            root_hex: hex::encode(checkpoint.root),
            verifier_key: r.log.verifier_key.clone(),
            note: r.checkpoint.clone(),
            newest_seq: newest.entry.seq,
            newest_proof_len: newest.inclusion_proof.len(),
            verified,
            problems,
        })
    });
    let verify_url = format!("{}/verify", state.config.base_url.trim_end_matches('/'));
    let stale = rider.status == RiderStatus::Signed && covered.iter().any(Covered::is_stale);
    render(&CertificatePage {
        status: rider.status.label(stale),
        covered: covered.iter().map(CoveredView::of).collect(),
        events: events
            .into_iter()
            .map(|e| EventView::of(&member.production, e, receipt.as_ref()))
            .collect(),
        hash: rider.body_sha256.clone().unwrap_or_default(),
        reading: Reading::of(&rider.body),
        proof,
        qr_svg: qr_svg(&verify_url),
        verify_url,
        ctx,
        rider,
        member,
    })
}
