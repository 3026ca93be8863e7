//! Settings read from the environment at start-up.
//! Every variable has a default that works on a developer's machine.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use time::Duration;

/// Everything the server is told by its environment.
#[derive(Clone)]
pub struct Config {
    /// The server's own connection (`DATABASE_URL`); none means the private cluster.
    pub database_url: Option<String>,
    /// The tables' owner, for migrations and grants (`CLOSEDSET_MIGRATION_DATABASE_URL`); none
    /// means `DATABASE_URL` migrates too, and so owns the tables.
    pub migration_database_url: Option<String>,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// The public address people reach the server at; used for links and the Secure cookie flag.
    pub base_url: String,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Failed sign-ins allowed per account and per client address within `sign_in_window`.
    pub sign_in_max_failures: i64,
    pub sign_in_window: Duration,
    /// Where e-mail notices go (`CLOSEDSET_SMTP_URL`, `smtp://host:port`); none means no e-mail.
    pub smtp: Option<SmtpRelay>,
    /// The sender of e-mail notices (`CLOSEDSET_MAIL_FROM`).
    pub mail_from: String,
    /// The consent log's Ed25519 signing key file (`CLOSEDSET_LOG_KEY`), created on first run;
    /// by default beside the data directory, never inside the database.
    pub log_key: PathBuf,
    /// The name a new signing key gets (`CLOSEDSET_LOG_NAME`): by default the host of
    /// `base_url`. Each production's log is `<name>/production/<id>`.
    pub log_name: String,
}

/// An SMTP relay reached without TLS or authentication: a local relay (Postfix, msmtpd, a
/// provider's agent) that forwards the mail on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpRelay {
    pub host: String,
    pub port: u16,
}

impl SmtpRelay {
    /// Reads `smtp://host[:port]` (port 25 by default).
    pub fn parse(url: &str) -> anyhow::Result<SmtpRelay> {
        let rest = url.trim().strip_prefix("smtp://").context(
            "CLOSEDSET_SMTP_URL must look like smtp://host:port (smtps and credentials are not \
             supported: point it at a local relay)",
        )?;
        let rest = rest.trim_end_matches('/');
        if rest.contains('@') || rest.contains('/') || rest.is_empty() {
            anyhow::bail!("CLOSEDSET_SMTP_URL must look like smtp://host:port");
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (
                host.trim_start_matches('[').trim_end_matches(']'),
                port.parse()
                    .context("the port in CLOSEDSET_SMTP_URL must be a number")?,
            ),
            _ => (rest, 25),
        };
        Ok(SmtpRelay {
            host: host.to_string(),
            port,
        })
    }
}

// Database URLs carry passwords: never print them.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "migration_database_url",
                &self.migration_database_url.as_ref().map(|_| "[redacted]"),
            )
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("base_url", &self.base_url)
            .field("session_idle", &self.session_idle)
            .field("session_absolute", &self.session_absolute)
            .field("smtp", &self.smtp)
            .field("mail_from", &self.mail_from)
            .field("log_key", &self.log_key)
            .field("log_name", &self.log_name)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: None,
            migration_database_url: None,
            data_dir: PathBuf::from("data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: "http://127.0.0.1:8080".into(),
            session_idle: Duration::hours(12),
            session_absolute: Duration::days(7),
            sign_in_max_failures: 10,
            sign_in_window: Duration::minutes(15),
            smtp: None,
            mail_from: "Closed Set <closedset@localhost>".into(),
            log_key: PathBuf::from("closedset-log.key"),
            log_name: "127.0.0.1:8080".into(),
        }
    }
}

impl Config {
    /// Reads `DATABASE_URL` and the `CLOSEDSET_*` variables.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut config = Config {
            database_url: var("DATABASE_URL"),
            migration_database_url: var("CLOSEDSET_MIGRATION_DATABASE_URL"),
            ..Config::default()
        };
        if config.migration_database_url.is_some() && config.database_url.is_none() {
            anyhow::bail!(
                "CLOSEDSET_MIGRATION_DATABASE_URL needs DATABASE_URL as well: the private cluster \
                 (used when DATABASE_URL is unset) makes its own roles"
            );
        }
        if let Some(dir) = var("CLOSEDSET_DATA_DIR") {
            config.data_dir = PathBuf::from(dir);
        }
        if let Some(listen) = var("CLOSEDSET_LISTEN") {
            config.listen = listen
                .parse()
                .context("CLOSEDSET_LISTEN must be an address like 127.0.0.1:8080")?;
        }
        config.base_url = match var("CLOSEDSET_BASE_URL") {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", config.listen),
        };
        if let Some(hours) = var("CLOSEDSET_SESSION_IDLE_HOURS") {
            config.session_idle = Duration::hours(
                hours
                    .parse()
                    .context("CLOSEDSET_SESSION_IDLE_HOURS must be a whole number")?,
            );
        }
        if let Some(days) = var("CLOSEDSET_SESSION_MAX_DAYS") {
            config.session_absolute = Duration::days(
                days.parse()
                    .context("CLOSEDSET_SESSION_MAX_DAYS must be a whole number")?,
            );
        }
        if let Some(url) = var("CLOSEDSET_SMTP_URL") {
            config.smtp = Some(SmtpRelay::parse(&url)?);
        }
        if let Some(from) = var("CLOSEDSET_MAIL_FROM") {
            from.parse::<lettre::message::Mailbox>().context(
                "CLOSEDSET_MAIL_FROM must be an address like Closed Set <noreply@example.org>",
            )?;
            config.mail_from = from;
        }
        config.log_key = match var("CLOSEDSET_LOG_KEY") {
            Some(path) => PathBuf::from(path),
            None => beside(&config.data_dir, "closedset-log.key"),
        };
        config.log_name = match var("CLOSEDSET_LOG_NAME") {
            Some(name) => name,
            None => host_of(&config.base_url),
        };
        Ok(config)
    }

    /// Cookies get the Secure flag when people reach us over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// A file next to a directory (in its parent), so it is outside whatever the directory holds.
pub fn beside(dir: &std::path::Path, file: &str) -> PathBuf {
    match dir.parent() {
        Some(parent) => parent.join(file),
        None => PathBuf::from(file),
    }
}

/// `https://sets.example.org:8443/x` → `sets.example.org:8443`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_string()
}

#[cfg(test)]
mod tests {
    use super::SmtpRelay;

    #[test]
    fn the_log_key_lives_beside_the_data_directory() {
        use std::path::Path;
        assert_eq!(
            super::beside(Path::new("data"), "k"),
            Path::new("").join("k")
        );
        assert_eq!(
            super::beside(Path::new("/srv/cs/data"), "k"),
            Path::new("/srv/cs/k")
        );
        assert_eq!(
            super::host_of("https://sets.example.org:8443/x"),
            "sets.example.org:8443"
        );
    }

    #[test]
    fn smtp_urls() {
        assert_eq!(
            SmtpRelay::parse("smtp://127.0.0.1:2525").unwrap(),
            SmtpRelay {
                host: "127.0.0.1".into(),
                port: 2525
            }
        );
        assert_eq!(SmtpRelay::parse("smtp://mail.local").unwrap().port, 25);
        assert!(SmtpRelay::parse("smtps://mail.local:465").is_err());
        assert!(SmtpRelay::parse("smtp://user:pw@mail.local:25").is_err());
        assert!(SmtpRelay::parse("smtp://mail.local:port").is_err());
    }
}
