//! `secsearch search`: turn a parsed query into tantivy queries and collect
//! ranked, de-duplicated, finished hits.
//!
//! Recall comes from the recall fields (see `analyzer`): each term is a phrase
//! of recall units, with the two open ends expanded through the term
//! dictionary, which gives exactly `grep -F -i`'s documents. Ranking adds
//! BM25 over the jieba word fields: the query's substrings that exist as
//! words in the index's own vocabulary are scored, title boosted. The query
//! side never segments with jieba, so a search never builds its dictionary.
//!
//! Two stages: [`build`] makes the tantivy query, [`collect`] turns the
//! matching documents into hits. What a user reads (snippets, colours,
//! JSON) is made later, by `output`.

mod alias;
mod build;
mod collect;
mod facts;
mod proximity;
mod rank;
mod sorted_paths;
mod sources;
pub mod stats;
mod zero;

use tantivy::collector::DocSetCollector;
use tantivy::Searcher;

pub use alias::Expansion;
pub use facts::Stale;
pub use sorted_paths::SortedPaths;
pub use zero::{help as zero_hit_help, TermCount};

use crate::error::Error;
use crate::index::schema;
use crate::index::vocabulary::Vocabulary;
use crate::query::Query;
use stats::Facets;

/// Order of hits: the core's own type; `cli::SortArg` is its clap face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    /// Newest first, undated last.
    Date,
    /// Oldest first, undated last.
    DateAsc,
}

pub struct Options {
    pub query: Query,
    /// None: every hit.
    pub limit: Option<usize>,
    pub offset: usize,
    pub sources: Vec<String>,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
    pub sort: Sort,
    pub facets: bool,
    /// Show the same article saved twice once (the others listed as its
    /// duplicates); off for `-l`, which lists every matching file.
    pub fold_duplicates: bool,
    /// Only paths are needed (`-l`): read them from the fast field instead
    /// of decompressing stored documents.
    pub paths_only: bool,
    /// The synonym and alias groups to expand the query with; `None` for
    /// `--exact` (the grep set, nothing added).
    pub synonyms: Option<crate::analysis::synonyms::Synonyms>,
    /// `--exact`: no refang expansion (see `build`), exactly grep's set.
    pub exact: bool,
}

impl Options {
    /// Whether the hits are ranked: not when every matching path is listed
    /// ([`Options::lists_every_path`]), nor when no hit is shown (`-c`, the
    /// zero-hit counts: a limit of 0). No score is read then, so the query
    /// need not hold the clauses that only score.
    pub(crate) fn ranks(&self) -> bool {
        !(self.lists_every_path() || self.limit == Some(0))
    }

    /// `-l` without a limit: every matching path in path order (like
    /// `grep -l`), each file counted.
    fn lists_every_path(&self) -> bool {
        self.paths_only && self.limit.is_none() && self.sort == Sort::Relevance
    }
}

/// One matching article, finished: what it is and where it lives. No body:
/// a snippet is made from the file when (and only if) the hit is printed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub path: String,
    pub title: String,
    pub source: String,
    pub date: Option<String>,
    pub url: String,
    pub score: f32,
    /// Other files holding the same article.
    pub duplicates: Vec<String>,
    /// The same story reposted by other accounts (same normalized title),
    /// oldest first; empty with `--no-fold`.
    pub reprints: Vec<Reprint>,
    /// The article has a body of its own (see `rank::SUBSTANCE_CHARS`);
    /// `false` for a thin page: title only, a saved error page, page UI.
    pub substance: bool,
    /// The file is gone or changed since it was indexed.
    pub stale: Option<Stale>,
    /// Found only through an alias the query was expanded with, not the
    /// words as typed.
    pub via_alias: bool,
    /// Where the hit is in the index (for the facts read after ranking).
    #[serde(skip)]
    addr: Option<tantivy::DocAddress>,
}

/// One repost of a hit's story.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reprint {
    pub path: String,
    pub source: String,
    pub date: Option<String>,
}

impl Hit {
    /// The earliest copy of the story (this hit or a reprint): its source
    /// and date, for "first: 安全圈 2025-01-02". `None` without reprints.
    pub fn first_copy(&self) -> Option<(&str, Option<&str>)> {
        let own = (self.source.as_str(), self.date.as_deref());
        let first = self.reprints.first()?;
        let theirs = (first.source.as_str(), first.date.as_deref());
        // Undated copies sort last.
        Some(match (own.1, theirs.1) {
            (Some(a), Some(b)) if b < a => theirs,
            (None, Some(_)) => theirs,
            _ => own,
        })
    }
}

impl Hit {
    /// A hit that carries only its path (`-l`).
    fn path_only(path: String, score: f32) -> Hit {
        Hit {
            path,
            title: String::new(),
            source: String::new(),
            date: None,
            url: String::new(),
            score,
            duplicates: Vec::new(),
            reprints: Vec::new(),
            substance: true,
            stale: None,
            via_alias: false,
            addr: None,
        }
    }
}

pub struct Results {
    pub hits: Vec<Hit>,
    /// `-l` without a limit: every matching path, produced as printed
    /// (`hits` is then empty).
    pub paths: Option<SortedPaths>,
    /// Distinct matching articles (duplicates counted once).
    pub total: u64,
    pub facets: Option<Facets>,
    /// The normalized strings the query matched with: what a presenter
    /// highlights, so highlights agree with why a document matched.
    pub match_terms: Vec<String>,
    /// The aliases the query was also searched with (`also searched:`).
    pub also_searched: Vec<String>,
}

fn search_failed(e: tantivy::TantivyError) -> Error {
    Error::Other(format!("search failed: {e}"))
}

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
    searcher.search(&q, &DocSetCollector).map_err(search_failed)
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
    let results = run_with(&searcher, &opened.fields, vocab.as_ref(), opts);
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
/// (bench/latency-results-1m.md): the slowest classes' 99th percentile is
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
    let title = if opts.ranks() && opts.sort == Sort::Relevance {
        build::title_holds_all(searcher, vocab, f, opts, &expansion)?
    } else {
        None
    };
    let ranking = rank::Ranking::new(searcher, q.as_ref(), title)?;
    let (all, first) = collect::matches(searcher, &ranking, opts)?;
    let matching = collect::count(&all);
    let keys = collect::DupKeys::new(searcher, opts.fold_duplicates)?;
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
        .map_err(search_failed)?;
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
    }
}
