//! Where the data lives: an external server named by `DATABASE_URL`, or the private cluster.
//! Migrates as the tables' owner at start-up and connects the server as a role that owns
//! nothing, so it cannot switch off the ledger's append-only guard (README: "Database roles").

mod ctl;
pub mod embedded;
pub mod hub;
pub mod postmaster;
pub mod supervise;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::config::Config;

pub use ctl::Ctl;
pub use embedded::{Durability, EmbeddedPostgres, PrivateCluster};
pub use supervise::Health;

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The login role the server connects as inside the private cluster. It owns nothing, so it
/// cannot disable a trigger, drop a table or truncate one: only the owner can.
pub const APPLICATION_ROLE: &str = "closedset_app";

/// Taken while granting, so that two servers starting together do not grant at once (PostgreSQL
/// answers concurrent grants on one table with "tuple concurrently updated").
const GRANT_LOCK: i64 = 727_050;

/// The database the server runs on, and the private cluster behind it if there is one.
#[derive(Debug)]
pub struct Database {
    /// Connected as the server's role: in the private cluster `APPLICATION_ROLE`, otherwise
    /// whoever `DATABASE_URL` names.
    pub pool: PgPool,
    pub cluster: Option<EmbeddedPostgres>,
}

/// What the database is opened for: serving (which needs the private cluster to itself), or a
/// command, which may work beside a server already running it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Serve,
    Command,
}

/// Connects to `DATABASE_URL` when given, otherwise starts the private cluster in the data
/// directory (or, for a command, joins the one a running server started); migrates as the
/// tables' owner and grants the server's role what it needs.
pub async fn open(config: &Config, purpose: Purpose) -> anyhow::Result<Database> {
    let database = match config.database_url.as_deref() {
        Some(url) => open_external(url, config.migration_database_url.as_deref()).await?,
        None => open_private_cluster(config, purpose).await?,
    };
    warn_if_the_server_owns_the_tables(&database.pool).await?;
    Ok(database)
}

async fn open_external(url: &str, migration_url: Option<&str>) -> anyhow::Result<Database> {
    let pool = pool_options()
        .connect_with(external_options(url, "DATABASE_URL")?)
        .await
        .context("connecting to PostgreSQL (DATABASE_URL)")?;
    match migration_url {
        Some(owner_url) => {
            let mut owner = external_options(owner_url, "CLOSEDSET_MIGRATION_DATABASE_URL")?
                .connect()
                .await
                .context(
                    "connecting to PostgreSQL as the owner (CLOSEDSET_MIGRATION_DATABASE_URL)",
                )?;
            let role: String = sqlx::query_scalar("select current_user::text")
                .fetch_one(&pool)
                .await?;
            migrate_and_grant(&mut owner, &role).await?;
            owner.close().await?;
        }
        // As before roles were separated: the server's role runs the migrations, so it owns
        // what they make (and is warned about it).
        None => MIGRATOR.run(&pool).await.context("running migrations")?,
    }
    Ok(Database {
        pool,
        cluster: None,
    })
}

async fn open_private_cluster(config: &Config, purpose: Purpose) -> anyhow::Result<Database> {
    let data_dir = config.data_dir.clone();
    let private = tokio::task::spawn_blocking(move || match purpose {
        Purpose::Serve => EmbeddedPostgres::start(&data_dir, Durability::Durable, false)
            .map(PrivateCluster::Started),
        Purpose::Command => EmbeddedPostgres::start_or_join(&data_dir, Durability::Durable, false),
    })
    .await??;
    let cluster = match private {
        PrivateCluster::Started(cluster) => cluster,
        beside @ PrivateCluster::Beside { server, .. } => {
            // The server migrated and granted when it started; connect as it does.
            tracing::info!(
                "the private cluster is running for the Closed Set server (pid {server}); \
                 working beside it"
            );
            let pool = pool_options()
                .connect_with(
                    beside
                        .connect_options("closedset")
                        .username(APPLICATION_ROLE),
                )
                .await
                .context("connecting to the running server's private cluster")?;
            return Ok(Database {
                pool,
                cluster: None,
            });
        }
    };
    let mut superuser = cluster
        .connect_options("postgres")
        .connect()
        .await
        .context("connecting to the private cluster")?;
    create_database_if_missing(&mut superuser, "closedset").await?;
    create_application_role(&mut superuser, APPLICATION_ROLE).await?;
    superuser.close().await?;

    let mut owner = cluster
        .connect_options("closedset")
        .connect()
        .await
        .context("connecting to the private cluster")?;
    migrate_and_grant(&mut owner, APPLICATION_ROLE).await?;
    owner.close().await?;

    let pool = pool_options()
        .connect_with(
            cluster
                .connect_options("closedset")
                .username(APPLICATION_ROLE),
        )
        .await
        .context("connecting to the private cluster as the application's role")?;
    Ok(Database {
        pool,
        cluster: Some(cluster),
    })
}

