//! The second factor: time-based one-time codes (RFC 6238 over HMAC-SHA1, 6 digits, 30-second
//! steps, as every authenticator app computes them) and the recovery codes that stand in for them.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::{User, clear_failures, reserve_attempt};
use crate::error::Result;
use crate::vault::{Encrypted, Field, Scope, Vault};
use crate::web::AppState;

/// Seconds per step (RFC 6238's default, which authenticator apps assume).
const STEP_SECONDS: i64 = 30;
/// How many recovery codes are made at a time.
pub const RECOVERY_CODES: usize = 10;

/// The 30-second step an instant falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of one step (RFC 4226 dynamic truncation).
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

/// Base32 without padding (RFC 4648), as `otpauth://` URIs and apps show secrets.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A new 160-bit secret (the size RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The `otpauth://` URI an authenticator app reads (typed, pasted or from the QR code).
pub fn otpauth_uri(secret: &[u8], email: &str) -> String {
    let label: String = form_urlencoded::byte_serialize(format!("Closed Set:{email}").as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!(
        "otpauth://totp/{label}?secret={}&issuer=Closed%20Set&algorithm=SHA1&digits=6&period=30",
        base32(secret)
    )
}

/// Only the digits of what was typed (apps show `123 456`).
fn digits(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The step whose code `typed` is, within one step either side of `now` (clocks drift), if any.
pub fn matching_step(secret: &[u8], typed: &str, now: i64) -> Option<i64> {
    let typed = digits(typed);
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now);
    (current - 1..=current + 1).find(|&step| {
        let code = code_at_step(secret, step);
        // Compared without an early exit, so timing says nothing of which digits were right.
        code.bytes()
            .zip(typed.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    })
}

/// Whether the account has a confirmed second factor.
pub async fn has_second_factor(pool: &PgPool, user_id: i64) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists (select 1 from user_totp where user_id = $1 and confirmed_at is not null)",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Accepts `typed` as the code of a step after the last one used, and records that step, in
/// one statement: two requests with the same code cannot both pass. `confirmed` chooses
/// between the secret in use and one being set up.
pub async fn use_code(
    vault: &Vault,
    pool: &PgPool,
    user_id: i64,
    typed: &str,
    confirmed: bool,
) -> Result<bool> {
    let mut conn = pool.acquire().await?;
    type Stored = (Option<Vec<u8>>, Option<Encrypted<Vec<u8>>>);
    let secret: Option<Stored> = sqlx::query_as(
        "select secret, secret_sealed from user_totp
         where user_id = $1 and (confirmed_at is not null) = $2",
    )
    .bind(user_id)
    .bind(confirmed)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((clear, sealed)) = secret else {
        return Ok(false);
    };
    let Some(secret) = open_secret(vault, &mut conn, user_id, clear, sealed).await? else {
        return Ok(false);
    };
    drop(conn);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let Some(step) = matching_step(&secret, typed, now) else {
        return Ok(false);
    };
    let done = sqlx::query(
        "update user_totp set last_step = $2
         where user_id = $1 and (last_step is null or last_step < $2)",
    )
    .bind(user_id)
    .bind(step)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Where an account's second-factor key is sealed, under the account's own data key.
fn secret_field(user_id: i64) -> Field {
    Field::new("user_totp", "secret_sealed", user_id)
}

/// The key in clear: sealed, or (stored before encryption) clear. `None` when erased or refused.
pub async fn open_secret(
    vault: &Vault,
    conn: &mut PgConnection,
    user_id: i64,
    clear: Option<Vec<u8>>,
    sealed: Option<Encrypted<Vec<u8>>>,
) -> Result<Option<Vec<u8>>> {
    Ok(match sealed {
        None => clear,
        Some(sealed) => vault
            .open(conn, &secret_field(user_id), &sealed)
            .await?
            .ok(),
    })
}

/// A new key sealed for the account, for `user_totp.secret_sealed`.
pub async fn seal_secret(
    vault: &Vault,
    conn: &mut PgConnection,
    user_id: i64,
    secret: &Vec<u8>,
) -> Result<Encrypted<Vec<u8>>> {
    Ok(vault
        .seal(
            conn,
            Scope::Account(user_id),
            &secret_field(user_id),
            secret,
        )
        .await?)
}

/// The stored form of a recovery code: tied to its account, so equal codes never match across
/// accounts. The codes are random (50 bits), so a fast hash is enough.
fn recovery_hash(user_id: i64, code: &str) -> String {
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(format!("{user_id}:{code}").as_bytes()))
}

/// Ten new recovery codes (`xxxxx-xxxxx`), replacing any earlier ones; only their hashes are
/// kept, so they are shown once.
pub async fn new_recovery_codes(
    conn: &mut sqlx::PgConnection,
    user_id: i64,
) -> Result<Vec<String>> {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz023456789";
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(b & 31)] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect();
    sqlx::query("delete from recovery_code where user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(user_id, c)).collect();
    sqlx::query(
        "insert into recovery_code (user_id, code_hash) select $1, h from unnest($2::text[]) h
         on conflict do nothing",
    )
    .bind(user_id)
    .bind(&hashes)
    .execute(&mut *conn)
    .await?;
    Ok(codes)
}

/// Uses up a recovery code, if it is one of this account's unused ones.
async fn use_recovery_code(pool: &PgPool, user_id: i64, typed: &str) -> Result<bool> {
    let done = sqlx::query(
        "update recovery_code set used_at = now()
         where user_id = $1 and code_hash = $2 and used_at is null",
    )
    .bind(user_id)
    .bind(recovery_hash(user_id, typed))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many unused recovery codes an account has left.
pub async fn recovery_codes_left(pool: &PgPool, user_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from recovery_code where user_id = $1 and used_at is null",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// The outcome of a second-factor check.
pub enum CodeCheck {
    Right,
    Wrong,
    Paused,
}

/// The one way to check a typed code at sign-in: a one-time code, or failing that a recovery
/// code. Like a password, each try is counted against the attempt limits first, so six digits
/// cannot be guessed around them.
pub async fn check_code(
    state: &AppState,
    user: &User,
    client_addr: &str,
    typed: &str,
) -> Result<CodeCheck> {
    let Some(_) = reserve_attempt(state, &user.email, client_addr).await? else {
        return Ok(CodeCheck::Paused);
    };
    let right = use_code(&state.vault, &state.pool, user.user_id, typed, true).await?
        || use_recovery_code(&state.pool, user.user_id, typed).await?;
    if right {
        clear_failures(&state.pool, &user.email, client_addr).await?;
        Ok(CodeCheck::Right)
    } else {
        Ok(CodeCheck::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, last six digits.
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1111111111, "050471"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(code_at_step(secret, step_at(time)), code, "{time}");
        }
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(matching_step(secret, "287 082", 59), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 90), None);
        assert_eq!(matching_step(secret, "28708", 59), None);
    }
}
