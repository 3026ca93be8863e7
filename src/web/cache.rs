//! Rendered page bodies kept per production revision and minute: computed once after a change
//! (or once a minute, for countdowns), then served until the revision or the minute moves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
    entries: Mutex<HashMap<(i64, &'static str), Entry>>,
}

impl PageCache {
    /// The body cached for this production, page, revision and minute, if any.
    pub fn get(
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
    pub fn put(
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
}
