//! Getting back in without the password: asking for a reset link by e-mail (the same answer
//! whether or not an account uses the address, and a limit per address typed and per client
//! address so nobody can flood a mailbox), and the link's page, which sets a new password,
//! ends every other session, signs in here and says so by e-mail. Links are made here too for
//! the members page, when the server sends no e-mail.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::mail::{AccountMail, send_in_background};
use crate::auth::password::{self, Password};
use crate::auth::{
    AuthSession, Device, USER_COLUMNS, User, clear_failures, new_token, parse_email, token_hash,
};
use crate::error::Result;
use crate::web::ids::PathToken;
use crate::web::{
    AppState, ClientAddr, Ctx, FieldErrors, Flash, FormBody, Len, render, render_with_status,
};

/// How long a reset link works.
pub const RESET_MINUTES: i64 = 60;

/// Reset e-mails one client address may ask for within an hour, whatever the addresses typed.
const REQUESTS_PER_CLIENT_PER_HOUR: i64 = 10;

/// Makes a reset link's token for an account, working for `RESET_MINUTES`; every older link
/// of the account stops working. Only the token's hash is stored.
pub async fn issue_reset(
    conn: &mut sqlx::PgConnection,
    user_id: i64,
    issued_by: Option<i64>,
) -> Result<String> {
    let token = new_token();
    sqlx::query(
        "with superseded as (
             update password_reset set superseded_at = now()
             where user_id = $1 and used_at is null and superseded_at is null)
         insert into password_reset (user_id, token_hash, issued_by, expires_at)
         values ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(token_hash(&token))
    .bind(issued_by)
    .bind(OffsetDateTime::now_utc() + time::Duration::minutes(RESET_MINUTES))
    .execute(conn)
    .await?;
    Ok(token)
}

/// The link for a reset token.
pub fn reset_link(base_url: &str, token: &str) -> String {
    format!("{base_url}/reset/{token}")
}

// ---------------------------------------------------------------- asking for a link

#[derive(askama::Template)]
#[template(path = "accounts/reset_request.html")]
struct RequestPage {
    ctx: Ctx,
    email: String,
    errors: FieldErrors,
    mail_configured: bool,
    /// The address a link was asked for, once it has been.
    sent_to: Option<String>,
}

impl RequestPage {
    fn minutes(&self) -> i64 {
        RESET_MINUTES
    }
}

pub(super) async fn request_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    render(&RequestPage {
        ctx,
        email: String::new(),
        errors: FieldErrors::default(),
        mail_configured: state.config.smtp.is_some(),
        sent_to: None,
    })
}

struct RequestForm {
    email: String,
}

impl RequestForm {
    fn read(body: &FormBody) -> RequestForm {
        let mut r = body.reader();
        RequestForm {
            email: r.text("email", Len::Line),
        }
    }
}

pub(super) async fn request_reset(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ctx: Ctx,
    body: FormBody,
) -> Result<Response> {
    let form = RequestForm::read(&body);
    let mail_configured = state.config.smtp.is_some();
    let refuse = |ctx: Ctx, status: StatusCode, message: String| {
        let mut errors = FieldErrors::default();
        errors.add("email", message);
        render_with_status(
            status,
            &RequestPage {
                ctx,
                email: form.email.clone(),
                errors,
                mail_configured,
                sent_to: None,
            },
        )
    };
    if !mail_configured {
        return refuse(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "This server sends no e-mail. Ask a producer or the intimacy coordinator of your \
             production for a reset link."
                .into(),
        );
    }
    let email = match parse_email(&form.email) {
        Ok(email) => email,
        Err(message) => return refuse(ctx, StatusCode::UNPROCESSABLE_ENTITY, message.into()),
    };
    if !record_request(&state, &email, &addr).await? {
        return refuse(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many reset links were asked for this address or from here. Check your \
             inbox (and spam folder) for the ones already sent, or try again in an hour."
                .into(),
        );
    }
    // Looking the account up, making the link and sending it all happen after the answer,
    // so the answer and its timing are the same whether or not an account uses the address.
    let background = state.clone();
    let typed = email.clone();
    tokio::spawn(async move {
        if let Err(err) = mail_reset_link(&background, &typed).await {
            tracing::warn!(error = %err, "reset link not made");
        }
    });
    render(&RequestPage {
        ctx,
        email: String::new(),
        errors: FieldErrors::default(),
        mail_configured,
        sent_to: Some(email),
    })
}

/// Counts a request for a reset e-mail, unless the address typed or the client's address
/// has reached its hourly limit. The client's address is locked while counting, so parallel
/// requests from it queue.
async fn record_request(state: &AppState, email: &str, addr: &str) -> Result<bool> {
    let hour_ago = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let mut tx = state.pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(727202, hashtext($1))")
        .bind(addr)
        .execute(&mut *tx)
        .await?;
    let recorded = sqlx::query(
        "insert into password_reset_request (email, client_addr)
         select $1, $2
         where (select count(*) from password_reset_request
                where email = $1 and requested_at > $3) < $4
           and (select count(*) from password_reset_request
                where client_addr = $2 and requested_at > $3) < $5",
    )
    .bind(email)
    .bind(addr)
    .bind(hour_ago)
    .bind(state.config.reset_requests_per_hour)
    .bind(REQUESTS_PER_CLIENT_PER_HOUR)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(recorded)
}

