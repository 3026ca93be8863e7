//! The sessions an account has open ("Your sessions"): a `user_session` row per signed-in
//! session, written at sign-in, touched at most once a minute, removed at sign-out; a session
//! whose row is gone is signed out at its next request.

use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::error::Result;
use crate::web::Device;

/// Session key holding this session's `user_session.session_key`.
pub(super) const SESSION_KEY: &str = "user_session_key";

/// Records a new signed-in session, and forgets this account's sessions past the idle or
/// absolute limit (their cookies no longer work).
pub(super) async fn record(
    pool: &PgPool,
    session: &Session,
    user_id: i64,
    device: &Device,
    limits: (time::Duration, time::Duration),
) -> Result<()> {
    let key = super::new_token();
    let (idle, absolute) = limits;
    let now = OffsetDateTime::now_utc();
    sqlx::query(
        "delete from user_session
         where user_id = $1 and (signed_in_at < $2 or last_seen_at < $3)",
    )
    .bind(user_id)
    .bind(now - absolute)
    // The session store's idle expiry moves every few minutes, this row's every minute.
    .bind(now - idle - time::Duration::minutes(10))
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into user_session (session_key, user_id, user_agent, client_addr)
         values ($1, $2, $3, $4)",
    )
    .bind(&key)
    .bind(user_id)
    .bind(&device.user_agent)
    .bind(&device.client_addr)
    .execute(pool)
    .await?;
    session
        .insert(SESSION_KEY, key)
        .await
        .map_err(crate::web::session_err)?;
    Ok(())
}

/// Removes this session's row (at sign-out).
pub async fn forget(pool: &PgPool, session: &Session) -> Result<()> {
    let key: Option<String> = session
        .get(SESSION_KEY)
        .await
        .map_err(crate::web::session_err)?;
    if let Some(key) = key {
        sqlx::query("delete from user_session where session_key = $1")
            .bind(key)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// This session's key, to mark "this device".
pub async fn current_key(session: &Session) -> Result<Option<String>> {
    session
        .get(SESSION_KEY)
        .await
        .map_err(crate::web::session_err)
}

/// One open session, as "Your sessions" lists it.
#[derive(sqlx::FromRow)]
pub struct OpenSession {
    pub user_session_id: i64,
    pub session_key: String,
    pub user_agent: String,
    pub client_addr: String,
    pub signed_in_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

impl OpenSession {
    /// The browser and system, in words, from the User-Agent.
    pub fn browser(&self) -> String {
        describe_browser(&self.user_agent)
    }
}

/// An account's sessions still within the idle and absolute limits, latest first.
pub async fn open_sessions(
    pool: &PgPool,
    user_id: i64,
    idle: time::Duration,
    absolute: time::Duration,
) -> Result<Vec<OpenSession>> {
    let now = OffsetDateTime::now_utc();
    Ok(sqlx::query_as(
        "select user_session_id, session_key, user_agent, client_addr, signed_in_at, last_seen_at
         from user_session
         where user_id = $1 and last_seen_at > $2 and signed_in_at > $3
         order by last_seen_at desc",
    )
    .bind(user_id)
    .bind(now - idle - time::Duration::minutes(10))
    .bind(now - absolute)
    .fetch_all(pool)
    .await?)
}

/// Signs out one of the account's sessions (at its next request); whether there was one.
pub async fn end(pool: &PgPool, user_id: i64, user_session_id: i64) -> Result<bool> {
    let done = sqlx::query("delete from user_session where user_id = $1 and user_session_id = $2")
        .bind(user_id)
        .bind(user_session_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Signs out every session of the account but the one with `keep`.
pub async fn end_all_but(pool: &PgPool, user_id: i64, keep: &str) -> Result<u64> {
    let done = sqlx::query("delete from user_session where user_id = $1 and session_key <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// "Firefox on Linux" and the like; the raw string is too long for a phone.
pub fn describe_browser(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) if user_agent.is_empty() => "An unnamed browser".to_string(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_browser;

    #[test]
    fn browsers_are_named_in_words() {
        assert_eq!(
            describe_browser(
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
            ),
            "Firefox on Linux"
        );
        assert_eq!(
            describe_browser(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
            ),
            "Safari on iPhone"
        );
        assert_eq!(describe_browser(""), "An unnamed browser");
    }
}
