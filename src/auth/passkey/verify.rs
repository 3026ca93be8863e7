//! Checking what an authenticator sent, narrowly: ES256 (P-256) keys only, any attestation
//! format parsed but nothing about it trusted or kept (as with `none`), user presence and user
//! verification both required. Pure functions over bytes; the challenge, origin and relying
//! party id they are checked against come from the caller.

use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use super::cbor::{self, Value};

/// What the page's ceremony must match: the challenge the server made, this site's origin
/// (`https://host[:port]`) and relying party id (the host).
pub struct Expected<'a> {
    pub challenge: &'a [u8],
    pub origin: &'a str,
    pub rp_id: &'a str,
}

/// A newly registered credential, ready to store.
#[derive(Debug)]
pub struct NewCredential {
    pub credential_id: Vec<u8>,
    /// The uncompressed SEC1 point (65 bytes).
    pub public_key: Vec<u8>,
    pub sign_count: u32,
}

/// Why a ceremony was refused; the message is for the log and tests, not for the page.
pub type Refusal = &'static str;

const FLAG_UP: u8 = 0x01;
const FLAG_UV: u8 = 0x04;
const FLAG_AT: u8 = 0x40;

/// COSE: key type EC2, algorithm ES256, curve P-256.
const COSE_KTY_EC2: i64 = 2;
const COSE_ALG_ES256: i64 = -7;
const COSE_CRV_P256: i64 = 1;

/// Checks a registration (`navigator.credentials.create`) and returns the credential.
pub fn registration(
    expected: &Expected<'_>,
    client_data_json: &[u8],
    attestation_object: &[u8],
) -> Result<NewCredential, Refusal> {
    client_data(expected, client_data_json, "webauthn.create")?;
    let attestation = cbor::decode(attestation_object)?;
    // The format is read only to know the object is whole; its statement is not verified.
    match attestation.text_key("fmt") {
        Some(Value::Text(_)) => {}
        _ => return Err("attestation object without a format"),
    }
    if !matches!(attestation.text_key("attStmt"), Some(Value::Map(_))) {
        return Err("attestation object without a statement");
    }
    let auth_data = attestation
        .text_key("authData")
        .and_then(Value::as_bytes)
        .ok_or("attestation object without authenticator data")?;
    let parsed = authenticator_data(expected, auth_data)?;
    if parsed.flags & FLAG_AT == 0 {
        return Err("no attested credential data");
    }
    // After the fixed part: AAGUID (16), credential id length (2), the id, the COSE key.
    let rest = &auth_data[37..];
    if rest.len() < 18 {
        return Err("attested credential data cut short");
    }
    let id_len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
    let credential_id = rest
        .get(18..18 + id_len)
        .ok_or("credential id cut short")?
        .to_vec();
    if credential_id.is_empty() || credential_id.len() > 1023 {
        return Err("credential id of an impossible length");
    }
    let (key, _) = cbor::decode_prefix(&rest[18 + id_len..])?;
    Ok(NewCredential {
        credential_id,
        public_key: cose_p256_key(&key)?.to_vec(),
        sign_count: parsed.sign_count,
    })
}

/// Checks an assertion (`navigator.credentials.get`) made with a stored key whose counter was
/// `stored_count`; returns the counter to store.
pub fn assertion(
    expected: &Expected<'_>,
    client_data_json: &[u8],
    auth_data: &[u8],
    signature: &[u8],
    public_key: &[u8],
    stored_count: u32,
) -> Result<u32, Refusal> {
    client_data(expected, client_data_json, "webauthn.get")?;
    let parsed = authenticator_data(expected, auth_data)?;
    let key = VerifyingKey::from_sec1_bytes(public_key).map_err(|_| "stored key unreadable")?;
    let signature = Signature::from_der(signature).map_err(|_| "signature not DER")?;
    let mut signed = auth_data.to_vec();
    signed.extend_from_slice(&Sha256::digest(client_data_json));
    key.verify(&signed, &signature)
        .map_err(|_| "signature does not verify")?;
    // An authenticator that keeps no counter sends 0 every time; any other must move forward,
    // or the credential may have been copied.
    let count = parsed.sign_count;
    if (count != 0 || stored_count != 0) && count <= stored_count {
        return Err("signature counter did not increase");
    }
    Ok(count)
}

