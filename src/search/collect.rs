//! From matching documents to finished hits: rank, fold the files that hold
//! the same article, page, and read what a hit is (path, title, source,
//! date, url, duplicates). Bodies are not read here: the presentation
//! stage reads a file for its snippet only when it prints that hit.

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::hit::{Hit, Reprint};
use super::options::{Options, Sort};
use super::rank::{ranked, ranked_with, Ranking};
use crate::error::Error;
use crate::index::reprints::Groups;
use crate::index::schema::{name, Fields};
use crate::index::{columns, stored};

/// The key that folds reprints: the reprint key (its hash, a fast column)
/// mapped through the body-joined groups when folding, else the document's
/// own address (every file is its own article).
///
/// One key is not quite one article: a series that keeps its title
/// (`每周勒索威胁摘要`, fourteen weekly issues of one account on wechat-10k,
/// 1,001 days apart) shares the key of its title. Two files of one key are
/// one article when their accounts differ (a repost) or they are of the same
/// day (a re-sent post); the same account on another day is another issue
/// ([`Fold`]).
pub(super) struct DupKeys(Option<Folding>, Articles);

/// The article of each document whose key other matching documents share
/// (packed address → the packed address of its article's first member),
/// made by [`DupKeys::distinct`]. "One article" is the transitive closure
/// of [`DupKeys::same_article`] among the matching documents of a key: a
/// relation that is not transitive (A and B one repost, B and C another,
/// A and C days apart), folded greedily, gave a count that depended on
/// the order of the documents (their addresses, which differ between two
/// builds of one archive) and another number of hits when listed in rank
/// order. Its connected components do not depend on any order, so the
/// count is the same for every build and equals the hits listed.
type Articles = rustc_hash::FxHashMap<u64, u64>;

fn packed(a: DocAddress) -> u64 {
    ((a.segment_ord as u64) << 32) | a.doc_id as u64
}

/// Documents of one key beyond which the closure is not computed (pairs
/// grow with the square); folding falls back to the greedy rule there.
const MAX_CLOSURE: usize = 4096;

struct Folding {
    keys: Vec<Option<Column<u64>>>,
    groups: Groups,
    sources: Vec<Option<StrColumn>>,
    dates: Vec<Option<Column<tantivy::DateTime>>>,
    sketches: Vec<Option<Column<u64>>>,
}

/// Days within which the same title from two accounts is a repost. On
/// wechat-10k, 313 of the 401 title groups span at most 3 days; weekly
/// series issues are 7 apart.
const REPOST_DAYS: i64 = 3;

/// What decides whether two files of one key are one article: the account
/// (hashed), the day, and (read only when those do not decide) the body.
#[derive(Clone, Copy)]
struct Issue {
    source: u64,
    day: Option<i64>,
    addr: DocAddress,
}

/// Folding, one hit after the other: a hit is new unless an article
/// already taken under its key is the same article. A document's issue
/// (account, day) is read only when its key is already taken: most keys
/// are taken once, and reading the account is a string lookup.
#[derive(Default)]
pub(super) struct Fold(
    std::collections::HashMap<u64, Vec<DocAddress>>,
    rustc_hash::FxHashSet<u64>,
);

impl Fold {
    /// Whether the document is a new article (and takes it).
    pub(super) fn take(&mut self, keys: &DupKeys, a: DocAddress) -> bool {
        if let Some(&article) = keys.1.get(&packed(a)) {
            return self.1.insert(article);
        }
        let taken = self.0.entry(keys.key(a)).or_default();
        if !taken.is_empty() {
            let Some(i) = keys.issue(a) else {
                return false;
            };
            let same = |&t: &DocAddress| keys.issue(t).is_none_or(|t| keys.same_article(t, i));
            if taken.iter().any(same) {
                return false;
            }
        }
        taken.push(a);
        true
    }
}

