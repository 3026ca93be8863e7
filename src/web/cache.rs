//! Rendered page bodies kept per production revision and minute: computed once after a change
//! (or once a minute, for countdowns), then served until the revision or the minute moves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Which page of which production.
type Key = (i64, &'static str);

/// One cached body and what it was computed from.
#[derive(Debug)]
struct Entry {
    revision: i64,
    minute: i64,
    body: Arc<str>,
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
    /// The body cached for this production, page, revision and minute, if any.
    fn get(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
    ) -> Option<Arc<str>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&(production_id, page))
            .filter(|e| e.revision == revision && e.minute == minute)
            .map(|e| e.body.clone())
    }

    /// Keeps a body; an older one for the same page is replaced.
    fn put(
        &self,
        production_id: i64,
        page: &'static str,
        revision: i64,
        minute: i64,
        body: Arc<str>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(
            (production_id, page),
            Entry {
                revision,
                minute,
                body,
            },
        );
    }
}

impl PageCache {
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
        if let Some(body) = self.get(production_id, page, revision, minute) {
            return Ok(body);
        }
        let lock = {
            let mut computing = self.computing.lock().unwrap_or_else(|e| e.into_inner());
            computing.entry((production_id, page)).or_default().clone()
        };
        let _turn = lock.lock().await;
        // Someone ahead in the queue may have computed it already.
        if let Some(body) = self.get(production_id, page, revision, minute) {
            return Ok(body);
        }
        let body: Arc<str> = Arc::from(compute().await?);
        self.put(production_id, page, revision, minute, body.clone());
        Ok(body)
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
