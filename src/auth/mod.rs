//! Who is signed in: accounts as the sign-in backend sees them, sessions with their idle and
//! absolute limits, the one password check (with its limit on wrong guesses), and the layout
//! context every page gets. The pages that use these live in `accounts`.

pub mod passkey;
pub mod password;
pub mod session_store;
pub mod sessions;
mod signed;
pub mod totp;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::{AppError, Result};
pub use crate::web::Device;
use crate::web::{AppState, Ctx, Viewer};
use password::Password;
pub use signed::{AuthSession, Signed};

/// A signed-in person.
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    password_hash: String,
    /// The language chosen on the account page; none follows the browser. Every read of an
    /// account selects it (`USER_COLUMNS`): a read that forgot it would fail, not silently
    /// answer "no choice".
    pub language: Option<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("user_id", &self.user_id)
            .field("is_admin", &self.is_admin)
            .finish_non_exhaustive()
    }
}

pub(crate) const USER_COLUMNS: &str = "user_id, email, name, is_admin, password_hash, language";

pub(crate) async fn user_by_id(pool: &PgPool, user_id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {USER_COLUMNS} from app_user where user_id = $1"
    ))
    .bind(user_id)
    .fetch_optional(pool)
    .await
}

pub(crate) async fn user_by_email(pool: &PgPool, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {USER_COLUMNS} from app_user where email = $1"
    ))
    .bind(normalize_email(email))
    .fetch_optional(pool)
    .await
}

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
        let signed = Signed::of(parts, state).await?;
        let session = signed::session_of(parts)?;
        let Some(user) = signed.user.clone() else {
            return Err(AppError::SignInRequired { next });
        };
        let signed_in_at: Option<i64> = session
            .get(SIGNED_IN_AT)
            .await
            .map_err(crate::web::session_err)?;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let limit = state.config.session_absolute.whole_seconds();
        // Past the absolute limit, or signed out from "Your sessions" (its row removed).
        if signed_in_at.is_none_or(|at| now - at > limit) || !signed.open {
            session.flush().await.map_err(crate::web::session_err)?;
            return Err(AppError::SignInRequired { next });
        }
        // The idle expiry only moves when the session is saved. Saving on every request would cost
        // a write per page view, so activity is recorded at most every few minutes: the idle limit
        // then holds to within that margin.
        let touched_at: Option<i64> = session
            .get(TOUCHED_AT)
            .await
            .map_err(crate::web::session_err)?;
        if touched_at.is_none_or(|at| now - at >= TOUCH_EVERY_SECONDS) {
            session
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
    /// Too many wrong passwords for this account from this address, or from this address for
    /// any account: nothing was checked.
    Paused,
}

/// The one way to check a typed password (sign-in, accepting an invitation with an existing
/// account, changing the password, signing a rider): an attempt is reserved against the limits
/// before the password is checked, so no form becomes a way to guess a password around them
/// and parallel guesses cannot all slip past one count. The limits are per account *from this
/// address* and per address, never per account alone: wrong guesses from one place pause that
/// place, and the account's owner elsewhere (or with a reset link) still gets in. A wrong
/// password keeps its reservation and is answered a little later the more wrong ones came from
/// the address; a right one clears this address's count for the account.
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
    let Some(earlier_failures) = reserve_attempt(state, &email, client_addr).await? else {
        return Ok(PasswordCheck::Paused);
    };
    let user = match whose {
        Whose::User(user) => Some(user.clone()),
        Whose::Email(_) => user_by_email(&state.pool, &email).await?,
    };
    // With no account the dummy hash is verified, so a miss costs as much as a hit.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let right = password::verify(typed, hash).await;
    match user {
        Some(user) if right => {
            clear_failures(&state.pool, &email, client_addr).await?;
            Ok(PasswordCheck::Right(user))
        }
        // The reservation stays: it is this wrong password's count.
        _ => {
            tokio::time::sleep(slowdown(state, earlier_failures)).await;
            Ok(PasswordCheck::Wrong)
        }
    }
}

/// How much later a wrong password is answered: nothing for the first three from an address,
/// then one `sign_in_slowdown` step more for each, up to a second.
fn slowdown(state: &AppState, earlier_failures: i64) -> std::time::Duration {
    let steps = (earlier_failures + 1 - 3).clamp(0, 1000) as u32;
    let delay = state.config.sign_in_slowdown.unsigned_abs() * steps;
    delay.min(std::time::Duration::from_secs(1))
}

