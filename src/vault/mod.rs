//! Field-level encryption of the most sensitive text (boundaries, conversations, concerns,
//! riders, second-factor keys): data keys in the database, each wrapped by a master key kept in
//! a file outside it, so a dump, backup or replica holds only ciphertext.
//!
//! A data key belongs to one scope (a production, one person in a production, one account);
//! destroying it erases everything sealed under it (crypto-shredding) and nothing else.

mod master;
mod sealed;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sqlx::PgConnection;

pub use master::MasterKeys;
pub use sealed::{Encrypted, Field, Plain};

/// Whose data a key seals; destroying the key erases exactly that.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Shared records of a production (a joint conversation's summary, follow-ups).
    Production(i64),
    /// One performer's records in a production (boundaries, their notes, their riders).
    Person { production: i64, cast_member: i64 },
    /// What one member wrote in a production (the concerns they raised).
    Member { production: i64, user: i64 },
    /// An account's own secrets, in no production (its second-factor key).
    Account(i64),
}

impl Scope {
    /// The stored name of the scope, unique among live keys.
    pub fn name(&self) -> String {
        match self {
            Scope::Production(p) => format!("production/{p}"),
            Scope::Person {
                production,
                cast_member,
            } => format!("production/{production}/cast/{cast_member}"),
            Scope::Member { production, user } => format!("production/{production}/user/{user}"),
            Scope::Account(user) => format!("user/{user}"),
        }
    }

    fn production(&self) -> Option<i64> {
        match self {
            Scope::Production(p) => Some(*p),
            Scope::Person { production, .. } | Scope::Member { production, .. } => {
                Some(*production)
            }
            Scope::Account(_) => None,
        }
    }
}

/// Why a sealed value did not open.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    /// Its data key was destroyed: the value is erased for good.
    #[error("erased: its data key was destroyed")]
    Erased,
    /// Not sealed for this field, altered, or not ours: refused.
    #[error("refused: the value was not sealed for this field")]
    Mismatch,
}

/// A data key as this process holds it: the cipher, or `None` once destroyed.
type Held = Option<XChaCha20Poly1305>;

/// How long this process trusts a key it loaded before reading it again, so a key destroyed
/// by another server process (an erasure there) stops opening here within this time.
const KEY_FRESHNESS: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Clone)]
pub struct Vault {
    inner: Arc<Inner>,
}

struct Inner {
    master: MasterKeys,
    /// Unwrapped data keys by id, loaded a production at a time, with when they were read.
    keys: Mutex<HashMap<i64, (Held, std::time::Instant)>>,
    /// Live key ids by scope name.
    scopes: Mutex<HashMap<String, i64>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("master_version", &self.inner.master.current_version())
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    data_key_id: i64,
    scope: String,
    wrapped: Option<Vec<u8>>,
}

impl Vault {
    pub fn new(master: MasterKeys) -> Vault {
        Vault {
            inner: Arc::new(Inner {
                master,
                keys: Mutex::default(),
                scopes: Mutex::default(),
            }),
        }
    }

