//! Receipts a performer keeps: one JSON file with the exact rider text, their events, each
//! event's inclusion proof and the signed checkpoint the proofs reach, named after the Kantara
//! Consent Receipt (ISO/IEC TS 27560's ancestor) where its fields fit. Checked with nothing of
//! ours running (`check`), and against today's log (`consistent_with`): the performer's copy
//! is the anchor outside our database. docs/verify.md documents the format.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

use super::checkpoint::{self, SealError};
use super::key::{LogKey, VerifierKey};
use super::note::{self, Checkpoint};
use super::tree::{self, Hash, ProvingTree};
use super::{ENTRY_COLUMNS, Entry, canonical_content, entry_hash};

pub const VERSION: &str = "closedset-receipt-1";

/// One entry as the receipt (and an export) spells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRecord {
    pub consent_event_id: i64,
    pub production_id: i64,
    pub seq: i64,
    pub event: String,
    pub rider_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub occurred_at_us: i64,
    /// The same instant in RFC 3339, for people; not hashed.
    pub occurred_at: String,
    pub details: String,
    pub content_hash: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

impl From<&Entry> for EntryRecord {
    fn from(e: &Entry) -> Self {
        let occurred_at =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(e.occurred_at_us) * 1000)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default();
        EntryRecord {
            consent_event_id: e.consent_event_id,
            production_id: e.production_id,
            seq: e.seq,
            event: e.event.clone(),
            rider_id: e.rider_id,
            actor_user_id: e.actor_user_id,
            occurred_at_us: e.occurred_at_us,
            occurred_at,
            details: e.details.clone(),
            content_hash: e.content_hash.clone(),
            prev_hash: e.prev_hash.clone(),
            entry_hash: e.entry_hash.clone(),
        }
    }
}