/// Forgets the wrong passwords typed for an account from one address (after the right one,
/// or a password reset from there).
pub async fn clear_failures(pool: &PgPool, email: &str, client_addr: &str) -> Result<()> {
    sqlx::query("delete from sign_in_failure where email = $1 and client_addr = $2")
        .bind(normalize_email(email))
        .bind(client_addr)
        .execute(pool)
        .await?;
    Ok(())
}

/// Shown beside a password field while checks are paused.
pub(crate) const PAUSED_MESSAGE: &str = "Too many wrong passwords from here. For your security, \
     password checks from this connection are paused for a while. Try again later.";

/// Counts one password check against the account from this address, and against the
/// address, before it runs, unless either has already reached its limit within the window.
/// Returns how many failures the address had before this one; none means the check must not
/// run.
///
/// The attempt counts as a failure until the password proves right. Both counts are of rows
/// with this address, so one lock on the address, held to the end of a short transaction,
/// makes parallel attempts queue here and each see the ones before it; the slow password hash
/// runs after the lock is released.
pub(crate) async fn reserve_attempt(
    state: &AppState,
    email: &str,
    addr: &str,
) -> Result<Option<i64>> {
    let window_start = OffsetDateTime::now_utc() - state.config.sign_in_window;
    let mut tx = state.pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(727201, hashtext($1))")
        .bind(addr)
        .execute(&mut *tx)
        .await?;
    // The subquery in `returning` sees the table as it was before this insert.
    let earlier: Option<i64> = sqlx::query_scalar(
        "insert into sign_in_failure (email, client_addr)
         select $1, $2
         where (select count(*) from sign_in_failure
                where email = $1 and client_addr = $2 and failed_at > $3) < $4
           and (select count(*) from sign_in_failure
                where client_addr = $2 and failed_at > $3) < $5
         returning (select count(*) from sign_in_failure
                    where client_addr = $2 and failed_at > $3)",
    )
    .bind(email)
    .bind(addr)
    .bind(window_start)
    .bind(state.config.sign_in_max_failures)
    .bind(state.config.sign_in_max_failures_per_address)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(earlier)
}

/// Starts a signed-in session under a fresh id, with a fresh CSRF token, listed under "Your
/// sessions" with the device it came from.
pub async fn log_in(
    state: &AppState,
    auth: &mut AuthSession,
    user: &User,
    device: &Device,
) -> Result<()> {
    // The session being replaced (if it was signed in) leaves the list.
    sessions::forget(&state.pool, &auth.session).await?;
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
    sessions::record(
        &state.pool,
        &auth.session,
        user.user_id,
        device,
        (state.config.session_idle, state.config.session_absolute),
    )
    .await?;
    crate::web::rotate_csrf(&auth.session).await?;
    Ok(())
}

/// The stored form of a link's token (invitations, password resets).
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

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(AppError::SignInRequired { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl From<&User> for Viewer {
    fn from(user: &User) -> Viewer {
        Viewer {
            user_id: user.user_id,
            email: user.email.clone(),
            name: user.name.clone(),
            is_admin: user.is_admin,
        }
    }
}

/// The layout context: who is signed in, the CSRF token, messages and the unread count.
/// `Ctx` is web plumbing; reading it needs the signed-in person, which this layer knows.
impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let signed = Signed::of(parts, state).await?;
        let session = signed::session_of(parts)?;
        let lang = crate::i18n::negotiate(
            signed.user.as_ref().and_then(|u| u.language.as_deref()),
            parts
                .headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
            // The production the path names, when the person is its member.
            signed.membership.as_ref().and_then(|row| {
                sqlx::Row::try_get::<Option<&str>, _>(row, "default_language")
                    .ok()
                    .flatten()
            }),
        );
        if let Some(slot) = parts.extensions.get::<crate::i18n::LangSlot>() {
            slot.set(lang);
        }
        Ctx::load(
            &session,
            signed.user.as_ref().map(Viewer::from),
            signed.unread,
            lang,
        )
        .await
    }
}

/// Unread notifications of one person, for the live header (pages read theirs from `Signed`).
pub async fn unread_count(pool: &sqlx::PgPool, user_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from notification where user_id = $1 and read_at is null",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}
