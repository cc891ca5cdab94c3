//! The final order. Ranked by relevance, articles with substance come
//! first, then the thin pages (title only, a saved error or verification
//! page, only page UI or a related-article list); within each, the
//! articles that mention every Chinese term as a word (or inside one, or
//! starting or ending on a word boundary) before those holding it only as
//! the seam of two words; each tier by BM25 from the query weighted by how
//! much article there is. Sorted by date, the
//! order is the date alone.
//!
//! Why a tier and not a filter: a thin page is still an answer (a user who
//! remembers only its title must find it), it just must not fill the first
//! screen while articles match. A weight alone did not do that: on
//! wechat-10k, 7 of the top 10 for `护网` were title-only pages, whose
//! titles hold the word where the articles' bodies do.

use std::sync::Arc;

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query as TQuery, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::options::Sort;
use crate::error::Error;
use crate::index::schema::name;

/// From this many visible characters (not counting white space) of its
/// own body (without related-article lists and page UI text) an article has
/// substance. Below it a page is its title, a line or two and a footer:
/// on wechat-10k the saved error pages, header-only crawls and posts whose
/// substance was an image or a video.
pub const SUBSTANCE_CHARS: u64 = 300;

/// Whether a body of `len` visible characters has substance.
pub fn has_substance(len: u64) -> bool {
    len >= SUBSTANCE_CHARS
}

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
/// the score is 0.
pub(super) fn ranked(
    searcher: &Searcher,
    q: &Ranking,
    sort: Sort,
    n: usize,
) -> Result<Ranked, Error> {
    Ok(ranked_with(searcher, q, sort, n, Count)?.1)
}

/// At most this many documents with every query word in the title make a
/// query one that names its articles: one article, with a copy or a repost
/// or two. Measured on wechat-10k: a title a person remembers is held by
/// 1 to 4 files; analyst topics (`APT28`, `WebLogic`, `Windows 提权`) by 5
/// to 300, where a tier of ten let thin pages take 12 of 236 first-screen
/// places. 4 rather than 3: known-item success@10 0.873 → 0.900 on the dev
/// set (titles shared by four pages, most of them empty crawls), the
/// first screens unchanged.
const TITLE_SCREEN: usize = 4;

/// A tier's query: the documents it matches rank before those it does not.
pub(super) type Tier = Option<Box<dyn TQuery>>;

/// What a search ranks by: its query, the query matching the documents
/// whose title holds every positive term (`None`: no title tier), and the
/// one matching those that mention every Chinese term as a word rather
/// than a seam (`None`: every document does).
pub(super) struct Ranking<'q> {
    pub q: &'q dyn TQuery,
    pub title: Option<Arc<dyn Weight>>,
    pub mention: Option<Arc<dyn Weight>>,
}

impl<'q> Ranking<'q> {
    pub(super) fn new(
        searcher: &Searcher,
        q: &'q dyn TQuery,
        (title, mention): (Tier, Tier),
    ) -> Result<Self, Error> {
        // A title tier only when the titles holding every word fit on one
        // screen: such a query names articles (a known item), and a thin
        // page among them is what was meant. Where many titles hold the
        // words (a topic: `护网`, `网安`), substance decides first.
        let named = match &title {
            Some(t) => {
                searcher
                    .search(t.as_ref(), &Count)
                    .map_err(Error::search_failed)?
                    <= TITLE_SCREEN
            }
            None => false,
        };
        let weight = |t: Tier| -> Result<Option<Arc<dyn Weight>>, Error> {
            t.map(|t| {
                t.weight(EnableScoring::disabled_from_searcher(searcher))
                    .map(Arc::from)
                    .map_err(Error::search_failed)
            })
            .transpose()
        };
        Ok(Ranking {
            q,
            title: weight(title.filter(|_| named))?,
            mention: weight(mention)?,
        })
    }
}