impl EntryRecord {
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptEvent {
    #[serde(flatten)]
    pub entry: EntryRecord,
    /// The audit path from this entry's leaf to the checkpoint's root, nearest sibling first.
    pub inclusion_proof: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiderText {
    pub rider_id: i64,
    /// The exact text the performer was given, byte for byte.
    pub text: String,
    pub text_sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRef {
    pub origin: String,
    pub verifier_key: String,
    pub verify_url: String,
}

/// A Kantara service: one scene, with what the rider agrees to for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub service: String,
    pub purposes: Vec<Purpose>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Purpose {
    pub purpose: String,
    pub consent_type: String,
    pub termination: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Controller {
    pub pii_controller: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub version: String,
    #[serde(rename = "consentReceiptID")]
    pub consent_receipt_id: String,
    /// Unix seconds of the newest event.
    pub consent_timestamp: i64,
    pub collection_method: String,
    pub pii_principal_id: String,
    pub pii_controllers: Vec<Controller>,
    pub services: Vec<Service>,
    pub sensitive: bool,
    pub spi_cat: Vec<String>,
    pub rider: RiderText,
    pub log: LogRef,
    /// The signed checkpoint every inclusion proof reaches.
    pub checkpoint: String,
    pub events: Vec<ReceiptEvent>,
}

/// What the consent layer knows about the rider that the ledger does not.
pub struct About {
    /// The performer, as the production's cast list names them.
    pub principal: String,
    /// The production.
    pub controller: String,
    pub services: Vec<Service>,
    pub rider_id: i64,
    pub rider_text: String,
    pub verify_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("this rider has no events on the log yet")]
    NoEvents,
}

/// Builds the receipt of one rider's events, signing a checkpoint first if the newest event is
/// not covered yet.
pub async fn build(
    pool: &PgPool,
    key: &LogKey,
    production_id: i64,
    about: About,
) -> Result<Receipt, BuildError> {
    let sql = format!(
        "select {ENTRY_COLUMNS} from consent_event where production_id = $1 and rider_id = $2
         order by seq"
    );
    let mine: Vec<Entry> = sqlx::query_as(&sql)
        .bind(production_id)
        .bind(about.rider_id)
        .fetch_all(pool)
        .await?;
    let newest = mine.last().ok_or(BuildError::NoEvents)?;
    let covering = checkpoint::covering(pool, key, production_id, newest.seq)
        .await?
        .ok_or(BuildError::NoEvents)?;
    let tree = tree_of(pool, production_id, covering.size).await?;
    let events = mine
        .iter()
        .map(|e| ReceiptEvent {
            entry: EntryRecord::from(e),
            inclusion_proof: tree
                .inclusion(e.seq as u64 - 1)
                .iter()
                .map(hex::encode)
                .collect(),
        })
        .collect();
    Ok(Receipt {
        version: VERSION.into(),
        consent_receipt_id: format!("{production_id}-{}-{}", about.rider_id, newest.seq),
        consent_timestamp: newest.occurred_at_us.div_euclid(1_000_000),
        collection_method: "A rider read and answered by the performer in Closed Set; \
                            withdrawable at any time, effective at once"
            .into(),
        pii_principal_id: about.principal,
        pii_controllers: vec![Controller {
            pii_controller: about.controller,
        }],
        services: about.services,
        sensitive: true,
        spi_cat: vec!["nudity and simulated sex on camera".into()],
        rider: RiderText {
            rider_id: about.rider_id,
            text_sha256: hex::encode(Sha256::digest(about.rider_text.as_bytes())),
            text: about.rider_text,
        },
        log: LogRef {
            origin: note::origin(key.name(), production_id),
            verifier_key: key.verifier().to_string(),
            verify_url: about.verify_url,
        },
        checkpoint: covering.note,
        events,
    })
}

/// The proving tree of the production's first `size` entries.
async fn tree_of(pool: &PgPool, production_id: i64, size: i64) -> sqlx::Result<ProvingTree> {
    let entries: Vec<Entry> = sqlx::query_as(&format!(
        "select {ENTRY_COLUMNS} from consent_event where production_id = $1 and seq <= $2
         order by seq"
    ))
    .bind(production_id)
    .bind(size)
    .fetch_all(pool)
    .await?;
    Ok(ProvingTree::new(
        entries.iter().map(|e| e.canonical().into_bytes()),
    ))
}

/// What a receipt that checks out proves.
#[derive(Clone, Debug)]
pub struct Checked {
    pub checkpoint: Checkpoint,
    pub events: usize,
}

fn hash_of(text: &str) -> Option<Hash> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// Checks a receipt on its own: signature, every proof, every hash, the text. `verifier` is the
/// log's published key; the key written in the receipt must be the same.
pub fn check(receipt: &Receipt, verifier: &VerifierKey) -> Result<Checked, Vec<String>> {
    let mut problems = Vec::new();
    if receipt.version != VERSION {
        problems.push(format!("it is not a {VERSION} receipt"));
    }
    if receipt.log.verifier_key.trim() != verifier.to_string() {
        problems.push("it names a different key from this log's".into());
    }
    let checkpoint = match note::open(&receipt.checkpoint, verifier) {
        Ok(c) => c,
        Err(why) => {
            problems.push(format!("its checkpoint: {why}"));
            return Err(problems);
        }
    };
    if checkpoint.origin != receipt.log.origin {
        problems.push("its checkpoint is of another log".into());
    }
    let text_sha256 = hex::encode(Sha256::digest(receipt.rider.text.as_bytes()));
    if text_sha256 != receipt.rider.text_sha256 {
        problems.push("the rider text is not the text whose hash it gives".into());
    }
    if receipt.events.is_empty() {
        problems.push("it holds no events".into());
    }
    for e in &receipt.events {
        let at = format!("event {} ({})", e.entry.seq, e.entry.event);
        let canonical = e.entry.canonical();
        let content = hex::encode(Sha256::digest(canonical.as_bytes()));
        if content != e.entry.content_hash {
            problems.push(format!("{at}: its content does not match its hash"));
        }
        if entry_hash(&e.entry.prev_hash, &e.entry.content_hash) != e.entry.entry_hash {
            problems.push(format!("{at}: its chained hash does not match"));
        }
        if note::origin(&verifier.name, e.entry.production_id) != checkpoint.origin {
            problems.push(format!("{at}: it belongs to another production's log"));
        }
        if e.entry.rider_id != Some(receipt.rider.rider_id) {
            problems.push(format!("{at}: it is about another rider"));
        }
        let said: Option<String> = serde_json::from_str::<serde_json::Value>(&e.entry.details)
            .ok()
            .and_then(|d| d.get("text_sha256")?.as_str().map(str::to_string));
        if said.is_some_and(|said| said != receipt.rider.text_sha256) {
            problems.push(format!("{at}: it is about a different text"));
        }
        let path: Option<Vec<Hash>> = e.inclusion_proof.iter().map(|h| hash_of(h)).collect();
        let included = e.entry.seq >= 1
            && path.is_some_and(|path| {
                tree::verify_inclusion(
                    canonical.as_bytes(),
                    e.entry.seq as u64 - 1,
                    checkpoint.size,
                    &checkpoint.root,
                    &path,
                )
            });
        if !included {
            problems.push(format!("{at}: it is not in the signed log"));
        }
    }
    if problems.is_empty() {
        Ok(Checked {
            checkpoint,
            events: receipt.events.len(),
        })
    } else {
        Err(problems)
    }
}

/// Why a receipt does not match today's log.
#[derive(Debug, thiserror::Error)]
pub enum Inconsistent {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("today's log is shorter than the log the receipt was signed for")]
    Shorter,
    #[error("today's log is not an extension of the log the receipt was signed for")]
    Rewritten,
}

/// Checks a receipt that passed `check` against today's log: today's newest checkpoint must
/// prove (RFC 6962 consistency) that the receipt's tree is a prefix of today's, so nothing the
/// receipt vouches for was changed, removed or reordered since.
pub async fn consistent_with(
    pool: &PgPool,
    key: &LogKey,
    production_id: i64,
    signed: &Checkpoint,
) -> Result<(), Inconsistent> {
    let today = checkpoint::seal(pool, key, production_id)
        .await?
        .ok_or(Inconsistent::Shorter)?;
    let today = note::open(&today.note, key.verifier()).map_err(|_| Inconsistent::Rewritten)?;
    if today.size < signed.size {
        return Err(Inconsistent::Shorter);
    }
    let tree = tree_of(pool, production_id, today.size as i64).await?;
    // The signed head must be the tree of today's entries, and the receipt's a prefix of it.
    if tree.size() != today.size || tree.root() != today.root {
        return Err(Inconsistent::Rewritten);
    }
    let proof = if signed.size == today.size {
        Vec::new()
    } else {
        tree.consistency(signed.size)
    };
    if tree::verify_consistency(signed.size, &signed.root, today.size, &today.root, &proof) {
        Ok(())
    } else {
        Err(Inconsistent::Rewritten)
    }
}
