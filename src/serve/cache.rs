//! The answers of recent searches, kept so that a repeated request costs a
//! lookup instead of a search: the page asks again for what it already had
//! (typing then deleting a letter, paging back, a second tab, reloading),
//! and many analysts ask the same few questions. Solr keeps the same kind
//! of cache (`queryResultCache`) for the same reason.
//!
//! An entry is the finished JSON text of one `/api/search` answer, keyed by
//! the request's parameters *and the index generation it was computed on*:
//! when `secsearch index` commits, the generation changes, every older
//! entry stops matching and the least recently used ones are pushed out
//! in the normal course, so a stale answer is never served.
//!
//! [`Bodies`] keeps the article bodies recent answers showed, ready for
//! snippets (Solr's `documentCache`): the hits of a query and of the next
//! one typed are mostly the same articles.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use super::params::SearchParams;
use crate::output::snippet::Prepared;

/// Entries kept by default: at ~10–16 KB an answer of 10 hits (measured
/// on wechat-10k), about 4 MB.
pub const DEFAULT_ENTRIES: usize = 256;

/// The key of one answer: index generation and the request's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    generation: u64,
    params: [String; 10],
}

impl Key {
    /// The key of `p` on index generation `generation`; parameters are
    /// trimmed, as the search reads them.
    pub fn new(generation: u64, p: &SearchParams) -> Key {
        let t = |s: &String| s.trim().to_string();
        Key {
            generation,
            params: [
                t(&p.q),
                t(&p.source),
                t(&p.since),
                t(&p.until),
                t(&p.sort),
                t(&p.limit),
                t(&p.offset),
                t(&p.sources),
                t(&p.word),
                t(&p.exact),
            ],
        }
    }
}

/// A bounded least-recently-used map from request to answer; `None` inside
/// when caching is off (`serve --cache 0`).
pub struct Answers {
    lru: Option<Mutex<LruCache<Key, Arc<str>>>>,
}

impl Answers {
    /// A cache of at most `entries` answers (0: no cache).
    pub fn new(entries: usize) -> Answers {
        Answers {
            lru: NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n))),
        }
    }

    /// The answer kept for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Arc<str>> {
        let mut lru = self.lru.as_ref()?.lock().ok()?;
        lru.get(key).cloned()
    }

    /// Keeps `answer` for `key`, dropping the least recently used answer
    /// when full. A poisoned lock only means nothing is kept.
    pub fn put(&self, key: Key, answer: Arc<str>) {
        if let Some(mut lru) = self.lru.as_ref().and_then(|m| m.lock().ok()) {
            lru.put(key, answer);
        }
    }
}

/// Bodies kept by default: ~25 KB each prepared (body, normalized copy,
/// offset map; measured mean on wechat-10k), about 25 MB.
pub const BODIES: usize = 1024;

/// mtime and length of a file: a body is reused only while its file is
/// unchanged.
type Stamp = (std::time::SystemTime, u64);

fn stamp(path: &str) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// A kept body and the stamp of the file it was read from.
type KeptBody = (Stamp, Arc<Prepared>);

/// Recently shown article bodies, prepared for snippets, by path.
pub struct Bodies {
    lru: Option<Mutex<LruCache<String, KeptBody>>>,
}

impl Bodies {
    /// At most `entries` bodies (0: none kept).
    pub fn new(entries: usize) -> Bodies {
        Bodies {
            lru: NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n))),
        }
    }

    /// The prepared body of the article at `path`: kept if its file is
    /// unchanged since, else read (and kept).
    pub fn get(&self, path: &str, title: &str) -> Arc<Prepared> {
        let now = stamp(path);
        let kept = self.lru.as_ref().and_then(|m| {
            let mut lru = m.lock().ok()?;
            match lru.get(path) {
                Some((s, p)) if Some(*s) == now => Some(Arc::clone(p)),
                _ => None,
            }
        });
        if let Some(p) = kept {
            return p;
        }
        let fresh = Arc::new(Prepared::of_file(path, title));
        if let (Some(s), Some(Ok(mut lru))) = (now, self.lru.as_ref().map(|m| m.lock())) {
            lru.put(path.to_string(), (s, Arc::clone(&fresh)));
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> SearchParams {
        SearchParams {
            q: q.into(),
            ..Default::default()
        }
    }

    #[test]
    fn answers_are_per_generation_and_bounded() {
        let a = Answers::new(2);
        a.put(Key::new(1, &params("漏洞")), "one".into());
        assert_eq!(
            a.get(&Key::new(1, &params(" 漏洞 "))).as_deref(),
            Some("one")
        );
        assert!(a.get(&Key::new(2, &params("漏洞"))).is_none());
        a.put(Key::new(1, &params("a")), "a".into());
        a.put(Key::new(1, &params("b")), "b".into());
        assert!(a.get(&Key::new(1, &params("漏洞"))).is_none());
    }

    #[test]
    fn a_changed_file_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, "---\ntitle: t\n---\n\nfirst body text\n").unwrap();
        let path = f.to_str().unwrap();
        let bodies = Bodies::new(4);
        let needles = vec!["body".to_string()];
        let one = bodies.get(path, "t");
        assert!(Arc::ptr_eq(&one, &bodies.get(path, "t")));
        assert!(one.snippet(&needles, 80).text.contains("first"));
        std::fs::write(&f, "---\ntitle: t\n---\n\nsecond, longer body text\n").unwrap();
        assert!(bodies
            .get(path, "t")
            .snippet(&needles, 80)
            .text
            .contains("second"));
    }

    #[test]
    fn zero_entries_keeps_nothing() {
        let a = Answers::new(0);
        a.put(Key::new(1, &params("x")), "x".into());
        assert!(a.get(&Key::new(1, &params("x"))).is_none());
    }
}
