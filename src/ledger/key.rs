//! The log's signing key: Ed25519, kept in a file outside the database, in the C2SP signed-note
//! key encodings (the same text Go's `golang.org/x/mod/sumdb/note` reads and writes):
//!
//! - private: `PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte seed)>`
//! - public (the verifier key): `<name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte public key)>`
//!
//! where the key id is the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

/// The signature algorithm byte of Ed25519 in signed notes.
const ED25519: u8 = 0x01;

/// The public half, which anyone may hold and check signatures with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub key_id: [u8; 4],
    public: VerifyingKey,
}

/// The key that signs checkpoints. Never leaves the server's file system.
pub struct LogKey {
    signing: SigningKey,
    verifier: VerifierKey,
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogKey")
            .field("verifier", &self.verifier.to_string())
            .finish_non_exhaustive()
    }
}

fn key_id(name: &str, public: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ED25519]);
    h.update(public.as_bytes());
    h.finalize()[..4].try_into().expect("four bytes")
}

/// A key name is one printable word: no spaces, no `+`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '+')
}

impl VerifierKey {
    pub fn public_bytes(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    /// Checks an Ed25519 signature over `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.public
            .verify(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut encoded = vec![ED25519];
        encoded.extend_from_slice(self.public.as_bytes());
        write!(
            f,
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            BASE64.encode(encoded)
        )
    }
}

impl std::str::FromStr for VerifierKey {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        // Split from the left: a name never holds '+', base64 may.
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            bail!("a verifier key looks like name+1a2b3c4d+AQ…");
        };
        let bytes = BASE64.decode(key).context("the key is not base64")?;
        let [ED25519, public @ ..] = bytes.as_slice() else {
            bail!("not an Ed25519 verifier key");
        };
        let public: [u8; 32] = public.try_into().context("an Ed25519 key has 32 bytes")?;
        let public = VerifyingKey::from_bytes(&public).context("not an Ed25519 public key")?;
        if !valid_name(name) {
            bail!("the key name must be one word without +");
        }
        let key_id = key_id(name, &public);
        if hex::encode(key_id) != id {
            bail!("the key id does not match the key");
        }
        Ok(VerifierKey {
            name: name.to_string(),
            key_id,
            public,
        })
    }
}

impl LogKey {
    pub fn from_seed(name: &str, seed: [u8; 32]) -> anyhow::Result<LogKey> {
        if !valid_name(name) {
            bail!("the log's key name must be one word without + (got {name:?})");
        }
        let signing = SigningKey::from_bytes(&seed);
        let public = signing.verifying_key();
        Ok(LogKey {
            verifier: VerifierKey {
                name: name.to_string(),
                key_id: key_id(name, &public),
                public,
            },
            signing,
        })
    }

    /// A new key from the operating system's randomness.
    pub fn generate(name: &str) -> anyhow::Result<LogKey> {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        LogKey::from_seed(name, seed)
    }

    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    pub fn name(&self) -> &str {
        &self.verifier.name
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The private key file's text.
    fn private_text(&self) -> String {
        let mut encoded = vec![ED25519];
        encoded.extend_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}\n",
            self.verifier.name,
            hex::encode(self.verifier.key_id),
            BASE64.encode(encoded)
        )
    }

    fn parse_private(text: &str) -> anyhow::Result<LogKey> {
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .context("not a signing key file (it should start PRIVATE+KEY+)")?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            bail!("the signing key file is damaged");
        };
        let bytes = BASE64
            .decode(key)
            .context("the signing key is not base64")?;
        let [ED25519, seed @ ..] = bytes.as_slice() else {
            bail!("not an Ed25519 signing key");
        };
        let seed: [u8; 32] = seed.try_into().context("an Ed25519 seed has 32 bytes")?;
        let key = LogKey::from_seed(name, seed)?;
        if hex::encode(key.verifier.key_id) != id {
            bail!("the signing key file's key id does not match its key");
        }
        Ok(key)
    }

    /// Reads the key at `path`, or creates it (readable by this user only) with `name`, and
    /// writes the verifier key beside it as `<path>.pub`. An existing key keeps its own name.
    pub fn load_or_create(path: &Path, name: &str) -> anyhow::Result<LogKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => LogKey::parse_private(&text)
                .with_context(|| format!("reading the log signing key {}", path.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let key = LogKey::generate(name)?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                let mut file = open_private(path)
                    .with_context(|| format!("creating the log signing key {}", path.display()))?;
                file.write_all(key.private_text().as_bytes())?;
                file.sync_all()?;
                let public = path.with_extension(match path.extension() {
                    Some(ext) => format!("{}.pub", ext.to_string_lossy()),
                    None => "pub".into(),
                });
                std::fs::write(&public, format!("{}\n", key.verifier))?;
                tracing::info!(
                    path = %path.display(),
                    verifier = %key.verifier,
                    "created the log signing key; keep a copy somewhere safe"
                );
                Ok(key)
            }
            Err(err) => {
                Err(err).with_context(|| format!("reading the log signing key {}", path.display()))
            }
        }
    }
}

/// Creates a new file only this user can read; refuses to overwrite one.
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_their_text_forms() {
        for seed in 0..40u8 {
            // Some of these keys' base64 holds '+' and '/'.
            let key = LogKey::from_seed("closedset.test", [seed; 32]).unwrap();
            let again = LogKey::parse_private(&key.private_text()).unwrap();
            assert_eq!(again.verifier(), key.verifier());
            assert_eq!(
                &key.verifier().to_string().parse::<VerifierKey>().unwrap(),
                key.verifier()
            );
        }
        let key = LogKey::from_seed("closedset.test", [7; 32]).unwrap();
        let again = LogKey::parse_private(&key.private_text()).unwrap();
        assert_eq!(again.verifier(), key.verifier());
        let text = key.verifier().to_string();
        assert!(text.starts_with("closedset.test+"), "{text}");
        let parsed: VerifierKey = text.parse().unwrap();
        assert_eq!(&parsed, key.verifier());
        let signature = key.sign(b"hello\n");
        assert!(parsed.verifies(b"hello\n", &signature));
        assert!(!parsed.verifies(b"hello!\n", &signature));
    }

    #[test]
    fn a_key_id_that_does_not_match_is_refused() {
        let key = LogKey::from_seed("closedset.test", [7; 32]).unwrap();
        let text = key.verifier().to_string();
        let forged = text.replacen("closedset.test", "other.test", 1);
        assert!(forged.parse::<VerifierKey>().is_err());
        assert!(LogKey::from_seed("two words", [1; 32]).is_err());
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("log.key");
        let first = LogKey::load_or_create(&path, "a.test").unwrap();
        let second = LogKey::load_or_create(&path, "b.test").unwrap();
        assert_eq!(first.verifier(), second.verifier());
        let public = std::fs::read_to_string(dir.path().join("keys").join("log.key.pub")).unwrap();
        assert_eq!(public.trim(), first.verifier().to_string());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is private to its owner");
        }
    }
}
