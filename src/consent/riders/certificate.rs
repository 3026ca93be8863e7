//! The printable consent certificate of a delivered rider: its text and hash, the scenes it
//! covers, and every ledger event of the rider with who, when and how.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use time::OffsetDateTime;

use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::error::{AppError, Result};
use crate::productions::{Member, Production};
use crate::vocab::RiderStatus;
use crate::web::AppState;
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
    actor_name: Option<String>,
}

struct EventView {
    seq: i64,
    event: String,
    when: String,
    who: String,
    how: String,
    facts: Vec<(String, String)>,
    entry_hash: String,
}

impl EventView {
    fn of(production: &Production, e: EventRow) -> EventView {
        let details: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&e.details).unwrap_or_default();
        let how = details
            .get("authenticated")
            .and_then(|v| v.as_str())
            .unwrap_or("signed-in session")
            .to_string();
        let facts = details
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "text_sha256" | "client_addr" | "user_agent"))
            .map(|(k, v)| {
                let label = match k.as_str() {
                    "text_sha256" => "Text SHA-256",
                    "client_addr" => "Client address",
                    _ => "User agent",
                };
                (label.to_string(), v.as_str().unwrap_or("").to_string())
            })
            .collect();
        EventView {
            seq: e.seq,
            event: e.event,
            when: production.zone.moment(e.occurred_at),
            who: e.actor_name.unwrap_or_else(|| "(system)".into()),
            how,
            facts,
            entry_hash: e.entry_hash,
        }
    }
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
    hash: String,
}

pub(super) async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, rider_id)): Path<(i64, i64)>,
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
    let mut conn = state.pool.acquire().await?;
    let covered = lifecycle::covered(&mut conn, rider_id).await?;
    let events: Vec<EventRow> = sqlx::query_as(
        "select e.seq, e.event, e.occurred_at, e.details, e.entry_hash, u.name as actor_name
         from consent_event e left join app_user u on u.user_id = e.actor_user_id
         where e.rider_id = $1 and e.production_id = $2
         order by e.seq",
    )
    .bind(rider_id)
    .bind(member.production.production_id)
    .fetch_all(&mut *conn)
    .await?;
    let stale = rider.status == RiderStatus::Signed && covered.iter().any(Covered::is_stale);
    render(&CertificatePage {
        status: rider.status.label(stale),
        covered: covered.iter().map(CoveredView::of).collect(),
        events: events
            .into_iter()
            .map(|e| EventView::of(&member.production, e))
            .collect(),
        hash: rider.body_sha256.clone().unwrap_or_default(),
        ctx,
        rider,
        member,
    })
}
