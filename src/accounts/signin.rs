//! Signing in and out: the sign-in page, checking the password under the sign-in limit, and
//! following `next` afterwards only to a path on this site.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::password::Password;
use crate::auth::{
    AuthSession, Device, PasswordCheck, Whose, check_password, log_in, normalize_email,
};
use crate::error::Result;
use crate::web::ids::Params;
use crate::web::{AppState, Ctx, FieldErrors, FormBody, Len, render, render_with_status};

#[derive(askama::Template)]
#[template(path = "accounts/signin.html")]
struct SignInPage {
    ctx: Ctx,
    email: String,
    next: String,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// Only same-site relative paths are followed after sign-in. Browsers drop tabs and line
/// breaks from URLs and read `\\` as `/`, so `/\t/evil.example` would become `//evil.example`,
/// another site: any control or whitespace character refuses the path before the other checks.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

pub(super) async fn sign_in_page(ctx: Ctx, Params(q): Params<NextQuery>) -> Result<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    render(&SignInPage {
        ctx,
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        errors: FieldErrors::default(),
    })
}

struct SignInForm {
    email: String,
    password: Password,
    next: String,
}

impl SignInForm {
    /// The form, and the messages for fields too long to be an address or a password.
    fn read(body: &FormBody) -> (SignInForm, FieldErrors) {
        let mut r = body.reader();
        let form = SignInForm {
            email: r.text("email", Len::Line),
            password: Password::new(r.password("password")),
            next: r.text("next", Len::Line),
        };
        (form, r.finish())
    }
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    device: Device,
    ctx: Ctx,
    mut auth: AuthSession,
    body: FormBody,
) -> Result<Response> {
    let addr = device.client_addr.clone();
    let (form, too_long) = SignInForm::read(&body);
    let email = normalize_email(&form.email);
    let next = safe_next(Some(&form.next));
    let page = |ctx: Ctx, status: StatusCode, field: &'static str, message: String| {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        render_with_status(
            status,
            &SignInPage {
                ctx,
                email: form.email.clone(),
                next: next.clone(),
                errors,
            },
        )
    };

    // Refused before any check: no account has such an address or password, so it is no
    // attempt to count, and nothing of it is stored.
    if !too_long.is_empty() {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SignInPage {
                ctx,
                email: form.email.clone(),
                next,
                errors: too_long,
            },
        );
    }
    let user = match check_password(&state, Whose::Email(&email), &addr, &form.password).await? {
        PasswordCheck::Right(user) => user,
        PasswordCheck::Paused => {
            let minutes = state.config.sign_in_window.whole_minutes();
            let message = ctx.t1("signin-paused", "minutes", minutes);
            return page(ctx, StatusCode::TOO_MANY_REQUESTS, "email", message);
        }
        PasswordCheck::Wrong => {
            let message = ctx.t("signin-wrong");
            return page(ctx, StatusCode::UNPROCESSABLE_ENTITY, "email", message);
        }
    };
    super::second_factor::finish_sign_in(&state, &mut auth, &user, &device, &next).await
}

/// Signs in with a passkey (discoverable, so no address is asked first). User verification
/// is required, so the passkey counts as both factors: no code step follows.
pub(super) async fn sign_in_with_passkey(
    State(state): State<AppState>,
    device: Device,
    ctx: Ctx,
    mut auth: AuthSession,
    body: FormBody,
) -> Result<Response> {
    let addr = device.client_addr.clone();
    use crate::auth::passkey::{self, Answer, PasskeyCheck, Purpose};
    let next = safe_next(Some(&body.reader().text("next", Len::Line)));
    let session = auth.session.clone();
    let checked = passkey::check_assertion(
        &state,
        &session,
        &Purpose::SignIn,
        Answer::read(&body),
        None,
        &addr,
    )
    .await?;
    let (status, message) = match checked {
        PasskeyCheck::Right(right) => {
            let (user, _) = *right;
            log_in(&state, &mut auth, &user, &device).await?;
            return Ok(Redirect::to(&next).into_response());
        }
        PasskeyCheck::Paused => (
            StatusCode::TOO_MANY_REQUESTS,
            ctx.t("signin-passkey-paused"),
        ),
        PasskeyCheck::Wrong => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t("signin-passkey-wrong"),
        ),
    };
    let mut errors = FieldErrors::default();
    errors.add("passkey", message);
    render_with_status(
        status,
        &SignInPage {
            ctx,
            email: String::new(),
            next,
            errors,
        },
    )
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    mut auth: AuthSession,
) -> Result<Response> {
    crate::auth::sessions::forget(&state.pool, &auth.session).await?;
    auth.logout()
        .await
        .map_err(|e| anyhow::anyhow!("signing out: {e}"))?;
    Ok(Redirect::to("/signin").into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_paths_that_browsers_would_read_as_another_site_are_refused() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(
            safe_next(Some("/productions/1?tab=a")),
            "/productions/1?tab=a"
        );
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "\t//evil.example",
            "https://evil.example/",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