/// Runs the migrations as the owner, then grants `role` what the server needs on what they made.
pub async fn migrate_and_grant(owner: &mut PgConnection, role: &str) -> anyhow::Result<()> {
    MIGRATOR
        .run(&mut *owner)
        .await
        .context("running migrations")?;
    grant_application_role(owner, role)
        .await
        .context("granting the server's role its privileges")
}

/// Creates `role` as a login role with no special powers, unless it exists.
pub async fn create_application_role(conn: &mut PgConnection, role: &str) -> anyhow::Result<()> {
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_roles where rolname = $1)")
            .bind(role)
            .fetch_one(&mut *conn)
            .await?;
    if exists {
        return Ok(());
    }
    let created = sqlx::query(&format!(
        "create role {} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls",
        ident(role)
    ))
    .execute(&mut *conn)
    .await;
    match created {
        Ok(_) => Ok(()),
        // Another process created it between our look and our create.
        Err(sqlx::Error::Database(err)) if err.code().as_deref() == Some("42710") => Ok(()),
        Err(err) => Err(err).with_context(|| format!("creating the database role {role}")),
    }
}

/// Gives `role` exactly what the server needs, and nothing more, on every table, sequence and
/// function in the schema the migrations use and in `tower_sessions` (where sessions live):
/// reading and writing rows, except that the append-only tables below may only be read and
/// added to. Never truncate, never change a table.
///
/// Run after the migrations on every start: `alter default privileges` alone would not cover a
/// table a later migration makes under another owner, and granting again puts right whatever
/// was changed by hand. Revoking first makes the result the same whatever was granted before.
pub async fn grant_application_role(owner: &mut PgConnection, role: &str) -> anyhow::Result<()> {
    /// Tables whose rows are records: the server reads and appends, never changes or removes.
    /// A name whose table does not exist (yet) is skipped.
    const APPEND_ONLY: &[&str] = &[
        "consent_event",
        "record_view",
        "conversation_version",
        "conversation_version_performer",
        "ledger_checkpoint",
        "admin_audit",
    ];
    /// Tables the server never touches.
    const NONE: &[&str] = &["_sqlx_migrations"];

    let mut tx = owner.begin().await?;
    let (me, schema): (String, String) =
        sqlx::query_as("select current_user::text, current_schema()::text")
            .fetch_one(&mut *tx)
            .await?;
    if me == role {
        // Revoking from ourselves would take the owner's own rights away; the server runs as
        // the owner and is warned about it at start-up.
        return Ok(());
    }
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(GRANT_LOCK)
        .execute(&mut *tx)
        .await?;
    let role_name = ident(role);
    let schemas = format!("{}, tower_sessions", ident(&schema));
    for statement in [
        format!("revoke all on all tables in schema {schemas} from {role_name}"),
        format!("revoke all on all sequences in schema {schemas} from {role_name}"),
        format!("grant usage on schema {schemas} to {role_name}"),
        format!(
            "grant select, insert, update, delete on all tables in schema {schemas} \
             to {role_name}"
        ),
        // Identity columns draw from sequences.
        format!("grant usage, select on all sequences in schema {schemas} to {role_name}"),
        format!("grant execute on all functions in schema {schemas} to {role_name}"),
    ] {
        sqlx::query(&statement).execute(&mut *tx).await?;
    }
    let existing: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = $1 and tablename = any($2)",
    )
    .bind(&schema)
    .bind(
        APPEND_ONLY
            .iter()
            .chain(NONE)
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
    )
    .fetch_all(&mut *tx)
    .await?;
    for table in existing {
        let taken = if NONE.contains(&table.as_str()) {
            "all"
        } else {
            "update, delete"
        };
        sqlx::query(&format!(
            "revoke {taken} on {}.{} from {role_name}",
            ident(&schema),
            ident(&table)
        ))
        .execute(&mut *tx)
        .await?;
    }
    // The one change their triggers allow: a version written before encryption has its clear
    // text replaced by its sealed form, once (migration 0026, the start-up sweep).
    for (table, columns) in SEALED_ONCE {
        if sqlx::query_scalar::<_, bool>("select to_regclass($1) is not null")
            .bind(table)
            .fetch_one(&mut *tx)
            .await?
        {
            sqlx::query(&format!(
                "grant update ({columns}) on {}.{} to {role_name}",
                ident(&schema),
                ident(table)
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Append-only tables whose clear text columns the server may replace by their sealed form.
const SEALED_ONCE: &[(&str, &str)] = &[
    ("conversation_version", "summary, summary_sealed"),
    ("conversation_version_performer", "note, note_sealed"),
];

/// A role that owns the tables (or any superuser) can disable the triggers that keep the consent
/// ledger and the access log append-only; say so, once, at start-up.
async fn warn_if_the_server_owns_the_tables(pool: &PgPool) -> anyhow::Result<()> {
    let (superuser, owner): (bool, bool) = sqlx::query_as(
        "select r.rolsuper,
                exists (select 1 from pg_class c
                        where c.relnamespace = current_schema()::regnamespace
                          and c.relkind = 'r'
                          and pg_has_role(current_user, c.relowner, 'member'))
         from pg_roles r where r.rolname = current_user",
    )
    .fetch_one(pool)
    .await
    .context("reading the server's database role")?;
    if superuser || owner {
        tracing::warn!(
            "the server's database role {} the tables, so it could switch off the guard that \
             keeps the consent ledger append-only; run the server as a role that owns nothing \
             and give the owner's connection in CLOSEDSET_MIGRATION_DATABASE_URL (README, \
             \"Database roles\")",
            if superuser {
                "is a superuser over"
            } else {
                "owns"
            }
        );
    }
    Ok(())
}

/// A `DATABASE_URL`-style setting read as connection options; `name` says which, in errors.
fn external_options(url: &str, name: &str) -> anyhow::Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| anyhow::anyhow!("{name} is not a PostgreSQL URL"))?;
    Ok(local_without_tls(url, options))
}

/// `name` quoted as an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A database on this machine (a Unix socket or a loopback address) is reached without TLS
/// unless the URL asks for an `sslmode`: there is no network to protect, and sqlx's default
/// (`prefer`) would spend a TLS handshake per new connection. A remote database keeps sqlx's
/// default or the URL's `sslmode` (rustls is compiled in; `verify-full` is advised).
pub fn local_without_tls(url: &str, options: PgConnectOptions) -> PgConnectOptions {
    let asks = url.contains("sslmode=") || std::env::var_os("PGSSLMODE").is_some();
    if asks || !is_local(&options) {
        return options;
    }
    options.ssl_mode(PgSslMode::Disable)
}

fn is_local(options: &PgConnectOptions) -> bool {
    if options.get_socket().is_some() {
        return true;
    }
    let host = options.get_host();
    host.starts_with('/')
        || host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Pool settings shared by the server and the tests.
///
/// The acquire timeout bounds how long a page waits for a connection before it answers 503
/// ("Back in a moment"): while the database is unreachable, sqlx keeps retrying a refused
/// connection until this deadline. Two seconds is far beyond a normal wait (a page holds a
/// connection for milliseconds, so even a burst queued on eight is served well within it) yet
/// short enough that a person is not left staring at a blank tab during an outage.
///
/// No ping before each acquire: it cost a round trip per statement (27 % of a cached
/// dashboard request's samples). A connection that broke while idle (the database restarted,
/// or its backend was terminated) is found by the statement that uses it instead; the
/// per-request statements then clear out the dead ones and run again once (`retry_once`).
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(2))
        .test_before_acquire(false)
}

/// Whether `err` says the connection itself broke (its backend was terminated, the server
/// restarted, the socket closed), so the same statement on another connection may succeed.
pub fn is_broken_connection(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// Pings every idle connection once and closes the dead ones, so the next acquire gets a live
/// connection or a new one. Run only after a statement found a broken connection: when one
/// idle connection died, usually all of them did.
pub async fn clear_dead_connections(pool: &PgPool) {
    let mut checked = Vec::new();
    // Holding each one until all are checked, so none is checked twice.
    for _ in 0..pool.num_idle() {
        let Some(mut conn) = pool.try_acquire() else {
            break;
        };
        if conn.ping().await.is_err() {
            conn.close_on_drop();
        }
        checked.push(conn);
    }
}

/// Runs `statement` and, if it failed on a broken connection, clears the dead connections and
/// runs it once more. For statements that change nothing or change it idempotently.
pub async fn retry_once<T, F, Fut>(pool: &PgPool, statement: F) -> Result<T, sqlx::Error>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    match statement().await {
        Err(err) if is_broken_connection(&err) => {
            tracing::info!(error = %err, "a pooled connection was broken; trying once more");
            clear_dead_connections(pool).await;
            statement().await
        }
        other => other,
    }
}

async fn create_database_if_missing(conn: &mut PgConnection, name: &str) -> anyhow::Result<()> {
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        sqlx::query(&format!("create database {}", ident(name)))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> String {
        let options = PgConnectOptions::from_str(url).unwrap();
        format!("{:?}", local_without_tls(url, options).get_ssl_mode())
    }

    #[test]
    fn local_databases_skip_tls_unless_the_url_asks() {
        assert_eq!(mode("postgres://u@localhost/db"), "Disable");
        assert_eq!(mode("postgres://u@127.0.0.1:5432/db"), "Disable");
        assert_eq!(mode("postgres://u@[::1]/db"), "Disable");
        assert_eq!(mode("postgres://u@localhost/db?host=/tmp/sock"), "Disable");
        assert_eq!(mode("postgres://u@localhost/db?sslmode=require"), "Require");
        assert_eq!(mode("postgres://u@db.example.com/db"), "Prefer");
    }
}
