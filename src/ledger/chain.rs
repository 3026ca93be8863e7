//! The hash chain: each entry's hash covers its own canonical content and the hash of the
//! entry before it. Pure functions; the database side is in `ledger/mod.rs`.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry of every production's chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One ledger entry as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    pub consent_event_id: i64,
    pub production_id: i64,
    /// Position in the production's chain, from 1.
    pub seq: i64,
    pub event: String,
    pub rider_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    /// Microseconds since the Unix epoch (the database's precision), so hashing is exact.
    pub occurred_at_us: i64,
    /// Canonical JSON of the event's details (keys sorted).
    pub details: String,
    pub content_hash: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

#[derive(Serialize)]
pub(super) struct Canonical<'a> {
    pub production_id: i64,
    pub seq: i64,
    pub event: &'a str,
    pub rider_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub occurred_at_us: i64,
    pub details: &'a str,
}

/// The entry's canonical content: compact JSON of its fields in this order, `details` as a
/// string. Its SHA-256 is the entry's content hash; it is also the entry's leaf in the
/// Merkle tree. docs/verify.md spells it out byte by byte.
pub fn canonical_content(
    production_id: i64,
    seq: i64,
    event: &str,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
    occurred_at_us: i64,
    details: &str,
) -> String {
    serde_json::to_string(&Canonical {
        production_id,
        seq,
        event,
        rider_id,
        actor_user_id,
        occurred_at_us,
        details,
    })
    .expect("plain data serialises")
}

/// SHA-256 over the entry's canonical content (everything but the hashes).
pub fn content_hash(
    production_id: i64,
    seq: i64,
    event: &str,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
    occurred_at_us: i64,
    details: &str,
) -> String {
    let canonical = canonical_content(
        production_id,
        seq,
        event,
        rider_id,
        actor_user_id,
        occurred_at_us,
        details,
    );
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

impl Entry {
    /// This entry's canonical content, as hashed.
    pub fn canonical(&self) -> String {
        canonical_content(
            self.production_id,
            self.seq,
            &self.event,
            self.rider_id,
            self.actor_user_id,
            self.occurred_at_us,
            &self.details,
        )
    }
}

/// The chained hash: SHA-256 of the previous entry's hash and this entry's content hash.
pub fn entry_hash(prev_hash: &str, content_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(content_hash.as_bytes());
    hex::encode(hasher.finalize())
}

/// Canonical JSON for event details: object keys sorted, no whitespace.
pub fn canonical_details(details: &serde_json::Value) -> String {
    // serde_json's default map is ordered by key, so this is canonical.
    let sorted: serde_json::Value =
        serde_json::from_str(&details.to_string()).expect("round trip of a JSON value");
    sorted.to_string()
}

/// The first entry of a chain that does not match, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub consent_event_id: i64,
    pub seq: i64,
    pub why: &'static str,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "entry {} (position {} in its chain): {}",
            self.consent_event_id, self.seq, self.why
        )
    }
}

/// Recomputes one production's chain, in `seq` order, and names the first entry that is off.
pub fn verify(entries: &[Entry]) -> Result<(), Broken> {
    verify_after(0, GENESIS, entries)
}

/// Recomputes the entries that follow entry `after` (0: none) whose hash is `prev_hash`: the
/// sealer checks only what is new since its last checkpoint.
pub fn verify_after(after: i64, prev_hash: &str, entries: &[Entry]) -> Result<(), Broken> {
    let mut prev = prev_hash.to_string();
    for (i, e) in entries.iter().enumerate() {
        let broken = |why| Broken {
            consent_event_id: e.consent_event_id,
            seq: e.seq,
            why,
        };
        if e.seq != after + i as i64 + 1 {
            return Err(broken(
                "an entry is missing or out of order before this one",
            ));
        }
        let content = content_hash(
            e.production_id,
            e.seq,
            &e.event,
            e.rider_id,
            e.actor_user_id,
            e.occurred_at_us,
            &e.details,
        );
        if content != e.content_hash {
            return Err(broken("its content no longer matches its hash"));
        }
        if e.prev_hash != prev {
            return Err(broken("it does not follow the entry before it"));
        }
        if entry_hash(&prev, &content) != e.entry_hash {
            return Err(broken("its chained hash does not match"));
        }
        prev = e.entry_hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let details =
                    canonical_details(&serde_json::json!({"text_sha256": "ab", "via": "password"}));
                let content = content_hash(
                    7,
                    seq,
                    "signed",
                    Some(3),
                    Some(4),
                    1_800_000_000_000_000 + seq,
                    &details,
                );
                let hash = entry_hash(&prev, &content);
                let e = Entry {
                    consent_event_id: seq * 10,
                    production_id: 7,
                    seq,
                    event: "signed".into(),
                    rider_id: Some(3),
                    actor_user_id: Some(4),
                    occurred_at_us: 1_800_000_000_000_000 + seq,
                    details,
                    content_hash: content,
                    prev_hash: prev.clone(),
                    entry_hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn a_changed_field_is_caught_at_its_entry() {
        let mut entries = chain(5);
        entries[2].actor_user_id = Some(99);
        let broken = verify(&entries).unwrap_err();
        assert_eq!(broken.consent_event_id, 30);
        assert!(broken.to_string().contains("content no longer matches"));
    }

    #[test]
    fn a_rehashed_entry_still_breaks_the_next_link() {
        let mut entries = chain(5);
        // A forger recomputes the content and entry hash of entry 3, but cannot fix 4.
        let e = &mut entries[2];
        e.event = "revoked".into();
        e.content_hash = content_hash(
            e.production_id,
            e.seq,
            &e.event,
            e.rider_id,
            e.actor_user_id,
            e.occurred_at_us,
            &e.details,
        );
        e.entry_hash = entry_hash(&e.prev_hash, &e.content_hash);
        let broken = verify(&entries).unwrap_err();
        assert_eq!(broken.seq, 4);
    }

    #[test]
    fn a_deleted_entry_is_caught() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(&entries).unwrap_err().seq, 3);
    }

    #[test]
    fn details_are_canonical_whatever_the_key_order() {
        let a = canonical_details(&serde_json::json!({"b": 1, "a": {"d": 2, "c": 3}}));
        assert_eq!(a, r#"{"a":{"c":3,"d":2},"b":1}"#);
    }
}
