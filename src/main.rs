//! The `closedset` command: serve the application, load the demo, create accounts, check the
//! consent log and receipts.
//! Reads its settings from the environment; see the README's configuration table.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use closedset::auth::password::{self, Password};
use closedset::ledger::receipt::{self, Receipt};
use closedset::ledger::{LogKey, VerifierKey};
use closedset::{AppState, Config, db};
use tracing_subscriber::EnvFilter;

const USAGE: &str = "\
Usage:
  closedset [serve]                          run the server
  closedset demo                             load the demo production, then serve
  closedset demo --large [--no-serve]        load a production of benchmark size (300 scenes,
                                             600 riders, 5,000 ledger entries), then serve
  closedset ledger verify [--production ID] [--key VERIFIER-KEY]
                                             recompute the consent log: hash chain, Merkle tree,
                                             signed checkpoints; exits non-zero naming what does
                                             not match (the key: the log's public key, or a file
                                             holding it; by default this server's own)
  closedset ledger export --production ID [--out FILE] [--key VERIFIER-KEY]
                                             write one production's log as JSON Lines (to
                                             standard output by default), for an auditor; the
                                             key it names is this server's own unless given
  closedset ledger verify --file FILE [--key VERIFIER-KEY]
                                             check an export with no database: the same checks,
                                             with the log's public key (by default the key the
                                             export names, with a warning); see docs/verify.md
  closedset receipt verify FILE [--key VERIFIER-KEY]
                                             check a performer's consent receipt on its own,
                                             without the database: signature, proofs, hashes,
                                             text; exits non-zero naming each problem (the key:
                                             by default this server's own, else the one in the
                                             receipt, with a warning)
  closedset user create --email E [--admin] [--name N]
                                             create an account (password asked on the terminal
                                             or read from the first line of standard input)

Settings come from the environment: DATABASE_URL, CLOSEDSET_MIGRATION_DATABASE_URL,
CLOSEDSET_DATA_DIR, CLOSEDSET_LISTEN, CLOSEDSET_BASE_URL (see README.md).";

fn main() -> ExitCode {
    tune_allocator();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn")),
        )
        // Standard output is for what a command produces (an export can be piped).
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("starting the async runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("closedset: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc keeps freed heap memory for reuse, and under many concurrent requests that leaves tens of
/// megabytes resident that the server no longer uses. Giving memory above 64 KiB back to the system
/// keeps the resident size near what is live: measured with `bench/run.sh`, 67 MB became 25 MB
/// under load at the same throughput.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn tune_allocator() {
    // SAFETY: mallopt only sets allocator thresholds; it runs first thing in main, before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 * 1024);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

async fn run(args: Vec<String>) -> anyhow::Result<()> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let config = Config::from_env()?;
    match words.as_slice() {
        [] | ["serve"] => {
            let database = open(&config).await?;
            serve(config, database).await
        }
        ["demo"] => {
            let database = open(&config).await?;
            closedset::demo::load(&database.pool).await?;
            println!("{}", closedset::demo::ACCOUNTS_NOTICE);
            serve(config, database).await
        }
        ["user", "create", rest @ ..] => {
            let database = open(&config).await?;
            create_user(&database.pool, rest).await
        }
        ["ledger", "verify", rest @ ..] => {
            let mut only = None;
            let mut key = None;
            let mut file = None;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match (*arg, it.next()) {
                    ("--production", Some(id)) => {
                        only = Some(id.parse().context("--production takes a number")?)
                    }
                    ("--key", Some(text)) => key = Some(read_verifier(text)?),
                    ("--file", Some(path)) => file = Some(PathBuf::from(path)),
                    _ => bail!(
                        "usage: closedset ledger verify [--production ID] [--key VERIFIER-KEY]\n       \
                         closedset ledger verify --file FILE [--key VERIFIER-KEY]"
                    ),
                }
            }
            if let Some(file) = file {
                if only.is_some() {
                    bail!("an export holds one production: --file takes no --production");
                }
                // Nothing of the server is needed: no database, no signing key.
                return verify_export(&file, key);
            }
            let verifier = match key {
                Some(key) => key,
                None => own_verifier(&config)?,
            };
            let database = open(&config).await?;
            verify_ledger(&database.pool, only, &verifier).await
        }
        ["ledger", "export", rest @ ..] => {
            let mut only = None;
            let mut key = None;
            let mut out = None;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match (*arg, it.next()) {
                    ("--production", Some(id)) => {
                        only = Some(id.parse().context("--production takes a number")?)
                    }
                    ("--key", Some(text)) => key = Some(read_verifier(text)?),
                    ("--out", Some(path)) => out = Some(PathBuf::from(path)),
                    _ => bail!(
                        "usage: closedset ledger export --production ID [--out FILE] \
                         [--key VERIFIER-KEY]"
                    ),
                }
            }
            let production_id: i64 = only.context("--production is required")?;
            let verifier = match key {
                Some(key) => key,
                None => own_verifier(&config)?,
            };
            let database = open(&config).await?;
            export_ledger(&database.pool, production_id, &verifier, out.as_deref()).await
        }
        ["receipt", "verify", rest @ ..] => verify_receipt(&config, rest),
        ["demo", "--large", rest @ ..] => {
            let database = open(&config).await?;
            let started = std::time::Instant::now();
            let id = closedset::demo::large::load(&database.pool).await?;
            let key = LogKey::load_or_create(&config.log_key, &config.log_name)?;
            closedset::ledger::checkpoint::seal_all(&database.pool, &key).await?;
            println!(
                "Production {id} ready in {:.1} s.\n{}",
                started.elapsed().as_secs_f64(),
                closedset::demo::large::ACCOUNTS_NOTICE
            );
            match rest {
                [] => serve(config, database).await,
                ["--no-serve"] => {
                    database.pool.close().await;
                    Ok(())
                }
                _ => bail!("usage: closedset demo --large [--no-serve]"),
            }
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown command\n\n{USAGE}"),
    }
}

