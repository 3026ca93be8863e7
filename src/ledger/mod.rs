//! The consent ledger: an append-only, per-production log of consent events, kept three ways
//! that each catch what the others cannot.
//!
//! - `chain`: every entry's hash covers its canonical content and the entry before it, so a
//!   changed, removed or reordered entry breaks the chain at that point.
//! - `tree` and `checkpoint`: the entries, in order, are the leaves of an RFC 6962 Merkle tree,
//!   and a key that lives outside the database signs its root and size as a C2SP checkpoint.
//!   Anyone with the database can rewrite the chain consistently; nobody without the key can
//!   sign the rewrite, and a performer's receipt holds a checkpoint outside our database.
//! - `state`: the rows clearance reads (rider, rider_scene, shot marks, pauses,
//!   reconfirmations, closures, doubles) are re-derived from the events and compared.

mod chain;
pub mod checkpoint;
mod copy;
pub mod export;
mod history;
pub mod key;
pub mod note;
pub mod receipt;
pub mod state;
pub mod tree;
pub mod verify;

pub use chain::{
    Broken, Entry, GENESIS, canonical_content, canonical_details, content_hash, entry_hash, verify,
};
pub use history::{Past, append_history};
pub use key::{LogKey, VerifierKey};

use futures_util::TryStreamExt;
use sqlx::{PgConnection, PgPool};
use verify::{Audit, CheckpointText};

use crate::vocab::LedgerEvent;

/// Columns of an entry, with the instant as exact microseconds (PostgreSQL's precision).
pub(crate) const ENTRY_COLUMNS: &str =
    "consent_event_id, production_id, seq, event, rider_id, actor_user_id,
     (extract(epoch from occurred_at) * 1000000)::bigint as occurred_at_us, details,
     content_hash, prev_hash, entry_hash";

/// Takes the production's ledger lock for the rest of the transaction. Every consent write
/// takes it first, before locking any row, so two consent actions of one production always
/// queue in the same order and can never deadlock (`append` takes it again, which is free).
pub async fn lock(conn: &mut PgConnection, production_id: i64) -> sqlx::Result<()> {
    sqlx::query("select pg_advisory_xact_lock(727100, $1::int4)")
        .bind((production_id % i64::from(i32::MAX)) as i32)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends one event to its production's chain, inside the caller's transaction.
///
/// A per-production advisory lock makes concurrent appends queue, so the chain stays linear;
/// it is released when the transaction ends.
pub async fn append(
    conn: &mut PgConnection,
    production_id: i64,
    event: &LedgerEvent,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
) -> sqlx::Result<Entry> {
    append_stamped(conn, production_id, event, rider_id, actor_user_id, None).await
}

/// Appends an event that happened at `occurred_at_us`, not now: only for loading the demo's
/// history, whose state rows are stamped with the same past instants. The application's own
/// writes always use `append`.
pub async fn append_at(
    conn: &mut PgConnection,
    production_id: i64,
    event: &LedgerEvent,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
    occurred_at_us: i64,
) -> sqlx::Result<Entry> {
    append_stamped(
        conn,
        production_id,
        event,
        rider_id,
        actor_user_id,
        Some(occurred_at_us),
    )
    .await
}

async fn append_stamped(
    conn: &mut PgConnection,
    production_id: i64,
    event: &LedgerEvent,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
    at_us: Option<i64>,
) -> sqlx::Result<Entry> {
    lock(conn, production_id).await?;
    // The entry's instant is the transaction's own `now()`: every state row the same consent
    // write stamps with `now()` (delivered_at, signed_at, revoked_at, …) then agrees with its
    // event to the microsecond, which is what lets `state` bind those rows to the ledger.
    let (last, now_us): (Option<(i64, String)>, i64) = {
        let (seq, hash, now_us): (Option<i64>, Option<String>, i64) = sqlx::query_as(
            "select last.seq, last.entry_hash,
                    (extract(epoch from now()) * 1000000)::bigint
             from (select 1) one
             left join lateral (select seq, entry_hash from consent_event
                                where production_id = $1 order by seq desc limit 1) last on true",
        )
        .bind(production_id)
        .fetch_one(&mut *conn)
        .await?;
        (seq.zip(hash), now_us)
    };
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let occurred_at_us = at_us.unwrap_or(now_us);
    let details = canonical_details(&event.details());
    let content = content_hash(
        production_id,
        seq,
        event.name(),
        rider_id,
        actor_user_id,
        occurred_at_us,
        &details,
    );
    let hash = entry_hash(&prev_hash, &content);
    sqlx::query_as(&format!(
        "insert into consent_event (production_id, seq, event, rider_id, actor_user_id,
                                    occurred_at, details, content_hash, prev_hash, entry_hash)
         values ($1, $2, $3, $4, $5,
                 timestamptz 'epoch' + $10 * interval '1 microsecond', $6, $7, $8, $9)
         returning {ENTRY_COLUMNS}"
    ))
    .bind(production_id)
    .bind(seq)
    .bind(event.name())
    .bind(rider_id)
    .bind(actor_user_id)
    .bind(&details)
    .bind(&content)
    .bind(&prev_hash)
    .bind(&hash)
    .bind(occurred_at_us)
    .fetch_one(&mut *conn)
    .await
}

/// One production's chain, in order.
pub async fn entries(pool: &PgPool, production_id: i64) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(&format!(
        "select {ENTRY_COLUMNS} from consent_event where production_id = $1 order by seq"
    ))
    .bind(production_id)
    .fetch_all(pool)
    .await
}

