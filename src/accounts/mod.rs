//! Accounts: who people are, how they sign in and out, change their password,
//! and join through an invitation link. There is no public sign-up.

pub mod password;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_login::{AuthUser, AuthnBackend};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::{AppError, Result};
use crate::productions::Role;
use crate::web::{ClientAddr, Ctx, FieldErrors, Flash, render, render_with_status};
use password::Password;

/// A signed-in person.
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    password_hash: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("user_id", &self.user_id)
            .field("is_admin", &self.is_admin)
            .finish_non_exhaustive()
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.user_id
    }

    // Sessions are bound to the password hash: changing the password ends every other session.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// An e-mail address and password offered at sign-in.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub email: String,
    pub password: Password,
}

/// Looks people up for `axum-login`.
#[derive(Clone, Debug)]
pub struct Backend {
    pool: PgPool,
}

impl Backend {
    pub fn new(pool: PgPool) -> Self {
        Backend { pool }
    }
}

const USER_COLUMNS: &str = "user_id, email, name, is_admin, password_hash";

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = sqlx::Error;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, sqlx::Error> {
        let user = user_by_email(&self.pool, &creds.email).await?;
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        Ok(if password::verify(&creds.password, hash).await {
            user
        } else {
            None
        })
    }

    async fn get_user(&self, user_id: &i64) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(&format!(
            "select {USER_COLUMNS} from app_user where user_id = $1"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }
}

async fn user_by_email(pool: &PgPool, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {USER_COLUMNS} from app_user where email = $1"
    ))
    .bind(normalize_email(email))
    .fetch_optional(pool)
    .await
}

pub type AuthSession = axum_login::AuthSession<Backend>;

/// Session key holding when the person signed in, for the absolute session limit.
const SIGNED_IN_AT: &str = "signed_in_at";
/// Session key holding when activity last moved the idle expiry forward.
const TOUCHED_AT: &str = "touched_at";
/// How often activity is written back to move the idle expiry.
const TOUCH_EVERY_SECONDS: i64 = 300;

/// The signed-in person; anyone else is sent to the sign-in page.
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let mut auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(|_| anyhow::anyhow!("auth session layer missing"))?;
        let Some(user) = auth.user.clone() else {
            return Err(AppError::SignInRequired { next });
        };
        let signed_in_at: Option<i64> = auth
            .session
            .get(SIGNED_IN_AT)
            .await
            .map_err(crate::web::session_err)?;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let limit = state.config.session_absolute.whole_seconds();
        if signed_in_at.is_none_or(|at| now - at > limit) {
            auth.logout()
                .await
                .map_err(|e| anyhow::anyhow!("ending session: {e}"))?;
            return Err(AppError::SignInRequired { next });
        }
        // The idle expiry only moves when the session is saved. Saving on every request would cost
        // a write per page view, so activity is recorded at most every few minutes: the idle limit
        // then holds to within that margin.
        let touched_at: Option<i64> = auth
            .session
            .get(TOUCHED_AT)
            .await
            .map_err(crate::web::session_err)?;
        if touched_at.is_none_or(|at| now - at >= TOUCH_EVERY_SECONDS) {
            auth.session
                .insert(TOUCHED_AT, now)
                .await
                .map_err(crate::web::session_err)?;
        }
        Ok(CurrentUser(user))
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible e-mail address: something@something.something, no spaces.
pub fn parse_email(email: &str) -> Result<String, &'static str> {
    let email = normalize_email(email);
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err("Enter an e-mail address like name@example.com.")
    }
}

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

