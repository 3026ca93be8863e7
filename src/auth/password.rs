//! Password hashing (argon2id, off the async threads) and the password policy.
//! A dummy hash is verified for unknown accounts so timing does not reveal who has one.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// A password as typed; its Debug never shows it.
#[derive(Clone, serde::Deserialize, Default)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(s: impl Into<String>) -> Self {
        Password(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
    )
}

/// The hash verified when no account matches, so a miss costs as much as a hit.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("closedset-dummy-password").expect("hashing a constant"));

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?
        .to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a password with argon2id on the blocking pool.
pub async fn hash(password: &Password) -> anyhow::Result<String> {
    let password = password.0.clone();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("password hashing task")?
}

/// Verifies a password against a stored hash, or against the dummy hash when there is none.
pub async fn verify(password: &Password, hash: Option<String>) -> bool {
    let password = password.0.clone();
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Warms the dummy hash so the first unknown-account sign-in is not faster than the rest.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

const COMMON: &str = include_str!("common-passwords.txt");

/// The minimum length of a new password.
pub const MIN_LENGTH: usize = 12;

/// Checks a new password against the policy; the message is shown beside the field.
pub fn check_policy(password: &str, email: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_LENGTH {
        return Err("Choose a password of at least 12 characters.");
    }
    if password.chars().count() > 256 {
        return Err("Choose a password of at most 256 characters.");
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next().unwrap_or(' ');
    let local_part = email.split('@').next().unwrap_or("").to_lowercase();
    if COMMON.lines().any(|common| common.trim() == lower)
        || lower.chars().all(|c| c == first)
        || is_sequence(&lower)
        || (local_part.len() >= 4 && lower.contains(&local_part))
    {
        return Err(
            "This password is too common or easy to guess. Choose another one, \
                    for example a few unrelated words.",
        );
    }
    Ok(())
}

fn is_sequence(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
        || bytes.windows(2).all(|w| w[1].wrapping_add(1) == w[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_short_common_and_trivial_passwords() {
        assert!(check_policy("short", "a@b.test").is_err());
        assert!(check_policy("password1234", "a@b.test").is_err());
        assert!(check_policy("PASSWORD1234", "a@b.test").is_err());
        assert!(check_policy("aaaaaaaaaaaa", "a@b.test").is_err());
        assert!(check_policy("123456789012", "a@b.test").is_err());
        assert!(check_policy("jordan-rivers-2026", "jordan@b.test").is_err());
        assert!(check_policy("quiet lantern orbit", "a@b.test").is_ok());
    }

    #[test]
    fn verify_accepts_the_right_password_only() {
        let h = hash_blocking("quiet lantern orbit").unwrap();
        assert!(verify_blocking("quiet lantern orbit", &h));
        assert!(!verify_blocking("quiet lantern orbiT", &h));
        assert!(!verify_blocking("anything", "not a hash"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = Password::new("quiet lantern orbit");
        assert!(!format!("{p:?}").contains("lantern"));
    }
}
