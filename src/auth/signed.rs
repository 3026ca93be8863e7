//! What a signed-in request learns before its page runs, in one statement: the session's record,
//! the person it is signed in as, whether their "Your sessions" row still stands (moving its
//! last-seen time), their unread count, whether they have a second factor, and their membership
//! of the production the path names. `AuthSession`, `CurrentUser`, `Ctx` and `Member` read it
//! from the request; none of them runs a statement of its own.

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use sqlx::Row;
use sqlx::postgres::PgRow;
use tower_sessions::Session;
use tower_sessions::session::Id;

use super::{User, session_store, sessions};
use crate::error::{AppError, Result};
use crate::web::ids::canonical_id;
use crate::web::{AppState, ClientAddr, session_err};

/// Session key holding who signed in, and a digest of their password hash at that moment:
/// changing the password ends every other session, because their digests no longer match.
pub(super) const SIGNED_IN: &str = "signed_in";

#[derive(Clone, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    password_digest: String,
}

fn password_digest(user: &User) -> String {
    hex::encode(Sha256::digest(user.password_hash.as_bytes()))
}

/// The request's one statement, answered. Kept in the request's extensions, so every
/// extractor of the request shares it.
pub struct Signed {
    /// The signed-in person, if the session names one whose password is unchanged.
    pub user: Option<User>,
    /// The session's "Your sessions" row still stands (it is removed to sign a session out).
    pub open: bool,
    /// Unread notifications, for the header.
    pub unread: i64,
    pub has_second_factor: bool,
    /// The membership row of the production named in the path (`member_id`, `role` and the
    /// production's columns), or none: the `Member` gate reads it.
    pub membership: Option<PgRow>,
}

impl Signed {
    fn nobody() -> Signed {
        Signed {
            user: None,
            open: false,
            unread: 0,
            has_second_factor: false,
            membership: None,
        }
    }

    /// This request's answer, asked for once.
    pub async fn of(parts: &mut Parts, state: &AppState) -> Result<Arc<Signed>> {
        if let Some(signed) = parts.extensions.get::<Arc<Signed>>() {
            return Ok(signed.clone());
        }
        let session = session_of(parts)?;
        let signed = match session.id() {
            // No cookie: no session to read, nobody signed in.
            None => Signed::nobody(),
            Some(id) => read(parts, state, &session, id).await?,
        };
        let signed = Arc::new(signed);
        parts.extensions.insert(signed.clone());
        Ok(signed)
    }
}

/// The session the session layer put in the request.
pub(super) fn session_of(parts: &Parts) -> Result<Session> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::Other(anyhow::anyhow!("session layer missing")))
}

/// The production the path names, if any.
async fn production_in_path(parts: &mut Parts, state: &AppState) -> Option<i64> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    params
        .iter()
        .find(|(k, _)| *k == "production_id")
        .and_then(|(_, v)| canonical_id(v))
}

// The session's row with everything `SIGNED_SQL` reads, joined on who the row says the session
// is signed in as. The `touched` part is `SIGNED_SQL`'s, on the row's "Your sessions" key (it
// comes first so that tests and logs know the statement by its first words).
const SESSION_SIGNED_SQL: &str = "with touched as (
         update user_session us set last_seen_at = now(), client_addr = $2
         from tower_sessions.session ts
         where ts.id = $1 and ts.expiry_date > now()
           and us.session_key = ts.user_session_key and us.user_id = ts.user_id
           and us.last_seen_at < now() - interval '1 minute'
         returning 1),
     s as (
         select data, user_id as session_user_id, user_session_key
         from tower_sessions.session where id = $1 and expiry_date > now())
     select s.data, s.session_user_id, s.user_session_key,
            u.user_id, u.email, u.name, u.is_admin, u.password_hash, u.language,
            exists (select 1 from user_session us
                    where us.session_key = s.user_session_key
                      and us.user_id = s.session_user_id) as session_open,
            (select count(*) from notification n
             where n.user_id = u.user_id and n.read_at is null) as unread,
            exists (select 1 from user_totp t
                    where t.user_id = u.user_id and t.confirmed_at is not null)
              as has_second_factor,
            m.member_id, m.role, p.production_id, p.title, p.kind, p.phase, p.time_zone,
            p.currency, p.agreement, p.notice_hours, p.ic_account_code, p.revision,
            p.second_factor_required, p.default_language
     from s
     left join app_user u on u.user_id = s.session_user_id
     left join member m on m.user_id = u.user_id and m.production_id = $3
     left join production p on p.production_id = m.production_id";

