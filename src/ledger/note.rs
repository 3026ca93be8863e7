//! Checkpoints as C2SP signed notes (`tlog-checkpoint` inside `signed-note`):
//!
//! ```text
//! <origin>\n
//! <size, decimal>\n
//! <root hash, base64>\n
//! \n
//! — <key name> <base64(key id ‖ Ed25519 signature over the three lines above)>\n
//! ```
//!
//! The origin names one production's log (`<key name>/production/<id>`), so a checkpoint of one
//! production can never pass for another's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::key::{LogKey, VerifierKey};
use super::tree::Hash;

/// What a checkpoint says: this log, at this size, has this root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// The origin line of a production's log.
pub fn origin(key_name: &str, production_id: i64) -> String {
    format!("{key_name}/production/{production_id}")
}

impl Checkpoint {
    /// The signed text: three lines, each ending in a newline.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        )
    }

    /// The whole note: the body, a blank line, and the log's signature line.
    pub fn sign(&self, key: &LogKey) -> String {
        let body = self.body();
        let mut signature = key.verifier().key_id.to_vec();
        signature.extend_from_slice(&key.sign(body.as_bytes()));
        format!(
            "{body}\n\u{2014} {} {}\n",
            key.name(),
            BASE64.encode(signature)
        )
    }
}

/// Why a note was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("it is not a signed note")]
    Malformed,
    #[error("it is not signed by this log's key")]
    NotSignedByUs,
    #[error("its signature does not match its text")]
    BadSignature,
    #[error("its text is not a checkpoint")]
    NotACheckpoint,
}

/// Reads a signed checkpoint, accepting it only with a valid signature by `verifier`.
pub fn open(note: &str, verifier: &VerifierKey) -> Result<Checkpoint, NoteError> {
    let split = note.rfind("\n\n").ok_or(NoteError::Malformed)?;
    let (body, signatures) = (&note[..split + 1], &note[split + 2..]);
    if !signatures.ends_with('\n') {
        return Err(NoteError::Malformed);
    }
    let mut ours = None;
    for line in signatures.lines() {
        let rest = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed)?;
        let (name, signature) = rest.split_once(' ').ok_or(NoteError::Malformed)?;
        let signature = BASE64.decode(signature).map_err(|_| NoteError::Malformed)?;
        if name == verifier.name && signature.len() == 68 && signature[..4] == verifier.key_id {
            ours = Some(signature);
        }
    }
    let signature = ours.ok_or(NoteError::NotSignedByUs)?;
    let signature: [u8; 64] = signature[4..].try_into().expect("68 - 4 bytes");
    if !verifier.verifies(body.as_bytes(), &signature) {
        return Err(NoteError::BadSignature);
    }
    parse_body(body)
}

fn parse_body(body: &str) -> Result<Checkpoint, NoteError> {
    let mut lines = body.split_terminator('\n');
    let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
        return Err(NoteError::NotACheckpoint);
    };
    // A size is plain decimal: no sign, no leading zero, so one size has one text.
    let canonical = !size.is_empty()
        && size.bytes().all(|b| b.is_ascii_digit())
        && (size == "0" || !size.starts_with('0'));
    let size = size
        .parse()
        .ok()
        .filter(|_| canonical)
        .ok_or(NoteError::NotACheckpoint)?;
    let root: Hash = BASE64
        .decode(root)
        .ok()
        .and_then(|r| r.try_into().ok())
        .ok_or(NoteError::NotACheckpoint)?;
    if origin.is_empty() {
        return Err(NoteError::NotACheckpoint);
    }
    Ok(Checkpoint {
        origin: origin.to_string(),
        size,
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LogKey {
        LogKey::from_seed("closedset.test", [9; 32]).unwrap()
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            origin: origin("closedset.test", 4),
            size: 12,
            root: [0xab; 32],
        }
    }

    #[test]
    fn a_signed_checkpoint_reads_back() {
        let note = checkpoint().sign(&key());
        assert!(
            note.starts_with("closedset.test/production/4\n12\nq6ur"),
            "{note}"
        );
        assert!(note.contains("\n\n\u{2014} closedset.test "), "{note}");
        assert_eq!(open(&note, key().verifier()), Ok(checkpoint()));
    }

    #[test]
    fn a_changed_size_root_or_origin_breaks_the_signature() {
        let note = checkpoint().sign(&key());
        for (from, to) in [("\n12\n", "\n11\n"), ("/4\n", "/5\n"), ("q6ur", "q6uq")] {
            let forged = note.replacen(from, to, 1);
            assert_eq!(
                open(&forged, key().verifier()),
                Err(NoteError::BadSignature),
                "{forged}"
            );
        }
    }

    #[test]
    fn another_key_is_not_ours() {
        let other = LogKey::from_seed("closedset.test", [1; 32]).unwrap();
        let note = checkpoint().sign(&other);
        assert_eq!(open(&note, key().verifier()), Err(NoteError::NotSignedByUs));
        assert_eq!(open("no note", key().verifier()), Err(NoteError::Malformed));
    }
}
