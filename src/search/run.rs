//! Running a search: open the index, build the query, collect the hits.

use tantivy::collector::DocSetCollector;
use tantivy::Searcher;

use super::alias::Expansion;
use super::hit::Hit;
use super::options::{Options, Sort};
use super::results::Results;
use super::sorted_paths::SortedPaths;
use super::stats;
use super::stats::Facets;
use super::{build, collect, facts, rank};
use crate::error::Error;
use crate::index::schema;
use crate::index::vocabulary::Vocabulary;

/// Every document matching `opts`' query and filters, unranked; an empty
/// query (no clauses) matches every document the filters let through.
/// For commands that aggregate over the hits rather than list them (`iocs`).
pub fn matching_docs(
    index_dir: &std::path::Path,
    opened: &schema::Opened,
    searcher: &tantivy::Searcher,
    opts: &Options,
) -> Result<std::collections::HashSet<tantivy::DocAddress>, Error> {
    let vocab = Vocabulary::load(index_dir, opened.opstamp);
    let (q, _) = query_for(searcher, &opened.fields, vocab.as_ref(), opts)?;
    searcher
        .search(&q, &DocSetCollector)
        .map_err(Error::search_failed)
}

/// The tantivy query for `opts`, with the synonym expansion it used:
/// the one place `run_with` and `matching_docs` build it.
fn query_for(
    searcher: &Searcher,
    f: &schema::Fields,
    vocab: Option<&Vocabulary>,
    opts: &Options,
) -> Result<(Box<dyn tantivy::query::Query>, Expansion), Error> {
    let expansion = opts
        .synonyms
        .as_ref()
        .map(|syn| Expansion::new(&opts.query, syn))
        .unwrap_or_default();
    let q = build::build_query(searcher, vocab, f, opts, &expansion)?;
    Ok((q, expansion))
}

/// Answers `opts` from the index in `index_dir`, for a process that ends
/// after printing the answer (`search`, `show`): see [`keep_open`].
pub fn run(index_dir: &std::path::Path, opts: &Options) -> Result<Results, Error> {
    let mut opened = schema::open(index_dir)?;
    use_every_core(&mut opened);
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let vocab = Vocabulary::load(index_dir, opened.opstamp);
    let results = run_with(&searcher, &opened.fields, vocab.as_ref(), opts).map(|mut r| {
        r.scope = opened.scope();
        r.indexed = Some(searcher.num_docs());
        r
    });
    keep_open((opened, reader, searcher, vocab));
    results
}

/// Leaves an index open (its files mapped, its threads parked) until the
/// process ends, instead of closing it here. Closing unmaps every segment
/// file one by one, each `munmap` flushing the TLB of every core a search
/// thread ran on; at exit the kernel drops the whole address space at once.
/// Measured at a million articles (22 segments, ~140 mapped files): the
/// unmapping was 14–19% of a search's CPU (perf). Only for a one-shot
/// process: `serve` keeps one index open and never calls this.
fn keep_open<T>(index: T) {
    std::mem::forget(index);
}

/// From this many documents on, a search runs its segments on every core.
/// Below it, starting the threads costs more than they save: a whole
/// search of wechat-10k (10,406 articles) takes 2–3 ms.
const PARALLEL_DOCS: u32 = 50_000;

/// Lets tantivy search the index's segments in parallel (its multi-thread
/// executor: each segment collected on its own thread, the answers merged),
/// for a large index of several segments. Measured at a million articles
/// (bench/README.md, latency at 1M): the slowest classes' 99th percentile is
/// a phrase over bigrams in most documents, CPU-bound per segment.
/// `serve` does not call it: it runs one search a core already.
/// The segments are those of the meta.json `schema::open` read (not read
/// again here).
fn use_every_core(opened: &mut schema::Opened) {
    let docs: u32 = opened.segment_docs.iter().sum();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = cores.min(opened.segment_docs.len());
    if docs >= PARALLEL_DOCS && threads > 1 {
        // Without the pool (it could not start threads) the search runs on
        // this thread: slower, the same answer.
        let _ = opened.index.set_multithread_executor(threads);
    }
}

