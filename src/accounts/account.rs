//! The account page and changing a password: the current password is checked under the sign-in
//! limit, the new one against the policy, and every other session ends.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use tower_sessions::Session;

use crate::auth::password::{self, Password};
use crate::auth::{
    AuthSession, CurrentUser, Device, PasswordCheck, USER_COLUMNS, User, Whose, check_password,
    log_in,
};
use crate::error::Result;
use crate::i18n::{self, Lang};
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render, render_with_status};

#[derive(askama::Template)]
#[template(path = "accounts/account.html")]
pub(super) struct AccountPage {
    ctx: Ctx,
    errors: FieldErrors,
    two_step: bool,
    passkeys: Vec<PasskeyView>,
    /// The language chosen (a shipped code), empty to follow the browser, or what was typed.
    language: String,
    /// Every shipped language: its code, and its name in itself.
    languages: Vec<(&'static str, String)>,
}

impl AccountPage {
    pub(super) async fn load(
        state: &AppState,
        ctx: Ctx,
        user: &User,
        errors: FieldErrors,
    ) -> Result<AccountPage> {
        let passkeys = PasskeyView::of_user(state, ctx.lang, user.user_id).await?;
        Ok(AccountPage {
            ctx,
            errors,
            two_step: crate::auth::totp::has_second_factor(&state.pool, user.user_id).await?,
            passkeys,
            language: user.language.clone().unwrap_or_default(),
            languages: Lang::all().map(|l| (l.code(), l.name())).collect(),
        })
    }
}

impl AccountPage {
    /// Whether the language on show is empty or shipped: a refused value is shown as sent.
    fn language_shipped(&self) -> bool {
        self.language.is_empty()
            || self
                .languages
                .iter()
                .any(|(code, _)| *code == self.language)
    }
}

/// A passkey as the account page lists it.
pub(super) struct PasskeyView {
    pub passkey_id: i64,
    pub name: String,
    pub last_used: String,
}

impl PasskeyView {
    pub(super) async fn of_user(
        state: &AppState,
        lang: Lang,
        user_id: i64,
    ) -> Result<Vec<PasskeyView>> {
        Ok(crate::auth::passkey::store::of_user(&state.pool, user_id)
            .await?
            .into_iter()
            .map(|p| PasskeyView {
                passkey_id: p.passkey_id,
                name: p.name,
                last_used: p
                    .last_used_at
                    .map(|at| i18n::date_year(lang, at.date()))
                    .unwrap_or_else(|| lang.t("account-passkey-never")),
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
            errors.add("current_password", ctx.t("account-password-wrong"));
        }
        PasswordCheck::Paused => {
            errors.add("current_password", ctx.t("password-paused"));
            return render_with_status(
                StatusCode::TOO_MANY_REQUESTS,
                &AccountPage::load(&state, ctx, &user, errors).await?,
            );
        }
    }
    if let Err(message) = password::check_policy(form.new_password.expose(), &user.email) {
        errors.add("new_password", policy_message(ctx.lang, message));
    } else if form.new_password.expose() != form.confirm_password.expose() {
        errors.add("confirm_password", ctx.t("account-password-mismatch"));
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
    Flash::success(&auth.session, ctx.t("account-password-changed")).await?;
    Ok(Redirect::to("/account").into_response())
}

/// The password policy's refusal (written in English in `auth::password`) in the reader's
/// language; a refusal this list does not know is shown as it is.
pub(super) fn policy_message(lang: Lang, english: &str) -> String {
    if english.contains("at least") {
        lang.t("password-too-short")
    } else if english.contains("at most") {
        lang.t("password-too-long")
    } else if english.contains("too common") {
        lang.t("password-too-common")
    } else {
        english.to_string()
    }
}

/// Saves the language every page is shown in: one of the shipped languages, or none to follow
/// the browser. Anything else is refused beside the field, with what was sent kept.
pub(super) async fn change_language(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    headers: HeaderMap,
    body: FormBody,
) -> Result<Response> {
    let mut r = body.reader();
    let typed = r.text("language", Len::Code);
    let mut errors = r.finish();
    let choice = match typed.as_str() {
        "" => Some(None),
        code => Lang::parse(code).filter(|l| l.code() == code).map(Some),
    };
    let Some(choice) = choice.filter(|_| errors.is_empty()) else {
        errors.add("language", ctx.t("account-language-unknown"));
        let page = AccountPage::load(&state, ctx, &user, errors).await?;
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AccountPage {
                language: typed,
                ..page
            },
        );
    };
    sqlx::query("update app_user set language = $2, updated_at = now() where user_id = $1")
        .bind(user.user_id)
        .bind(choice.map(Lang::code))
        .execute(&state.pool)
        .await?;
    // Said in the language the next page will be in.
    let browser = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let now = i18n::negotiate(choice.map(Lang::code), browser, None);
    Flash::success(&session, now.t("account-language-saved")).await?;
    Ok(Redirect::to("/account#language-heading").into_response())
}
