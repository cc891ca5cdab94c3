//! The final order: BM25 from the query, weighted by how much article there
//! is, so a title-only stub or a near-empty body ranks below an article with
//! substance for the same match.
//!
//! Why a factor and not a filter: a stub is still an answer (a user who
//! remembers only its title must find it), it just should not crowd out the
//! articles. `数据泄露 --sort date` on wechat-10k returned ten title-only
//! reposts before this.

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::Query as TQuery;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

use super::options::Sort;
use crate::error::Error;
use crate::index::schema::name;

/// Below this many characters of ranking body an article is a stub: with
/// `--sort date`, stubs come after the articles with substance.
pub(super) const STUB_CHARS: u64 = 100;

/// From this many characters on, a body counts in full.
const FULL_CHARS: f32 = 400.0;

/// The score factor of an empty body; it grows linearly to 1 at
/// [`FULL_CHARS`].
const EMPTY_FACTOR: f32 = 0.9;

/// The score factor of a body of `len` characters.
pub(super) fn length_factor(len: u64) -> f32 {
    let x = (len as f32 / FULL_CHARS).min(1.0);
    EMPTY_FACTOR + (1.0 - EMPTY_FACTOR) * x
}

fn column<T>(seg: &SegmentReader, field: &str) -> Option<Column<T>>
where
    T: tantivy::columnar::HasAssociatedColumnType,
    tantivy::columnar::DynamicColumn: Into<Option<Column<T>>>,
{
    seg.fast_fields().column_opt::<T>(field).ok().flatten()
}

/// A document's body length; an index without the column (none of the
/// documents has one) counts every body in full.
fn body_len(col: &Option<Column<u64>>, doc: DocId) -> u64 {
    col.as_ref()
        .and_then(|c| c.first(doc))
        .unwrap_or(FULL_CHARS as u64)
}

/// Documents in rank order, best first: (score, address).
pub(super) type Ranked = Vec<(f32, DocAddress)>;

/// The best `n` candidates, best first: (score, address). Sorted by date,
/// the score is 0 and stubs come after the articles with substance.
pub(super) fn ranked(
    searcher: &Searcher,
    q: &dyn TQuery,
    sort: Sort,
    n: usize,
) -> Result<Ranked, Error> {
    Ok(ranked_with(searcher, q, sort, n, Count)?.1)
}

/// [`ranked`], and `also` fed the same matching documents in the same pass
/// over the index. A ranked search needs every match as well (to count
/// distinct articles): collecting both at once evaluates the query once.
/// Measured at a million articles: the query's phrases over bigrams in
/// most documents were evaluated twice, once without scores for the set of
/// matches and once with them for the top ten.
pub(super) fn ranked_with<C: Collector>(
    searcher: &Searcher,
    q: &dyn TQuery,
    sort: Sort,
    n: usize,
    also: C,
) -> Result<(C::Fruit, Ranked), Error> {
    let top = TopDocs::with_limit(n.max(1));
    Ok(match sort {
        // Equal scores (issues of one series, reposts) are ordered by date,
        // newest first, then by the file's content hash: not by document
        // order, which changes from one index build to the next (the dev
        // set's S@1 moved by ±0.007 between builds of one binary).
        Sort::Relevance => {
            let by_score = top.tweak_score(|seg: &SegmentReader| {
                let lens = column::<u64>(seg, name::BODY_LEN);
                let dates = column::<tantivy::DateTime>(seg, name::DATE);
                let hashes = column::<u64>(seg, name::HASH);
                move |doc: DocId, score: Score| {
                    let date = dates
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map_or(i64::MIN, |d| d.into_timestamp_secs());
                    let hash = hashes.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    (score * length_factor(body_len(&lens, doc)), date, hash)
                }
            });
            let (fruit, top) = searcher
                .search(q, &(also, by_score))
                .map_err(Error::search_failed)?;
            let top = top.into_iter().map(|((s, _, _), a)| (s, a)).collect();
            (fruit, top)
        }
        Sort::Date => {
            let by_date = top.tweak_score(|seg: &SegmentReader| {
                let lens = column::<u64>(seg, name::BODY_LEN);
                let dates = column::<tantivy::DateTime>(seg, name::DATE);
                move |doc: DocId, _: Score| {
                    let substance = body_len(&lens, doc) >= STUB_CHARS;
                    let date = dates
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map_or(i64::MIN, |d| d.into_timestamp_nanos());
                    (substance, date)
                }
            });
            let (fruit, top) = searcher
                .search(q, &(also, by_date))
                .map_err(Error::search_failed)?;
            (fruit, top.into_iter().map(|(_, a)| (0.0, a)).collect())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_weigh_less_and_long_bodies_count_in_full() {
        assert_eq!(length_factor(0), EMPTY_FACTOR);
        assert!(length_factor(50) < length_factor(200));
        assert_eq!(length_factor(400), 1.0);
        assert_eq!(length_factor(100_000), 1.0);
    }
}
