//! Two-step sign-in: setting up an authenticator app from the account page (secret, QR code,
//! a code to confirm, ten recovery codes shown once), turning it off with the password, and the
//! second step of signing in, where the session is not signed in until the code passes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::auth::password::Password;
use crate::auth::totp::{self, CodeCheck};
use crate::auth::{
    AuthSession, CurrentUser, Device, PasswordCheck, USER_COLUMNS, User, Whose, check_password,
    log_in,
};
use crate::error::Result;
use crate::i18n::Key;
use crate::vault::Encrypted;
use crate::web::{
    AppState, ClientAddr, Ctx, FieldErrors, Flash, FormBody, Len, render, render_with_status,
};

/// Session keys of a sign-in waiting for its second step: whose password was right, when,
/// and where to go afterwards.
const PENDING_USER: &str = "pending_user_id";
const PENDING_AT: &str = "pending_at";
const PENDING_NEXT: &str = "pending_next";
/// How long the second step waits after the password.
const PENDING_SECONDS: i64 = 600;
/// Session key of recovery codes made on the request before, until the page shows them.
const NEW_CODES: &str = "new_recovery_codes";

/// Signs in after a right password (or a reset link), unless the account has a second factor:
/// then the session only remembers who is half-way, and the code page follows.
pub(super) async fn finish_sign_in(
    state: &AppState,
    auth: &mut AuthSession,
    user: &User,
    device: &Device,
    next: &str,
) -> Result<Response> {
    if !totp::has_second_factor(&state.pool, user.user_id).await? {
        log_in(state, auth, user, device).await?;
        return Ok(Redirect::to(next).into_response());
    }
    // Whoever was signed in on this browser is signed out: half-way is not signed in.
    if auth.user.is_some() {
        crate::auth::sessions::forget(&state.pool, &auth.session).await?;
        auth.logout()
            .await
            .map_err(|e| anyhow::anyhow!("ending session: {e}"))?;
    }
    let session = &auth.session;
    session.cycle_id().await.map_err(crate::web::session_err)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    for (key, value) in [
        (PENDING_USER, serde_json::json!(user.user_id)),
        (PENDING_AT, serde_json::json!(now)),
        (PENDING_NEXT, serde_json::json!(next)),
    ] {
        session
            .insert(key, value)
            .await
            .map_err(crate::web::session_err)?;
    }
    Ok(Redirect::to("/signin/code").into_response())
}

/// The account half-way through signing in on this session, if the wait has not run out.
async fn pending_user(state: &AppState, session: &Session) -> Result<Option<User>> {
    let user_id: Option<i64> = session
        .get(PENDING_USER)
        .await
        .map_err(crate::web::session_err)?;
    let at: Option<i64> = session
        .get(PENDING_AT)
        .await
        .map_err(crate::web::session_err)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (Some(user_id), Some(at)) = (user_id, at) else {
        return Ok(None);
    };
    if now - at > PENDING_SECONDS {
        return Ok(None);
    }
    Ok(sqlx::query_as(&format!(
        "select {USER_COLUMNS} from app_user where user_id = $1"
    ))
    .bind(user_id)
    .fetch_optional(&state.pool)
    .await?)
}

#[derive(askama::Template)]
#[template(path = "accounts/signin_code.html")]
struct CodePage {
    ctx: Ctx,
    errors: FieldErrors,
}

