//! What every rider page shares: which rider a member may read (staff all, a performer only
//! their own delivered ones), and how a rider's times and covered scenes read on the page.

use time::OffsetDateTime;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::{Member, Production};
use crate::vocab::Role;
use crate::web::AppState;

use super::lifecycle::{self, Covered, RiderRow};

pub(super) fn maybe_time(production: &Production, at: Option<OffsetDateTime>) -> String {
    at.map(|t| production.zone.moment(t)).unwrap_or_default()
}

pub(super) fn is_own(member: &Member, rider: &RiderRow) -> bool {
    member.is(Role::Performer) && rider.performer_user_id == Some(member.user.user_id)
}

/// The rider if this member may read it, else 404: staff read all, a performer only their own
/// delivered ones, directors none.
pub(super) async fn readable(state: &AppState, member: &Member, rider_id: i64) -> Result<RiderRow> {
    member.may(Action::ReadRiders)?;
    let mut conn = state.pool.acquire().await?;
    let mut rider = lifecycle::load(&mut conn, member.production.production_id, rider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.is(Role::Performer) && (!is_own(member, &rider) || rider.is_draft()) {
        return Err(AppError::NotFound);
    }
    lifecycle::open_body(&state.vault, &mut conn, &mut rider).await?;
    Ok(rider)
}

/// The rider if it is this performer's own, else 404: only they sign or withdraw.
pub(super) async fn own(state: &AppState, member: &Member, rider_id: i64) -> Result<RiderRow> {
    let rider = readable(state, member, rider_id).await?;
    if is_own(member, &rider) {
        Ok(rider)
    } else {
        Err(AppError::NotFound)
    }
}

/// A covered scene as the rider page and the certificate list it.
pub(super) struct CoveredView {
    pub(super) number: String,
    pub(super) heading: String,
    /// The scene's current script revision colour ("Pink").
    pub(super) revision_colour: &'static str,
    pub(super) version: i32,
    pub(super) content_hash: String,
    pub(super) stale: bool,
    pub(super) current_version: Option<i32>,
}

impl CoveredView {
    pub(super) fn of(c: &Covered) -> CoveredView {
        CoveredView {
            number: c.number.clone(),
            heading: c.heading.clone(),
            revision_colour: c.revision_colour,
            version: c.version,
            content_hash: c.content_hash.clone(),
            stale: c.is_stale(),
            current_version: c.current_version,
        }
    }
    pub(super) fn short_hash(&self) -> &str {
        &self.content_hash[..self.content_hash.len().min(12)]
    }
}
