//! Issuing and reading signed checkpoints. After consent writes commit, the sealer signs each
//! production's new tree head: within a second in the background, or at once when a receipt or
//! certificate needs an entry covered. One checkpoint may cover many writes (a batch), which
//! keeps a busy log's checkpoints, and the signatures `ledger verify` checks, few.

use std::sync::Arc;
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::key::LogKey;
use super::note::{self, Checkpoint};
use super::tree::{Frontier, Hash, leaf_hash};
use super::{ENTRY_COLUMNS, Entry, GENESIS};

/// One stored checkpoint.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Stored {
    pub ledger_checkpoint_id: i64,
    pub production_id: i64,
    pub size: i64,
    pub root_hash: String,
    pub frontier: String,
    /// The signed note, exactly as issued.
    pub note: String,
    pub issued_at: OffsetDateTime,
}

const COLUMNS: &str =
    "ledger_checkpoint_id, production_id, size, root_hash, frontier, note, issued_at";

/// Every checkpoint of a production, smallest first.
pub async fn all(conn: &mut PgConnection, production_id: i64) -> sqlx::Result<Vec<Stored>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from ledger_checkpoint where production_id = $1 order by size"
    ))
    .bind(production_id)
    .fetch_all(conn)
    .await
}

/// The newest checkpoint of a production.
pub async fn latest(conn: &mut PgConnection, production_id: i64) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from ledger_checkpoint where production_id = $1
         order by size desc limit 1"
    ))
    .bind(production_id)
    .fetch_optional(conn)
    .await
}

/// Why the sealer would not sign.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The entries after the last checkpoint do not chain: signing them would vouch for a
    /// tampered log, so nothing is signed until `ledger verify` has been run and acted on.
    #[error("production {production_id}: entry {seq} does not chain, so it is not signed")]
    Unchained { production_id: i64, seq: i64 },
}

fn frontier_text(frontier: &Frontier) -> String {
    frontier
        .subtrees()
        .iter()
        .map(hex::encode)
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_frontier(size: i64, text: &str) -> Option<Frontier> {
    let subtrees: Option<Vec<Hash>> = text
        .split_whitespace()
        .map(|h| hex::decode(h).ok()?.try_into().ok())
        .collect();
    Frontier::resume(size as u64, subtrees?)
}

/// Signs the production's current tree head, unless a checkpoint already covers it. Returns
/// the checkpoint that covers every entry so far (none while the log is empty).
pub async fn seal(
    pool: &PgPool,
    key: &LogKey,
    production_id: i64,
) -> Result<Option<Stored>, SealError> {
    let mut tx = pool.begin().await?;
    // The ledger lock: no entry can be appended while the head is read and signed.
    super::lock(&mut tx, production_id).await?;
    let last = latest(&mut tx, production_id).await?;
    let (mut frontier, prev_hash, from) = match &last {
        Some(cp) => {
            let frontier = read_frontier(cp.size, &cp.frontier).ok_or(SealError::Unchained {
                production_id,
                seq: cp.size,
            })?;
            let prev: String = sqlx::query_scalar(
                "select entry_hash from consent_event where production_id = $1 and seq = $2",
            )
            .bind(production_id)
            .bind(cp.size)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(SealError::Unchained {
                production_id,
                seq: cp.size,
            })?;
            (frontier, prev, cp.size)
        }
        None => (Frontier::new(), GENESIS.to_string(), 0),
    };
    let new: Vec<Entry> = sqlx::query_as(&format!(
        "select {ENTRY_COLUMNS} from consent_event where production_id = $1 and seq > $2
         order by seq"
    ))
    .bind(production_id)
    .bind(from)
    .fetch_all(&mut *tx)
    .await?;
    if new.is_empty() {
        return Ok(last);
    }
    super::chain::verify_after(from, &prev_hash, &new).map_err(|broken| SealError::Unchained {
        production_id,
        seq: broken.seq,
    })?;
    for entry in &new {
        frontier.push(leaf_hash(entry.canonical().as_bytes()));
    }
    let checkpoint = Checkpoint {
        origin: note::origin(key.name(), production_id),
        size: frontier.size(),
        root: frontier.root(),
    };
    let stored: Stored = sqlx::query_as(&format!(
        "insert into ledger_checkpoint (production_id, size, root_hash, frontier, note)
         values ($1, $2, $3, $4, $5) returning {COLUMNS}"
    ))
    .bind(production_id)
    .bind(checkpoint.size as i64)
    .bind(hex::encode(checkpoint.root))
    .bind(frontier_text(&frontier))
    .bind(checkpoint.sign(key))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(stored))
}

/// The first checkpoint that includes entry `seq`, signing one now if none does yet.
pub async fn covering(
    pool: &PgPool,
    key: &LogKey,
    production_id: i64,
    seq: i64,
) -> Result<Option<Stored>, SealError> {
    let found: Option<Stored> = sqlx::query_as(&format!(
        "select {COLUMNS} from ledger_checkpoint where production_id = $1 and size >= $2
         order by size limit 1"
    ))
    .bind(production_id)
    .bind(seq)
    .fetch_optional(pool)
    .await?;
    match found {
        Some(cp) => Ok(Some(cp)),
        None => seal(pool, key, production_id).await,
    }
}

/// Signs the head of every production whose log has grown since its last checkpoint. A log
/// whose new entries do not chain is reported and left unsigned; the others are still signed.
pub async fn seal_all(pool: &PgPool, key: &LogKey) -> sqlx::Result<usize> {
    let behind: Vec<i64> = sqlx::query_scalar(
        "select p.production_id from production p
         join lateral (select seq from consent_event e where e.production_id = p.production_id
                       order by seq desc limit 1) head on true
         left join lateral (select size from ledger_checkpoint c
                            where c.production_id = p.production_id
                            order by size desc limit 1) cp on true
         where cp.size is null or cp.size < head.seq",
    )
    .fetch_all(pool)
    .await?;
    let mut signed = 0;
    for &production_id in &behind {
        match seal(pool, key, production_id).await {
            Ok(_) => signed += 1,
            Err(SealError::Database(err)) => return Err(err),
            Err(refused @ SealError::Unchained { .. }) => tracing::error!("{refused}"),
        }
    }
    Ok(signed)
}

/// The background sealer: once a second, signs every log that has grown.
pub async fn keep_sealing(pool: PgPool, key: Arc<LogKey>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(err) = seal_all(&pool, &key).await {
            tracing::error!("signing ledger checkpoints: {err}");
        }
    }
}
