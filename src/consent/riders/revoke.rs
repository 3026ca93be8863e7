//! Saying no: the performer's page that says what withdrawing (or declining an unsigned rider)
//! means and the one action that does it, effective at once and recorded once; and the
//! coordinator recording a withdrawal the performer told them in person or by phone.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, Flash, render};

use super::lifecycle::{self, Asked, RiderRow};
use super::reading::{maybe_time, own};
use crate::access::Action;
use crate::rules::revocation::SayingNo;
use crate::vocab::ledger_event::Told;
use crate::web::{FieldErrors, FormBody, Len};

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
    Ids((_, rider_id)): Ids<(i64, i64)>,
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
    Ids((_, rider_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    own(&state, &member, rider_id).await?;
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    match lifecycle::revoke(
        &mut tx,
        production_id,
        rider_id,
        member.user.user_id,
        Asked::ByPerformer,
    )
    .await?
    {
        Ok(how) => {
            tx.commit().await?;
            let said = match how {
                SayingNo::Withdraw => {
                    "You withdrew your consent. It applies now: the scene cannot be shot with \
                     this rider, and the coordinators and producers have been told. Nobody can \
                     undo this for you."
                }
                SayingNo::Decline => {
                    "You declined this rider. It applies now: the scene cannot be shot with you \
                     until you sign a new rider, and the coordinators and producers have been told."
                }
            };
            Flash::success(&session, said).await?;
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

/// A coordinator records a withdrawal the performer told them in person or by phone: it names
/// the coordinator and how they were told, takes effect at once like the performer's own, and
/// the performer is told. It can only withdraw: nobody signs on a performer's behalf.
pub(super) async fn withdraw_for_performer(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, rider_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::RecordWithdrawalForPerformer)?;
    let production_id = member.production.production_id;
    let link = lifecycle::rider_link(production_id, rider_id);
    let Some(told) = Told::parse(&body.reader().text("told", Len::Code)) else {
        let mut errors = FieldErrors::default();
        errors.add(
            "told",
            "Say how the performer told you: in person or by phone.",
        );
        let rider = super::reading::readable(&state, &member, rider_id).await?;
        return super::show::ShowPage::load(&state, ctx, member, rider)
            .await?
            .with_errors(errors)
            .respond();
    };
    let mut tx = state.pool.begin().await?;
    match lifecycle::revoke(
        &mut tx,
        production_id,
        rider_id,
        member.user.user_id,
        Asked::ToldCoordinator(told),
    )
    .await?
    {
        Ok(_) => {
            tx.commit().await?;
            Flash::success(
                &session,
                format!(
                    "You recorded the withdrawal the performer told you {}. It applies now, and \
                     they, the coordinators and the producers have been told.",
                    told.label()
                ),
            )
            .await?;
        }
        Err(_) => {
            drop(tx);
            Flash::info(
                &session,
                "Consent for this rider is already withdrawn, or it was replaced by a newer rider. \
                 Nothing more was recorded.",
            )
            .await?;
        }
    }
    Ok(Redirect::to(&link).into_response())
}
