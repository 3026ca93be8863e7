//! Rendered page bodies, the data of production-wide pages, and the facts several pages decide
//! from, kept per production revision and minute: computed once after a change (or once a
//! minute, for countdowns), then served until the revision or the minute moves.
//!
//! Memory is bounded twice over: a value computed at a newer revision drops every value of the
//! same production from older ones (a revision never moves back, so they could never be served
//! again), and past `CAPACITY` values the least recently used one goes.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::i18n::Lang;

/// Which page (or facts) of which production, with the page's parameters (a week, a day, a
/// list's filters and page, the viewer's visibility class, the reader's language) as canonical
/// text.
type Key = (i64, &'static str, Box<str>);

/// How many values are kept at most, all productions together. A list page's data is tens of
/// kilobytes, so this bounds the cache to a few megabytes.
const CAPACITY: usize = 256;

/// One cached value (a body, or facts) and what it was computed from.
struct Entry {
    revision: i64,
    minute: i64,
    /// When it was last served, in the cache's own count of uses.
    used: u64,
    value: Arc<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("revision", &self.revision)
            .field("minute", &self.minute)
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

/// The minute entries that count down ("in 3 h", what is settled today) are kept by: the
/// `minute` argument of `get_or_compute_*` for such pages.
pub fn this_minute() -> i64 {
    time::OffsetDateTime::now_utc()
        .unix_timestamp()
        .div_euclid(60)
}

/// Page bodies by (production, page). The revision comes from the production row the request
/// already loads, and every change that a cached page summarises moves it in the same
/// transaction (migration 0011), so a body is never served after a change has committed.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: Mutex<Entries>,
    /// One lock per page being recomputed, so that a burst of views after a change computes the
    /// body once instead of once per waiting request.
    computing: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

/// The values, and the count of uses that orders them by recency.
#[derive(Debug, Default)]
struct Entries {
    map: HashMap<Key, Entry>,
    uses: u64,
}

impl PageCache {
    /// The value cached under `key` for this revision and minute, if any and of type `T`.
    fn get_value<T: Any + Send + Sync>(
        &self,
        key: &Key,
        revision: i64,
        minute: i64,
    ) -> Option<Arc<T>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.uses += 1;
        let now = entries.uses;
        let entry = entries
            .map
            .get_mut(key)
            .filter(|e| e.revision == revision && e.minute == minute)?;
        entry.used = now;
        entry.value.clone().downcast::<T>().ok()
    }

    /// Keeps a value; an older one under the same key is replaced, values of the production from
    /// older revisions are dropped, and past the capacity the least recently used goes.
    fn put_value(&self, key: Key, revision: i64, minute: i64, value: Arc<dyn Any + Send + Sync>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.uses += 1;
        let used = entries.uses;
        let production_id = key.0;
        entries
            .map
            .retain(|k, e| k.0 != production_id || e.revision >= revision);
        entries.map.insert(
            key,
            Entry {
                revision,
                minute,
                used,
                value,
            },
        );
        while entries.map.len() > CAPACITY {
            let oldest = entries
                .map
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => entries.map.remove(&k),
                None => break,
            };
        }
    }

    /// How many values are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
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
        self.get_value::<Arc<str>>(&(production_id, page, "".into()), revision, minute)
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
        self.put_value(
            (production_id, page, "".into()),
            revision,
            minute,
            Arc::new(body),
        );
    }

    /// The cached value, or the one `compute` makes (once, however many requests wait for it).
    /// `key` names what is kept (a page, or facts such as a production's clearance); a value
    /// must depend only on the production's rows that move its revision, and on the minute. It
    /// holds facts, not words: what people read is worded when a page is drawn from it, in the
    /// reader's language (a body or text with words is kept with `get_or_compute_with`).
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
        self.get_or_compute_keyed(production_id, key, "", revision, minute, compute)
            .await
    }

    /// As `get_or_compute_value`, for a page or text with parameters and words: `params` is
    /// their canonical text (and the viewer's visibility class, where what a page shows depends
    /// on who asks), and `lang` the language its words are in, so each combination is kept apart.
    #[allow(clippy::too_many_arguments)]
    pub async fn get_or_compute_with<T, E, Fut>(
        &self,
        production_id: i64,
        page: &'static str,
        lang: Lang,
        params: &str,
        revision: i64,
        minute: i64,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let params = format!("{}|{params}", lang.code());
        self.get_or_compute_keyed(production_id, page, &params, revision, minute, compute)
            .await
    }

    async fn get_or_compute_keyed<T, E, Fut>(
        &self,
        production_id: i64,
        page: &'static str,
        params: &str,
        revision: i64,
        minute: i64,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let key: Key = (production_id, page, params.into());
        if let Some(value) = self.get_value(&key, revision, minute) {
            return Ok(value);
        }
        let lock = {
            let mut computing = self.computing.lock().unwrap_or_else(|e| e.into_inner());
            computing.entry(key.clone()).or_default().clone()
        };
        let value = {
            let _turn = lock.lock().await;
            // Someone ahead in the queue may have computed it already.
            match self.get_value(&key, revision, minute) {
                Some(value) => Ok(value),
                None => match compute().await {
                    Ok(value) => {
                        let value = Arc::new(value);
                        self.put_value(key.clone(), revision, minute, value.clone());
                        Ok(value)
                    }
                    Err(err) => Err(err),
                },
            }
        };
        // The lock is forgotten once nobody else waits on it, so parameters seen once do not
        // keep one each.
        let mut computing = self.computing.lock().unwrap_or_else(|e| e.into_inner());
        if Arc::strong_count(&lock) == 2 {
            computing.remove(&key);
        }
        value
    }

    /// The cached body, or the one `compute` makes (once, however many requests wait for it).
    pub async fn get_or_compute<E, Fut>(
        &self,
        production_id: i64,
        page: &'static str,
        lang: Lang,
        revision: i64,
        minute: i64,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Arc<str>, E>
    where
        Fut: std::future::Future<Output = Result<String, E>>,
    {
        let body: Arc<Arc<str>> = self
            .get_or_compute_with(production_id, page, lang, "", revision, minute, || async {
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

    #[test]
    fn a_newer_revision_drops_the_older_values_and_the_capacity_holds() {
        let cache = PageCache::default();
        cache.put_value((1, "scenes", "page=1".into()), 7, 0, Arc::new(1_u8));
        cache.put_value((1, "scenes", "page=2".into()), 7, 0, Arc::new(2_u8));
        cache.put_value((2, "scenes", "page=1".into()), 3, 0, Arc::new(3_u8));
        assert_eq!(cache.len(), 3);
        cache.put_value((1, "budget", "".into()), 8, 0, Arc::new(4_u8));
        assert_eq!(
            cache.len(),
            2,
            "production 1's revision 7 can never be served again"
        );
        assert!(
            cache
                .get_value::<u8>(&(2, "scenes", "page=1".into()), 3, 0)
                .is_some(),
            "another production keeps its values"
        );
        for page in 0..(CAPACITY as i64 + 10) {
            // Production 2's value stays in use, so it is never the least recent.
            cache.get_value::<u8>(&(2, "scenes", "page=1".into()), 3, 0);
            cache.put_value((3, "riders", page.to_string().into()), 1, 0, Arc::new(0_u8));
        }
        assert_eq!(cache.len(), CAPACITY);
        assert!(
            cache
                .get_value::<u8>(&(2, "scenes", "page=1".into()), 3, 0)
                .is_some()
        );
        assert!(
            cache
                .get_value::<u8>(&(3, "riders", "0".into()), 1, 0)
                .is_none(),
            "the least recently used went first"
        );
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
                    .get_or_compute::<(), _>(1, "producer", Lang::source(), 3, 50, || async {
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