/// The body-joined reprint groups: from the side file, or, when it is
/// missing, of other segments or damaged (its checksum fails), recomputed
/// from the documents' sketches, so that a bad side file costs time, not
/// a different folding.
fn groups(searcher: &Searcher) -> Groups {
    Groups::load_checked(searcher).unwrap_or_else(|| {
        crate::index::writer::reprint::body_joins(searcher)
            .map(Groups::from_joins)
            .unwrap_or_default()
    })
}

impl DupKeys {
    pub(super) fn new(searcher: &Searcher, fold: bool) -> Result<Self, Error> {
        Ok(DupKeys(
            if fold {
                Some(Folding {
                    keys: columns::columns::<u64>(searcher, name::REPRINT_HASH)?,
                    groups: groups(searcher),
                    sources: columns::str_columns(searcher, name::SOURCE_EXACT)?,
                    dates: columns::columns::<tantivy::DateTime>(searcher, name::DATE)?,
                    sketches: columns::columns::<u64>(searcher, name::REPRINT_SIG)?,
                })
            } else {
                None
            },
            Articles::default(),
        ))
    }

    /// The document's fold key: its reprint group, or its own address.
    fn key(&self, a: DocAddress) -> u64 {
        let unique = ((a.segment_ord as u64) << 32) | a.doc_id as u64;
        let Some(f) = &self.0 else {
            return unique;
        };
        f.keys
            .get(a.segment_ord as usize)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
            .map_or(unique, |k| f.groups.key(k))
    }

    /// The document's issue (account and day) when folding and it has a
    /// reprint key; `None` when it is only ever its own article.
    fn issue(&self, a: DocAddress) -> Option<Issue> {
        let f = self.0.as_ref()?;
        let seg = a.segment_ord as usize;
        f.keys.get(seg)?.as_ref()?.first(a.doc_id)?;
        let source = f
            .sources
            .get(seg)
            .and_then(|c| c.as_ref())
            .and_then(|c| {
                let mut s = String::new();
                columns::first_str(c, a.doc_id, &mut s).ok()?;
                Some(xxhash_rust::xxh3::xxh3_64(s.as_bytes()))
            })
            .unwrap_or(0);
        let day = f
            .dates
            .get(seg)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
            // The stored value is the day number itself (see `columns::day`).
            .map(|d| d.into_timestamp_secs());
        Some(Issue {
            source,
            day,
            addr: a,
        })
    }

    /// Whether two files of one key are one article: within a day (a
    /// repost, or a post re-sent), two accounts within [`REPOST_DAYS`] (a
    /// repost), or near-identical bodies (the same post again). Further
    /// apart with another body: another issue of a series that keeps its
    /// title.
    fn same_article(&self, a: Issue, b: Issue) -> bool {
        let apart = match (a.day, b.day) {
            (Some(x), Some(y)) => (x - y).abs(),
            (None, None) => 0,
            _ => i64::MAX,
        };
        if apart <= 1 || (a.source != b.source && apart <= REPOST_DAYS) {
            return true;
        }
        let Some(f) = &self.0 else {
            return false;
        };
        let values = |i: Issue| {
            f.sketches
                .get(i.addr.segment_ord as usize)
                .and_then(|c| c.as_ref())
                .map(|c| c.values_for_doc(i.addr.doc_id).collect::<Vec<u64>>())
                .unwrap_or_default()
        };
        crate::index::reprints::same_body(values(a).into_iter(), values(b).into_iter())
    }

    /// The body-joined reprint groups (empty without folding).
    fn groups(&self) -> Option<&Groups> {
        self.0.as_ref().map(|f| &f.groups)
    }

