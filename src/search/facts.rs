//! What a shown hit is beyond its stored fields: whether the article has
//! substance, whether its file is still the one that was indexed, and
//! whether it matched only through an alias. Read for the hits shown only
//! (a page of ten), never for every match.

use tantivy::query::{EnableScoring, Query as TQuery};
use tantivy::{DocAddress, DocSet, Searcher};

use super::rank::has_substance;
use crate::error::Error;
use crate::index::schema::name;

/// Whether a hit's file changed since it was indexed: its words, title and
/// snippet may no longer be what the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stale {
    /// No file at the indexed path any more (moved or deleted).
    Gone,
    /// A file is there, with another size or modification time.
    Changed,
}

impl Stale {
    pub fn as_str(self) -> &'static str {
        match self {
            Stale::Gone => "gone",
            Stale::Changed => "changed",
        }
    }
}

fn first_u64(searcher: &Searcher, a: DocAddress, field: &str) -> Option<u64> {
    let seg = searcher.segment_reader(a.segment_ord);
    let col = seg.fast_fields().column_opt::<u64>(field).ok().flatten()?;
    col.first(a.doc_id)
}

/// Whether the document has substance (see `rank::SUBSTANCE_CHARS`). An
/// index without the column counts every body as substantial, as ranking
/// does.
pub(super) fn substance(searcher: &Searcher, a: DocAddress) -> bool {
    first_u64(searcher, a, name::BODY_LEN).is_none_or(has_substance)
}

/// Whether the file at `path` is gone or differs from the indexed one (size
/// or modification time, as an incremental `index` run decides).
pub(super) fn stale(searcher: &Searcher, a: DocAddress, path: &str) -> Option<Stale> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Some(Stale::Gone);
    };
    let size = first_u64(searcher, a, name::SIZE);
    let seg = searcher.segment_reader(a.segment_ord);
    let mtime = seg
        .fast_fields()
        .column_opt::<i64>(name::MTIME)
        .ok()
        .flatten()
        .and_then(|c| c.first(a.doc_id));
    let now_mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    let differs = size.is_some_and(|s| s != meta.len()) || mtime.is_some_and(|m| m != now_mtime);
    differs.then_some(Stale::Changed)
}

/// Tells which documents the query matches as typed, without its aliases:
/// a hit it does not match was found only through an alias.
pub(super) struct Typed(Box<dyn tantivy::query::Weight>);

impl Typed {
    pub(super) fn new(searcher: &Searcher, q: &dyn TQuery) -> Result<Self, Error> {
        let w = q
            .weight(EnableScoring::disabled_from_searcher(searcher))
            .map_err(Error::search_failed)?;
        Ok(Typed(w))
    }

    /// Whether the typed query matches the document.
    pub(super) fn matches(&self, searcher: &Searcher, a: DocAddress) -> Result<bool, Error> {
        let seg = searcher.segment_reader(a.segment_ord);
        let mut docs = self.0.scorer(seg, 1.0).map_err(Error::search_failed)?;
        if docs.doc() > a.doc_id {
            return Ok(false);
        }
        Ok(docs.seek(a.doc_id) == a.doc_id)
    }
}
