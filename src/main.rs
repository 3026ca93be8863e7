//! The `closedset` command: serve the application, load the demo, create accounts, check the
//! consent log and receipts.
//! Reads its settings from the environment; see the README's configuration table.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, bail};
use closedset::auth::password::{self, Password};
use closedset::ledger::LogKey;
use closedset::{AppState, Config, commands, db};
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
  closedset ledger key                       print this log's public (verifier) key
  closedset receipt verify FILE [--key VERIFIER-KEY]
                                             check a performer's consent receipt on its own,
                                             without the database: signature, proofs, hashes,
                                             text; exits non-zero naming each problem (the key:
                                             by default this server's own, else the one in the
                                             receipt, with a warning)
  closedset keys rotate                      make a new master key version, re-wrap every data
                                             key under it, and drop the old version from the
                                             key file (CLOSEDSET_VAULT_KEY; back it up after)
  closedset user create --email E [--admin] [--name N]
                                             create an account (password asked on the terminal
                                             or read from the first line of standard input)

The commands that read the database work beside a server running on the same
private data directory: they connect to its PostgreSQL instead of starting one.

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
            let database = open(&config, db::Purpose::Serve).await?;
            serve(config, database).await
        }
        ["demo"] => {
            let database = open(&config, db::Purpose::Serve).await?;
            closedset::demo::load(&database.pool).await?;
            println!("{}", closedset::demo::ACCOUNTS_NOTICE);
            serve(config, database).await
        }
        ["user", "create", rest @ ..] => {
            let database = open(&config, db::Purpose::Command).await?;
            create_user(&database.pool, rest).await
        }
        ["ledger", "verify", rest @ ..] => commands::verify(&config, rest).await,
        ["ledger", "export", rest @ ..] => commands::export(&config, rest).await,
        ["ledger", "key"] => commands::key(&config),
        ["keys", "rotate"] => commands::rotate_keys(&config).await,
        ["receipt", "verify", rest @ ..] => commands::verify_receipt(&config, rest),
        ["demo", "--large", rest @ ..] => {
            let purpose = if rest == ["--no-serve"] {
                db::Purpose::Command
            } else {
                db::Purpose::Serve
            };
            let database = open(&config, purpose).await?;
            let started = std::time::Instant::now();
            let id = closedset::demo::large::load(&database.pool).await?;
            let vault = closedset::vault::Vault::load_or_create(&config.vault_key)?;
            closedset::privacy::seal_existing(&database.pool, &vault).await?;
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

async fn open(config: &Config, purpose: db::Purpose) -> anyhow::Result<db::Database> {
    commands::open_for(config, purpose).await
}

async fn serve(config: Config, mut database: db::Database) -> anyhow::Result<()> {
    // Before anything can take long: a SIGTERM from here on shuts down cleanly.
    let shutdown = shutdown_signal()?;
    password::warm_up();
    let listen = config.listen;
    let state = AppState::new(database.pool.clone(), config)?;
    // Text written before encryption (or by the demo loader) is sealed before anyone reads it.
    let sealed = closedset::privacy::seal_existing(&state.pool, &state.vault).await?;
    if sealed.values > 0 {
        tracing::info!("sealed {} values written in clear before", sealed.values);
    }
    let health = db::Health::default();
    if let Some(cluster) = database.cluster.as_ref() {
        tokio::spawn(db::supervise::supervise(
            cluster.supervised(),
            health.clone(),
            db::supervise::Policy::default(),
        ));
    }
    let app =
        closedset::web::outage::guard(closedset::app(state.clone())?, state.pool.clone(), health);
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
            shutdown.await;
            // Open live streams never end by themselves.
            live.shut_down();
        }
    })
    .await;
    // In-flight requests have finished; now the database can go (also when it is down: there
    // is nothing to stop then).
    database.pool.close().await;
    if let Some(mut cluster) = database.cluster.take() {
        tokio::task::spawn_blocking(move || cluster.stop()).await??;
        tracing::info!("the private PostgreSQL cluster is stopped");
    }
    served.context("serving")
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a signal that arrives early is not lost.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {},
            _ = term.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
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
