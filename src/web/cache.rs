//! Rendered page bodies, and the facts several pages decide from, kept per production revision
//! and minute: computed once after a change (or once a minute, for countdowns), then served
//! until the revision or the minute moves.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Which page of which production.
type Key = (i64, &'static str);

/// One cached value (a body, or facts) and what it was computed from.
struct Entry {
    revision: i64,
    minute: i64,
    value: Arc<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("revision", &self.revision)
            .field("minute", &self.minute)
            .finish_non_exhaustive()
    }
}

/// Page bodies by (production, page). The revision comes from the production row the request
/// already loads, and every change that a cached page summarises moves it in the same
/// transaction (migration 0011), so a body is never served after a change has committed.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: Mutex<HashMap<Key, Entry>>,
    /// One lock per page being recomputed, so that a burst of views after a change computes the
    /// body once instead of once per waiting request.
    computing: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

impl PageCache {
    /// The value cached for this production, key, revision and minute, if any and of type `T`.
    fn get_value<T: Any + Send + Sync>(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
    ) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&(production_id, page))
            .filter(|e| e.revision == revision && e.minute == minute)
            .and_then(|e| e.value.clone().downcast::<T>().ok())
    }

    /// Keeps a value; an older one under the same key is replaced.
    fn put_value(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
        value: Arc<dyn Any + Send + Sync>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(
            (production_id, page),
            Entry {
                revision,
                minute,
                value,
            },
        );
    }

    /// The body cached for this production, page, revision and minute, if any.
    #[cfg(test)]
    fn get(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
    ) -> Option<Arc<str>> {
        self.get_value::<Arc<str>>(production_id, page, revision, minute)
            .map(|body| (*body).clone())
    }

    /// Keeps a body; an older one for the same page is replaced.
    #[cfg(test)]
    fn put(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
        body: Arc<str>,
    ) {
        self.put_value(production_id, page, revision, minute, Arc::new(body));
    }

    /// The cached value, or the one `compute` makes (once, however many requests wait for it).
    /// `key` names what is kept (a page, or facts such as a production's clearance); a value
    /// must depend only on the production's rows that move its revision, and on the minute.
    pub async fn get_or_compute_value<T, E, Fut>(
        &self,
        production_id: i64,
        key: &'static str,
        revision: i64,
        minute: i64,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get_value(production_id, key, revision, minute) {
            return Ok(value);
        }
        let lock = {
            let mut computing = self.computing.lock().unwrap_or_else(|e| e.into_inner());
            computing.entry((production_id, key)).or_default().clone()
        };
        let _turn = lock.lock().await;
        // Someone ahead in the queue may have computed it already.
        if let Some(value) = self.get_value(production_id, key, revision, minute) {
            return Ok(value);
        }
        let value = Arc::new(compute().await?);
        self.put_value(production_id, key, revision, minute, value.clone());
        Ok(value)
    }

    /// The cached body, or the one `compute` makes (once, however many requests wait for it).
    pub async fn get_or_compute<E, Fut>(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Arc<str>, E>
    where
        Fut: std::future::Future<Output = Result<String, E>>,
    {
        let body: Arc<Arc<str>> = self
            .get_or_compute_value(production_id, page, revision, minute, || async {
                compute().await.map(Arc::<str>::from)
            })
            .await?;
        Ok((*body).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_served_only_for_its_revision_and_minute() {
        let cache = PageCache::default();
        cache.put(1, "producer", 7, 100, Arc::from("seven"));
        assert_eq!(cache.get(1, "producer", 7, 100).as_deref(), Some("seven"));
        assert!(
            cache.get(1, "producer", 8, 100).is_none(),
            "a change moved the revision"
        );
        assert!(
            cache.get(1, "producer", 7, 101).is_none(),
            "a minute passed"
        );
        assert!(
            cache.get(2, "producer", 7, 100).is_none(),
            "another production"
        );
        cache.put(1, "producer", 8, 100, Arc::from("eight"));
        assert_eq!(cache.get(1, "producer", 8, 100).as_deref(), Some("eight"));
        assert!(cache.get(1, "producer", 7, 100).is_none());
    }

    #[tokio::test]
    async fn a_burst_of_misses_computes_once() {
        let cache = Arc::new(PageCache::default());
        let computed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (cache, computed) = (cache.clone(), computed.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_compute::<(), _>(1, "producer", 3, 50, || async {
                        computed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok("body".to_string())
                    })
                    .await
                    .unwrap()
            }));
        }
        for task in tasks {
            assert_eq!(&*task.await.unwrap(), "body");
        }
        assert_eq!(computed.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
