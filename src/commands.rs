//! The `closedset ledger …` and `closedset receipt …` commands: verify, export, show the key,
//! check a receipt. `src/main.rs` reads the words and calls these.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Config;
use crate::db;
use crate::ledger::receipt::{self, Receipt};
use crate::ledger::{LogKey, VerifierKey};

/// Opens the database the configuration names for a command: the private cluster a running
/// server started, else one started for the command (if the configuration names none).
pub async fn open(config: &Config) -> anyhow::Result<db::Database> {
    open_for(config, db::Purpose::Command).await
}

/// Opens the database for `purpose`, saying so when the private cluster is used.
pub async fn open_for(config: &Config, purpose: db::Purpose) -> anyhow::Result<db::Database> {
    if config.database_url.is_none() {
        tracing::info!(data_dir = %config.data_dir.display(), "opening the private PostgreSQL cluster");
    }
    db::open(config, purpose).await
}

/// The options the ledger commands take, each `--name value`.
#[derive(Default)]
struct Options {
    production: Option<i64>,
    key: Option<VerifierKey>,
    file: Option<PathBuf>,
    out: Option<PathBuf>,
}

/// Reads `rest` as options, refusing any not in `allowed` with `usage`.
fn options(rest: &[&str], allowed: &[&str], usage: &str) -> anyhow::Result<Options> {
    let mut options = Options::default();
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let (name, Some(value)) = (*arg, it.next()) else {
            bail!("{usage}");
        };
        match name {
            _ if !allowed.contains(&name) => bail!("{usage}"),
            "--production" => {
                options.production = Some(value.parse().context("--production takes a number")?)
            }
            "--key" => options.key = Some(read_verifier(value)?),
            "--file" => options.file = Some(PathBuf::from(value)),
            "--out" => options.out = Some(PathBuf::from(value)),
            _ => bail!("{usage}"),
        }
    }
    Ok(options)
}

/// `closedset ledger verify [--production ID] [--key K]` or `--file FILE [--key K]`.
pub async fn verify(config: &Config, rest: &[&str]) -> anyhow::Result<()> {
    let Options {
        production: only,
        key,
        file,
        ..
    } = options(
        rest,
        &["--production", "--key", "--file"],
        "usage: closedset ledger verify [--production ID] [--key VERIFIER-KEY]\n       \
         closedset ledger verify --file FILE [--key VERIFIER-KEY]",
    )?;
    if let Some(file) = file {
        if only.is_some() {
            bail!("an export holds one production: --file takes no --production");
        }
        // Nothing of the server is needed: no database, no signing key.
        return verify_export(&file, key);
    }
    let verifier = match key {
        Some(key) => key,
        None => own_verifier(config)?,
    };
    let database = open(config).await?;
    verify_ledger(&database.pool, only, &verifier).await
}

/// `closedset ledger export --production ID [--out FILE] [--key K]`.
pub async fn export(config: &Config, rest: &[&str]) -> anyhow::Result<()> {
    let Options {
        production: only,
        key,
        out,
        ..
    } = options(
        rest,
        &["--production", "--key", "--out"],
        "usage: closedset ledger export --production ID [--out FILE] [--key VERIFIER-KEY]",
    )?;
    let production_id: i64 = only.context("--production is required")?;
    let verifier = match key {
        Some(key) => key,
        None => own_verifier(config)?,
    };
    let database = open(config).await?;
    export_ledger(&database.pool, production_id, &verifier, out.as_deref()).await
}

/// `closedset ledger key`: this log's public (verifier) key, for auditors and the README's
/// instructions; creates the signing key if this is the first run.
pub fn key(config: &Config) -> anyhow::Result<()> {
    let key = LogKey::load_or_create(&config.log_key, &config.log_name)?;
    println!("{}", key.verifier());
    Ok(())
}

/// A verifier key given as its text (`name+id+key`) or as a file holding it.
pub fn read_verifier(text: &str) -> anyhow::Result<VerifierKey> {
    let text = match std::fs::read_to_string(text) {
        Ok(file) => file,
        Err(_) => text.to_string(),
    };
    text.trim()
        .parse()
        .context("--key takes a verifier key or a file holding one")
}

/// This server's own verifier key, from its signing key file.
pub fn own_verifier(config: &Config) -> anyhow::Result<VerifierKey> {
    if !config.log_key.exists() {
        bail!(
            "there is no log signing key at {} (set CLOSEDSET_LOG_KEY, or pass --key with the \
             log's public key)",
            config.log_key.display()
        );
    }
    Ok(LogKey::load_or_create(&config.log_key, &config.log_name)?
        .verifier()
        .clone())
}

