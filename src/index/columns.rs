//! Reading fast-field columns and converting dates, written once.
//!
//! Search, facets and stats all read per-document values from tantivy's
//! columns (path, source, date, duplicate hash) instead of stored documents,
//! because a column lookup costs no decompression. The same few steps — open
//! a column in every segment, take a document's first value, turn a stored
//! timestamp into a calendar day — live here so that every caller treats a
//! missing column and a damaged one the same way.

use tantivy::columnar::{Column, HasAssociatedColumnType, StrColumn};
use tantivy::{DocId, Searcher};

use crate::error::Error;

/// A damaged column or dictionary: the index cannot be read as it is.
/// (`Error::Other` because `error.rs` has no variant carrying a tantivy
/// cause yet.)
pub(crate) fn index_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("cannot read the index ({what}): {e}"))
}

/// The string column `name` of every segment, by segment ordinal. `None`
/// where a segment has no value in that column (a legitimate state, e.g. a
/// segment of articles without a source); an unreadable column is an error.
pub(crate) fn str_columns(
    searcher: &Searcher,
    name: &str,
) -> Result<Vec<Option<StrColumn>>, Error> {
    searcher
        .segment_readers()
        .iter()
        .map(|s| s.fast_fields().str(name).map_err(|e| index_error(name, e)))
        .collect()
}

/// The typed column `name` of every segment, by segment ordinal; `None` as
/// in [`str_columns`]. (`FastFieldReaders::u64`/`date` would call a segment
/// without values an error, e.g. one where no article has a date.)
pub(crate) fn columns<T>(searcher: &Searcher, name: &str) -> Result<Vec<Option<Column<T>>>, Error>
where
    T: HasAssociatedColumnType,
    tantivy::columnar::DynamicColumn: Into<Option<Column<T>>>,
{
    searcher
        .segment_readers()
        .iter()
        .map(|s| {
            s.fast_fields()
                .column_opt::<T>(name)
                .map_err(|e| index_error(name, e))
        })
        .collect()
}

/// The first term ordinal of `doc` in a string column: every field we read
/// this way holds one value a document.
pub(crate) fn first_ord(col: &StrColumn, doc: DocId) -> Option<u64> {
    col.term_ords(doc).next()
}

/// The first string of `doc` in a column, written into `buf` (cleared
/// first, reused across documents to avoid an allocation each); an empty
/// string when the document has none.
pub(crate) fn first_str(col: &StrColumn, doc: DocId, buf: &mut String) -> Result<(), Error> {
    buf.clear();
    if let Some(ord) = first_ord(col, doc) {
        col.ord_to_str(ord, buf)
            .map_err(|e| index_error("string column", e))?;
    }
    Ok(())
}

/// The first day the date field is counted from.
const EPOCH: jiff::civil::Date = jiff::civil::date(1970, 1, 1);

/// The calendar day of an indexed date. The date field holds a *day
/// number* (days since 1970-01-01) in place of tantivy's seconds: tantivy
/// keeps dates as nanoseconds in an i64, which wraps outside 1677–2262, so
/// an article dated 0001-01-01 came back as 1754-08-30 and `--since
/// 2300-01-01` matched everything. A day number fits any YYYY-MM-DD from
/// 0001 to 9999 (±3 million), keeps the order (ranges and `--sort date`
/// work unchanged) and needs no time of day.
pub(crate) fn day(d: tantivy::DateTime) -> Option<jiff::civil::Date> {
    let n = d.into_timestamp_secs();
    EPOCH.checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

/// The indexed value of a calendar day, the inverse of [`day`]: for the
/// indexer and `--since`/`--until` ranges.
pub(crate) fn day_value(d: jiff::civil::Date) -> Result<tantivy::DateTime, Error> {
    let days = EPOCH
        .until(d)
        .map_err(|e| Error::BadDate(format!("{d}: {e}")))?
        .get_days();
    Ok(tantivy::DateTime::from_timestamp_secs(i64::from(days)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_and_day_value_round_trip() {
        let d = jiff::civil::date(2023, 3, 24);
        let v = day_value(d).expect("a valid day");
        assert_eq!(day(v), Some(d));
        for d in [
            jiff::civil::date(1, 1, 1),
            jiff::civil::date(1600, 1, 1),
            jiff::civil::date(2300, 1, 1),
            jiff::civil::date(9999, 12, 31),
        ] {
            assert_eq!(day(day_value(d).unwrap()), Some(d));
        }
        let order = |y| day_value(jiff::civil::date(y, 1, 1)).unwrap();
        assert!(order(1) < order(1969) && order(1969) < order(2024) && order(2024) < order(9999));
    }
}
