//! From matching documents to finished hits: rank, fold the files that hold
//! the same article, page, and read what a hit is (path, title, source,
//! date, url, duplicates). Bodies are not read here: the presentation
//! stage reads a file for its snippet only when it prints that hit.

use std::collections::HashSet;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query as TQuery;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::rank::ranked;
use super::{Hit, Options, Reprint, Sort};
use crate::error::Error;
use crate::schema::{name, Fields};
use crate::{columns, stored};

/// The key that folds duplicates: the article's content hash when folding,
/// else the document's own address (every file is its own article).
pub(super) struct DupKeys(Option<Vec<Option<Column<u64>>>>);

impl DupKeys {
    pub(super) fn new(searcher: &Searcher, fold: bool) -> Result<Self, Error> {
        Ok(DupKeys(if fold {
            Some(columns::columns::<u64>(searcher, name::REPRINT_HASH)?)
        } else {
            None
        }))
    }

    fn key(&self, a: DocAddress) -> u64 {
        let unique = ((a.segment_ord as u64) << 32) | a.doc_id as u64;
        self.0
            .as_ref()
            .and_then(|cols| cols.get(a.segment_ord as usize))
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
            .unwrap_or(unique)
    }

    /// The number of distinct articles among `docs`.
    pub(super) fn distinct(&self, docs: &HashSet<DocAddress>) -> u64 {
        if self.0.is_none() {
            return docs.len() as u64;
        }
        docs.iter()
            .map(|&a| self.key(a))
            .collect::<HashSet<u64>>()
            .len() as u64
    }
}

/// The `path` column of each segment, opened once, for hits that need only
/// their path (`-l`): no stored document is decompressed.
struct PathColumns(Vec<Option<StrColumn>>);

impl PathColumns {
    fn new(searcher: &Searcher) -> Result<Self, Error> {
        Ok(PathColumns(columns::str_columns(searcher, name::PATH)?))
    }

    fn hit(&self, a: DocAddress, score: f32) -> Result<Hit, Error> {
        let mut path = String::new();
        if let Some(Some(col)) = self.0.get(a.segment_ord as usize) {
            columns::first_str(col, a.doc_id, &mut path)?;
        }
        Ok(Hit::path_only(path, score))
    }

    /// The paths of many documents, sorted: the ordinals of each segment
    /// are sorted and resolved in one pass over its dictionary, instead of
    /// one dictionary block lookup a document.
    fn all_sorted(&self, docs: &HashSet<DocAddress>) -> Result<Vec<String>, Error> {
        let mut ords: Vec<Vec<u64>> = vec![Vec::new(); self.0.len()];
        for a in docs {
            let seg = a.segment_ord as usize;
            if let Some(Some(col)) = self.0.get(seg) {
                ords[seg].extend(columns::first_ord(col, a.doc_id));
            }
        }
        let mut out = Vec::with_capacity(docs.len());
        for (col, mut o) in self.0.iter().zip(ords) {
            let Some(col) = col else { continue };
            o.sort_unstable();
            col.dictionary()
                .sorted_ords_to_term_cb(&o, |b| out.push(String::from_utf8_lossy(b).into_owned()))
                .map_err(|e| columns::index_error(name::PATH, e))?;
        }
        out.sort_unstable();
        Ok(out)
    }
}

/// Collects the matching documents of each segment in doc order: for `-l`
/// without ranking, where the paths are all that is needed. Cheaper than a
/// set of addresses (`DocSetCollector`): no hashing, and each segment's
/// list comes out sorted.
pub(super) struct SegmentDocs;

/// A segment's ordinal and its matching documents, ascending.
pub(super) type DocsOfSegment = (u32, Vec<DocId>);

pub(super) struct SegmentDocsChild(DocsOfSegment);