/// `receipt verify`: checks a receipt file with nothing but a verifier key. Today's log is not
/// consulted (that needs the database; the `/verify` page does it).
pub fn verify_receipt(config: &Config, args: &[&str]) -> anyhow::Result<()> {
    const USAGE: &str = "usage: closedset receipt verify FILE [--key VERIFIER-KEY]";
    let mut file = None;
    let mut key = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (*arg, it.clone().next()) {
            ("--key", Some(text)) => {
                key = Some(read_verifier(text)?);
                it.next();
            }
            (path, _) if file.is_none() && !path.starts_with("--") => file = Some(path),
            _ => bail!(USAGE),
        }
    }
    let file = file.context(USAGE)?;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
    let receipt: Receipt = serde_json::from_str(&text)
        .with_context(|| format!("{file} is not a Closed Set receipt"))?;
    let verifier = match key {
        Some(key) => key,
        None if config.log_key.exists() => own_verifier(config)?,
        None => {
            let written: VerifierKey = receipt
                .log
                .verifier_key
                .parse()
                .context("the key written in the receipt is not a verifier key")?;
            eprintln!(
                "warning: there is no log key here, so the receipt is checked with the key \
                 written in it. That only shows it is whole; compare that key with the log's \
                 published key (its /verify page shows it), or pass --key."
            );
            written
        }
    };
    println!("checking {file} with {verifier}");
    match receipt::check(&receipt, &verifier) {
        Ok(checked) => {
            println!(
                "valid: {} event{} of rider {}, each proved in {} at size {}, signed by this \
                 key; the rider text matches its SHA-256 {}",
                checked.events,
                if checked.events == 1 { "" } else { "s" },
                receipt.rider.rider_id,
                checked.checkpoint.origin,
                checked.checkpoint.size,
                receipt.rider.text_sha256
            );
            Ok(())
        }
        Err(problems) => {
            for problem in &problems {
                println!("not valid: {problem}");
            }
            bail!(
                "the receipt does not verify ({} problem(s))",
                problems.len()
            )
        }
    }
}

async fn verify_ledger(
    pool: &sqlx::PgPool,
    only: Option<i64>,
    verifier: &VerifierKey,
) -> anyhow::Result<()> {
    let reports = crate::ledger::verify_all(pool, only, verifier).await?;
    if only.is_some() && reports.is_empty() {
        bail!("there is no production with that id");
    }
    println!("checking signatures with {verifier}");
    let broken = reports.iter().filter(|r| !print_report(r)).count();
    if broken > 0 {
        bail!("{broken} production log(s) do not verify");
    }
    Ok(())
}

/// Prints what was found for one production's log; true when it is intact.
fn print_report(report: &crate::ledger::Report) -> bool {
    let id = report.production_id;
    if report.is_intact() {
        println!(
            "production {id}: {} entries, chain intact, {} signed checkpoint{} checked{}",
            report.entries,
            report.checkpoints,
            if report.checkpoints == 1 { "" } else { "s" },
            if report.awaiting > 0 {
                format!(" ({} newest entries await the next)", report.awaiting)
            } else {
                String::new()
            }
        );
        return true;
    }
    if let Err(at) = &report.result {
        println!("production {id}: chain BROKEN at {at}");
    }
    for problem in &report.checkpoint_problems {
        println!("production {id}: {problem}");
    }
    for row in &report.state {
        println!("production {id}: state disagrees with the log: {row}");
    }
    false
}

/// `ledger export`: to the file (removed again if the export fails) or to standard output.
async fn export_ledger(
    pool: &sqlx::PgPool,
    production_id: i64,
    verifier: &VerifierKey,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let Some(path) = out else {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        crate::ledger::export::export(pool, production_id, verifier, &mut stdout).await?;
        return Ok(());
    };
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    match crate::ledger::export::export(pool, production_id, verifier, &mut writer).await {
        Ok(done) => {
            writer.into_inner()?.sync_all()?;
            eprintln!(
                "wrote production {production_id}'s log to {}: {} entries, {} checkpoints",
                path.display(),
                done.entries,
                done.checkpoints
            );
            Ok(())
        }
        Err(err) => {
            drop(writer);
            let _ = std::fs::remove_file(path);
            Err(err)
        }
    }
}

/// `ledger verify --file`: an export checked with nothing but the file and the key.
fn verify_export(path: &Path, key: Option<VerifierKey>) -> anyhow::Result<()> {
    let given = key.is_some();
    let check = crate::ledger::export::verify_file(path, key)?;
    if !given {
        eprintln!(
            "warning: checking with the key the export itself names. That shows the file is \
             consistent with itself, not that it is the log's: compare this key with the one \
             the log publishes, or pass it with --key."
        );
    }
    println!("checking signatures with {}", check.checked_with);
    let id = check.report.production_id;
    let mut intact = print_report(&check.report);
    for problem in &check.problems {
        println!("production {id}: {problem}");
        intact = false;
    }
    if !intact {
        bail!("the export of production {id}'s log does not verify");
    }
    Ok(())
}

/// `closedset keys rotate`: a new master key version in the key file, every live data key
/// re-wrapped under it in one transaction, then the old versions dropped from the file. The
/// sealed values themselves do not change. A crash in between leaves both versions in the file,
/// so nothing is lost; running it again finishes the job.
pub async fn rotate_keys(config: &Config) -> anyhow::Result<()> {
    if !config.vault_key.exists() {
        anyhow::bail!(
            "there is no master key file at {} (set CLOSEDSET_VAULT_KEY to the server's)",
            config.vault_key.display()
        );
    }
    let mut master = crate::vault::MasterKeys::load_or_create(&config.vault_key)?;
    let version = master.add_version(&config.vault_key)?;
    let vault = crate::vault::Vault::new(master);
    let database = open_for(config, db::Purpose::Command).await?;
    let mut tx = database.pool.begin().await?;
    let count = vault.rewrap_all(&mut tx).await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Action::KeysRotated,
        crate::audit::Entry {
            detail: &format!("master key version {version}, {count} data keys"),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    database.pool.close().await;
    let mut master = crate::vault::MasterKeys::load_or_create(&config.vault_key)?;
    master.retire_old(&config.vault_key)?;
    println!("master key version {version}: {count} data keys re-wrapped");
    Ok(())
}
