//! A software authenticator for the passkey tests: a P-256 key, and CBOR, client data,
//! authenticator data and attestation objects built by hand, independently of the server's
//! reader.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::support::TestApp;

pub const UP: u8 = 0x01;
pub const UV: u8 = 0x04;
const AT: u8 = 0x40;

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

// ---------------------------------------------------------------- a small CBOR writer

fn head(major: u8, n: u64) -> Vec<u8> {
    let major = major << 5;
    match n {
        0..=23 => vec![major | n as u8],
        24..=255 => vec![major | 24, n as u8],
        256..=65535 => {
            let mut v = vec![major | 25];
            v.extend_from_slice(&(n as u16).to_be_bytes());
            v
        }
        _ => {
            let mut v = vec![major | 26];
            v.extend_from_slice(&(n as u32).to_be_bytes());
            v
        }
    }
}

fn int(n: i64) -> Vec<u8> {
    if n >= 0 {
        head(0, n as u64)
    } else {
        head(1, (-1 - n) as u64)
    }
}

fn bytes(b: &[u8]) -> Vec<u8> {
    let mut v = head(2, b.len() as u64);
    v.extend_from_slice(b);
    v
}

fn text(t: &str) -> Vec<u8> {
    let mut v = head(3, t.len() as u64);
    v.extend_from_slice(t.as_bytes());
    v
}

fn map(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut v = head(5, entries.len() as u64);
    for (k, value) in entries {
        v.extend_from_slice(k);
        v.extend_from_slice(value);
    }
    v
}

// ---------------------------------------------------------------- the software authenticator

pub struct Authenticator {
    pub key: SigningKey,
    pub credential_id: Vec<u8>,
    pub count: u32,
    pub origin: String,
    rp_id: String,
}

/// What the browser would post: the fields `static/passkey.js` fills in.
pub struct Answer {
    pub fields: Vec<(&'static str, String)>,
}

impl Answer {
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

impl Authenticator {
    pub fn new(app: &TestApp) -> Authenticator {
        let mut id = vec![0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
        Authenticator {
            key: SigningKey::random(&mut rand::rngs::OsRng),
            credential_id: id,
            count: 0,
            origin: format!("http://{}", app.addr),
            rp_id: app.addr.ip().to_string(),
        }
    }

    fn client_data(&self, kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
        serde_json::json!({"type": kind, "challenge": challenge, "origin": origin})
            .to_string()
            .into_bytes()
    }

    fn auth_data(&self, flags: u8, count: u32) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&count.to_be_bytes());
        data
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.verifying_key().to_encoded_point(false);
        map(&[
            (int(1), int(2)),
            (int(3), int(-7)),
            (int(-1), int(1)),
            (int(-2), bytes(point.x().unwrap())),
            (int(-3), bytes(point.y().unwrap())),
        ])
    }

    /// A registration answering `challenge`, with `none` attestation.
    pub fn register(&self, challenge: &str, origin: &str, flags: u8) -> Answer {
        let mut auth_data = self.auth_data(flags | AT, self.count);
        auth_data.extend_from_slice(&[0u8; 16]);
        auth_data.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend_from_slice(&self.cose_key());
        let attestation = map(&[
            (text("fmt"), text("none")),
            (text("attStmt"), map(&[])),
            (text("authData"), bytes(&auth_data)),
        ]);
        Answer {
            fields: vec![
                ("passkey_id", b64(&self.credential_id)),
                (
                    "passkey_client_data",
                    b64(&self.client_data("webauthn.create", challenge, origin)),
                ),
                ("passkey_data", b64(&attestation)),
            ],
        }
    }

    /// An assertion answering `challenge` with counter `count`.
    pub fn assert_with(&self, challenge: &str, origin: &str, flags: u8, count: u32) -> Answer {
        let client_data = self.client_data("webauthn.get", challenge, origin);
        let auth_data = self.auth_data(flags, count);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        Answer {
            fields: vec![
                ("passkey_id", b64(&self.credential_id)),
                ("passkey_client_data", b64(&client_data)),
                ("passkey_data", b64(&auth_data)),
                ("passkey_signature", b64(signature.to_der().as_bytes())),
            ],
        }
    }

    /// A good assertion: present, verified, the next counter.
    pub fn assert(&mut self, challenge: &str) -> Answer {
        self.count += 1;
        let origin = self.origin.clone();
        self.assert_with(challenge, &origin, UP | UV, self.count)
    }
}
