//! Reading the index's stored documents: one way for every reader
//! (`search` hits, `iocs` reports, the web page's article view), so that
//! a stored field is decoded, and an unreadable document reported, alike
//! everywhere.

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::Error;
use crate::index::columns;

/// The stored document at `a`.
pub(crate) fn doc(searcher: &Searcher, a: DocAddress) -> Result<TantivyDocument, Error> {
    searcher
        .doc(a)
        .map_err(|e| Error::Other(format!("cannot read a stored document: {e}")))
}

/// The first string of a stored field ("" when the document has none).
pub(crate) fn text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The calendar day of a stored date field (see `columns::day`).
pub(crate) fn day(doc: &TantivyDocument, field: Field) -> Option<jiff::civil::Date> {
    doc.get_first(field)
        .and_then(|v| v.as_datetime())
        .and_then(columns::day)
}

/// Every document holding `term`, in index order: documents found by a key
/// (path, duplicate key, reprint hash) rather than by a query.
pub(crate) fn with_term(searcher: &Searcher, term: Term) -> Result<Vec<DocAddress>, Error> {
    let q = TermQuery::new(term, IndexRecordOption::Basic);
    let mut docs: Vec<DocAddress> = searcher
        .search(&q, &DocSetCollector)
        .map_err(|e| Error::Other(format!("search failed: {e}")))?
        .into_iter()
        .collect();
    docs.sort();
    Ok(docs)
}
