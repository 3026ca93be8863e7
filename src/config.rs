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
    /// Wrong passwords allowed for one account from one client address within
    /// `sign_in_window`; then that address is paused for that account (the owner elsewhere,
    /// or with a reset link, still gets in).
    pub sign_in_max_failures: i64,
    /// Wrong passwords allowed from one client address, whatever the accounts, within
    /// `sign_in_window`; then the address is paused for every account.
    pub sign_in_max_failures_per_address: i64,
    /// Each wrong password from an address past the third is answered this much later than
    /// the one before (up to a second), so guessing slows before it pauses.
    pub sign_in_slowdown: Duration,
    /// Password reset e-mails allowed per account, and per client address, within an hour.
    pub reset_requests_per_hour: i64,
    /// Proxies whose forwarding headers name the client (`CLOSEDSET_TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    pub sign_in_window: Duration,
    /// Where e-mail goes (`CLOSEDSET_SMTP_URL`); none means no e-mail.
    pub smtp: Option<SmtpRelay>,
    /// The sender of e-mail notices (`CLOSEDSET_MAIL_FROM`).
    pub mail_from: String,
    /// The consent log's Ed25519 signing key file (`CLOSEDSET_LOG_KEY`), created on first run;
    /// by default beside the data directory, never inside the database.
    pub log_key: PathBuf,
    /// The name a new signing key gets (`CLOSEDSET_LOG_NAME`): by default the host of
    /// `base_url`. Each production's log is `<name>/production/<id>`.
    pub log_name: String,
    /// The master key file that wraps the data keys of sealed fields (`CLOSEDSET_VAULT_KEY`),
    /// created on first run; by default beside the data directory, never inside the database.
    pub vault_key: PathBuf,
}

/// The SMTP relay e-mail goes through, as `CLOSEDSET_SMTP_URL` names it: `smtp://host:port`
/// (no TLS), `smtp://user:password@host:port?tls=required` (STARTTLS, refused if the relay does
/// not offer it) or `smtps://user:password@host:port` (TLS from the first byte). The URL may
/// hold a password, so it is never printed whole.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpRelay {
    url: String,
}

impl SmtpRelay {
    /// Checks the URL as lettre will read it, and refuses a password that would cross the
    /// network in clear (credentials without TLS are allowed only to a relay on this machine).
    pub fn parse(url: &str) -> anyhow::Result<SmtpRelay> {
        let url = url.trim();
        let parsed = url::Url::parse(url).context(
            "CLOSEDSET_SMTP_URL must look like smtp://host:port, \
             smtp://user:password@host:587?tls=required or smtps://user:password@host:465",
        )?;
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let encrypted = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => false,
            ("smtp", Some("required")) | ("smtps", None) => true,
            ("smtp", Some(other)) => anyhow::bail!(
                "CLOSEDSET_SMTP_URL: tls={other} is not supported; use tls=required (STARTTLS) \
                 or smtps:// (or leave tls out for a relay without TLS)"
            ),
            (scheme, _) => anyhow::bail!(
                "CLOSEDSET_SMTP_URL must start with smtp:// or smtps://, not {scheme}://"
            ),
        };
        let host = match parsed.host() {
            Some(host) => host,
            None => anyhow::bail!("CLOSEDSET_SMTP_URL names no host"),
        };
        let has_credentials = !parsed.username().is_empty() || parsed.password().is_some();
        let loopback = match host {
            // smtp is not a scheme the URL standard knows, so an IPv4 address arrives as a name.
            url::Host::Domain(name) => {
                name.eq_ignore_ascii_case("localhost")
                    || name
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            }
            url::Host::Ipv4(ip) => ip.is_loopback(),
            url::Host::Ipv6(ip) => ip.is_loopback(),
        };
        if has_credentials && !encrypted && !loopback {
            anyhow::bail!(
                "CLOSEDSET_SMTP_URL has a user and password but no TLS: the password would cross \
                 the network in clear. Add ?tls=required (STARTTLS, usually port 587) or use \
                 smtps:// (usually port 465)"
            );
        }
        // lettre reads the same URL when sending: refuse now what it would refuse then.
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("CLOSEDSET_SMTP_URL cannot be used: {e}"))?;
        Ok(SmtpRelay {
            url: url.to_string(),
        })
    }

    /// A relay on this machine without TLS or login (tests, a local Postfix).
    pub fn plain(host: &str, port: u16) -> SmtpRelay {
        SmtpRelay {
            url: format!("smtp://{host}:{port}"),
        }
    }

    /// The transport lettre sends through, with a timeout so a silent relay cannot hold a
    /// sender for ever.
    pub fn transport(&self) -> anyhow::Result<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>> {
        Ok(
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&self.url)?
                .timeout(Some(std::time::Duration::from_secs(15)))
                .build(),
        )
    }
}

