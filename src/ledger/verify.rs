//! `closedset ledger verify`: one pass over a production's entries that recomputes the chain,
//! the Merkle tree and every signed checkpoint's root, so a changed, removed, reordered or
//! inserted entry, entries cut off the end and a whole log rewritten consistently are each
//! named. The same `Audit` checks a database and an export file.

use sha2::{Digest, Sha256};

use super::chain::{Broken, Entry, GENESIS};
use super::key::VerifierKey;
use super::note::{self, NoteError};
use super::tree::{Frontier, Hash};

/// A checkpoint as it is checked: its row id (or line in an export), size and signed note.
#[derive(Clone, Debug)]
pub struct CheckpointText {
    pub id: i64,
    pub size: i64,
    pub note: String,
}

/// Streams one production's entries, in `seq` order, through every check.
pub struct Audit<'k> {
    production_id: i64,
    verifier: &'k VerifierKey,
    /// Checkpoints whose size has not been reached yet, largest first (popped from the end).
    waiting: Vec<(CheckpointText, Option<Hash>)>,
    frontier: Frontier,
    /// The previous entry's stored hash, as hex text.
    prev: [u8; 64],
    chain: Result<(), Broken>,
    problems: Vec<String>,
    checked: usize,
    /// The size of the largest checkpoint reached so far.
    newest: u64,
    leaf: Vec<u8>,
}

/// What one production's audit found.
#[derive(Debug)]
pub struct Findings {
    pub production_id: i64,
    pub entries: u64,
    /// Checkpoints whose signature and root were checked and held.
    pub checkpoints: usize,
    /// Entries after the newest checkpoint: written since it, awaiting the next.
    pub awaiting: u64,
    /// The first entry that breaks the chain.
    pub chain: Result<(), Broken>,
    /// Every checkpoint that does not hold, in a sentence each.
    pub checkpoint_problems: Vec<String>,
}

impl Findings {
    pub fn is_intact(&self) -> bool {
        self.chain.is_ok() && self.checkpoint_problems.is_empty()
    }
}

fn hex_of(hash: Hash) -> [u8; 64] {
    let mut out = [0u8; 64];
    hex::encode_to_slice(hash, &mut out).expect("64 digits for 32 bytes");
    out
}

/// One entry, borrowed from wherever it was read; stored hashes as their hex text.
#[derive(Clone, Copy, Debug)]
pub struct EntryView<'a> {
    pub consent_event_id: i64,
    pub production_id: i64,
    pub seq: i64,
    pub event: &'a str,
    pub rider_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub occurred_at_us: i64,
    pub details: &'a str,
    pub content_hash: &'a [u8],
    pub prev_hash: &'a [u8],
    pub entry_hash: &'a [u8],
}

impl<'k> Audit<'k> {
    pub fn new(
        production_id: i64,
        verifier: &'k VerifierKey,
        mut checkpoints: Vec<CheckpointText>,
    ) -> Self {
        let mut problems = Vec::new();
        let origin = note::origin(&verifier.name, production_id);
        checkpoints.sort_by_key(|c| std::cmp::Reverse(c.size));
        let waiting = checkpoints
            .into_iter()
            .map(|c| {
                let root = match note::open(&c.note, verifier) {
                    Ok(signed) if signed.origin != origin => {
                        problems.push(format!(
                            "checkpoint {} names another log ({}), not this production's",
                            c.id, signed.origin
                        ));
                        None
                    }
                    Ok(signed) if signed.size != c.size as u64 => {
                        problems.push(format!(
                            "checkpoint {}: its stored size {} is not the size it signed ({})",
                            c.id, c.size, signed.size
                        ));
                        None
                    }
                    Ok(signed) => Some(signed.root),
                    Err(why @ (NoteError::NotSignedByUs | NoteError::BadSignature)) => {
                        problems.push(format!(
                            "checkpoint {} (size {}): {why}: it was not issued by this log",
                            c.id, c.size
                        ));
                        None
                    }
                    Err(why) => {
                        problems.push(format!("checkpoint {} (size {}): {why}", c.id, c.size));
                        None
                    }
                };
                (c, root)
            })
            .collect();
        Audit {
            production_id,
            verifier,
            waiting,
            frontier: Frontier::new(),
            prev: GENESIS.as_bytes().try_into().expect("64 hex digits"),
            chain: Ok(()),
            problems,
            checked: 0,
            newest: 0,
            leaf: Vec::with_capacity(512),
        }
    }