pub(super) async fn code_page(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> Result<Response> {
    if pending_user(&state, &session).await?.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    render(&CodePage {
        ctx,
        errors: FieldErrors::default(),
    })
}

pub(super) async fn check_sign_in_code(
    State(state): State<AppState>,
    device: Device,
    ctx: Ctx,
    mut auth: AuthSession,
    body: FormBody,
) -> Result<Response> {
    let addr = device.client_addr.clone();
    let Some(user) = pending_user(&state, &auth.session).await? else {
        Flash::info(&auth.session, ctx.t("code-too-slow")).await?;
        return Ok(Redirect::to("/signin").into_response());
    };
    let typed = body.reader().text("code", Len::Code);
    let refuse = |ctx: Ctx, status: StatusCode, message: &str| {
        let mut errors = FieldErrors::default();
        errors.add("code", message.to_string());
        render_with_status(status, &CodePage { ctx, errors })
    };
    match totp::check_code(&state, &user, &addr, &typed).await? {
        CodeCheck::Right => {}
        CodeCheck::Wrong => {
            let message = ctx.t("code-wrong");
            return refuse(ctx, StatusCode::UNPROCESSABLE_ENTITY, &message);
        }
        CodeCheck::Paused => {
            let message = ctx.t("password-paused");
            return refuse(ctx, StatusCode::TOO_MANY_REQUESTS, &message);
        }
    }
    let next: Option<String> = auth
        .session
        .get(PENDING_NEXT)
        .await
        .map_err(crate::web::session_err)?;
    for key in [PENDING_USER, PENDING_AT, PENDING_NEXT] {
        auth.session
            .remove_value(key)
            .await
            .map_err(crate::web::session_err)?;
    }
    log_in(&state, &mut auth, &user, &device).await?;
    let left = totp::recovery_codes_left(&state.pool, user.user_id).await?;
    if left < 3 {
        Flash::info(&auth.session, ctx.t1("code-few-left", "count", left)).await?;
    }
    Ok(Redirect::to(next.as_deref().unwrap_or("/")).into_response())
}

// ---------------------------------------------------------------- setting it up

/// The setup URI as an inline QR code for a phone's app to scan; empty if it cannot be drawn
/// (the secret is shown as text too).
fn qr_svg(uri: &str, label: &str) -> String {
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    qrcode::QrCode::new(uri.as_bytes())
        .ok()
        .and_then(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build()
                .split_once("<svg")
                .map(|(_, rest)| {
                    format!("<svg role=\"img\" aria-label=\"{label}\" class=\"qr\"{rest}")
                })
        })
        .unwrap_or_default()
}

/// A secret being set up, in the forms an app takes.
struct NewSecret {
    text: String,
    uri: String,
    qr: String,
}

#[derive(askama::Template)]
#[template(path = "accounts/two_step.html")]
struct TwoStepPage {
    ctx: Ctx,
    enabled: bool,
    codes_left: i64,
    setup: Option<NewSecret>,
    new_codes: Vec<String>,
    errors: FieldErrors,
    /// The productions that require a second factor of this person (as producer or
    /// coordinator), to say why they were sent here.
    required_by: Vec<String>,
}

impl TwoStepPage {
    async fn load(state: &AppState, ctx: Ctx, user: &User) -> Result<TwoStepPage> {
        let mut conn = state.pool.acquire().await?;
        type Row = (Option<Vec<u8>>, Option<Encrypted<Vec<u8>>>, bool);
        let row: Option<Row> = sqlx::query_as(
            "select secret, secret_sealed, confirmed_at is not null from user_totp
             where user_id = $1",
        )
        .bind(user.user_id)
        .fetch_optional(&mut *conn)
        .await?;
        let enabled = row.as_ref().is_some_and(|(_, _, confirmed)| *confirmed);
        let unconfirmed = match row.filter(|(_, _, confirmed)| !confirmed) {
            Some((clear, sealed, _)) => {
                totp::open_secret(&state.vault, &mut conn, user.user_id, clear, sealed).await?
            }
            None => None,
        };
        drop(conn);
        let setup = unconfirmed.map(|secret| {
            let uri = totp::otpauth_uri(&secret, &user.email);
            NewSecret {
                text: totp::base32(&secret),
                qr: qr_svg(&uri, &ctx.t("two-step-qr")),
                uri,
            }
        });
        let required_by: Vec<String> = sqlx::query_scalar(
            "select p.title from production p join member m using (production_id)
             where m.user_id = $1 and p.second_factor_required
               and m.role in ('producer', 'coordinator')
             order by p.title",
        )
        .bind(user.user_id)
        .fetch_all(&state.pool)
        .await?;
        Ok(TwoStepPage {
            ctx,
            required_by,
            enabled,
            codes_left: totp::recovery_codes_left(&state.pool, user.user_id).await?,
            setup,
            new_codes: Vec::new(),
            errors: FieldErrors::default(),
        })
    }