/// What `closedset ledger verify` found for one production.
#[derive(Debug)]
pub struct Report {
    pub production_id: i64,
    pub entries: usize,
    /// The first entry that breaks the hash chain.
    pub result: Result<(), Broken>,
    /// Checkpoints whose signature and root held.
    pub checkpoints: usize,
    /// Entries written since the newest checkpoint, awaiting the next.
    pub awaiting: u64,
    /// Every checkpoint that does not hold.
    pub checkpoint_problems: Vec<String>,
    /// Every row of consent state the log does not bear out.
    pub state: Vec<state::Disagreement>,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.result.is_ok() && self.checkpoint_problems.is_empty() && self.state.is_empty()
    }
}

impl From<verify::Findings> for Report {
    fn from(found: verify::Findings) -> Report {
        Report {
            production_id: found.production_id,
            entries: found.entries as usize,
            result: found.chain,
            checkpoints: found.checkpoints,
            awaiting: found.awaiting,
            checkpoint_problems: found.checkpoint_problems,
            state: Vec::new(),
        }
    }
}

/// A bundle of COPY messages, shared by the workers that read it.
type Bundle = std::sync::Arc<Vec<bytes::Bytes>>;

/// COPY messages (one entry each) per bundle passed to the checker, and bundles queued between
/// the database and the checker (a few MB).
const BUNDLE: usize = 256;
const QUEUED: usize = 32;

/// Verifies every production's log, or just one: chain, tree, checkpoints and state. Entries
/// stream from the database through the checks, so memory stays flat however long the log.
pub async fn verify_all(
    pool: &PgPool,
    only: Option<i64>,
    verifier: &VerifierKey,
) -> sqlx::Result<Vec<Report>> {
    let productions: Vec<i64> = sqlx::query_scalar(
        "select production_id from production where $1::bigint is null or production_id = $1
         order by production_id",
    )
    .bind(only)
    .fetch_all(pool)
    .await?;
    let mut reports = Vec::new();
    for production_id in productions {
        // One snapshot per production: a consent write landing mid-check cannot show up as a
        // row that disagrees with a log read a moment earlier.
        let mut conn = pool.begin().await?;
        sqlx::query("set transaction isolation level repeatable read, read only")
            .execute(&mut *conn)
            .await?;
        // One plain index scan: compiling it (PostgreSQL's JIT, which a million-row estimate
        // invites) costs more than it saves.
        sqlx::query("set local jit = off")
            .execute(&mut *conn)
            .await?;
        let checkpoints = checkpoint::all(&mut conn, production_id)
            .await?
            .into_iter()
            .map(|c| CheckpointText {
                id: c.ledger_checkpoint_id,
                size: c.size,
                note: c.note,
            })
            .collect();
        let started = std::time::Instant::now();
        // Three workers, so that none waits on another: this task only moves the database's
        // COPY stream on in bundles (the database never stalls on a full socket), one thread
        // checks chain, tree and checkpoints, another reads what the state check needs. Each
        // reads the same bundles (shared, not copied) with a COPY reader of its own.
        let (to_checker, mut checker_gets) = tokio::sync::mpsc::channel::<Bundle>(QUEUED);
        let (to_state, mut state_gets) = tokio::sync::mpsc::channel::<Bundle>(QUEUED);
        let verifier = verifier.clone();
        let checking = tokio::task::spawn_blocking(move || {
            let mut audit = Audit::new(production_id, &verifier, checkpoints);
            let mut reader = copy::Reader::new();
            while let Some(bundle) = checker_gets.blocking_recv() {
                for chunk in bundle.iter() {
                    reader.feed(chunk, |entry| audit.push_view(entry))?;
                }
            }
            reader.finish()?;
            Ok::<_, copy::Unreadable>(audit.finish())
        });
        let reading = tokio::task::spawn_blocking(move || {
            let mut events = state::Events::default();
            let mut reader = copy::Reader::new();
            while let Some(bundle) = state_gets.blocking_recv() {
                for chunk in bundle.iter() {
                    reader.feed(chunk, |entry| events.push(entry))?;
                }
            }
            reader.finish()?;
            Ok::<_, copy::Unreadable>(events)
        });
        {
            // COPY sends one message per entry: they travel in bundles, so the workers are
            // woken once per bundle, not once per entry.
            let mut stream = conn.copy_out_raw(&copy::statement(production_id)).await?;
            let mut bundle = Vec::with_capacity(BUNDLE);
            while let Some(chunk) = stream.try_next().await? {
                bundle.push(chunk);
                if bundle.len() == BUNDLE {
                    let full =
                        Bundle::new(std::mem::replace(&mut bundle, Vec::with_capacity(BUNDLE)));
                    // A worker that stopped has an error that says why.
                    if to_checker.send(full.clone()).await.is_err()
                        || to_state.send(full).await.is_err()
                    {
                        break;
                    }
                }
            }
            let last = Bundle::new(bundle);
            let _ = to_checker.send(last.clone()).await;
            let _ = to_state.send(last).await;
        }
        drop((to_checker, to_state));
        let unreadable = |e: &dyn std::fmt::Display| sqlx::Error::Protocol(e.to_string());
        let found = checking
            .await
            .map_err(|e| unreadable(&e))?
            .map_err(|e| unreadable(&e))?;
        let events = reading
            .await
            .map_err(|e| unreadable(&e))?
            .map_err(|e| unreadable(&e))?;
        let mut report = Report::from(found);
        let log_checked = started.elapsed();
        report.state = state::disagreements_among(&mut conn, production_id, &events).await?;
        // A million parsed entries take a while to free: let a thread of its own do it.
        std::thread::spawn(move || drop(events));
        tracing::debug!(
            production_id,
            log = ?log_checked,
            state = ?(started.elapsed() - log_checked),
            "ledger verified"
        );
        conn.commit().await?;
        reports.push(report);
    }
    Ok(reports)
}