#[derive(serde::Deserialize)]
struct ClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
    #[serde(rename = "crossOrigin", default)]
    cross_origin: bool,
}

fn client_data(expected: &Expected<'_>, json: &[u8], kind: &str) -> Result<(), Refusal> {
    let data: ClientData = serde_json::from_slice(json).map_err(|_| "client data not JSON")?;
    if data.kind != kind {
        return Err("client data of another ceremony");
    }
    let challenge = super::b64_decode(&data.challenge).ok_or("challenge not base64url")?;
    if challenge != expected.challenge {
        return Err("wrong challenge");
    }
    if data.origin != expected.origin || data.cross_origin {
        return Err("wrong origin");
    }
    Ok(())
}

struct AuthenticatorData {
    flags: u8,
    sign_count: u32,
}

/// The fixed 37 bytes: the relying party id's hash, flags (presence and verification both
/// required) and the counter.
fn authenticator_data(expected: &Expected<'_>, data: &[u8]) -> Result<AuthenticatorData, Refusal> {
    if data.len() < 37 {
        return Err("authenticator data cut short");
    }
    if data[..32] != Sha256::digest(expected.rp_id.as_bytes())[..] {
        return Err("wrong relying party");
    }
    let flags = data[32];
    if flags & FLAG_UP == 0 {
        return Err("user not present");
    }
    if flags & FLAG_UV == 0 {
        return Err("user not verified");
    }
    Ok(AuthenticatorData {
        flags,
        sign_count: u32::from_be_bytes([data[33], data[34], data[35], data[36]]),
    })
}

/// A COSE key as an uncompressed P-256 point, if it is an ES256 key on the curve.
pub fn cose_p256_key(key: &Value) -> Result<[u8; 65], Refusal> {
    let int = |k| key.int_key(k).and_then(Value::as_int);
    if int(1) != Some(COSE_KTY_EC2) {
        return Err("not an elliptic-curve key");
    }
    if int(3) != Some(COSE_ALG_ES256) {
        return Err("not an ES256 key");
    }
    if int(-1) != Some(COSE_CRV_P256) {
        return Err("not a P-256 key");
    }
    let coordinate = |k| {
        key.int_key(k)
            .and_then(Value::as_bytes)
            .filter(|b| b.len() == 32)
            .ok_or("key coordinate missing or not 32 bytes")
    };
    let mut point = [0u8; 65];
    point[0] = 0x04;
    point[1..33].copy_from_slice(coordinate(-2)?);
    point[33..].copy_from_slice(coordinate(-3)?);
    VerifyingKey::from_sec1_bytes(&point).map_err(|_| "key point not on the curve")?;
    Ok(point)
}

#[cfg(test)]
mod tests {
    use super::{Expected, assertion, cose_p256_key};
    use crate::auth::passkey::b64_encode;
    use crate::auth::passkey::cbor::Value;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::{Signature, SigningKey};
    use sha2::{Digest, Sha256};

    const ORIGIN: &str = "https://closedset.example";
    const RP_ID: &str = "closedset.example";

    /// An assertion by `key` over this client data and authenticator data.
    fn signed(key: &SigningKey, client_data: &[u8], auth_data: &[u8]) -> Vec<u8> {
        let mut message = auth_data.to_vec();
        message.extend_from_slice(&Sha256::digest(client_data));
        let signature: Signature = key.sign(&message);
        signature.to_der().as_bytes().to_vec()
    }

    fn client_data(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
        serde_json::json!({"type": kind, "challenge": b64_encode(challenge), "origin": origin})
            .to_string()
            .into_bytes()
    }

