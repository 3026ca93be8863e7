//! Passkeys on the account page: the challenge `static/passkey.js` asks for before a browser
//! ceremony (registering, signing in, signing a rider), adding a passkey, and removing one
//! with the password. Signing in with one is in `signin`; signing a rider in the consent area.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::auth::passkey::{self, Answer, Purpose, RelyingParty, store, verify};
use crate::auth::password::Password;
use crate::auth::{CurrentUser, PasswordCheck, Whose, check_password};
use crate::error::{AppError, Result};
use crate::web::ids::Params;
use crate::web::{
    AppState, ClientAddr, Ctx, FieldErrors, Flash, FormBody, Len, render_with_status,
};

use super::account::AccountPage;

#[derive(Deserialize, Default)]
pub(super) struct ChallengeQuery {
    purpose: Option<String>,
    rider: Option<String>,
    text: Option<String>,
}

/// A fresh challenge for the browser, with what the ceremony needs: this site as relying
/// party, and the signed-in person's passkeys (to exclude when adding, to offer when signing).
pub(super) async fn challenge(
    State(state): State<AppState>,
    session: Session,
    user: Option<CurrentUser>,
    Params(q): Params<ChallengeQuery>,
) -> Result<Response> {
    let purpose = match (q.purpose.as_deref(), &user) {
        (Some("signin"), _) => Purpose::SignIn,
        (Some("register"), Some(_)) => Purpose::Register,
        (Some("sign"), Some(_)) => Purpose::SignRider {
            rider_id: q
                .rider
                .and_then(|r| r.parse().ok())
                .ok_or(AppError::NotFound)?,
            text_sha256: q.text.unwrap_or_default(),
        },
        (Some("register" | "sign"), None) => {
            return Err(AppError::SignInRequired {
                next: "/account".into(),
            });
        }
        _ => return Err(AppError::NotFound),
    };
    let challenge = passkey::issue_challenge(&session, purpose).await?;
    let rp = RelyingParty::of(&state)?;
    let (user_json, credentials) = match &user {
        Some(CurrentUser(u)) => (
            serde_json::json!({
                "id": passkey::b64_encode(u.user_id.to_string().as_bytes()),
                "name": u.email,
                "display_name": u.name,
            }),
            store::of_user(&state.pool, u.user_id)
                .await?
                .iter()
                .map(|p| passkey::b64_encode(&p.credential_id))
                .collect(),
        ),
        None => (serde_json::Value::Null, Vec::<String>::new()),
    };
    Ok(Json(serde_json::json!({
        "challenge": challenge,
        "rp_id": rp.id,
        "user": user_json,
        "credentials": credentials,
    }))
    .into_response())
}

/// Adds the passkey the browser just made, after checking it answers this session's challenge
/// from this site with user verification.
pub(super) async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    CurrentUser(user): CurrentUser,
    body: FormBody,
) -> Result<Response> {
    let challenge = passkey::take_challenge(&session, &Purpose::Register).await?;
    let rp = RelyingParty::of(&state)?;
    let checked = match (Answer::read(&body), challenge) {
        (Some(answer), Some(challenge)) => {
            let expected = verify::Expected {
                challenge: &challenge,
                origin: &rp.origin,
                rp_id: &rp.id,
            };
            verify::registration(&expected, &answer.client_data, &answer.data)
        }
        _ => Err("no answer or no challenge"),
    };
    let message = match checked {
        Ok(credential) => {
            // The name is kept as written, in the language of the person who added it.
            let name = ctx.t1(
                "account-passkey-name",
                "date",
                crate::i18n::date_year(ctx.lang, OffsetDateTime::now_utc().date()),
            );
            if store::add(&state.pool, user.user_id, &credential, &name).await? {
                Flash::success(&session, ctx.t("account-passkey-added")).await?;
                return Ok(Redirect::to("/account").into_response());
            }
            ctx.t("account-passkey-duplicate")
        }
        Err(refusal) => {
            tracing::info!(refusal, "passkey registration refused");
            ctx.t("account-passkey-failed")
        }
    };
    let mut errors = FieldErrors::default();
    errors.add("passkey", message);
    render_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &AccountPage::load(&state, ctx, &user, errors).await?,
    )
}

/// Removes one of the person's passkeys; the password is asked, as for turning off two-step
/// sign-in, so a session left open cannot take a way in away or swap it.
pub(super) async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    CurrentUser(user): CurrentUser,
    ClientAddr(addr): ClientAddr,
    body: FormBody,
) -> Result<Response> {
    let mut r = body.reader();
    let passkey_id = r.text("passkey_id", Len::Code);
    let typed = Password::new(r.password("remove_password"));
    let mut errors = r.finish();
    let passkey_id: Option<i64> = passkey_id.parse().ok();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        match check_password(&state, Whose::User(&user), &addr, &typed).await? {
            PasswordCheck::Right(_) => {}
            PasswordCheck::Wrong => errors.add("remove_password", ctx.t("password-not-yours")),
            PasswordCheck::Paused => {
                errors.add("remove_password", ctx.t("password-paused"));
                status = StatusCode::TOO_MANY_REQUESTS;
            }
        }
    }
    if errors.is_empty() {
        let removed = match passkey_id {
            Some(id) => store::remove(&state.pool, user.user_id, id).await?,
            None => false,
        };
        if removed {
            Flash::success(&session, ctx.t("account-passkey-removed")).await?;
            return Ok(Redirect::to("/account").into_response());
        }
        errors.add("passkey_id", ctx.t("account-passkey-choose"));
    }
    render_with_status(
        status,
        &AccountPage::load(&state, ctx, &user, errors).await?,
    )
}