/// Whose password is being checked: an account already loaded for this request (the signed-in
/// person), or the account behind an e-mail address (which may not exist).
pub enum Whose<'a> {
    User(&'a User),
    Email(&'a str),
}

/// The outcome of a password check.
pub enum PasswordCheck {
    /// The password is right; the account it belongs to.
    Right(User),
    /// The password is wrong (or there is no such account); the failure is counted.
    Wrong,
    /// Too many wrong passwords for this account or from this address: nothing was checked.
    Paused,
}

/// The one way to check a typed password (sign-in, accepting an invitation with an existing
/// account, changing the password, signing a rider): the limit on wrong passwords is asked
/// first, so no form becomes a way to guess a password around it; a wrong password counts
/// against the account and the address; a right one clears the account's count, as at sign-in.
pub async fn check_password(
    state: &AppState,
    whose: Whose<'_>,
    client_addr: &str,
    typed: &Password,
) -> Result<PasswordCheck> {
    let email = match &whose {
        Whose::User(user) => user.email.clone(),
        Whose::Email(email) => normalize_email(email),
    };
    if too_many_failures(state, &email, client_addr).await? {
        return Ok(PasswordCheck::Paused);
    }
    let user = match whose {
        Whose::User(user) => Some(user.clone()),
        Whose::Email(_) => user_by_email(&state.pool, &email).await?,
    };
    // With no account the dummy hash is verified, so a miss costs as much as a hit.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let right = password::verify(typed, hash).await;
    match user {
        Some(user) if right => {
            sqlx::query("delete from sign_in_failure where email = $1")
                .bind(&email)
                .execute(&state.pool)
                .await?;
            Ok(PasswordCheck::Right(user))
        }
        _ => {
            record_failure(state, &email, client_addr).await?;
            Ok(PasswordCheck::Wrong)
        }
    }
}

/// Shown beside a password field while checks are paused.
const PAUSED_MESSAGE: &str = "Too many wrong passwords. For your security, password checks are \
     paused for a while. Try again later.";

/// Whether wrong passwords for this account, or from this address, have reached the limit within
/// the window. `check_password` asks this first.
async fn too_many_failures(state: &AppState, email: &str, addr: &str) -> Result<bool> {
    let window_start = OffsetDateTime::now_utc() - state.config.sign_in_window;
    let (by_email, by_addr): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where email = $1), count(*) filter (where client_addr = $2)
         from sign_in_failure where failed_at > $3 and (email = $1 or client_addr = $2)",
    )
    .bind(email)
    .bind(addr)
    .bind(window_start)
    .fetch_one(&state.pool)
    .await?;
    let limit = state.config.sign_in_max_failures;
    Ok(by_email >= limit || by_addr >= limit)
}

/// Counts one wrong password against the account and the address.
async fn record_failure(state: &AppState, email: &str, addr: &str) -> Result<()> {
    sqlx::query("insert into sign_in_failure (email, client_addr) values ($1, $2)")
        .bind(email)
        .bind(addr)
        .execute(&state.pool)
        .await?;
    Ok(())
}

/// Starts a signed-in session under a fresh id, with a fresh CSRF token.
pub async fn log_in(auth: &mut AuthSession, user: &User) -> Result<()> {
    // A new session id at every sign-in, even when the visitor already had one.
    auth.session
        .cycle_id()
        .await
        .map_err(crate::web::session_err)?;
    auth.login(user)
        .await
        .map_err(|e| anyhow::anyhow!("signing in: {e}"))?;
    auth.session
        .insert(SIGNED_IN_AT, OffsetDateTime::now_utc().unix_timestamp())
        .await
        .map_err(crate::web::session_err)?;
    crate::web::rotate_csrf(&auth.session).await?;
    Ok(())
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

/// The stored form of an invitation token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token for a link (256 bits, URL-safe hex).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
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

// ---------------------------------------------------------------- command line

/// Creates an account from the command line (the first administrator comes from here).
pub async fn create_user(
    pool: &PgPool,
    email: &str,
    name: &str,
    password: &Password,
    is_admin: bool,
) -> anyhow::Result<i64> {
    let email = parse_email(email).map_err(|m| anyhow::anyhow!(m))?;
    password::check_policy(password.expose(), &email).map_err(|m| anyhow::anyhow!(m))?;
    let hash = password::hash(password).await?;
    let id = sqlx::query_scalar(
        "insert into app_user (email, name, password_hash, is_admin) values ($1, $2, $3, $4)
         returning user_id",
    )
    .bind(&email)
    .bind(name)
    .bind(hash)
    .bind(is_admin)
    .fetch_one(pool)
    .await
    .map_err(|e| {
        if crate::error::is_violation(&e, "app_user_email_key") {
            anyhow::anyhow!("an account with the e-mail address {email} already exists")
        } else {
            e.into()
        }
    })?;
    Ok(id)
}

/// Inserts or refreshes an account without the password policy (demo accounts only).
pub async fn upsert_demo_user(
    pool: &PgPool,
    email: &str,
    name: &str,
    password: &Password,
    is_admin: bool,
) -> anyhow::Result<i64> {
    let hash = password::hash(password).await?;
    Ok(sqlx::query_scalar(
        "insert into app_user (email, name, password_hash, is_admin) values ($1, $2, $3, $4)
         on conflict (email) do update set name = excluded.name
         returning user_id",
    )
    .bind(email)
    .bind(name)
    .bind(hash)
    .bind(is_admin)
    .fetch_one(pool)
    .await?)
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
