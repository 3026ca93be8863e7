//! A rider's files to keep: its receipt (the rider's ledger events with inclusion proofs to a
//! signed checkpoint, which the performer can check with nothing of ours running) and its exact
//! text, byte for byte the text whose SHA-256 the ledger holds.
//!
//! Who may download them: whoever may open the rider's certificate (`readable`: the access
//! table's `ReadRiders`, so producers and coordinators, and a performer only their own
//! delivered riders; never directors, who see the agreed scope but not the rider text, DOMAIN
//! §4). A receipt holds nothing the certificate does not show, so it is no wider a door; and,
//! like a certificate view, a download by anyone but the performer goes into their access log.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::error::{AppError, Result, error_page};
use crate::ledger::checkpoint::SealError;
use crate::ledger::receipt::{self, About, BuildError, Purpose, Receipt, Service};
use crate::productions::Member;
use crate::web::AppState;
use crate::web::ids::Ids;

use super::lifecycle::{self, Covered, RiderRow};
use super::reading::readable;

/// How withdrawal works, in the words of the receipt's purposes (DOMAIN §3, R3).
const TERMINATION: &str = "Withdrawable by the performer at any time before the scene is shot, \
     with one action and no reason asked; effective at once. Takes already shot are not affected.";

/// One Kantara service per scene the rider covers, with one purpose per use it agrees to.
fn services(rider: &RiderRow, covered: &[Covered]) -> Vec<Service> {
    let uses = rider.terms().uses;
    let agreed: Vec<&str> = [
        (uses.in_picture, "in the picture"),
        (uses.trailers, "in trailers and marketing"),
        (uses.stills, "in stills"),
    ]
    .into_iter()
    .filter_map(|(yes, words)| yes.then_some(words))
    .collect();
    covered
        .iter()
        .map(|c| Service {
            service: format!(
                "Scene {} — {}, breakdown version {}",
                c.number, c.heading, c.version
            ),
            purposes: agreed
                .iter()
                .map(|words| Purpose {
                    purpose: format!(
                        "Filming what the rider describes for scene {}, for use {words}",
                        c.number
                    ),
                    consent_type: "EXPLICIT".into(),
                    termination: TERMINATION.into(),
                })
                .collect(),
        })
        .collect()
}

/// The receipt of a delivered rider, signing a checkpoint first if its newest event is not
/// covered yet. The inner error is the ledger refusing: the page that asked says so.
pub(super) async fn build(
    state: &AppState,
    member: &Member,
    rider: &RiderRow,
    covered: &[Covered],
) -> Result<Result<Receipt, BuildError>> {
    let about = About {
        principal: rider.performer_name.clone(),
        controller: member.production.title.clone(),
        services: services(rider, covered),
        rider_id: rider.rider_id,
        rider_text: rider.body.clone(),
        verify_url: format!("{}/verify", state.config.base_url.trim_end_matches('/')),
    };
    match receipt::build(
        &state.pool,
        &state.log_key,
        member.production.production_id,
        about,
    )
    .await
    {
        Err(BuildError::Database(err)) | Err(BuildError::Seal(SealError::Database(err))) => {
            Err(err.into())
        }
        built => Ok(built),
    }
}

/// The rider if this member may have its files: a delivered rider they may read.
async fn delivered(state: &AppState, member: &Member, rider_id: i64) -> Result<RiderRow> {
    let rider = readable(state, member, rider_id).await?;
    if rider.is_draft() {
        // A draft has no agreed text and nothing to prove yet.
        return Err(AppError::NotFound);
    }
    Ok(rider)
}

fn attachment(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `receipt.json`: the rider's receipt, as a file to keep.
pub(super) async fn receipt_file(
    State(state): State<AppState>,
    member: Member,
    Ids((_, rider_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let rider = delivered(&state, &member, rider_id).await?;
    let covered = {
        let mut conn = state.pool.acquire().await?;
        lifecycle::covered(&mut conn, rider_id).await?
    };
    let receipt = match build(&state, &member, &rider, &covered).await? {
        Ok(receipt) => receipt,
        Err(refused) => {
            tracing::error!(rider_id, "no receipt issued: {refused}");
            return Ok(error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "No receipt can be issued now",
                "The consent log does not check out at the moment, so it cannot vouch for this \
                 rider. Nothing about your consent has changed. Tell your intimacy coordinator \
                 or the production's administrator.",
            ));
        }
    };
    // The receipt carries what the certificate shows: logged as a certificate view.
    access_log::record(
        &state.pool,
        &member,
        &[rider.cast_member_id],
        RecordKind::Certificate,
        Some(rider_id),
    )
    .await?;
    let json = serde_json::to_vec_pretty(&receipt)
        .map_err(|err| AppError::Other(anyhow::anyhow!("writing a receipt: {err}")))?;
    let newest = receipt.events.last().map_or(0, |e| e.entry.seq);
    Ok(attachment(
        "application/json",
        &format!(
            "closedset-receipt-{}-rider-{rider_id}-{newest}.json",
            member.production.production_id
        ),
        json,
    ))
}

/// `rider.txt`: the exact text the performer was given, whose SHA-256 the ledger holds.
pub(super) async fn text_file(
    State(state): State<AppState>,
    member: Member,
    Ids((_, rider_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let rider = delivered(&state, &member, rider_id).await?;
    access_log::record(
        &state.pool,
        &member,
        &[rider.cast_member_id],
        RecordKind::Rider,
        Some(rider_id),
    )
    .await?;
    Ok(attachment(
        "text/plain; charset=utf-8",
        &format!("rider-{rider_id}.txt"),
        rider.body.into_bytes(),
    ))
}