async fn mail_reset_link(state: &AppState, email: &str) -> Result<()> {
    let Some(user) = crate::auth::user_by_email(&state.pool, email).await? else {
        return Ok(());
    };
    let mut conn = state.pool.acquire().await?;
    let token = issue_reset(&mut conn, user.user_id, None).await?;
    let link = reset_link(&state.config.base_url, &token);
    send_in_background(
        state.config.clone(),
        AccountMail {
            to_email: user.email.clone(),
            to_name: user.name.clone(),
            subject: "Closed Set: reset your password".into(),
            body: format!(
                "Someone, hopefully you, asked to reset the password of your Closed Set \
                 account.\n\nTo choose a new password, open this link within {RESET_MINUTES} \
                 minutes. It works once:\n{link}\n\nIf you did not ask, you can ignore this \
                 e-mail: your password stays as it is.\n"
            ),
        },
    );
    Ok(())
}

// ---------------------------------------------------------------- using a link

#[derive(sqlx::FromRow)]
struct OpenReset {
    email: String,
}

async fn open_reset(pool: &PgPool, token: &str) -> Result<Option<OpenReset>> {
    Ok(sqlx::query_as(
        "select u.email from password_reset r join app_user u using (user_id)
         where r.token_hash = $1 and r.used_at is null and r.superseded_at is null
           and r.expires_at > now()",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?)
}

#[derive(askama::Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    ctx: Ctx,
    reset: Option<OpenReset>,
    errors: FieldErrors,
}

pub(super) async fn reset_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PathToken(token): PathToken,
) -> Result<Response> {
    let reset = open_reset(&state.pool, &token).await?;
    let status = if reset.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render_with_status(
        status,
        &ResetPage {
            ctx,
            reset,
            errors: FieldErrors::default(),
        },
    )
}

struct NewPasswordForm {
    password: Password,
    confirm_password: Password,
}

impl NewPasswordForm {
    fn read(body: &FormBody) -> NewPasswordForm {
        let mut r = body.reader();
        NewPasswordForm {
            password: Password::new(r.password("password")),
            confirm_password: Password::new(r.password("confirm_password")),
        }
    }
}

pub(super) async fn reset_password(
    State(state): State<AppState>,
    device: Device,
    ctx: Ctx,
    mut auth: AuthSession,
    PathToken(token): PathToken,
    body: FormBody,
) -> Result<Response> {
    let addr = device.client_addr.clone();
    let form = NewPasswordForm::read(&body);
    let Some(reset) = open_reset(&state.pool, &token).await? else {
        let page = ResetPage {
            ctx,
            reset: None,
            errors: FieldErrors::default(),
        };
        return render_with_status(StatusCode::NOT_FOUND, &page);
    };
    let mut errors = FieldErrors::default();
    if let Err(message) = password::check_policy(form.password.expose(), &reset.email) {
        errors.add("password", message);
    } else if form.password.expose() != form.confirm_password.expose() {
        errors.add("confirm_password", "The two passwords are not the same.");
    }
    if !errors.is_empty() {
        let page = ResetPage {
            ctx,
            reset: Some(reset),
            errors,
        };
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = password::hash(&form.password).await?;

    let mut tx = state.pool.begin().await?;
    // Claiming the link and changing the password together: two requests racing with one link
    // change the password at most once.
    let user: Option<User> = sqlx::query_as(&format!(
        "with claimed as (
             update password_reset set used_at = now()
             where token_hash = $1 and used_at is null and superseded_at is null
               and expires_at > now()
             returning user_id)
         update app_user set password_hash = $2, updated_at = now()
         where user_id = (select user_id from claimed)
         returning {USER_COLUMNS}"
    ))
    .bind(token_hash(&token))
    .bind(hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user) = user else {
        let page = ResetPage {
            ctx,
            reset: None,
            errors: FieldErrors::default(),
        };
        return render_with_status(StatusCode::NOT_FOUND, &page);
    };
    // Any other link still open for the account goes too.
    sqlx::query(
        "update password_reset set superseded_at = now()
         where user_id = $1 and used_at is null and superseded_at is null",
    )
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    // Every session holds the old password's hash and ends at its next request; this one
    // signs in afresh. Wrong guesses typed here before are forgiven; others' are not.
    clear_failures(&state.pool, &user.email, &addr).await?;
    password_changed_mail(&state, &user);
    // A reset link stands in for the password only: a second factor is still asked for.
    let response =
        super::second_factor::finish_sign_in(&state, &mut auth, &user, &device, "/").await?;
    Flash::success(
        &auth.session,
        "Your password is changed. You are signed out everywhere else.",
    )
    .await?;
    Ok(response)
}

/// Tells the account's owner their password changed, so a change they did not make is noticed.
pub(super) fn password_changed_mail(state: &AppState, user: &User) {
    let base = &state.config.base_url;
    let when = OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default();
    send_in_background(
        state.config.clone(),
        AccountMail {
            to_email: user.email.clone(),
            to_name: user.name.clone(),
            subject: "Closed Set: your password was changed".into(),
            body: format!(
                "The password of your Closed Set account was changed ({when}). Every other \
                 device was signed out.\n\nIf this was not you, get a new password now at \
                 {base}/reset and tell your production's intimacy coordinator.\n"
            ),
        },
    );
}