    /// The number of distinct articles among `docs` (each segment's
    /// matching documents, ascending). Every document's key is read (a
    /// block of a segment at a time) and the keys sorted: a key met once is
    /// one article; the documents of the keys met again are folded one by
    /// one ([`Fold`]), in address order (deterministic).
    /// Sorting bare keys, not a hash map of keys to documents: at a million
    /// articles a common word matches over half a million documents, and
    /// inserting each into a map (a cache miss each) was most of a ranked
    /// search's time after the query itself (perf); sorting (key, address)
    /// pairs took twice as long as the keys alone.
    pub(super) fn distinct(&mut self, docs: &[DocsOfSegment]) -> u64 {
        let Some(f) = &self.0 else {
            return count(docs) as u64;
        };
        // Each document's key in document order, and the keys to sort.
        let mut ordered: Vec<Option<u64>> = Vec::with_capacity(count(docs));
        f.each_key(docs, |k| ordered.push(k));
        let mut keys: Vec<u64> = ordered.iter().flatten().copied().collect();
        keys.sort_unstable();
        // Without a key a document is only ever its own article.
        let mut articles = (ordered.len() - keys.len()) as u64;
        let mut repeated: rustc_hash::FxHashSet<u64> = Default::default();
        for run in keys.chunk_by(|a, b| a == b) {
            match run {
                [_] => articles += 1,
                _ => {
                    repeated.insert(run[0]);
                }
            }
        }
        if repeated.is_empty() {
            return articles;
        }
        let mut again: Vec<(u64, DocAddress)> = addresses(docs)
            .zip(ordered)
            .filter_map(|(a, k)| Some((k.filter(|k| repeated.contains(k))?, a)))
            .collect();
        again.sort_unstable();
        let mut members: Articles = Default::default();
        for run in again.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > MAX_CLOSURE {
                let mut fold = Fold::default();
                articles += run.iter().filter(|&&(_, a)| fold.take(self, a)).count() as u64;
                continue;
            }
            let docs: Vec<DocAddress> = run.iter().map(|&(_, a)| a).collect();
            let roots = self.closure(&docs);
            for (d, r) in docs.iter().zip(&roots) {
                members.insert(packed(*d), packed(docs[*r]));
            }
            articles += roots.iter().enumerate().filter(|&(i, &r)| i == r).count() as u64;
        }
        self.1 = members;
        articles
    }

    /// The article of each of `docs` (documents of one key): the index of
    /// the first document of its connected component under
    /// [`Self::same_article`] (a document without an issue is one article
    /// with every other, as in [`Fold::take`]).
    fn closure(&self, docs: &[DocAddress]) -> Vec<usize> {
        let issues: Vec<Option<Issue>> = docs.iter().map(|&a| self.issue(a)).collect();
        let mut parent: Vec<usize> = (0..docs.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for i in 0..docs.len() {
            for j in i + 1..docs.len() {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if ri == rj {
                    continue;
                }
                let same = match (issues[i], issues[j]) {
                    (Some(x), Some(y)) => self.same_article(x, y),
                    _ => true,
                };
                if same {
                    // The smaller index is the root: the first member.
                    parent[ri.max(rj)] = ri.min(rj);
                }
            }
        }
        (0..docs.len()).map(|i| root(&mut parent, i)).collect()
    }
}

impl Folding {
    /// Calls `each` with the fold key of every document of `docs`, in order
    /// (`None` without one), reading each segment's keys a block at a time
    /// ([`Column::first_vals`]).
    fn each_key(&self, docs: &[DocsOfSegment], mut each: impl FnMut(Option<u64>)) {
        let mut vals: Vec<Option<u64>> = vec![None; KEY_BLOCK];
        for (seg, ids) in docs {
            let col = self.keys.get(*seg as usize).and_then(Option::as_ref);
            for block in ids.chunks(KEY_BLOCK) {
                let vals = &mut vals[..block.len()];
                vals.fill(None);
                if let Some(col) = col {
                    col.first_vals(block, vals);
                }
                for v in vals.iter() {
                    each(v.map(|k| self.groups.key(k)));
                }
            }
        }
    }
}

/// Documents whose fold keys are read at once ([`Column::first_vals`]).
const KEY_BLOCK: usize = 1024;

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
}

/// Collects the matching documents of each segment in doc order: for `-l`
/// without ranking, where the paths are all that is needed. Cheaper than a
/// set of addresses (`DocSetCollector`): no hashing, and each segment's
/// list comes out sorted.
pub(super) struct SegmentDocs;

/// A segment's ordinal and its matching documents, ascending.
pub(super) type DocsOfSegment = (u32, Vec<DocId>);

