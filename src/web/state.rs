//! What every handler can reach: the database pool, the configuration, this process's live
//! notice hub and the page cache.

use std::sync::Arc;

use sqlx::PgPool;

use super::cache::PageCache;
use crate::config::Config;
use crate::db::hub::LiveHub;

#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// This process's live-notice fan-out; its listener starts with `crate::app`.
    pub live: LiveHub,
    /// Rendered page bodies by production revision (the producer dashboard).
    pub pages: Arc<PageCache>,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config) -> Self {
        AppState {
            pool,
            config: Arc::new(config),
            live: LiveHub::new(),
            pages: Arc::default(),
        }
    }
}
