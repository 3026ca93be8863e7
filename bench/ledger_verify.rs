//! Benchmark: `ledger verify` (chain, Merkle tree, signed checkpoints) over one production of a
//! million entries, once connected.
//!
//!   cargo run --release --example ledger_verify              (ENTRIES=1000000 RUNS=3)
//!
//! Starts a private PostgreSQL cluster in a temporary directory (or uses `DATABASE_URL`, where
//! it adds one production), writes the entries as `ledger::append` chains them, with realistic
//! details (a signature's text hash, address and browser), signs a checkpoint every
//! `CHECKPOINT_EVERY` entries (1,000: the sealer's batches on a busy log), then times
//! `ledger::verify_all` for that production and prints entries per second.

use std::time::Instant;

use closedset::db;
use closedset::ledger::{self, LogKey, checkpoint};
use sqlx::PgPool;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // RUST_LOG=closedset::ledger=debug shows the time spent on the log and on the state.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let entries = env_number("ENTRIES", 1_000_000) as i64;
    let every = env_number("CHECKPOINT_EVERY", 1_000) as i64;
    let runs = env_number("RUNS", 3);
    let dir = tempfile::Builder::new()
        .prefix("closedset-ledger-bench-")
        .tempdir()?;
    let config = closedset::Config {
        database_url: std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()),
        data_dir: dir.path().join("data"),
        ..closedset::Config::default()
    };
    let mut database = db::open(&config).await?;
    let pool = database.pool.clone();
    // With DATABASE_URL, a server may be running on the same database: sign with its key
    // (CLOSEDSET_LOG_KEY) so its sealer and this benchmark agree.
    let key = match std::env::var("CLOSEDSET_LOG_KEY") {
        Ok(path) => LogKey::load_or_create(path.as_ref(), "bench.closedset.test")?,
        Err(_) => LogKey::generate("bench.closedset.test")?,
    };

    // PRODUCTION=N verifies a production an earlier run wrote, instead of writing another.
    let production_id = match std::env::var("PRODUCTION")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        Some(id) => id,
        None => {
            let started = Instant::now();
            let id = fill(&pool, &key, entries, every).await?;
            eprintln!(
                "wrote {entries} entries and {} checkpoints in {:.1} s",
                entries / every,
                started.elapsed().as_secs_f64()
            );
            id
        }
    };
    sqlx::query("vacuum analyze consent_event")
        .execute(&pool)
        .await?;

    let mut rates = Vec::new();
    for run in 1..=runs {
        let started = Instant::now();
        let reports = ledger::verify_all(&pool, Some(production_id), key.verifier()).await?;
        let seconds = started.elapsed().as_secs_f64();
        let report = &reports[0];
        assert!(report.is_intact(), "the benchmark log verifies: {report:?}");
        let entries = report.entries;
        let rate = entries as f64 / seconds;
        println!(
            "run {run}: {entries} entries, {} checkpoints verified in {seconds:.2} s: {rate:.0} entries/s",
            report.checkpoints
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "median {:.0} entries/s over {runs} runs",
        rates[rates.len() / 2]
    );
    pool.close().await;
    if let Some(cluster) = database.cluster.as_mut() {
        cluster.stop()?;
    }
    Ok(())
}

/// A production whose log has `entries` entries, sealed every `every`.
async fn fill(pool: &PgPool, key: &LogKey, entries: i64, every: i64) -> anyhow::Result<i64> {
    let production_id: i64 = sqlx::query_scalar(
        "insert into production (title, kind, phase, time_zone, currency, agreement,
                                 notice_hours, ic_account_code)
         values ('Ledger benchmark', 'feature', 'production', 'Europe/London', 'GBP',
                 'equity_uk', 48, '') returning production_id",
    )
    .fetch_one(pool)
    .await?;
    let start_us = 1_800_000_000_000_000i64;
    let mut prev = ledger::GENESIS.to_string();
    let mut seq = 0i64;
    while seq < entries {
        let batch = every.min(entries - seq);
        let mut rows = Rows::default();
        for _ in 0..batch {
            seq += 1;
            let (event, details) = match seq % 4 {
                0 => (
                    "signed",
                    serde_json::json!({
                        "text_sha256": format!("{:064x}", seq),
                        "client_addr": "192.0.2.14",
                        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
                        "authenticated": "password",
                    }),
                ),
                1 => (
                    "delivered",
                    serde_json::json!({
                        "text_sha256": format!("{:064x}", seq),
                        "scenes": [{"scene": "12A", "version": 3,
                                    "content_hash": format!("{:064x}", seq * 7)}],
                    }),
                ),
                2 => (
                    "viewed",
                    serde_json::json!({ "text_sha256": format!("{:064x}", seq) }),
                ),
                _ => (
                    "revoked",
                    serde_json::json!({"effective": "immediately", "reason_asked": false}),
                ),
            };
            let details = ledger::canonical_details(&details);
            let occurred_us = start_us + seq * 1_000;
            let content =
                ledger::content_hash(production_id, seq, event, None, None, occurred_us, &details);
            let hash = ledger::entry_hash(&prev, &content);
            rows.seq.push(seq);
            rows.event.push(event.to_string());
            rows.occurred_us.push(occurred_us);
            rows.details.push(details);
            rows.content.push(content);
            rows.prev.push(std::mem::replace(&mut prev, hash.clone()));
            rows.hash.push(hash);
        }
        sqlx::query(
            "insert into consent_event (production_id, seq, event, occurred_at, details,
                                        content_hash, prev_hash, entry_hash)
             select $1, s, e, timestamptz 'epoch' + o * interval '1 microsecond', d, c, p, h
             from unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                         $7::text[], $8::text[]) as x(s, e, o, d, c, p, h)",
        )
        .bind(production_id)
        .bind(&rows.seq)
        .bind(&rows.event)
        .bind(&rows.occurred_us)
        .bind(&rows.details)
        .bind(&rows.content)
        .bind(&rows.prev)
        .bind(&rows.hash)
        .execute(pool)
        .await?;
        checkpoint::seal(pool, key, production_id).await?;
    }
    Ok(production_id)
}

#[derive(Default)]
struct Rows {
    seq: Vec<i64>,
    event: Vec<String>,
    occurred_us: Vec<i64>,
    details: Vec<String>,
    content: Vec<String>,
    prev: Vec<String>,
    hash: Vec<String>,
}
