//! Expanding the open ends of a query string through the term dictionary:
//! the tantivy queries that match every indexed word holding a typed one.
//!
//! A query word typed in full may sit inside a longer indexed word (`log4j`
//! in `log4j2`, `ve-2024` after `c`): grep finds it, so we must. tantivy's
//! regex automaton for `.*log4j.*` cannot prune anything and walks the whole
//! term dictionary, ~1 M CJK bigrams included: ~90 ms on 10k articles
//! (measured). [`WordQuery`] walks it with the index's
//! [`WordAutomaton`], which refuses at the first byte every term that
//! cannot be a word; [`ListQuery`] takes the words already found in the
//! index's vocabulary file.

use std::sync::Arc;

use tantivy::query::{
    AutomatonWeight, BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader};

use crate::index::vocabulary::{Anchor, WordAutomaton};

/// A query matching documents with any term accepted by a
/// [`WordAutomaton`] (constant score, like tantivy's `RegexQuery`).
#[derive(Debug, Clone)]
pub struct WordQuery {
    field: Field,
    automaton: Arc<WordAutomaton>,
}

impl WordQuery {
    pub fn new(field: Field, needle: &str, anchor: Anchor) -> Self {
        WordQuery {
            field,
            automaton: Arc::new(WordAutomaton::new(needle, anchor)),
        }
    }
}

impl Query for WordQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<WordAutomaton>::new(
            self.field,
            Arc::clone(&self.automaton),
        )))
    }
}

/// A query matching documents with any of a list of terms, constant score
/// (as `TermSetQuery`). Each term is looked up in the term dictionary and
/// its documents set in a bitset: `TermSetQuery` builds an FST of the terms
/// on every query (its builder allocates a ~1 MB registry a field: a third
/// of a short query's time, measured with perf), and an automaton over the
/// list walking the dictionary tries every transition of every node on the
/// way (~2 ms for the 300 words holding `net`; direct lookups: see the
/// figures in `search::build`).
#[derive(Debug, Clone)]
pub struct ListQuery {
    field: Field,
    terms: Arc<Vec<String>>,
}

impl ListQuery {
    pub fn new<S: Into<String>>(field: Field, terms: impl IntoIterator<Item = S>) -> Self {
        ListQuery {
            field,
            terms: Arc::new(terms.into_iter().map(Into::into).collect()),
        }
    }
}

impl Query for ListQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ListWeight {
            field: self.field,
            terms: Arc::clone(&self.terms),
        }))
    }
}

struct ListWeight {
    field: Field,
    terms: Arc<Vec<String>>,
}

impl Weight for ListWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let ii = reader.inverted_index(self.field)?;
        let mut docs = BitSet::with_max_value(reader.max_doc());
        for t in self.terms.iter() {
            let Some(info) = ii.terms().get(t.as_bytes())? else {
                continue;
            };
            let mut postings =
                ii.read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                for &d in postings.docs() {
                    docs.insert(d);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("ListQuery", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_finds_the_documents_of_any_listed_term() {
        use tantivy::schema::{Schema, STRING};
        let mut b = Schema::builder();
        let f = b.add_text_field("t", STRING);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for t in ["8.0.0", "18.0.0.1", "cve-2023-5631", "8.0.0"] {
            w.add_document(tantivy::doc!(f => t)).unwrap();
        }
        w.commit().unwrap();
        let searcher = crate::index::schema::manual_reader(&index)
            .unwrap()
            .searcher();
        let count = |terms: &[&str]| {
            let q = ListQuery::new(f, terms.iter().copied());
            searcher.search(&q, &tantivy::collector::Count).unwrap()
        };
        assert_eq!(count(&["8.0.0", "18.0.0.1", "absent"]), 3);
        assert_eq!(count(&["cve-2023-5631"]), 1);
        assert_eq!(count(&["absent"]), 0);
        assert_eq!(count(&[]), 0);
    }
}
