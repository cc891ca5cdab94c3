//! `-l` without a limit: every matching path, in path order like `grep -l`,
//! streamed as it is printed.

use tantivy::columnar::StrColumn;
use tantivy::Searcher;

use super::collect::DocsOfSegment;
use crate::error::Error;
use crate::index::columns;
use crate::index::paths::{PathList, SegmentPaths};
use crate::index::schema::name;

/// Paths read from a segment's dictionary at a time by [`SortedPaths`].
const PATH_BATCH: usize = 4096;

/// Every matching path of `-l` without a limit, in order (like `grep -l`),
/// produced as they are printed: only each segment's sorted path ordinals
/// are held (8 bytes a hit), its paths are read a batch at a time, and the
/// segments' runs are merged. A query that matches most of a million
/// articles then starts printing at once and never holds all its paths (it
/// held every one, sorted, before). Paths are read from the index's flat
/// [`PathList`] when it describes the segment, else from the segment's path
/// dictionary.
pub struct SortedPaths {
    cols: Vec<StrColumn>,
    ords: Vec<Vec<u64>>,
    /// Each segment's place in `list`, if it has one.
    flat: Vec<Option<SegmentPaths>>,
    list: Option<std::sync::Arc<PathList>>,
    len: usize,
}

impl SortedPaths {
    /// The paths of each segment's matching documents ([`SegmentDocs`]).
    pub(super) fn of_segments(
        searcher: &Searcher,
        docs: &[DocsOfSegment],
        list: Option<std::sync::Arc<PathList>>,
    ) -> Result<Self, Error> {
        let all = columns::str_columns(searcher, name::PATH)?;
        let mut ords: Vec<Vec<u64>> = vec![Vec::new(); all.len()];
        for (seg, seg_docs) in docs {
            let seg = *seg as usize;
            if let Some(Some(col)) = all.get(seg) {
                ords[seg].extend(seg_docs.iter().filter_map(|&d| columns::first_ord(col, d)));
            }
        }
        Ok(Self::of_ords(searcher, all, ords, list))
    }

    fn of_ords(
        searcher: &Searcher,
        all: Vec<Option<StrColumn>>,
        ords: Vec<Vec<u64>>,
        list: Option<std::sync::Arc<PathList>>,
    ) -> Self {
        let (mut cols, mut kept, mut flat) = (Vec::new(), Vec::new(), Vec::new());
        let segments = searcher.segment_readers();
        for ((col, mut o), seg) in all.into_iter().zip(ords).zip(segments) {
            if let (Some(col), false) = (col, o.is_empty()) {
                o.sort_unstable();
                let id = seg.segment_id().uuid_string();
                let count = col.dictionary().num_terms();
                flat.push(list.as_ref().and_then(|l| l.segment(&id, count)));
                cols.push(col);
                kept.push(o);
            }
        }
        let len = kept.iter().map(Vec::len).sum();
        SortedPaths {
            cols,
            ords: kept,
            flat,
            list,
            len,
        }
    }

