//! Stored passkeys: one row per credential, its public key and counter, never an attestation.

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::Result;

/// A passkey as the account page lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Passkey {
    pub passkey_id: i64,
    pub user_id: i64,
    pub credential_id: Vec<u8>,
    pub public_key: Vec<u8>,
    pub sign_count: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

const COLUMNS: &str =
    "passkey_id, user_id, credential_id, public_key, sign_count, name, created_at, last_used_at";

/// Stores a new passkey; `false` when the credential is already registered (to anyone).
pub async fn add(
    pool: &PgPool,
    user_id: i64,
    credential: &super::verify::NewCredential,
    name: &str,
) -> Result<bool> {
    let added = sqlx::query(
        "insert into passkey (user_id, credential_id, public_key, sign_count, name)
         values ($1, $2, $3, $4, $5) on conflict (credential_id) do nothing",
    )
    .bind(user_id)
    .bind(&credential.credential_id)
    .bind(&credential.public_key)
    .bind(i64::from(credential.sign_count))
    .bind(name)
    .execute(pool)
    .await?;
    Ok(added.rows_affected() == 1)
}

pub async fn of_user(pool: &PgPool, user_id: i64) -> Result<Vec<Passkey>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from passkey where user_id = $1 order by created_at, passkey_id"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

pub async fn by_credential(pool: &PgPool, credential_id: &[u8]) -> Result<Option<Passkey>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from passkey where credential_id = $1"
    ))
    .bind(credential_id)
    .fetch_optional(pool)
    .await?)
}

/// Records a use, moving the counter only forward: of two assertions racing with the same
/// counter, only one is accepted. `false` when the counter has moved past this one meanwhile.
pub async fn used(pool: &PgPool, passkey: &Passkey, new_count: u32) -> Result<bool> {
    let updated = sqlx::query(
        "update passkey set sign_count = $2, last_used_at = now()
         where passkey_id = $1 and (sign_count < $2 or (sign_count = 0 and $2 = 0))",
    )
    .bind(passkey.passkey_id)
    .bind(i64::from(new_count))
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Removes one of this person's passkeys; `false` when there was no such passkey of theirs.
pub async fn remove(pool: &PgPool, user_id: i64, passkey_id: i64) -> Result<bool> {
    let removed = sqlx::query("delete from passkey where passkey_id = $1 and user_id = $2")
        .bind(passkey_id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(removed.rows_affected() == 1)
}