/// The number of matching documents (files, before folding).
pub(super) fn count(docs: &[DocsOfSegment]) -> usize {
    docs.iter().map(|(_, ids)| ids.len()).sum()
}

/// The addresses of each segment's matching documents.
pub(super) fn addresses(docs: &[DocsOfSegment]) -> impl Iterator<Item = DocAddress> + '_ {
    docs.iter()
        .flat_map(|(seg, ids)| ids.iter().map(move |&d| DocAddress::new(*seg, d)))
}

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

/// Every match of a search, and the first ranking candidates when the hits
/// are ranked and their number bounded: one pass over the index (see
/// [`ranked_with`]). Without a bound (every hit, ranked) the number of
/// candidates is known only after the matches are: the ranking is a second
/// pass ([`top_distinct`]).
pub(super) fn matches(
    searcher: &Searcher,
    q: &Ranking,
    opts: &Options,
) -> Result<(Vec<DocsOfSegment>, Option<Candidates>), Error> {
    match opts.limit.filter(|_| opts.ranks()) {
        Some(limit) => {
            // Never more candidates than documents: the number comes from
            // the user's --offset and --limit, and tantivy reserves room
            // for it up front (an offset of 10^8 reserved 12.8 GB).
            let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
            let want = opts.offset.saturating_add(limit);
            let n = candidates(needed(q, opts.sort, want)).min(docs);
            let (docs, top) = ranked_with(searcher, q, opts.sort, n, SegmentDocs)?;
            Ok((docs, Some(Candidates { n, top })))
        }
        None => Ok((
            searcher
                .search(q.q, &SegmentDocs)
                .map_err(Error::search_failed)?,
            None,
        )),
    }
}

/// The best documents of a ranking pass, before folding: the best `n`
/// (all of them when fewer match).
pub(super) struct Candidates {
    n: usize,
    top: Vec<(f32, DocAddress)>,
}

/// Candidates fetched for `want` distinct articles: duplicates are folded
/// after ranking, so more than `want`.
fn candidates(want: usize) -> usize {
    want.saturating_mul(2).saturating_add(16)
}

/// The first ranked articles among which repeated titles are moved down:
/// always these many (or all there are), whatever page is asked for, so
/// that page two continues page one; beyond them the order is the score's.
const WINDOW: usize = 64;

/// Whether [`crowd_out_repeats`] applies: not for a query that names its
/// titles (the title tier: the user typed the series' name), nor in date
/// order.
fn crowds(q: &Ranking, sort: Sort) -> bool {
    sort == Sort::Relevance && q.title.is_none()
}

/// The distinct articles to rank for `want` hits: the whole window when
/// repeats are moved down in it.
fn needed(q: &Ranking, sort: Sort, want: usize) -> usize {
    if crowds(q, sort) {
        want.max(WINDOW)
    } else {
        want
    }
}

/// Issues of a series that keeps its title (`.NET 内网攻防实战电子报刊`, one
/// account, weeks apart) are distinct articles, but three of them on one
/// screen read as one hit repeated: within the first [`WINDOW`] articles,
/// every issue after the best-ranked one goes below the articles of other
/// titles, in rank order.
fn crowd_out_repeats(mut picked: Vec<(f32, DocAddress)>, keys: &DupKeys) -> Vec<(f32, DocAddress)> {
    let rest = picked.split_off(picked.len().min(WINDOW));
    let mut seen = rustc_hash::FxHashSet::default();
    let (mut firsts, repeats): (Vec<_>, Vec<_>) = picked
        .into_iter()
        .partition(|(_, a)| seen.insert(keys.key(*a)));
    firsts.extend(repeats);
    firsts.extend(rest);
    firsts
}

