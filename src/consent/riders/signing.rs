//! Delivering and signing: the coordinator delivers a draft (its text locks, the notice clock
//! starts); the performer signs it with their password or a passkey with user verification,
//! from a device the ledger records (with which of the two).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::access::Action;
use crate::auth::passkey::{self, Answer, PasskeyCheck, Purpose};
use crate::auth::password::Password;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, Device, FieldErrors, Flash};
use crate::web::{FormBody, Len};

use super::lifecycle;
use super::reading::{own, readable};
use super::show::ShowPage;

/// Delivers a draft; a rider beyond the performer's boundary profile needs the coordinator's
/// "discussed" box ticked (`lifecycle::deliver` decides, under the ledger lock).
pub(super) async fn deliver(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, rider_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let rider = readable(&state, &member, rider_id).await?;
    let mut tx = state.pool.begin().await?;
    let delivered = lifecycle::deliver(
        &mut tx,
        &member.production,
        rider_id,
        member.user.user_id,
        body.has("discussed"),
        Some(&state.vault),
    )
    .await?;
    match delivered {
        Ok(()) => {
            tx.commit().await?;
            Flash::success(
                &session,
                "Delivered. The text is locked and the notice clock has started; the performer \
                 has been told.",
            )
            .await?;
        }
        Err(refused) if refused.field == "discussed" => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add("discussed", refused.message);
            return ShowPage::load(&state, ctx, member, rider)
                .await?
                .with_errors(errors)
                .respond();
        }
        Err(refused) => {
            drop(tx);
            Flash::info(&session, refused.message).await?;
        }
    }
    let link = lifecycle::rider_link(member.production.production_id, rider_id);
    Ok(Redirect::to(&link).into_response())
}

pub(super) async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    device: Device,
    Ids((_, rider_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    let rider = own(&state, &member, rider_id).await?;
    let form = SignForm::read(&body);
    let mut errors = form.too_long.clone();
    let mut how = ("password re-entered", "password", None);
    if !errors.is_empty() {
        // Too long to be anyone's password: refused before argon2 spends a core on it.
    } else if Answer::present(&body) {
        // The challenge was made for this rider and the text the page showed; the text check
        // in `lifecycle::sign` then holds the hash to the rider's own.
        let purpose = Purpose::SignRider {
            rider_id,
            text_sha256: form.text_sha256.clone(),
        };
        match passkey::check_assertion(
            &state,
            &session,
            &purpose,
            Answer::read(&body),
            Some(&member.user),
            &device.client_addr,
        )
        .await?
        {
            PasskeyCheck::Right(right) => {
                let (_, key) = *right;
                how = (
                    "passkey with user verification",
                    "passkey",
                    Some(passkey::credential_sha256(&key)),
                );
            }
            PasskeyCheck::Paused => errors.add(
                "password",
                "Too many failed attempts. For your security, signing is paused for a while. \
                 Nothing was signed.",
            ),
            PasskeyCheck::Wrong => errors.add(
                "password",
                "Your passkey could not be checked (it may be another account's, or the \
                 request ran out). Try again, or enter your password. Nothing was signed.",
            ),
        }
    } else if form.password.expose().is_empty() {
        errors.add(
            "password",
            "Enter your password to sign. Nothing was signed.",
        );
    } else {
        use crate::auth::{PasswordCheck, Whose, check_password};
        match check_password(
            &state,
            Whose::User(&member.user),
            &device.client_addr,
            &form.password,
        )
        .await?
        {
            PasswordCheck::Right(_) => {}
            PasswordCheck::Paused => errors.add(
                "password",
                "Too many wrong passwords. For your security, signing is paused for a while. \
                 Nothing was signed.",
            ),
            PasswordCheck::Wrong => {
                errors.add("password", "That is not your password. Nothing was signed.")
            }
        }
    }
    if !errors.is_empty() {
        return ShowPage::load(&state, ctx, member, rider)
            .await?
            .with_errors(errors)
            .respond();
    }
    let (authenticated, method, credential_sha256) = how;
    let signature = lifecycle::Signature {
        text_sha256: form.text_sha256,
        client_addr: device.client_addr,
        user_agent: device.user_agent,
        authenticated: authenticated.into(),
        method,
        credential_sha256,
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    match lifecycle::sign(
        &mut tx,
        production_id,
        rider_id,
        member.user.user_id,
        &signature,
    )
    .await?
    {
        Ok(_) => {
            let scenes = lifecycle::covered(&mut tx, rider_id).await?;
            let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
            crate::notifications::notify_roles(
                &mut tx,
                production_id,
                &[Role::Coordinator],
                crate::notifications::kind::RIDER_SIGNED,
                &format!(
                    "{} signed the rider for {}",
                    rider.performer_label(),
                    lifecycle::scenes_phrase(&numbers)
                ),
                &lifecycle::rider_link(production_id, rider_id),
            )
            .await?;
            tx.commit().await?;
            Flash::success(
                &session,
                "You signed this rider. You can still withdraw your consent at any time before \
                 the scene is shot.",
            )
            .await?;
        }
        Err(refused) => {
            drop(tx);
            Flash::info(&session, refused.message).await?;
        }
    }
    Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
}

/// What the signing form sends: the password, re-entered, and the hash of the text the page
/// showed, so a signature binds the text the performer read.
struct SignForm {
    password: Password,
    text_sha256: String,
    too_long: FieldErrors,
}

impl SignForm {
    fn read(body: &FormBody) -> SignForm {
        let mut r = body.reader();
        SignForm {
            password: Password::new(r.password("password")),
            text_sha256: r.text("text_sha256", Len::Code),
            too_long: r.finish(),
        }
    }
}