    /// The number of paths.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Calls `emit` with every path, in byte order.
    pub fn for_each(&self, emit: impl FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()> {
        self.for_each_batched(PATH_BATCH, emit)
    }

    fn for_each_batched(
        &self,
        size: usize,
        mut emit: impl FnMut(&str) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut runs: Vec<PathRun> = self
            .cols
            .iter()
            .zip(&self.ords)
            .zip(&self.flat)
            .map(|((col, ords), flat)| PathRun {
                col,
                flat: self.list.as_deref().zip(*flat),
                ords,
                at: 0,
                size: size.max(1),
                buf: Vec::new(),
                ends: Vec::new(),
                next: 0,
            })
            .collect();
        crate::index::sorted::merge(&mut runs, |path| match std::str::from_utf8(path) {
            Ok(path) => emit(path),
            Err(_) => emit(&String::from_utf8_lossy(path)),
        })
    }
}

/// One segment's matching paths, read `size` at a time into one buffer.
struct PathRun<'a> {
    col: &'a StrColumn,
    /// The segment's paths in the flat list, while it answers.
    flat: Option<(&'a PathList, SegmentPaths)>,
    ords: &'a [u64],
    /// The next ordinal to read.
    at: usize,
    size: usize,
    /// The batch's paths back to back, and where each one ends.
    buf: Vec<u8>,
    ends: Vec<usize>,
    /// The batch's current path.
    next: usize,
}

impl PathRun<'_> {
    /// Reads the next batch; false when the run is done.
    fn load(&mut self) -> std::io::Result<bool> {
        self.buf.clear();
        self.ends.clear();
        self.next = 0;
        if self.at >= self.ords.len() {
            return Ok(false);
        }
        let end = (self.at + self.size).min(self.ords.len());
        let batch = &self.ords[self.at..end];
        if !self.load_flat(batch) {
            let (buf, ends) = (&mut self.buf, &mut self.ends);
            self.col.dictionary().sorted_ords_to_term_cb(batch, |b| {
                buf.extend_from_slice(b);
                ends.push(buf.len());
            })?;
        }
        self.at = end;
        Ok(!self.ends.is_empty())
    }

    /// Reads `batch` from the flat list; false (and the list no longer
    /// used) when there is none or it fails to answer an ordinal.
    fn load_flat(&mut self, batch: &[u64]) -> bool {
        let Some((list, seg)) = self.flat else {
            return false;
        };
        for &ord in batch {
            let Some(path) = list.path(seg, ord) else {
                self.flat = None;
                self.buf.clear();
                self.ends.clear();
                return false;
            };
            self.buf.extend_from_slice(path);
            self.ends.push(self.buf.len());
        }
        true
    }
}

impl crate::index::sorted::Run for PathRun<'_> {
    /// Moves to the next path, reading the next batch when this one is
    /// done (the first call reads the first).
    fn advance(&mut self) -> std::io::Result<bool> {
        if self.next + 1 < self.ends.len() {
            self.next += 1;
            return Ok(true);
        }
        self.load()
    }

    fn head(&self) -> &[u8] {
        let start = match self.next {
            0 => 0,
            n => self.ends[n - 1],
        };
        &self.buf[start..self.ends[self.next]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::collect::SegmentDocs;

    #[test]
    fn sorted_paths_merge_segments_in_order_across_batches() {
        let root = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        let opts = crate::index::writer::Options::small_test(root.path(), index.path());
        let mut want = Vec::new();
        // Written out of name order, one run every 4 files: three
        // segments (fewer than a merge takes), each holding an interleaved
        // part of the order.
        for i in [7, 2, 9, 4, 0, 11, 5, 1, 8, 3, 10, 6] {
            let p = root.path().join(format!("a{i:02}.md"));
            std::fs::write(&p, format!("---\ntitle: t{i}\n---\n勒索软件 {i}")).unwrap();
            want.push(
                std::fs::canonicalize(&p)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
            if want.len() % 4 == 0 {
                crate::index::writer::run(&opts, &crate::index::writer::Silent).unwrap();
            }
        }
        want.sort();
        let opened = crate::index::schema::open(index.path()).unwrap();
        let reader = opened.reader().unwrap();
        let searcher = reader.searcher();
        assert!(searcher.segment_readers().len() > 1, "several segments");
        let all = searcher
            .search(&tantivy::query::AllQuery, &SegmentDocs)
            .unwrap();
        let list = PathList::load(index.path(), opened.opstamp).map(std::sync::Arc::new);
        assert!(list.is_some(), "the index writes its path list");
        // From the segments' dictionaries, then from the flat list.
        for list in [None, list] {
            let flat = list.is_some();
            let paths = SortedPaths::of_segments(&searcher, &all, list).unwrap();
            assert_eq!(paths.len(), want.len());
            assert!(paths.flat.iter().all(|f| f.is_some() == flat));
            for size in [1, 2, 5, PATH_BATCH] {
                let mut got = Vec::new();
                paths
                    .for_each_batched(size, |p| {
                        got.push(p.to_string());
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(got, want, "batches of {size}, flat list: {flat}");
            }
        }
    }
}