impl Collector for SegmentDocs {
    type Fruit = Vec<DocsOfSegment>;
    type Child = SegmentDocsChild;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentDocsChild> {
        Ok(SegmentDocsChild((ord, Vec::new())))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DocsOfSegment>) -> tantivy::Result<Vec<DocsOfSegment>> {
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentDocsChild {
    type Fruit = DocsOfSegment;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.0 .1.push(doc);
    }

    fn harvest(self) -> DocsOfSegment {
        self.0
    }
}

/// The paths of the documents of each segment, in path order (as `grep -l`
/// with sorted output): each segment's path ordinals sorted and resolved in
/// one pass over its dictionary (which is in path order), then the
/// segments' lists merged, instead of sorting every path string again.
pub(super) fn sorted_paths(
    searcher: &Searcher,
    docs: &[DocsOfSegment],
) -> Result<Vec<String>, Error> {
    let cols = PathColumns::new(searcher)?;
    let mut lists: Vec<Vec<String>> = Vec::with_capacity(docs.len());
    for (seg, seg_docs) in docs {
        let Some(Some(col)) = cols.0.get(*seg as usize) else {
            continue;
        };
        let mut ords: Vec<u64> = seg_docs
            .iter()
            .filter_map(|&d| columns::first_ord(col, d))
            .collect();
        ords.sort_unstable();
        let mut paths = Vec::with_capacity(ords.len());
        col.dictionary()
            .sorted_ords_to_term_cb(&ords, |b| {
                paths.push(String::from_utf8_lossy(b).into_owned())
            })
            .map_err(|e| columns::index_error(name::PATH, e))?;
        lists.push(paths);
    }
    Ok(merge_sorted(lists))
}

/// Merges sorted lists into one sorted list.
fn merge_sorted(mut lists: Vec<Vec<String>>) -> Vec<String> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    if lists.len() <= 1 {
        return lists.pop().unwrap_or_default();
    }
    let total = lists.iter().map(Vec::len).sum();
    let mut iters: Vec<std::vec::IntoIter<String>> =
        lists.into_iter().map(Vec::into_iter).collect();
    let mut heap: BinaryHeap<Reverse<(String, usize)>> = BinaryHeap::new();
    for (i, it) in iters.iter_mut().enumerate() {
        if let Some(p) = it.next() {
            heap.push(Reverse((p, i)));
        }
    }
    let mut out = Vec::with_capacity(total);
    while let Some(Reverse((p, i))) = heap.pop() {
        if let Some(next) = iters[i].next() {
            heap.push(Reverse((next, i)));
        }
        out.push(p);
    }
    out
}

/// The best `want` distinct articles (or all there are), best first.
/// Duplicates are folded after ranking, so candidates are fetched in
/// growing numbers until enough distinct ones remain.
fn top_distinct(
    searcher: &Searcher,
    q: &dyn TQuery,
    sort: Sort,
    want: usize,
    matching: usize,
    keys: &DupKeys,
) -> Result<Vec<(f32, DocAddress)>, Error> {
    let mut n = (want * 2 + 16).min(matching);
    loop {
        let mut seen: HashSet<u64> = HashSet::new();
        let picked: Vec<(f32, DocAddress)> = ranked(searcher, q, sort, n)?
            .into_iter()
            .filter(|(_, a)| seen.insert(keys.key(*a)))
            .collect();
        if picked.len() >= want || n >= matching {
            return Ok(picked);
        }
        n = (n * 2).min(matching);
    }
}

/// The hits to show, in order: every matching path for `-l` without a
/// limit (sorted, like `grep -l`), else the requested page of the ranking.
pub(super) fn hits(
    searcher: &Searcher,
    f: &Fields,
    q: &dyn TQuery,
    all: &HashSet<DocAddress>,
    keys: &DupKeys,
    opts: &Options,
) -> Result<Vec<Hit>, Error> {
    if !opts.ranks() {
        let paths = PathColumns::new(searcher)?.all_sorted(all)?;
        return Ok(paths.into_iter().map(|p| Hit::path_only(p, 0.0)).collect());
    }
    let want = match opts.limit {
        Some(l) => (opts.offset + l).min(all.len()),
        None => all.len(),
    };
    if want == 0 {
        return Ok(Vec::new());
    }
    let picked = top_distinct(searcher, q, opts.sort, want, all.len(), keys)?;
    let page = picked
        .into_iter()
        .skip(opts.offset)
        .take(want.saturating_sub(opts.offset));
    if opts.paths_only {
        let cols = PathColumns::new(searcher)?;
        return page.map(|(score, a)| cols.hit(a, score)).collect();
    }
    page.map(|(score, a)| stored_hit(searcher, f, a, score, opts.fold_duplicates))
        .collect()
}

