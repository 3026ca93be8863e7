//! Where sessions are kept: tower-sessions' PostgreSQL store, read and written once more when
//! the pooled connection it used had broken. The pool no longer pings a connection before
//! handing it out, and the session's read is the first statement of every signed-in request.

use sqlx::PgPool;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::Result;
use tower_sessions_sqlx_store::PostgresStore;

/// The PostgreSQL session store, tried once more after clearing the pool's dead connections.
#[derive(Clone, Debug)]
pub struct RetryingStore {
    inner: PostgresStore,
    pool: PgPool,
}

impl RetryingStore {
    pub fn new(pool: PgPool) -> Self {
        RetryingStore {
            inner: PostgresStore::new(pool.clone()),
            pool,
        }
    }
}

// The store turns sqlx's errors into text, so any failure is tried once more: each operation
// is safe to repeat (a read, an upsert, a delete, an insert under a fresh id).
#[async_trait::async_trait]
impl SessionStore for RetryingStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self.inner.create(record).await {
            Ok(()) => Ok(()),
            Err(_) => {
                crate::db::clear_dead_connections(&self.pool).await;
                self.inner.create(record).await
            }
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self.inner.save(record).await {
            Ok(()) => Ok(()),
            Err(_) => {
                crate::db::clear_dead_connections(&self.pool).await;
                self.inner.save(record).await
            }
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self.inner.load(id).await {
            Ok(record) => Ok(record),
            Err(_) => {
                crate::db::clear_dead_connections(&self.pool).await;
                self.inner.load(id).await
            }
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self.inner.delete(id).await {
            Ok(()) => Ok(()),
            Err(_) => {
                crate::db::clear_dead_connections(&self.pool).await;
                self.inner.delete(id).await
            }
        }
    }
}
