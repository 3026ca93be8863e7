//! Where the data lives: an external server named by `DATABASE_URL`, or the private cluster.
//! Opens the pool and runs the embedded migrations at start-up either way.

pub mod embedded;
pub mod hub;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{ConnectOptions, PgPool};

pub use embedded::{Durability, EmbeddedPostgres};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The database the server runs on, and the private cluster behind it if there is one.
#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<EmbeddedPostgres>,
}

/// Connects to `DATABASE_URL` when given, otherwise starts the private cluster in `data_dir`;
/// then migrates.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Database> {
    let (options, cluster) = match database_url {
        Some(url) => (
            local_without_tls(
                url,
                PgConnectOptions::from_str(url).context("DATABASE_URL is not a PostgreSQL URL")?,
            ),
            None,
        ),
        None => {
            let data_dir = data_dir.to_path_buf();
            let cluster = tokio::task::spawn_blocking(move || {
                EmbeddedPostgres::start(&data_dir, Durability::Durable, false)
            })
            .await??;
            create_database_if_missing(&cluster, "closedset").await?;
            (cluster.connect_options("closedset"), Some(cluster))
        }
    };
    let pool = pool_options()
        .connect_with(options)
        .await
        .context("connecting to PostgreSQL")?;
    MIGRATOR.run(&pool).await.context("running migrations")?;
    Ok(Database { pool, cluster })
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
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(3))
}

async fn create_database_if_missing(cluster: &EmbeddedPostgres, name: &str) -> anyhow::Result<()> {
    let mut conn = cluster
        .connect_options("postgres")
        .connect()
        .await
        .context("connecting to the private cluster")?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        sqlx::query(&format!("create database \"{name}\""))
            .execute(&mut conn)
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
