//! Where sessions are kept: `tower_sessions.session`, one row a session with its record encoded
//! as MessagePack (as `tower-sessions-sqlx-store` wrote it, so sessions outlive the change), and
//! beside it who the session is signed in as (`user_id`, `user_session_key`, filled on every
//! save). Those two columns let `auth::Signed` read the session together with the person and
//! their membership in one statement; the record it read is then handed to the session here
//! (`with_preloaded`) instead of being read a second time.
//!
//! The pool no longer pings a connection before handing it out, so each statement here is run
//! once more when the connection it used turned out broken (`db::retry_once`).

use std::cell::RefCell;
use std::future::Future;

use sqlx::PgPool;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

use super::sessions::SESSION_KEY;
use super::signed::SIGNED_IN;
use crate::db::retry_once;

tokio::task_local! {
    /// The record `auth::Signed` already read for this request's session, waiting for the
    /// session's first access to take it.
    static PRELOADED: RefCell<Option<(Id, Option<Record>)>>;
}

/// Runs `access` (the session's first read) with `record` as what the store answers for `id`,
/// without a statement; any later load, or a load of another id, reads the table as usual.
pub(super) async fn with_preloaded<F: Future>(
    id: Id,
    record: Option<Record>,
    access: F,
) -> F::Output {
    PRELOADED
        .scope(RefCell::new(Some((id, record))), access)
        .await
}

fn take_preloaded(id: &Id) -> Option<Option<Record>> {
    PRELOADED
        .try_with(|cell| {
            let mut slot = cell.borrow_mut();
            match slot.as_ref() {
                Some((preloaded, _)) if preloaded == id => slot.take().map(|(_, record)| record),
                _ => None,
            }
        })
        .ok()
        .flatten()
}

/// A stored record, decoded.
pub(super) fn decode(data: &[u8]) -> Result<Record> {
    rmp_serde::from_slice(data).map_err(|e| Error::Decode(e.to_string()))
}

/// Who `record` is signed in as, and its "Your sessions" key, for the columns beside it.
fn owner(record: &Record) -> (Option<i64>, Option<String>) {
    let user_id = record
        .data
        .get(SIGNED_IN)
        .and_then(|who| who.get("user_id"))
        .and_then(|id| id.as_i64());
    let key = record
        .data
        .get(SESSION_KEY)
        .and_then(|key| key.as_str())
        .map(str::to_owned);
    (user_id, key)
}

fn backend(err: sqlx::Error) -> Error {
    Error::Backend(err.to_string())
}

/// The session table, read and written by this application's own statements.
#[derive(Clone, Debug)]
pub struct RetryingStore {
    pool: PgPool,
}

impl RetryingStore {
    pub fn new(pool: PgPool) -> Self {
        RetryingStore { pool }
    }

    /// Writes `record`; with `only_new`, only if no session has its id (answers whether it did).
    async fn write(&self, record: &Record, only_new: bool) -> Result<bool> {
        let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        let (user_id, key) = owner(record);
        let sql = if only_new {
            "insert into tower_sessions.session (id, data, expiry_date, user_id, user_session_key)
             values ($1, $2, $3, $4, $5)
             on conflict (id) do nothing"
        } else {
            "insert into tower_sessions.session (id, data, expiry_date, user_id, user_session_key)
             values ($1, $2, $3, $4, $5)
             on conflict (id) do update
             set data = excluded.data, expiry_date = excluded.expiry_date,
                 user_id = excluded.user_id, user_session_key = excluded.user_session_key"
        };
        let id = record.id.to_string();
        let done = retry_once(&self.pool, || {
            sqlx::query(sql)
                .bind(&id)
                .bind(&data)
                .bind(record.expiry_date)
                .bind(user_id)
                .bind(key.as_deref())
                .execute(&self.pool)
        })
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait::async_trait]
impl SessionStore for RetryingStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh id is 128 random bits; one taken already is drawn again.
        while !self.write(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.write(record, false).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        if let Some(preloaded) = take_preloaded(id) {
            return Ok(preloaded);
        }
        let id = id.to_string();
        let data: Option<Vec<u8>> = retry_once(&self.pool, || {
            sqlx::query_scalar(
                "select data from tower_sessions.session where id = $1 and expiry_date > now()",
            )
            .bind(&id)
            .fetch_optional(&self.pool)
        })
        .await
        .map_err(backend)?;
        data.as_deref().map(decode).transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let id = id.to_string();
        retry_once(&self.pool, || {
            sqlx::query("delete from tower_sessions.session where id = $1")
                .bind(&id)
                .execute(&self.pool)
        })
        .await
        .map_err(backend)?;
        Ok(())
    }
}
