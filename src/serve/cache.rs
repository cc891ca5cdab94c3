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

use std::hash::Hash;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use super::params::SearchParams;
use crate::article::fsread::Scope;
use crate::output::snippet::Prepared;

/// Entries kept by default: at ~10–16 KB an answer of 10 hits (measured
/// on wechat-10k), about 4 MB.
pub const DEFAULT_ENTRIES: usize = 256;

/// The most `--cache` accepts: more answers than any page asks for again,
/// and a number no allocation is sized from (the map grows as it fills).
pub const MAX_ENTRIES: usize = 100_000;

/// Bytes of answers kept at most, whatever `--cache` says: a page of 100
/// long hits is ~150 KB, so this is still hundreds of answers.
pub const ANSWER_BYTES: usize = 64 << 20;

/// The key of one answer: index generation and every parameter of the
/// request (trimmed, as the search reads them); see [`SearchParams::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    generation: u64,
    params: SearchParams,
}

impl Key {
    /// The key of `p` on index generation `generation`.
    pub fn new(generation: u64, p: &SearchParams) -> Key {
        Key {
            generation,
            params: p.key(),
        }
    }
}

/// A least-recently-used map bounded both in entries and in bytes.
struct Bounded<K: Hash + Eq, V> {
    lru: LruCache<K, (V, usize)>,
    entries: usize,
    bytes: usize,
    max_bytes: usize,
}

impl<K: Hash + Eq, V: Clone> Bounded<K, V> {
    fn new(entries: usize, max_bytes: usize) -> Option<Mutex<Self>> {
        (entries > 0).then(|| {
            Mutex::new(Bounded {
                lru: LruCache::unbounded(),
                entries,
                bytes: 0,
                max_bytes,
            })
        })
    }

    fn get(&mut self, k: &K) -> Option<V> {
        self.lru.get(k).map(|(v, _)| v.clone())
    }

    /// Keeps `v` (of `size` bytes), dropping the least recently used until
    /// both bounds hold; a value larger than the whole budget is not kept.
    fn put(&mut self, k: K, v: V, size: usize) {
        if size > self.max_bytes {
            return;
        }
        if let Some((_, old)) = self.lru.put(k, (v, size)) {
            self.bytes -= old;
        }
        self.bytes += size;
        while self.lru.len() > self.entries || self.bytes > self.max_bytes {
            match self.lru.pop_lru() {
                Some((_, (_, n))) => self.bytes -= n,
                None => break,
            }
        }
    }
}

/// A bounded least-recently-used map from request to answer; `None` inside
/// when caching is off (`serve --cache 0`).
pub struct Answers {
    lru: Option<Mutex<Bounded<Key, Arc<str>>>>,
}

impl Answers {
    /// A cache of at most `entries` answers (0: no cache) and
    /// [`ANSWER_BYTES`].
    pub fn new(entries: usize) -> Answers {
        Answers {
            lru: Bounded::new(entries.min(MAX_ENTRIES), ANSWER_BYTES),
        }
    }

    /// The answer kept for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Arc<str>> {
        let mut lru = self.lru.as_ref()?.lock().ok()?;
        lru.get(key)
    }

    /// Keeps `answer` for `key`, dropping the least recently used answers
    /// when full. A poisoned lock only means nothing is kept.
    pub fn put(&self, key: Key, answer: Arc<str>) {
        if let Some(mut lru) = self.lru.as_ref().and_then(|m| m.lock().ok()) {
            let size = answer.len() + std::mem::size_of::<Key>();
            lru.put(key, answer, size);
        }
    }
}

/// Bodies kept at most: ~25 KB each prepared (body, normalized copy,
/// offset map; measured mean on wechat-10k), about 25 MB.
pub const BODIES: usize = 1024;

/// Bytes of prepared bodies kept at most: a few huge articles must not
/// multiply the server's memory (a prepared body is ~8 times its text).
pub const BODY_BYTES: usize = 64 << 20;

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
    lru: Option<Mutex<Bounded<String, KeptBody>>>,
    /// Where the index's articles may be read from.
    scope: Scope,
}

impl Bodies {
    /// At most `entries` bodies (0: none kept) and [`BODY_BYTES`]; files
    /// are read only under `scope`.
    pub fn new(entries: usize, scope: Scope) -> Bodies {
        Bodies {
            lru: Bounded::new(entries, BODY_BYTES),
            scope,
        }
    }

    /// The prepared body of the article at `path`: kept if its file is
    /// unchanged since, else read (and kept).
    pub fn get(&self, path: &str, title: &str) -> Arc<Prepared> {
        let now = stamp(path);
        let kept = self.lru.as_ref().and_then(|m| {
            let mut lru = m.lock().ok()?;
            match lru.get(&path.to_string()) {
                Some((s, p)) if Some(s) == now => Some(p),
                _ => None,
            }
        });
        if let Some(p) = kept {
            return p;
        }
        let fresh = Arc::new(Prepared::of_file(path, title, &self.scope));
        if let (Some(s), Some(Ok(mut lru))) = (now, self.lru.as_ref().map(|m| m.lock())) {
            let size = fresh.heap_bytes() + path.len();
            lru.put(path.to_string(), (s, Arc::clone(&fresh)), size);
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
        let bodies = Bodies::new(4, Scope::anywhere());
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
    fn every_parameter_is_in_the_key() {
        let exact = SearchParams {
            q: "APT32".into(),
            exact: "1".into(),
            ..Default::default()
        };
        assert_ne!(Key::new(1, &params("APT32")), Key::new(1, &exact));
    }

    #[test]
    fn answers_are_bounded_in_bytes_and_a_huge_count_allocates_nothing() {
        let a = Answers::new(usize::MAX);
        let big: Arc<str> = "x".repeat(ANSWER_BYTES / 3).into();
        for q in ["a", "b", "c", "d"] {
            a.put(Key::new(1, &params(q)), Arc::clone(&big));
        }
        assert!(a.get(&Key::new(1, &params("a"))).is_none());
        assert!(a.get(&Key::new(1, &params("d"))).is_some());
        let too_big: Arc<str> = "x".repeat(ANSWER_BYTES + 1).into();
        a.put(Key::new(1, &params("e")), too_big);
        assert!(a.get(&Key::new(1, &params("e"))).is_none());
    }

    #[test]
    fn zero_entries_keeps_nothing() {
        let a = Answers::new(0);
        a.put(Key::new(1, &params("x")), "x".into());
        assert!(a.get(&Key::new(1, &params("x"))).is_none());
    }
}
