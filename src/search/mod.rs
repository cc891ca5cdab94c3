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
mod hit;
mod options;
mod proximity;
mod rank;
mod results;
mod run;
mod sorted_paths;
mod sources;
pub mod stats;
mod zero;

pub use alias::Expansion;
pub use facts::Stale;
pub use hit::{Hit, Reprint};
pub use options::{Options, Sort};
pub use results::Results;
pub use run::{matching_docs, run, run_with};
pub use sorted_paths::SortedPaths;
pub use zero::{help as zero_hit_help, TermCount};