// The URL may carry a password: show where mail goes, never who logs in.
impl std::fmt::Debug for SmtpRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = match url::Url::parse(&self.url) {
            Ok(url) => format!(
                "{}://{}{}{}",
                url.scheme(),
                if url.username().is_empty() && url.password().is_none() {
                    ""
                } else {
                    "[credentials]@"
                },
                url.host_str().unwrap_or(""),
                url.port().map(|p| format!(":{p}")).unwrap_or_default(),
            ),
            Err(_) => "[unreadable]".into(),
        };
        f.debug_tuple("SmtpRelay").field(&shown).finish()
    }
}

/// The reverse proxies (`CLOSEDSET_TRUSTED_PROXIES`, addresses and CIDR ranges separated by
/// commas or spaces) whose `Forwarded` / `X-Forwarded-For` headers name the real client.
/// Empty: every peer is the client, and those headers are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    pub fn parse(list: &str) -> anyhow::Result<TrustedProxies> {
        let mut nets = Vec::new();
        for item in list.split([',', ' ', '\t', '\n']).filter(|s| !s.is_empty()) {
            let net = match item.parse::<ipnet::IpNet>() {
                Ok(net) => net.trunc(),
                Err(_) => match item.parse::<std::net::IpAddr>() {
                    Ok(ip) => ipnet::IpNet::from(ip),
                    Err(_) => anyhow::bail!(
                        "CLOSEDSET_TRUSTED_PROXIES: {item:?} is neither an address (10.0.0.5, \
                         ::1) nor a range (10.0.0.0/8, fd00::/8)"
                    ),
                },
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a request from `ip` may tell us who its client is. An IPv4 address seen as
    /// IPv6 (`::ffff:10.0.0.5`, on a dual-stack socket) counts as the IPv4 address.
    pub fn trusts(&self, ip: std::net::IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// `::ffff:a.b.c.d` as `a.b.c.d`; any other address as it is.
pub fn canonical(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
        v4 => v4,
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
            .field("trusted_proxies", &self.trusted_proxies)
            .field("smtp", &self.smtp)
            .field("mail_from", &self.mail_from)
            .field("log_key", &self.log_key)
            .field("log_name", &self.log_name)
            .field("vault_key", &self.vault_key)
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
            sign_in_max_failures_per_address: 30,
            sign_in_slowdown: Duration::milliseconds(100),
            reset_requests_per_hour: 3,
            trusted_proxies: TrustedProxies::default(),
            sign_in_window: Duration::minutes(15),
            smtp: None,
            mail_from: "Closed Set <closedset@localhost>".into(),
            log_key: PathBuf::from("closedset-log.key"),
            log_name: "127.0.0.1:8080".into(),
            vault_key: PathBuf::from("closedset-vault.key"),
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
        if let Some(list) = var("CLOSEDSET_TRUSTED_PROXIES") {
            config.trusted_proxies = TrustedProxies::parse(&list)?;
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
        config.vault_key = match var("CLOSEDSET_VAULT_KEY") {
            Some(path) => PathBuf::from(path),
            None => beside(&config.data_dir, "closedset-vault.key"),
        };
        config.log_name = match var("CLOSEDSET_LOG_NAME") {
            Some(name) => name,
            None => host_of(&config.base_url),
        };
        Ok(config)
    }

    /// Browsers are told to come back only over https (HSTS) when that is how people reach us.
    pub fn strict_transport(&self) -> bool {
        self.secure_cookies()
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
    use super::{SmtpRelay, TrustedProxies};

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
        for good in [
            "smtp://127.0.0.1:2525",
            "smtp://mail.local",
            "smtp://user:pw@127.0.0.1:2525",
            "smtp://user:pw@mail.example.org:587?tls=required",
            "smtps://user:pw@mail.example.org:465",
            "smtps://mail.example.org",
        ] {
            assert!(SmtpRelay::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "smtp://mail.local:port",
            "http://mail.local",
            "smtp://mail.local?tls=opportunistic",
            "smtp://user:pw@mail.example.org:25",
            "mail.local:25",
        ] {
            assert!(SmtpRelay::parse(bad).is_err(), "{bad}");
        }
        let relay = SmtpRelay::parse("smtps://me:s3cret@mail.example.org:465").unwrap();
        let shown = format!("{relay:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("me:"),
            "{shown}"
        );
        assert!(shown.contains("mail.example.org:465"), "{shown}");
    }

    #[test]
    fn trusted_proxies_are_addresses_and_ranges() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7 ::1").unwrap();
        assert!(proxies.trusts("10.1.2.3".parse().unwrap()));
        assert!(proxies.trusts("192.0.2.7".parse().unwrap()));
        assert!(proxies.trusts("::ffff:10.9.9.9".parse().unwrap()));
        assert!(proxies.trusts("::1".parse().unwrap()));
        assert!(!proxies.trusts("192.0.2.8".parse().unwrap()));
        assert!(!proxies.trusts("11.0.0.1".parse().unwrap()));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        let refused = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(refused.to_string().contains("proxy.local"), "{refused}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }
}