/// The documents of a segment that a tier's query matches (the title
/// holds every positive term; every Chinese term is mentioned). Read once
/// a segment, then looked up a document at a time.
/// Ascending, so a lookup is a binary search.
fn tier_docs(w: &Option<Arc<dyn Weight>>, seg: &SegmentReader) -> Option<Vec<DocId>> {
    let w = w.as_ref()?;
    let mut set = Vec::new();
    let mut docs = w.scorer(seg, 1.0).ok()?;
    let mut d = docs.doc();
    while d != TERMINATED {
        set.push(d);
        d = docs.advance();
    }
    Some(set)
}

/// [`ranked`], and `also` fed the same matching documents in the same pass
/// over the index. A ranked search needs every match as well (to count
/// distinct articles): collecting both at once evaluates the query once.
/// Measured at a million articles: the query's phrases over bigrams in
/// most documents were evaluated twice, once without scores for the set of
/// matches and once with them for the top ten.
pub(super) fn ranked_with<C: Collector>(
    searcher: &Searcher,
    r: &Ranking,
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
            let (title, mention) = (r.title.clone(), r.mention.clone());
            let by_score = top.tweak_score(move |seg: &SegmentReader| {
                let in_title = tier_docs(&title, seg);
                let mentions = tier_docs(&mention, seg);
                let lens = column::<u64>(seg, name::BODY_LEN);
                let dates = column::<tantivy::DateTime>(seg, name::DATE);
                let hashes = column::<u64>(seg, name::HASH);
                move |doc: DocId, score: Score| {
                    let date = dates
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map_or(i64::MIN, |d| d.into_timestamp_secs());
                    let hash = hashes.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    let len = body_len(&lens, doc);
                    let titled = in_title
                        .as_ref()
                        .is_some_and(|t| t.binary_search(&doc).is_ok());
                    let mentioned = mentions
                        .as_ref()
                        .is_none_or(|m| m.binary_search(&doc).is_ok());
                    // A title that holds a term only as a seam names
                    // nothing: it takes no title tier.
                    (
                        (titled && mentioned, has_substance(len), mentioned),
                        score * length_factor(len),
                        date,
                        hash,
                    )
                }
            });
            let (fruit, top) = searcher
                .search(r.q, &(also, by_score))
                .map_err(Error::search_failed)?;
            let top = top.into_iter().map(|((_, s, _, _), a)| (s, a)).collect();
            (fruit, top)
        }
        // Strict date order, thin pages included; undated articles last in
        // both directions (`(dated, key)`), then the content hash.
        Sort::Date | Sort::DateAsc => {
            let newest_first = sort == Sort::Date;
            let by_date = top.tweak_score(move |seg: &SegmentReader| {
                let dates = column::<tantivy::DateTime>(seg, name::DATE);
                let hashes = column::<u64>(seg, name::HASH);
                move |doc: DocId, _: Score| {
                    let date = dates
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map(|d| d.into_timestamp_secs());
                    let hash = hashes.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    match date {
                        Some(d) if newest_first => (true, d, hash),
                        Some(d) => (true, -d, hash),
                        None => (false, 0, hash),
                    }
                }
            });
            let (fruit, top) = searcher
                .search(r.q, &(also, by_date))
                .map_err(Error::search_failed)?;
            (fruit, top.into_iter().map(|(_, a)| (0.0, a)).collect())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substance_is_a_threshold_on_visible_characters() {
        assert!(!has_substance(0));
        assert!(!has_substance(SUBSTANCE_CHARS - 1));
        assert!(has_substance(SUBSTANCE_CHARS));
    }

    #[test]
    fn stubs_weigh_less_and_long_bodies_count_in_full() {
        assert_eq!(length_factor(0), EMPTY_FACTOR);
        assert!(length_factor(50) < length_factor(200));
        assert_eq!(length_factor(400), 1.0);
        assert_eq!(length_factor(100_000), 1.0);
    }
}