    fn auth_data(rp_id: &str, flags: u8, count: u32) -> Vec<u8> {
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&count.to_be_bytes());
        data
    }

    #[test]
    fn an_assertion_is_refused_for_each_thing_that_does_not_match() {
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let public = key
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec();
        let challenge = [9u8; 32];
        let expected = Expected {
            challenge: &challenge,
            origin: ORIGIN,
            rp_id: RP_ID,
        };
        let check = |cd: Vec<u8>, ad: Vec<u8>, stored: u32| {
            let sig = signed(&key, &cd, &ad);
            assertion(&expected, &cd, &ad, &sig, &public, stored)
        };
        let good_cd = || client_data("webauthn.get", &challenge, ORIGIN);
        assert_eq!(check(good_cd(), auth_data(RP_ID, 0x05, 3), 2), Ok(3));
        assert_eq!(check(good_cd(), auth_data(RP_ID, 0x05, 0), 0), Ok(0));
        assert_eq!(
            check(
                client_data("webauthn.create", &challenge, ORIGIN),
                auth_data(RP_ID, 0x05, 3),
                2
            ),
            Err("client data of another ceremony")
        );
        assert_eq!(
            check(
                client_data("webauthn.get", &[8u8; 32], ORIGIN),
                auth_data(RP_ID, 0x05, 3),
                2
            ),
            Err("wrong challenge")
        );
        assert_eq!(
            check(
                client_data("webauthn.get", &challenge, "https://evil.example"),
                auth_data(RP_ID, 0x05, 3),
                2
            ),
            Err("wrong origin")
        );
        assert_eq!(
            check(good_cd(), auth_data("evil.example", 0x05, 3), 2),
            Err("wrong relying party")
        );
        assert_eq!(
            check(good_cd(), auth_data(RP_ID, 0x04, 3), 2),
            Err("user not present")
        );
        assert_eq!(
            check(good_cd(), auth_data(RP_ID, 0x01, 3), 2),
            Err("user not verified")
        );
        assert_eq!(
            check(good_cd(), auth_data(RP_ID, 0x05, 2), 2),
            Err("signature counter did not increase")
        );
        assert_eq!(
            check(good_cd(), auth_data(RP_ID, 0x05, 0), 7),
            Err("signature counter did not increase")
        );
        // Signed over other data.
        let cd = good_cd();
        let ad = auth_data(RP_ID, 0x05, 3);
        let other = signed(&key, &cd, &auth_data(RP_ID, 0x05, 4));
        assert_eq!(
            assertion(&expected, &cd, &ad, &other, &public, 2),
            Err("signature does not verify")
        );
        assert_eq!(
            assertion(&expected, &cd, &ad, &[0x30, 0x00], &public, 2),
            Err("signature not DER")
        );
    }

    fn key_map(kty: i64, alg: i64, crv: i64, x: Vec<u8>, y: Vec<u8>) -> Value {
        Value::Map(vec![
            (Value::Int(1), Value::Int(kty)),
            (Value::Int(3), Value::Int(alg)),
            (Value::Int(-1), Value::Int(crv)),
            (Value::Int(-2), Value::Bytes(x)),
            (Value::Int(-3), Value::Bytes(y)),
        ])
    }

    #[test]
    fn an_es256_key_parses_to_its_point_and_anything_else_is_refused() {
        let signing = SigningKey::random(&mut rand::rngs::OsRng);
        let point = signing.verifying_key().to_encoded_point(false);
        let (x, y) = (point.x().unwrap().to_vec(), point.y().unwrap().to_vec());
        let parsed = cose_p256_key(&key_map(2, -7, 1, x.clone(), y.clone())).unwrap();
        assert_eq!(&parsed[..], point.as_bytes());

        assert!(cose_p256_key(&key_map(1, -7, 1, x.clone(), y.clone())).is_err());
        assert!(cose_p256_key(&key_map(2, -257, 1, x.clone(), y.clone())).is_err());
        assert!(cose_p256_key(&key_map(2, -7, 2, x.clone(), y.clone())).is_err());
        assert!(cose_p256_key(&key_map(2, -7, 1, x[..31].to_vec(), y.clone())).is_err());
        let mut off_curve = y.clone();
        off_curve[31] ^= 1;
        assert!(cose_p256_key(&key_map(2, -7, 1, x, off_curve)).is_err());
        assert!(cose_p256_key(&Value::Int(2)).is_err());
    }
}