    /// The page with the message `key` beside `field`.
    fn refused(self, status: StatusCode, field: &'static str, key: Key) -> Result<Response> {
        let mut errors = FieldErrors::default();
        errors.add(field, self.ctx.t(key.0));
        render_with_status(status, &TwoStepPage { errors, ..self })
    }
}

pub(super) async fn two_step_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
) -> Result<Response> {
    let new_codes: Option<Vec<String>> = session
        .remove(NEW_CODES)
        .await
        .map_err(crate::web::session_err)?;
    let page = TwoStepPage::load(&state, ctx, &user).await?;
    render(&TwoStepPage {
        new_codes: new_codes.unwrap_or_default(),
        ..page
    })
}

/// Makes a new secret to set up (replacing one not yet confirmed); one in use stays until
/// turned off.
pub(super) async fn start_setup(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    let mut tx = state.pool.begin().await?;
    let sealed =
        totp::seal_secret(&state.vault, &mut tx, user.user_id, &totp::new_secret()).await?;
    sqlx::query(
        "insert into user_totp (user_id, secret, secret_sealed) values ($1, null, $2)
         on conflict (user_id) do update set secret = null,
             secret_sealed = excluded.secret_sealed, last_step = null, created_at = now()
         where user_totp.confirmed_at is null",
    )
    .bind(user.user_id)
    .bind(&sealed)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/account/two-step").into_response())
}

pub(super) async fn confirm_setup(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    let typed = body.reader().text("code", Len::Code);
    if !totp::use_code(&state.vault, &state.pool, user.user_id, &typed, false).await? {
        return TwoStepPage::load(&state, ctx, &user).await?.refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "code",
            Key("two-step-code-wrong"),
        );
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "update user_totp set confirmed_at = now() where user_id = $1 and confirmed_at is null",
    )
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    let codes = totp::new_recovery_codes(&mut tx, user.user_id).await?;
    tx.commit().await?;
    session
        .insert(NEW_CODES, codes)
        .await
        .map_err(crate::web::session_err)?;
    Flash::success(&session, ctx.t("two-step-turned-on")).await?;
    Ok(Redirect::to("/account/two-step").into_response())
}

/// Replaces the recovery codes (after using some, or losing the list); needs the password.
pub(super) async fn new_codes(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    if let Some(refusal) = password_refusal(&state, &user, &addr, &body, "codes_password").await? {
        let (status, message) = refusal;
        return TwoStepPage::load(&state, ctx, &user).await?.refused(
            status,
            "codes_password",
            message,
        );
    }
    if !totp::has_second_factor(&state.pool, user.user_id).await? {
        return Ok(Redirect::to("/account/two-step").into_response());
    }
    let mut conn = state.pool.acquire().await?;
    let codes = totp::new_recovery_codes(&mut conn, user.user_id).await?;
    session
        .insert(NEW_CODES, codes)
        .await
        .map_err(crate::web::session_err)?;
    Ok(Redirect::to("/account/two-step").into_response())
}

/// Turns two-step sign-in off; needs the password, so a session left open cannot.
pub(super) async fn turn_off(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    if let Some((status, message)) =
        password_refusal(&state, &user, &addr, &body, "password").await?
    {
        return TwoStepPage::load(&state, ctx, &user)
            .await?
            .refused(status, "password", message);
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query("delete from user_totp where user_id = $1")
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from recovery_code where user_id = $1")
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Flash::success(&session, ctx.t("two-step-turned-off")).await?;
    Ok(Redirect::to("/account/two-step").into_response())
}

/// What to say beside the password field (a message key), if the password typed in `field` is
/// not right.
async fn password_refusal(
    state: &AppState,
    user: &User,
    addr: &str,
    body: &FormBody,
    field: &'static str,
) -> Result<Option<(StatusCode, Key)>> {
    let typed = Password::new(body.reader().password(field));
    Ok(
        match check_password(state, Whose::User(user), addr, &typed).await? {
            PasswordCheck::Right(_) => None,
            PasswordCheck::Wrong => {
                Some((StatusCode::UNPROCESSABLE_ENTITY, Key("password-not-yours")))
            }
            PasswordCheck::Paused => Some((StatusCode::TOO_MANY_REQUESTS, Key("password-paused"))),
        },
    )
}
