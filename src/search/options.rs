//! What a search is asked: the query, filters, order and page.

use crate::query::Query;

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
    /// `sources` are exact publisher names (the web page's ticks), not
    /// parts of names as `--source` takes them.
    pub sources_exact: bool,
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
    pub(super) fn lists_every_path(&self) -> bool {
        self.paths_only && self.limit.is_none() && self.sort == Sort::Relevance
    }
}