/// Answers `opts` from an already opened index: what a long-running
/// process (`serve`) calls, so that it opens the index once and not on
/// every request.
pub fn run_with(
    searcher: &Searcher,
    f: &schema::Fields,
    vocab: Option<&Vocabulary>,
    opts: &Options,
) -> Result<Results, Error> {
    let (q, expansion) = query_for(searcher, f, vocab, opts)?;
    if opts.lists_every_path() && !opts.facets {
        let list = vocab.and_then(Vocabulary::paths);
        return every_path(searcher, q.as_ref(), expansion, opts, list);
    }

    // All matching documents (the total counts articles, not files) and,
    // in the same pass, the first ranking candidates.
    let tiers = if opts.ranks() && opts.sort == Sort::Relevance {
        (
            build::title_holds_all(vocab, f, opts, &expansion)?,
            build::mentions_all(vocab, f, opts, &expansion)?,
        )
    } else {
        (None, None)
    };
    let ranking = rank::Ranking::new(searcher, q.as_ref(), tiers)?;
    let (all, first) = collect::matches(searcher, &ranking, opts)?;
    let matching = collect::count(&all);
    let mut keys = collect::DupKeys::new(searcher, opts.fold_duplicates)?;
    let total = keys.distinct(&all);
    let facets = if opts.facets {
        Some(stats::facets(searcher, collect::addresses(&all))?)
    } else {
        None
    };
    let mut hits = collect::hits(searcher, f, &ranking, (matching, first), &keys, opts)?;
    if !expansion.is_empty() && !hits.is_empty() {
        mark_alias_only(searcher, f, vocab, opts, &mut hits)?;
    }
    // `-l --facets`: every path as well as the counts.
    let paths = if !opts.lists_every_path() {
        None
    } else {
        let list = vocab.and_then(Vocabulary::paths);
        Some(SortedPaths::of_segments(searcher, &all, list)?)
    };
    Ok(results(opts, hits, paths, total, facets, expansion))
}

/// Marks the hits the query as typed does not match: found only through an
/// alias. The typed query is built and checked against the shown hits only.
fn mark_alias_only(
    searcher: &Searcher,
    f: &schema::Fields,
    vocab: Option<&Vocabulary>,
    opts: &Options,
    hits: &mut [Hit],
) -> Result<(), Error> {
    let typed = build::build_query(searcher, vocab, f, opts, &Expansion::default())?;
    let typed = facts::Typed::new(searcher, typed.as_ref())?;
    for h in hits.iter_mut() {
        if let Some(a) = h.addr {
            h.via_alias = !typed.matches(searcher, a)?;
        }
    }
    Ok(())
}

/// `-l` without ranking: every matching path, in path order, each file
/// counted (nothing is folded in this mode), streamed as printed (see
/// [`SortedPaths`]).
fn every_path(
    searcher: &Searcher,
    q: &dyn tantivy::query::Query,
    expansion: Expansion,
    opts: &Options,
    list: Option<std::sync::Arc<crate::index::paths::PathList>>,
) -> Result<Results, Error> {
    let docs = searcher
        .search(q, &collect::SegmentDocs)
        .map_err(Error::search_failed)?;
    let total = collect::count(&docs) as u64;
    let paths = SortedPaths::of_segments(searcher, &docs, list)?;
    Ok(results(
        opts,
        Vec::new(),
        Some(paths),
        total,
        None,
        expansion,
    ))
}

/// The finished results: the hits (or every path), and the strings a
/// presenter highlights.
fn results(
    opts: &Options,
    hits: Vec<Hit>,
    paths: Option<SortedPaths>,
    total: u64,
    facets: Option<Facets>,
    expansion: Expansion,
) -> Results {
    let also_searched = expansion.all();
    let mut match_terms = opts.query.match_terms();
    for a in &also_searched {
        let n = crate::analysis::normalize(a).trim().to_string();
        if !n.is_empty() && !match_terms.contains(&n) {
            match_terms.push(n);
        }
    }
    Results {
        hits,
        paths,
        total,
        facets,
        match_terms,
        also_searched,
        scope: Default::default(),
        indexed: None,
    }
}