/// A whole hit from its stored document, with the other files holding the
/// same article when duplicates are folded.
fn stored_hit(
    searcher: &Searcher,
    f: &Fields,
    a: DocAddress,
    score: f32,
    fold: bool,
) -> Result<Hit, Error> {
    let doc = stored::doc(searcher, a)?;
    let mut hit = Hit {
        path: stored::text(&doc, f.path),
        title: stored::text(&doc, f.title),
        source: stored::text(&doc, f.source),
        date: stored::day(&doc, f.date).map(|d| d.to_string()),
        url: stored::text(&doc, f.url),
        score,
        duplicates: Vec::new(),
        reprints: Vec::new(),
    };
    if fold {
        let mut others = paths_with_key(searcher, f, &stored::text(&doc, f.dup_key))?;
        others.retain(|p| p != &hit.path);
        hit.duplicates = others;
        let key = reprint_hash(searcher, a)?;
        hit.reprints = reprints(searcher, f, key, &hit)?;
    }
    Ok(hit)
}

/// A document's reprint key hash, from its fast column (not stored: the
/// column is there anyway, for folding).
fn reprint_hash(searcher: &Searcher, a: DocAddress) -> Result<Option<u64>, Error> {
    let col = searcher
        .segment_reader(a.segment_ord)
        .fast_fields()
        .u64(name::REPRINT_HASH)
        .map_err(|e| columns::index_error(name::REPRINT_HASH, e))?;
    Ok(col.first(a.doc_id))
}

/// The other documents with this reprint key (its hash) that are not the
/// hit or its duplicates, oldest first (undated last).
fn reprints(
    searcher: &Searcher,
    f: &Fields,
    key: Option<u64>,
    hit: &Hit,
) -> Result<Vec<Reprint>, Error> {
    let Some(key) = key else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for a in stored::with_term(searcher, Term::from_field_u64(f.reprint_hash, key))? {
        let d = stored::doc(searcher, a)?;
        let path = stored::text(&d, f.path);
        if path == hit.path || hit.duplicates.contains(&path) {
            continue;
        }
        out.push(Reprint {
            path,
            source: stored::text(&d, f.source),
            date: stored::day(&d, f.date).map(|d| d.to_string()),
        });
    }
    out.sort_by(|a, b| {
        (a.date.is_none(), &a.date, &a.path).cmp(&(b.date.is_none(), &b.date, &b.path))
    });
    Ok(out)
}

/// Paths of every document with this duplicate key, sorted.
fn paths_with_key(searcher: &Searcher, f: &Fields, key: &str) -> Result<Vec<String>, Error> {
    let mut paths = stored::with_term(searcher, Term::from_field_text(f.dup_key, key))?
        .into_iter()
        .map(|a| stored::doc(searcher, a).map(|d| stored::text(&d, f.path)))
        .collect::<Result<Vec<_>, _>>()?;
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::merge_sorted;

    #[test]
    fn sorted_lists_merge_into_one_sorted_list() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            merge_sorted(vec![v(&["/a/1", "/b/2", "/c"]), v(&[]), v(&["/a/2", "/d"])]),
            v(&["/a/1", "/a/2", "/b/2", "/c", "/d"])
        );
        assert_eq!(merge_sorted(vec![v(&["x"])]), v(&["x"]));
        assert!(merge_sorted(Vec::new()).is_empty());
    }
}
