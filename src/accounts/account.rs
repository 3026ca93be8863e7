//! The account page and changing a password: the current password is checked under the sign-in
//! limit, the new one against the policy, and every other session ends.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::password::{self, Password};
use crate::auth::{
    AuthSession, CurrentUser, Device, PAUSED_MESSAGE, PasswordCheck, USER_COLUMNS, User, Whose,
    check_password, log_in,
};
use crate::error::Result;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, render, render_with_status};

#[derive(askama::Template)]
#[template(path = "accounts/account.html")]
pub(super) struct AccountPage {
    ctx: Ctx,
    errors: FieldErrors,
    two_step: bool,
    passkeys: Vec<PasskeyView>,
}

impl AccountPage {
    pub(super) async fn load(
        state: &AppState,
        ctx: Ctx,
        user: &User,
        errors: FieldErrors,
    ) -> Result<AccountPage> {
        Ok(AccountPage {
            ctx,
            errors,
            two_step: crate::auth::totp::has_second_factor(&state.pool, user.user_id).await?,
            passkeys: PasskeyView::of_user(state, user.user_id).await?,
        })
    }
}

/// A passkey as the account page lists it.
pub(super) struct PasskeyView {
    pub passkey_id: i64,
    pub name: String,
    pub last_used: String,
}

impl PasskeyView {
    pub(super) async fn of_user(state: &AppState, user_id: i64) -> Result<Vec<PasskeyView>> {
        Ok(crate::auth::passkey::store::of_user(&state.pool, user_id)
            .await?
            .into_iter()
            .map(|p| PasskeyView {
                passkey_id: p.passkey_id,
                name: p.name,
                last_used: p
                    .last_used_at
                    .map(|at| crate::clock::format_date(at.date()))
                    .unwrap_or_else(|| "never".into()),
            })
            .collect())
    }
}

pub(super) async fn account_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    render(&AccountPage::load(&state, ctx, &user, FieldErrors::default()).await?)
}

struct PasswordForm {
    current_password: Password,
    new_password: Password,
    confirm_password: Password,
}

impl PasswordForm {
    fn read(body: &FormBody) -> PasswordForm {
        let mut r = body.reader();
        PasswordForm {
            current_password: Password::new(r.password("current_password")),
            new_password: Password::new(r.password("new_password")),
            confirm_password: Password::new(r.password("confirm_password")),
        }
    }
}

pub(super) async fn change_password(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    device: Device,
    ctx: Ctx,
    mut auth: AuthSession,
    body: FormBody,
) -> Result<Response> {
    let addr = device.client_addr.clone();
    let form = PasswordForm::read(&body);
    let mut errors = FieldErrors::default();
    // A session left open must not become a way to guess the password: the sign-in limit holds.
    match check_password(&state, Whose::User(&user), &addr, &form.current_password).await? {
        PasswordCheck::Right(_) => {}
        PasswordCheck::Wrong => {
            errors.add("current_password", "This is not your current password.");
        }
        PasswordCheck::Paused => {
            errors.add("current_password", PAUSED_MESSAGE);
            return render_with_status(
                StatusCode::TOO_MANY_REQUESTS,
                &AccountPage::load(&state, ctx, &user, errors).await?,
            );
        }
    }
    if let Err(message) = password::check_policy(form.new_password.expose(), &user.email) {
        errors.add("new_password", message);
    } else if form.new_password.expose() != form.confirm_password.expose() {
        errors.add(
            "confirm_password",
            "The two new passwords are not the same.",
        );
    }
    if !errors.is_empty() {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AccountPage::load(&state, ctx, &user, errors).await?,
        );
    }
    let hash = password::hash(&form.new_password).await?;
    let user: User = sqlx::query_as(&format!(
        "update app_user set password_hash = $2, updated_at = now() where user_id = $1
         returning {USER_COLUMNS}"
    ))
    .bind(user.user_id)
    .bind(hash)
    .fetch_one(&state.pool)
    .await?;
    // Other sessions still carry the old hash and end at their next request; this one
    // continues under a new id.
    log_in(&state, &mut auth, &user, &device).await?;
    super::reset::password_changed_mail(&state, &user);
    Flash::success(
        &auth.session,
        "Your password is changed. You are signed out everywhere else.",
    )
    .await?;
    Ok(Redirect::to("/account").into_response())
}