/// The best `want` distinct articles (or all there are), best first.
/// Duplicates are folded after ranking, so candidates are fetched in
/// growing numbers until enough distinct ones remain; the first fetch is
/// `first` when it holds enough.
fn top_distinct(
    searcher: &Searcher,
    q: &Ranking,
    (sort, want, matching): (Sort, usize, usize),
    keys: &DupKeys,
    first: Option<Candidates>,
) -> Result<Vec<(f32, DocAddress)>, Error> {
    let crowding = crowds(q, sort);
    let need = needed(q, sort, want);
    let mut n = candidates(need).min(matching);
    let mut fetched = first.filter(|c| c.n >= n).map(|c| c.top);
    loop {
        let top = match fetched.take() {
            Some(top) => top,
            None => ranked(searcher, q, sort, n)?,
        };
        let mut fold = Fold::default();
        let picked: Vec<(f32, DocAddress)> = top
            .into_iter()
            .filter(|(_, a)| fold.take(keys, *a))
            .collect();
        if picked.len() >= need || n >= matching {
            return Ok(if crowding {
                crowd_out_repeats(picked, keys)
            } else {
                picked
            });
        }
        n = (n * 2).min(matching);
    }
}

/// The hits to show, in order: the requested page of the ranking (none
/// when `-l` lists every path: those come as [`SortedPaths`]). `matching`
/// documents matched; `first`: the candidates of the pass that found them.
pub(super) fn hits(
    searcher: &Searcher,
    f: &Fields,
    q: &Ranking,
    (matching, first): (usize, Option<Candidates>),
    keys: &DupKeys,
    opts: &Options,
) -> Result<Vec<Hit>, Error> {
    if !opts.ranks() {
        return Ok(Vec::new());
    }
    let want = match opts.limit {
        Some(l) => opts.offset.saturating_add(l).min(matching),
        None => matching,
    };
    if want == 0 {
        return Ok(Vec::new());
    }
    let picked = top_distinct(searcher, q, (opts.sort, want, matching), keys, first)?;
    let page = picked
        .into_iter()
        .skip(opts.offset)
        .take(want.saturating_sub(opts.offset));
    if opts.paths_only {
        let cols = PathColumns::new(searcher)?;
        return page.map(|(score, a)| cols.hit(a, score)).collect();
    }
    // Each hit decompresses its stored document and looks up its
    // duplicates and reprints (term searches over every segment); the hits
    // are independent, so they are read on every core (rayon keeps their
    // order).
    let page: Vec<(f32, DocAddress)> = page.collect();
    page.into_par_iter()
        .map(|(score, a)| stored_hit(searcher, f, a, score, keys))
        .collect()
}

/// A whole hit from its stored document, with the other files holding the
/// same article and its reprints when folding (`groups`).
fn stored_hit(
    searcher: &Searcher,
    f: &Fields,
    a: DocAddress,
    score: f32,
    fold: &DupKeys,
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
        substance: super::facts::substance(searcher, a),
        stale: None,
        via_alias: false,
        addr: Some(a),
    };
    hit.stale = super::facts::stale(searcher, a, &hit.path);
    if let Some(groups) = fold.groups() {
        let mut others = paths_with_key(searcher, f, &stored::text(&doc, f.dup_key))?;
        others.retain(|p| p != &hit.path);
        hit.duplicates = others;
        let key = reprint_hash(searcher, a)?;
        let keys = key.map(|k| groups.members(k)).unwrap_or_default();
        hit.reprints = reprints(searcher, f, &keys, &hit, |b| {
            // Other issues of the hit's series are not its reprints.
            match (fold.issue(a), fold.issue(b)) {
                (Some(x), Some(y)) => fold.same_article(x, y),
                _ => true,
            }
        })?;
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

/// The other documents with these reprint keys (their hashes: one group)
/// that are not the hit or its duplicates and are the same article
/// (`same_article`), oldest first (undated last).
fn reprints(
    searcher: &Searcher,
    f: &Fields,
    keys: &[u64],
    hit: &Hit,
    same_article: impl Fn(DocAddress) -> bool,
) -> Result<Vec<Reprint>, Error> {
    let mut docs = Vec::new();
    for &key in keys {
        docs.extend(stored::with_term(
            searcher,
            Term::from_field_u64(f.reprint_hash, key),
        )?);
    }
    let mut out = Vec::new();
    for a in docs {
        if !same_article(a) {
            continue;
        }
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
