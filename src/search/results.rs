//! A search's answer: the hits, how many there are, and what else was
//! computed on the way (facets, the path listing, also-searched aliases).

use super::hit::Hit;
use super::sorted_paths::SortedPaths;
use super::stats::Facets;

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