/// The session `id` names and who it is signed in as, in one statement. The session's record
/// read here becomes the session's own (no second read); a session whose columns do not match
/// its record (saved before they existed) is answered by `SIGNED_SQL` as before.
async fn read(parts: &mut Parts, state: &AppState, session: &Session, id: Id) -> Result<Signed> {
    let ClientAddr(addr) = ClientAddr::from_request_parts(parts, state)
        .await
        .unwrap_or_else(|never| match never {});
    let production_id = production_in_path(parts, state).await;
    let session_id = id.to_string();
    let row: Option<PgRow> = crate::db::retry_once(&state.pool, || {
        sqlx::query(SESSION_SIGNED_SQL)
            .bind(&session_id)
            .bind(addr.as_str())
            .bind(production_id)
            .fetch_optional(&state.pool)
    })
    .await?;
    let record = match &row {
        Some(row) => Some(
            session_store::decode(row.try_get::<&[u8], _>("data")?)
                .map_err(|e| session_err(e.into()))?,
        ),
        None => None,
    };
    // The session's first access, answered by the record just read (if the session was not
    // already read earlier in this request, in which case it keeps what it has).
    let signed_in: Option<SignedIn> =
        session_store::with_preloaded(id, record, session.get(SIGNED_IN))
            .await
            .map_err(session_err)?;
    let Some(who) = signed_in else {
        return Ok(Signed::nobody());
    };
    let key: Option<String> = session
        .get(sessions::SESSION_KEY)
        .await
        .map_err(session_err)?;
    let Some(row) = row else {
        return load(parts, state, session, who).await;
    };
    let row_user: Option<i64> = row.try_get("session_user_id")?;
    let row_key: Option<String> = row.try_get("user_session_key")?;
    if row_user != Some(who.user_id) || row_key != key {
        return load(parts, state, session, who).await;
    }
    answer(session, &who, row).await
}

// The membership columns are the `Member` gate's (productions::member::MemberRow): joined here
// so that a production's page costs no statement of its own to find who is asking.
const SIGNED_SQL: &str = "with touched as (
         update user_session set last_seen_at = now(), client_addr = $3
         where session_key = $2 and user_id = $1
           and last_seen_at < now() - interval '1 minute'
         returning 1)
     select u.user_id, u.email, u.name, u.is_admin, u.password_hash, u.language,
            exists (select 1 from user_session s
                    where s.session_key = $2 and s.user_id = $1) as session_open,
            (select count(*) from notification n
             where n.user_id = $1 and n.read_at is null) as unread,
            exists (select 1 from user_totp t
                    where t.user_id = $1 and t.confirmed_at is not null) as has_second_factor,
            m.member_id, m.role, p.production_id, p.title, p.kind, p.phase, p.time_zone,
            p.currency, p.agreement, p.notice_hours, p.ic_account_code, p.revision,
            p.second_factor_required, p.default_language
     from app_user u
     left join member m on m.user_id = u.user_id and m.production_id = $4
     left join production p on p.production_id = m.production_id
     where u.user_id = $1";

async fn load(
    parts: &mut Parts,
    state: &AppState,
    session: &Session,
    who: SignedIn,
) -> Result<Signed> {
    let key: Option<String> = session
        .get(sessions::SESSION_KEY)
        .await
        .map_err(session_err)?;
    let ClientAddr(addr) = ClientAddr::from_request_parts(parts, state)
        .await
        .unwrap_or_else(|never| match never {});
    let production_id = production_in_path(parts, state).await;
    let row: Option<PgRow> = crate::db::retry_once(&state.pool, || {
        sqlx::query(SIGNED_SQL)
            .bind(who.user_id)
            .bind(key.as_deref())
            .bind(addr.as_str())
            .bind(production_id)
            .fetch_optional(&state.pool)
    })
    .await?;
    match row {
        Some(row) => answer(session, &who, row).await,
        None => Ok(Signed::nobody()),
    }
}

/// The request's answer from a row of either statement.
async fn answer(session: &Session, who: &SignedIn, row: PgRow) -> Result<Signed> {
    if row.try_get::<Option<i64>, _>("user_id")?.is_none() {
        // The account is gone.
        return Ok(Signed::nobody());
    }
    let user = User::from_row(&row)?;
    if password_digest(&user) != who.password_digest {
        // The password changed since this session signed in.
        session.flush().await.map_err(session_err)?;
        return Ok(Signed::nobody());
    }
    let member_id: Option<i64> = row.try_get("member_id")?;
    Ok(Signed {
        user: Some(user),
        open: row.try_get("session_open")?,
        unread: row.try_get("unread")?,
        has_second_factor: row.try_get("has_second_factor")?,
        membership: member_id.map(|_| row),
    })
}

/// The session and who it is signed in as: what sign-in, sign-out and the account pages use.
pub struct AuthSession {
    pub user: Option<User>,
    pub session: Session,
}

impl AuthSession {
    /// Marks the session signed in as `user` (the caller has given it a fresh id).
    pub async fn login(&mut self, user: &User) -> Result<(), tower_sessions::session::Error> {
        let who = SignedIn {
            user_id: user.user_id,
            password_digest: password_digest(user),
        };
        self.session.insert(SIGNED_IN, who).await?;
        self.user = Some(user.clone());
        Ok(())
    }

    /// Ends the session: its record is deleted and the cookie cleared.
    pub async fn logout(&mut self) -> Result<Option<User>, tower_sessions::session::Error> {
        let user = self.user.take();
        self.session.flush().await?;
        Ok(user)
    }
}

impl FromRequestParts<AppState> for AuthSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let signed = Signed::of(parts, state).await?;
        Ok(AuthSession {
            user: signed.user.clone(),
            session: session_of(parts)?,
        })
    }
}
