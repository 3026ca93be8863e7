//! What every handler can reach: the database pool, the configuration, this process's live
//! notice hub and the page cache.

use std::sync::Arc;

use sqlx::PgPool;

use super::cache::PageCache;
use crate::config::Config;
use crate::db::hub::LiveHub;
use crate::ledger::LogKey;
use crate::vault::Vault;

#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// This process's live-notice fan-out; its listener starts with `crate::app`.
    pub live: LiveHub,
    /// Rendered page bodies by production revision (the producer dashboard).
    pub pages: Arc<PageCache>,
    /// Signs the consent log's checkpoints.
    pub log_key: Arc<LogKey>,
    /// Seals and opens the most sensitive text (`crate::vault`).
    pub vault: Vault,
}

impl AppState {
    /// Reads (or on first run creates) the log's signing key named in the configuration.
    pub fn new(pool: PgPool, config: Config) -> anyhow::Result<Self> {
        let log_key = LogKey::load_or_create(&config.log_key, &config.log_name)?;
        let vault = Vault::load_or_create(&config.vault_key)?;
        Ok(AppState::with_keys(pool, config, log_key, vault))
    }

    /// With a signing key and a vault the caller already holds.
    pub fn with_keys(pool: PgPool, config: Config, log_key: LogKey, vault: Vault) -> Self {
        AppState {
            pool,
            config: Arc::new(config),
            live: LiveHub::new(),
            pages: Arc::default(),
            log_key: Arc::new(log_key),
            vault,
        }
    }
}
