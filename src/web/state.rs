//! What every handler can reach: the database pool, the configuration, this process's live
//! notice hub and the page cache.

use std::sync::Arc;

use sqlx::PgPool;

use super::cache::PageCache;
use crate::config::Config;
use crate::db::hub::LiveHub;
use crate::ledger::LogKey;

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
}

impl AppState {
    /// Reads (or on first run creates) the log's signing key named in the configuration.
    pub fn new(pool: PgPool, config: Config) -> anyhow::Result<Self> {
        let log_key = LogKey::load_or_create(&config.log_key, &config.log_name)?;
        Ok(AppState::with_key(pool, config, log_key))
    }

    /// With a signing key the caller already holds.
    pub fn with_key(pool: PgPool, config: Config, log_key: LogKey) -> Self {
        AppState {
            pool,
            config: Arc::new(config),
            live: LiveHub::new(),
            pages: Arc::default(),
            log_key: Arc::new(log_key),
        }
    }
}