async fn open(config: &Config) -> anyhow::Result<db::Database> {
    if config.database_url.is_none() {
        tracing::info!(data_dir = %config.data_dir.display(), "starting the private PostgreSQL cluster");
    }
    db::open(config).await
}

async fn serve(config: Config, mut database: db::Database) -> anyhow::Result<()> {
    password::warm_up();
    let listen = config.listen;
    let state = AppState::new(database.pool.clone(), config)?;
    let app = closedset::app(state.clone())?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    tracing::info!("Closed Set is listening on {}", state.config.base_url);
    tracing::info!(
        "consent log checkpoints are signed with the key {} (its public half; see docs/verify.md)",
        state.log_key.verifier()
    );
    tokio::spawn(closedset::web::housekeeping(state.pool.clone()));
    tokio::spawn(closedset::ledger::checkpoint::keep_sealing(
        state.pool.clone(),
        state.log_key.clone(),
    ));

    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown({
        let live = state.live.clone();
        async move {
            shutdown_signal().await;
            // Open live streams never end by themselves.
            live.shut_down();
        }
    })
    .await;
    // In-flight requests have finished; now the database can go.
    database.pool.close().await;
    if let Some(cluster) = database.cluster.as_mut() {
        cluster.stop()?;
        tracing::info!("the private PostgreSQL cluster is stopped");
    }
    served.context("serving")
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// A verifier key given as its text (`name+id+key`) or as a file holding it.
fn read_verifier(text: &str) -> anyhow::Result<VerifierKey> {
    let text = match std::fs::read_to_string(text) {
        Ok(file) => file,
        Err(_) => text.to_string(),
    };
    text.trim()
        .parse()
        .context("--key takes a verifier key or a file holding one")
}

/// This server's own verifier key, from its signing key file.
fn own_verifier(config: &Config) -> anyhow::Result<VerifierKey> {
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
fn verify_receipt(config: &Config, args: &[&str]) -> anyhow::Result<()> {
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
    let reports = closedset::ledger::verify_all(pool, only, verifier).await?;
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
fn print_report(report: &closedset::ledger::Report) -> bool {
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
        closedset::ledger::export::export(pool, production_id, verifier, &mut stdout).await?;
        return Ok(());
    };
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    match closedset::ledger::export::export(pool, production_id, verifier, &mut writer).await {
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
    let check = closedset::ledger::export::verify_file(path, key)?;
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

async fn create_user(pool: &sqlx::PgPool, args: &[&str]) -> anyhow::Result<()> {
    let mut email = None;
    let mut name = None;
    let mut admin = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--admin" => admin = true,
            "--email" => email = it.next().map(|s| s.to_string()),
            "--name" => name = it.next().map(|s| s.to_string()),
            "--password" => bail!(
                "passwords are never taken from the command line; type it when asked, \
                 or pipe it on standard input"
            ),
            other => bail!("unknown option {other}\n\n{USAGE}"),
        }
    }
    let email = email.context("--email is required")?;
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
    let password = read_password()?;
    let user_id = closedset::auth::create_user(pool, &email, &name, &password, admin).await?;
    println!(
        "Created {}account {email} (id {user_id}).",
        if admin { "administrator " } else { "" }
    );
    Ok(())
}

fn read_password() -> anyhow::Result<Password> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let again = rpassword::prompt_password("Same password again: ")?;
        if first != again {
            bail!("the two passwords are not the same");
        }
        Ok(Password::new(first))
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(Password::new(line.trim_end_matches(['\r', '\n'])))
    }
}
