//! The account pages: signing in and out, the account page and changing a password, and
//! joining through an invitation link. There is no public sign-up. Who is signed in, and the
//! password check these pages share, is `crate::auth`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::auth::password::{self, Password};
use crate::auth::{
    AuthSession, CurrentUser, PAUSED_MESSAGE, PasswordCheck, USER_COLUMNS, User, Whose,
    check_password, log_in, new_token, normalize_email, token_hash,
};
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::{AppState, ClientAddr, Ctx, FieldErrors, Flash, render, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/signout", post(sign_out))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route(
            "/invitations/{token}",
            get(invitation_page).post(accept_invitation),
        )
}

// ---------------------------------------------------------------- sign in

#[derive(askama::Template)]
#[template(path = "accounts/signin.html")]
struct SignInPage {
    ctx: Ctx,
    email: String,
    next: String,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
struct NextQuery {
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

async fn sign_in_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response> {
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

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: Password,
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ctx: Ctx,
    mut auth: AuthSession,
    Form(form): Form<SignInForm>,
) -> Result<Response> {
    let email = normalize_email(&form.email);
    let next = safe_next(form.next.as_deref());
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

    let user = match check_password(&state, Whose::Email(&email), &addr, &form.password).await? {
        PasswordCheck::Right(user) => user,
        PasswordCheck::Paused => {
            let minutes = state.config.sign_in_window.whole_minutes();
            return page(
                ctx,
                StatusCode::TOO_MANY_REQUESTS,
                "email",
                format!(
                    "Too many failed sign-in attempts. For your security, signing in is paused \
                     for up to {minutes} minutes. Try again later, or ask your production's \
                     administrator for a new invitation if you have forgotten your password."
                ),
            );
        }
        PasswordCheck::Wrong => {
            return page(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "email",
                "The e-mail address or password is not right. Check both and try again.".into(),
            );
        }
    };
    log_in(&mut auth, &user).await?;
    Ok(Redirect::to(&next).into_response())
}

async fn sign_out(mut auth: AuthSession) -> Result<Response> {
    auth.logout()
        .await
        .map_err(|e| anyhow::anyhow!("signing out: {e}"))?;
    Ok(Redirect::to("/signin").into_response())
}

// ---------------------------------------------------------------- account

#[derive(askama::Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    ctx: Ctx,
    errors: FieldErrors,
}

async fn account_page(ctx: Ctx, _user: CurrentUser) -> Result<Response> {
    render(&AccountPage {
        ctx,
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: Password,
    new_password: Password,
    confirm_password: Password,
}

async fn change_password(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddr(addr): ClientAddr,
    ctx: Ctx,
    mut auth: AuthSession,
    Form(form): Form<PasswordForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    // A session left open must not become a way to guess the password: the sign-in limit holds.
    match check_password(&state, Whose::User(&user), &addr, &form.current_password).await? {
        PasswordCheck::Right(_) => {}
        PasswordCheck::Wrong => {
            errors.add("current_password", "This is not your current password.");
        }
        PasswordCheck::Paused => {
            errors.add("current_password", PAUSED_MESSAGE);
            return render_with_status(StatusCode::TOO_MANY_REQUESTS, &AccountPage { ctx, errors });
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
            &AccountPage { ctx, errors },
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
    log_in(&mut auth, &user).await?;
    Flash::success(
        &auth.session,
        "Your password is changed. You are signed out everywhere else.",
    )
    .await?;
    Ok(Redirect::to("/account").into_response())
}

// ---------------------------------------------------------------- invitations

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Makes an invitation to `production_id` for `email` as `role`, working for
/// `INVITATION_DAYS`, and returns its token. Only the token's hash is stored: the token itself
/// goes into the link the inviter hands on (see `show_invitation_once`). An invitation made for
/// a cast member links the new account to that cast record when accepted.
pub async fn create_invitation(
    conn: &mut sqlx::PgConnection,
    production_id: i64,
    email: &str,
    role: Role,
    invited_by: i64,
    cast_member_id: Option<i64>,
) -> Result<String> {
    let token = new_token();
    sqlx::query(
        "insert into invitation (production_id, email, role, token_hash, invited_by, expires_at,
                                 cast_member_id)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(production_id)
    .bind(email)
    .bind(role)
    .bind(token_hash(&token))
    .bind(invited_by)
    .bind(OffsetDateTime::now_utc() + time::Duration::days(INVITATION_DAYS))
    .bind(cast_member_id)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Keeps a new invitation link for the next page only and tells the person who made it how to
/// use it. The database keeps only the token's hash, but the link itself sits in clear in the
/// inviter's session row from now until the next page shows it (and removes it); a session
/// that ends before then keeps it until the session row is deleted.
pub async fn show_invitation_once(
    session: &tower_sessions::Session,
    session_key: &str,
    base_url: &str,
    token: &str,
    email: &str,
    as_what: &str,
) -> Result<()> {
    let link = format!("{base_url}/invitations/{token}");
    session
        .insert(session_key, &link)
        .await
        .map_err(crate::web::session_err)?;
    Flash::success(
        session,
        format!(
            "Invitation made for {email} as {as_what}. Send them the link below; it works once, \
             for {INVITATION_DAYS} days."
        ),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct OpenInvitation {
    invitation_id: i64,
    production_id: i64,
    production_title: String,
    email: String,
    role: Role,
    has_account: bool,
}

async fn open_invitation(pool: &PgPool, token: &str) -> Result<Option<OpenInvitation>> {
    Ok(sqlx::query_as(
        "select i.invitation_id, i.production_id, p.title as production_title, i.email, i.role,
                exists (select 1 from app_user u where u.email = i.email) as has_account
         from invitation i join production p using (production_id)
         where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null
           and i.expires_at > now()",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?)
}

#[derive(askama::Template)]
#[template(path = "accounts/invitation.html")]
struct InvitationPage {
    ctx: Ctx,
    invitation: Option<OpenInvitation>,
    typed_name: String,
    errors: FieldErrors,
}

async fn invitation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response> {
    let invitation = open_invitation(&state.pool, &token).await?;
    let status = if invitation.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render_with_status(
        status,
        &InvitationPage {
            ctx,
            invitation,
            typed_name: String::new(),
            errors: FieldErrors::default(),
        },
    )
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    name: String,
    password: Password,
    #[serde(default)]
    confirm_password: Password,
}

async fn accept_invitation(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ctx: Ctx,
    mut auth: AuthSession,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response> {
    let Some(invitation) = open_invitation(&state.pool, &token).await? else {
        return render_with_status(
            StatusCode::NOT_FOUND,
            &InvitationPage {
                ctx,
                invitation: None,
                typed_name: String::new(),
                errors: FieldErrors::default(),
            },
        );
    };

    let mut errors = FieldErrors::default();
    let name = form.name.trim().to_string();
    let mut new_hash = None;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if invitation.has_account {
        // Someone who already has an account proves it is them with their password, under
        // the same limit as sign-in: an invitation link must not allow unlimited guesses.
        match check_password(
            &state,
            Whose::Email(&invitation.email),
            &addr,
            &form.password,
        )
        .await?
        {
            PasswordCheck::Right(_) => {}
            PasswordCheck::Wrong => errors.add(
                "password",
                "This is not the password of your Closed Set account.",
            ),
            PasswordCheck::Paused => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.add("password", PAUSED_MESSAGE);
            }
        }
    } else {
        if name.is_empty() || name.chars().count() > 120 {
            errors.add("name", "Enter your name as the production should show it.");
        }
        if let Err(message) = password::check_policy(form.password.expose(), &invitation.email) {
            errors.add("password", message);
        } else if form.password.expose() != form.confirm_password.expose() {
            errors.add("confirm_password", "The two passwords are not the same.");
        } else {
            new_hash = Some(password::hash(&form.password).await?);
        }
    }
    if !errors.is_empty() {
        return render_with_status(
            status,
            &InvitationPage {
                ctx,
                typed_name: form.name,
                invitation: Some(invitation),
                errors,
            },
        );
    }

    let mut tx = state.pool.begin().await?;
    // Claiming the invitation first makes it single-use even when two requests race.
    let claimed = sqlx::query(
        "update invitation set accepted_at = now()
         where invitation_id = $1 and accepted_at is null and revoked_at is null
           and expires_at > now()",
    )
    .bind(invitation.invitation_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let user: User = match new_hash {
        Some(hash) => {
            sqlx::query_as(&format!(
                "insert into app_user (email, name, password_hash) values ($1, $2, $3)
                 returning {USER_COLUMNS}"
            ))
            .bind(&invitation.email)
            .bind(&name)
            .bind(hash)
            .fetch_one(&mut *tx)
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "select {USER_COLUMNS} from app_user where email = $1"
            ))
            .bind(&invitation.email)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    sqlx::query("update invitation set accepted_by = $2 where invitation_id = $1")
        .bind(invitation.invitation_id)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into member (production_id, user_id, role) values ($1, $2, $3)
         on conflict (production_id, user_id) do nothing",
    )
    .bind(invitation.production_id)
    .bind(user.user_id)
    .bind(invitation.role)
    .execute(&mut *tx)
    .await?;
    // An invitation made for a cast member links the account to that cast record.
    sqlx::query(
        "update cast_member c set user_id = $2, updated_at = now()
         from invitation i
         where i.invitation_id = $1 and c.cast_member_id = i.cast_member_id
           and c.user_id is null",
    )
    .bind(invitation.invitation_id)
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    log_in(&mut auth, &user).await?;
    Flash::success(
        &auth.session,
        format!("Welcome to {}.", invitation.production_title),
    )
    .await?;
    Ok(Redirect::to(&format!("/productions/{}", invitation.production_id)).into_response())
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