    /// Reads the master key file, creating it (mode 0600) on first run.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Vault> {
        Ok(Vault::new(MasterKeys::load_or_create(path)?))
    }

    pub fn master(&self) -> &MasterKeys {
        &self.inner.master
    }

    /// Seals `value` for `field` under the live data key of `scope`, making that key first if
    /// there is none.
    pub async fn seal<T: Plain>(
        &self,
        db: &mut PgConnection,
        scope: Scope,
        field: &Field,
        value: &T,
    ) -> sqlx::Result<Encrypted<T>> {
        let (id, cipher) = self.key_for(db, scope).await?;
        Ok(Encrypted::seal(&cipher, id, field, value))
    }

    /// Opens a value sealed for `field`.
    pub async fn open<T: Plain>(
        &self,
        db: &mut PgConnection,
        field: &Field,
        sealed: &Encrypted<T>,
    ) -> sqlx::Result<Result<T, Refusal>> {
        let Some(id) = sealed.data_key_id() else {
            return Ok(Err(Refusal::Mismatch));
        };
        let held = self.held(db, id).await?;
        Ok(match held {
            None => Err(Refusal::Mismatch),
            Some(None) => Err(Refusal::Erased),
            Some(Some(cipher)) => sealed.open_with(&cipher, field).ok_or(Refusal::Mismatch),
        })
    }

    /// The text to show for a field kept as a sealed value, or as clear text written before
    /// encryption (or by a loader that does not seal) and not yet sealed at start-up. An erased
    /// value reads as a note saying so; a value that does not belong here is refused and logged.
    pub async fn reveal(
        &self,
        db: &mut PgConnection,
        field: &Field,
        sealed: Option<&Encrypted<String>>,
        clear: String,
    ) -> sqlx::Result<String> {
        let Some(sealed) = sealed else {
            return Ok(clear);
        };
        Ok(match self.open(db, field, sealed).await? {
            Ok(text) => text,
            Err(Refusal::Erased) => ERASED.into(),
            Err(Refusal::Mismatch) => {
                tracing::error!(
                    table = field.table,
                    column = field.column,
                    row = field.row,
                    "a sealed value did not open for its own field: refused"
                );
                UNREADABLE.into()
            }
        })
    }

    /// The cipher of key `id`: `Some(None)` when destroyed, `None` when unknown.
    async fn held(&self, db: &mut PgConnection, id: i64) -> sqlx::Result<Option<Held>> {
        if let Some((held, read)) = self.inner.keys.lock().expect("key cache").get(&id)
            && (held.is_none() || read.elapsed() < KEY_FRESHNESS)
        {
            return Ok(Some(held.clone()));
        }
        // One statement for every key of the same production, so a page that opens many
        // people's values loads keys once, not once a row.
        let rows: Vec<KeyRow> = sqlx::query_as(
            "select data_key_id, scope, wrapped from data_key
             where data_key_id = $1
                or production_id = (select production_id from data_key where data_key_id = $1)",
        )
        .bind(id)
        .fetch_all(&mut *db)
        .await?;
        let mut keys = self.inner.keys.lock().expect("key cache");
        let now = std::time::Instant::now();
        for row in rows {
            let held = match &row.wrapped {
                None => None,
                Some(wrapped) => self.inner.master.unwrap_key(&row.scope, wrapped),
            };
            if row.wrapped.is_some() && held.is_none() {
                tracing::error!(
                    data_key = row.data_key_id,
                    "a data key does not open with the master key file: is it the right file?"
                );
                continue;
            }
            keys.insert(row.data_key_id, (held, now));
        }
        Ok(keys.get(&id).map(|(held, _)| held.clone()))
    }

    async fn key_for(
        &self,
        db: &mut PgConnection,
        scope: Scope,
    ) -> sqlx::Result<(i64, XChaCha20Poly1305)> {
        let name = scope.name();
        let cached = self
            .inner
            .scopes
            .lock()
            .expect("scope cache")
            .get(&name)
            .copied();
        if let Some(id) = cached
            && let Some(Some(cipher)) = self.held(db, id).await?
        {
            return Ok((id, cipher));
        }
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let wrapped = self.inner.master.wrap_key(&name, &fresh);
        let row: Option<KeyRow> = sqlx::query_as(
            "insert into data_key (production_id, scope, master_version, wrapped)
             values ($1, $2, $3, $4)
             on conflict (scope) where destroyed_at is null do nothing
             returning data_key_id, scope, wrapped",
        )
        .bind(scope.production())
        .bind(&name)
        .bind(self.inner.master.current_version())
        .bind(&wrapped)
        .fetch_optional(&mut *db)
        .await?;
        let row = match row {
            Some(row) => row,
            None => {
                sqlx::query_as(
                    "select data_key_id, scope, wrapped from data_key
                     where scope = $1 and destroyed_at is null",
                )
                .bind(&name)
                .fetch_one(&mut *db)
                .await?
            }
        };
        let cipher = row
            .wrapped
            .as_deref()
            .and_then(|w| self.inner.master.unwrap_key(&row.scope, w))
            .ok_or_else(|| {
                sqlx::Error::Protocol(format!(
                    "data key {} does not open with the master key file",
                    row.data_key_id
                ))
            })?;
        self.inner.keys.lock().expect("key cache").insert(
            row.data_key_id,
            (Some(cipher.clone()), std::time::Instant::now()),
        );
        self.inner
            .scopes
            .lock()
            .expect("scope cache")
            .insert(name, row.data_key_id);
        Ok((row.data_key_id, cipher))
    }

    /// Destroys the live data keys whose scope is `scope` or lies under it (`production/7`
    /// takes every person's key in production 7 too): everything sealed under them is erased.
    /// Returns how many keys were destroyed.
    pub async fn destroy(&self, db: &mut PgConnection, scope: &str) -> sqlx::Result<u64> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "update data_key set wrapped = null, destroyed_at = now()
             where destroyed_at is null and (scope = $1 or starts_with(scope, $1 || '/'))
             returning data_key_id",
        )
        .bind(scope)
        .fetch_all(&mut *db)
        .await?;
        self.forget(&ids);
        Ok(ids.len() as u64)
    }

    /// Drops destroyed keys from this process's memory.
    fn forget(&self, ids: &[i64]) {
        let mut keys = self.inner.keys.lock().expect("key cache");
        for id in ids {
            keys.insert(*id, (None, std::time::Instant::now()));
        }
        self.inner
            .scopes
            .lock()
            .expect("scope cache")
            .retain(|_, id| !ids.contains(id));
    }

    /// Re-wraps every live data key under the newest master key version. The data keys, and so
    /// every sealed value, stay as they are. Returns how many were re-wrapped.
    pub async fn rewrap_all(&self, db: &mut PgConnection) -> anyhow::Result<u64> {
        let rows: Vec<KeyRow> = sqlx::query_as(
            "select data_key_id, scope, wrapped from data_key
             where destroyed_at is null for update",
        )
        .fetch_all(&mut *db)
        .await?;
        let mut count = 0;
        for row in rows {
            let wrapped = row.wrapped.as_deref().unwrap_or_default();
            let raw = self
                .inner
                .master
                .unwrap_raw(&row.scope, wrapped)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "data key {} does not open with any key in the master key file",
                        row.data_key_id
                    )
                })?;
            sqlx::query(
                "update data_key set wrapped = $2, master_version = $3, rewrapped_at = now()
                 where data_key_id = $1",
            )
            .bind(row.data_key_id)
            .bind(self.inner.master.wrap_key(&row.scope, &raw))
            .bind(self.inner.master.current_version())
            .execute(&mut *db)
            .await?;
            count += 1;
        }
        Ok(count)
    }
}

/// What an erased text reads as.
pub const ERASED: &str = "(erased)";
/// What a text reads as when its sealed value belongs to another field.
pub const UNREADABLE: &str = "(this text could not be read)";

/// Wraps or unwraps a 32-byte data key under one master key, bound to the key's scope.
fn wrap_with(master: &XChaCha20Poly1305, version: i32, scope: &str, key: &[u8; 32]) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = master
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key,
                aad: format!("closedset/data-key/v1\0{scope}").as_bytes(),
            },
        )
        .expect("wrapping in memory does not fail");
    let mut out = Vec::with_capacity(4 + 24 + sealed.len());
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

fn unwrap_with(master: &XChaCha20Poly1305, scope: &str, wrapped: &[u8]) -> Option<[u8; 32]> {
    if wrapped.len() < 4 + 24 + 16 {
        return None;
    }
    let raw = master
        .decrypt(
            XNonce::from_slice(&wrapped[4..28]),
            Payload {
                msg: &wrapped[28..],
                aad: format!("closedset/data-key/v1\0{scope}").as_bytes(),
            },
        )
        .ok()?;
    raw.try_into().ok()
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

#[cfg(test)]
mod tests;
