//! The one opened index every request reads, and how it follows new commits.
//!
//! The index is opened once (`tantivy::Index`, one `IndexReader`); each
//! request takes a cheap `Searcher` from the reader. A new commit by
//! `secsearch index` is picked up without a restart: before answering, the
//! state compares the stamp (mtime + length) of `meta.json` and of the word
//! vocabulary file with the ones it last saw, and reloads only when they
//! changed. A manual check, not tantivy's `OnCommitWithDelay` watcher,
//! because the vocabulary file is written *after* the commit and must be
//! reloaded with it: a watcher on `meta.json` alone would keep a stale
//! vocabulary (correct results, but the slow path) until the next commit.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tantivy::{IndexReader, Searcher};

use crate::error::Error;
use crate::index::integrity::Verified;
use crate::index::layout::VOCABULARY_FILE;
use crate::index::schema::{self, Fields};
use crate::index::vocabulary::Vocabulary;

/// mtime and length of a file, `None` when it is missing.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// What a request needs to search: a searcher on the newest commit and the
/// vocabulary of that commit.
pub struct View {
    pub searcher: Searcher,
    pub fields: Fields,
    pub vocab: Option<Arc<Vocabulary>>,
    /// Counts the commits this server has loaded: answers computed on an
    /// older generation are not served again (see `cache`).
    pub generation: u64,
}

struct Current {
    stamps: (Stamp, Stamp),
    /// Segment files verified, by identity (see [`Verified`]).
    verified: Verified,
    vocab: Option<Arc<Vocabulary>>,
    generation: u64,
}

/// The shared index: one per server, behind an `Arc`.
pub struct IndexState {
    dir: PathBuf,
    opened: schema::Opened,
    reader: IndexReader,
    current: Mutex<Current>,
}

impl IndexState {
    /// Opens the index in `dir` once.
    pub fn open(dir: &Path) -> Result<IndexState, Error> {
        let opened = schema::open(dir)?;
        let reader = opened.reader()?;
        let vocab = Vocabulary::load(dir, opened.opstamp).map(Arc::new);
        let state = IndexState {
            dir: dir.to_path_buf(),
            opened,
            reader,
            current: Mutex::new(Current {
                stamps: (None, None),
                verified: Verified::load(dir),
                vocab,
                generation: 0,
            }),
        };
        // Record the stamps the opened commit corresponds to.
        if let Ok(mut cur) = state.current.lock() {
            cur.stamps = state.stamps();
        }
        Ok(state)
    }

    /// The index as opened (its version record, folder and fields).
    pub fn opened(&self) -> &schema::Opened {
        &self.opened
    }

    fn stamps(&self) -> (Stamp, Stamp) {
        (
            stamp(&self.dir.join("meta.json")),
            stamp(&self.dir.join(VOCABULARY_FILE)),
        )
    }

    /// A searcher on the newest commit, reloading first when the index
    /// changed on disk since the last request.
    pub fn view(&self) -> Result<View, Error> {
        let now = self.stamps();
        let mut cur = self
            .current
            .lock()
            .map_err(|_| Error::Other("the index state was poisoned by a failed request".into()))?;
        if cur.stamps != now {
            self.reader.reload().map_err(|e| Error::Index {
                path: self.dir.clone(),
                what: "reloading after a new commit",
                source: e,
            })?;
            let opstamp = self
                .opened
                .index
                .load_metas()
                .map(|m| m.opstamp)
                .map_err(|e| Error::Index {
                    path: self.dir.clone(),
                    what: "reading the commit",
                    source: e,
                })?;
            cur.vocab = Vocabulary::load(&self.dir, opstamp).map(Arc::new);
            cur.stamps = now;
            cur.generation += 1;
        }
        // Every answer: a segment file changed on disk since it was last
        // verified (a flipped byte, a truncation) is verified again, and a
        // failure is an error answer, not a wrong count.
        cur.verified.recheck(&self.opened.index, &self.dir)?;
        Ok(View {
            searcher: self.reader.searcher(),
            fields: self.opened.fields.clone(),
            vocab: cur.vocab.clone(),
            generation: cur.generation,
        })
    }
}
