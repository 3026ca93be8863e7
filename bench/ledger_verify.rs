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
use closedset::vocab::LedgerEvent;
use closedset::vocab::ledger_event::SceneFact;
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
    let mut database = db::open(&config, db::Purpose::Serve).await?;
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
    let hash = |n: i64| format!("{n:064x}");
    let mut seq = 0i64;
    while seq < entries {
        let batch = every.min(entries - seq);
        let events: Vec<LedgerEvent> = (seq + 1..=seq + batch)
            .map(|n| match n % 4 {
                0 => LedgerEvent::Signed {
                    text_sha256: hash(n),
                    client_sha256: closedset::vocab::ledger_event::client_sha256(
                        &"0".repeat(64),
                        "192.0.2.14",
                        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
                    ),
                    authenticated: "password".into(),
                    method: "password".into(),
                    credential_sha256: None,
                },
                1 => LedgerEvent::Delivered {
                    text_sha256: hash(n),
                    terms_sha256: hash(n * 3),
                    scenes: vec![SceneFact {
                        scene_id: 1,
                        scene: "12A".into(),
                        version: 3,
                        content_hash: hash(n * 7),
                    }],
                },
                2 => LedgerEvent::Viewed {
                    text_sha256: hash(n),
                },
                _ => LedgerEvent::Revoked,
            })
            .collect();
        let past: Vec<ledger::Past> = events
            .iter()
            .zip(seq + 1..)
            .map(|(event, n)| ledger::Past {
                event,
                rider_id: None,
                actor_user_id: None,
                occurred_at_us: start_us + n * 1_000,
            })
            .collect();
        let mut tx = pool.begin().await?;
        ledger::append_history(&mut tx, production_id, &past).await?;
        tx.commit().await?;
        seq += batch;
        checkpoint::seal(pool, key, production_id).await?;
    }
    Ok(production_id)
}