    /// The verifier key the audit checks signatures with.
    pub fn verifier(&self) -> &VerifierKey {
        self.verifier
    }

    /// Checks the next entry.
    pub fn push(&mut self, e: &Entry) {
        self.push_view(&EntryView {
            consent_event_id: e.consent_event_id,
            production_id: e.production_id,
            seq: e.seq,
            event: &e.event,
            rider_id: e.rider_id,
            actor_user_id: e.actor_user_id,
            occurred_at_us: e.occurred_at_us,
            details: &e.details,
            content_hash: e.content_hash.as_bytes(),
            prev_hash: e.prev_hash.as_bytes(),
            entry_hash: e.entry_hash.as_bytes(),
        });
    }

    /// Checks the next entry, borrowed where it lies (a COPY buffer, a file's line). Stored
    /// hashes are compared as the hex text they are stored as, so nothing is decoded.
    pub fn push_view(&mut self, e: &EntryView<'_>) {
        let n = self.frontier.size();
        self.leaf.clear();
        serde_json::to_writer(
            &mut self.leaf,
            &super::chain::Canonical {
                production_id: e.production_id,
                seq: e.seq,
                event: e.event,
                rider_id: e.rider_id,
                actor_user_id: e.actor_user_id,
                occurred_at_us: e.occurred_at_us,
                details: e.details,
            },
        )
        .expect("plain data serialises");
        if self.chain.is_ok() {
            let content = hex_of(Sha256::digest(&self.leaf).into());
            let why = if e.seq != n as i64 + 1 || e.production_id != self.production_id {
                Some("an entry is missing or out of order before this one")
            } else if e.content_hash != content {
                Some("its content no longer matches its hash")
            } else if e.prev_hash != self.prev {
                Some("it does not follow the entry before it")
            } else {
                let mut h = Sha256::new();
                h.update(self.prev);
                h.update(b"\n");
                h.update(content);
                (e.entry_hash != hex_of(h.finalize().into()))
                    .then_some("its chained hash does not match")
            };
            if let Some(why) = why {
                self.chain = Err(Broken {
                    consent_event_id: e.consent_event_id,
                    seq: e.seq,
                    why,
                });
            }
        }
        if let Ok(hash) = e.entry_hash.try_into() {
            self.prev = hash;
        }
        self.frontier.push(super::tree::leaf_hash(&self.leaf));
        self.check_reached();
    }

    /// Checks the checkpoints whose size the tree has just reached.
    fn check_reached(&mut self) {
        let size = self.frontier.size() as i64;
        while self.waiting.last().is_some_and(|(c, _)| c.size == size) {
            let (c, signed_root) = self.waiting.pop().expect("just looked");
            self.newest = size as u64;
            let Some(signed_root) = signed_root else {
                continue;
            };
            if self.frontier.root() == signed_root {
                self.checked += 1;
            } else {
                self.problems.push(format!(
                    "checkpoint {} signed a root for the first {} entries that they no longer \
                     have: the log was changed or rewritten after it was signed",
                    c.id, c.size
                ));
            }
        }
    }

    /// The findings, once every entry has been pushed.
    pub fn finish(mut self) -> Findings {
        let entries = self.frontier.size();
        // Checkpoints beyond the end: the log once had more entries than it has now.
        for (c, _) in self.waiting.drain(..).rev() {
            self.problems.push(format!(
                "checkpoint {} signed a log of {} entries, but only {entries} remain: entries \
                 were cut off the end",
                c.id, c.size
            ));
        }
        let newest = self.newest;
        Findings {
            production_id: self.production_id,
            entries,
            checkpoints: self.checked,
            awaiting: entries.saturating_sub(newest),
            chain: self.chain,
            checkpoint_problems: self.problems,
        }
    }
}
