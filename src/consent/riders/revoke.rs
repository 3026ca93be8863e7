//! Withdrawing consent: the performer's page that says what withdrawing means, and the one
//! action that withdraws, effective at once and recorded once.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;
use crate::web::{Ctx, Flash, render};

use super::lifecycle::{self, RiderRow};
use super::reading::{maybe_time, own};

#[derive(Template)]
#[template(path = "consent/rider_revoke.html")]
struct RevokePage {
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    scenes: String,
    revoked: String,
}

pub(super) async fn revoke_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let rider = own(&state, &member, rider_id).await?;
    let mut conn = state.pool.acquire().await?;
    let covered = lifecycle::covered(&mut conn, rider_id).await?;
    let numbers: Vec<&str> = covered.iter().map(|s| s.number.as_str()).collect();
    render(&RevokePage {
        ctx,
        scenes: lifecycle::scenes_phrase(&numbers),
        revoked: maybe_time(&member.production, rider.revoked_at),
        member,
        rider,
    })
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    own(&state, &member, rider_id).await?;
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    match lifecycle::revoke(&mut tx, production_id, rider_id, member.user.user_id).await? {
        Ok(()) => {
            tx.commit().await?;
            Flash::success(
                &session,
                "You withdrew your consent. It applies now: the scene cannot be shot with this \
                 rider, and the coordinators and producers have been told. Nobody can undo this \
                 for you.",
            )
            .await?;
        }
        Err(_) => {
            drop(tx);
            // A second press (or a second tab) lands here: the first one already counted.
            let rider = own(&state, &member, rider_id).await?;
            let message = match rider.revoked_at {
                Some(at) => format!(
                    "You already withdrew consent for this rider on {}. Nothing more to do.",
                    member.production.zone.moment(at)
                ),
                None => "This rider was replaced by a newer one; there is nothing to withdraw \
                         here. Open your riders list to see the current one."
                    .to_string(),
            };
            Flash::info(&session, message).await?;
        }
    }
    Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
}
