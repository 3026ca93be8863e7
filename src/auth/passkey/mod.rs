//! Passkeys (WebAuthn), narrowly: ES256 keys, no attestation kept, user verification always
//! required, so a passkey counts as both factors. `cbor` reads what authenticators send,
//! `verify` checks ceremonies as pure functions, `store` keeps the keys. Here: the one-use
//! challenge kept in the session, this site as relying party, reading the browser's answer
//! from a form, and the one assertion check that sign-in and rider signing share (with the
//! same attempt limits as passwords).

pub mod cbor;
pub mod store;
pub mod verify;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::error::Result;
use crate::web::{AppState, FormBody};

use super::User;
pub use store::Passkey;

/// Session key of the challenge waiting for the browser's answer.
const CHALLENGE_KEY: &str = "passkey_challenge";
/// How long a challenge waits: long enough to find a phone, short enough not to linger.
const CHALLENGE_SECONDS: i64 = 300;
/// The most characters a base64url field of the browser's answer may have.
const FIELD_MAX: usize = 8_000;

pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Base64url with or without padding, as browsers and libraries send it.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// What a challenge was made for; an answer is accepted only for the same purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    Register,
    SignIn,
    /// Signing this rider, whose text has this hash.
    SignRider {
        rider_id: i64,
        text_sha256: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Pending {
    purpose: Purpose,
    challenge: String,
    at: i64,
}

/// Makes a 32-byte challenge for `purpose`, kept in the session in place of any earlier one.
pub async fn issue_challenge(session: &Session, purpose: Purpose) -> Result<String> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let pending = Pending {
        purpose,
        challenge: b64_encode(&bytes),
        at: OffsetDateTime::now_utc().unix_timestamp(),
    };
    session
        .insert(CHALLENGE_KEY, &pending)
        .await
        .map_err(crate::web::session_err)?;
    Ok(pending.challenge)
}

/// Takes the session's challenge out (it is used once, right or wrong), if it was made for
/// `purpose` and has not run out.
pub async fn take_challenge(session: &Session, purpose: &Purpose) -> Result<Option<Vec<u8>>> {
    let pending: Option<Pending> = session
        .remove(CHALLENGE_KEY)
        .await
        .map_err(crate::web::session_err)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    Ok(pending
        .filter(|p| p.purpose == *purpose && now - p.at <= CHALLENGE_SECONDS)
        .and_then(|p| b64_decode(&p.challenge)))
}

/// This site as relying party: its id (the base URL's host) and its origin.
pub struct RelyingParty {
    pub id: String,
    pub origin: String,
}

impl RelyingParty {
    pub fn of(state: &AppState) -> Result<RelyingParty> {
        let url = url::Url::parse(&state.config.base_url)
            .map_err(|e| anyhow::anyhow!("base URL: {e}"))?;
        let id = url
            .host_str()
            .ok_or_else(|| anyhow::anyhow!("base URL without a host"))?
            .to_string();
        Ok(RelyingParty {
            id,
            origin: url.origin().ascii_serialization(),
        })
    }
}

/// The browser's answer, as `static/passkey.js` posts it (base64url fields).
pub struct Answer {
    pub credential_id: Vec<u8>,
    pub client_data: Vec<u8>,
    /// The attestation object of a registration, or the authenticator data of an assertion.
    pub data: Vec<u8>,
    pub signature: Vec<u8>,
}

impl Answer {
    /// Whether the form carries an answer at all (the password path is taken otherwise).
    pub fn present(body: &FormBody) -> bool {
        !body.verbatim("passkey_client_data").is_empty()
    }

    /// The answer, or `None` when a field is missing, too long or not base64url.
    pub fn read(body: &FormBody) -> Option<Answer> {
        let field = |name: &str| {
            let text = body.verbatim(name);
            if text.len() > FIELD_MAX {
                return None;
            }
            b64_decode(text.trim())
        };
        Some(Answer {
            credential_id: field("passkey_id")?,
            client_data: field("passkey_client_data")?,
            data: field("passkey_data")?,
            signature: field("passkey_signature").unwrap_or_default(),
        })
    }
}

/// A passkey check's outcome.
pub enum PasskeyCheck {
    /// Verified: the account and the passkey used.
    Right(Box<(User, Passkey)>),
    /// Refused (unknown credential, another account's, wrong challenge, bad signature...);
    /// counted against the limits like a wrong password.
    Wrong,
    /// Too many failures from here: nothing was checked.
    Paused,
}

/// Checks an assertion against the session's challenge for `purpose`. With `only` set (a
/// signed-in person signing), a credential of any other account is refused. Each check is
/// counted against the sign-in limits before it runs, as a password check is.
pub async fn check_assertion(
    state: &AppState,
    session: &Session,
    purpose: &Purpose,
    answer: Option<Answer>,
    only: Option<&User>,
    client_addr: &str,
) -> Result<PasskeyCheck> {
    let challenge = take_challenge(session, purpose).await?;
    let passkey = match &answer {
        Some(a) => store::by_credential(&state.pool, &a.credential_id).await?,
        None => None,
    };
    let owner = match &passkey {
        Some(p) => super::user_by_id(&state.pool, p.user_id).await?,
        None => None,
    };
    // Counted against the owner's address (or none), from this address.
    let email = only
        .map(|u| u.email.clone())
        .or_else(|| owner.as_ref().map(|u| u.email.clone()))
        .unwrap_or_default();
    if super::reserve_attempt(state, &email, client_addr)
        .await?
        .is_none()
    {
        return Ok(PasskeyCheck::Paused);
    }
    let (Some(answer), Some(challenge), Some(passkey), Some(owner)) =
        (answer, challenge, passkey, owner)
    else {
        return Ok(PasskeyCheck::Wrong);
    };
    if only.is_some_and(|u| u.user_id != owner.user_id) {
        return Ok(PasskeyCheck::Wrong);
    }
    let rp = RelyingParty::of(state)?;
    let expected = verify::Expected {
        challenge: &challenge,
        origin: &rp.origin,
        rp_id: &rp.id,
    };
    let stored = u32::try_from(passkey.sign_count).unwrap_or(u32::MAX);
    match verify::assertion(
        &expected,
        &answer.client_data,
        &answer.data,
        &answer.signature,
        &passkey.public_key,
        stored,
    ) {
        Ok(count) if store::used(&state.pool, &passkey, count).await? => {
            super::clear_failures(&state.pool, &owner.email, client_addr).await?;
            Ok(PasskeyCheck::Right(Box::new((owner, passkey))))
        }
        Ok(_) => Ok(PasskeyCheck::Wrong),
        Err(refusal) => {
            tracing::info!(refusal, "passkey assertion refused");
            Ok(PasskeyCheck::Wrong)
        }
    }
}

/// How a signature names the passkey in the ledger: a hash of its credential id, which says
/// which key signed without holding anything personal.
pub fn credential_sha256(passkey: &Passkey) -> String {
    hex::encode(Sha256::digest(&passkey.credential_id))
}
