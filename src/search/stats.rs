//! The numbers about a set of documents: counts by source and by month
//! (`search --facets`, over the hits) and the index summary of
//! `secsearch stats` (over every live document). Printing them is the
//! presentation layer's job (`output`).

use std::collections::{HashMap, HashSet};

use tantivy::{DocAddress, Searcher};

use crate::error::Error;
use crate::index::columns;
use crate::index::schema::{self, name};

/// Counts of documents by source (most first) and by month (newest first).
#[derive(Debug, Default, serde::Serialize)]
pub struct Facets {
    pub sources: Vec<(String, u64)>,
    pub months: Vec<(String, u64)>,
}

/// Counts `docs` by source and by month, reading columns (no stored
/// document is decompressed).
pub(crate) fn facets(
    searcher: &Searcher,
    docs: impl IntoIterator<Item = DocAddress>,
) -> Result<Facets, Error> {
    let sources = columns::str_columns(searcher, name::SOURCE_EXACT)?;
    let dates = columns::columns::<tantivy::DateTime>(searcher, name::DATE)?;
    // Count by column ordinal and by raw day first, and turn each distinct
    // one into a string once: a common word matches thousands of articles
    // but few sources and days (the web page asks for facets on every
    // keystroke; a string a document was most of its cost).
    let mut by_ord: HashMap<(usize, Option<u64>), u64> = HashMap::new();
    let mut by_day: HashMap<Option<tantivy::DateTime>, u64> = HashMap::new();
    for a in docs {
        let seg = a.segment_ord as usize;
        if let Some(Some(col)) = sources.get(seg) {
            let ord = columns::first_ord(col, a.doc_id);
            *by_ord.entry((seg, ord)).or_default() += 1;
        }
        if let Some(Some(col)) = dates.get(seg) {
            *by_day.entry(col.first(a.doc_id)).or_default() += 1;
        }
    }
    let mut by_source: HashMap<String, u64> = HashMap::new();
    let mut buf = String::new();
    for ((seg, ord), n) in by_ord {
        buf.clear();
        if let (Some(Some(col)), Some(ord)) = (sources.get(seg), ord) {
            col.ord_to_str(ord, &mut buf)
                .map_err(|e| columns::index_error("string column", e))?;
        }
        *by_source.entry(buf.clone()).or_default() += n;
    }
    let mut by_month: HashMap<String, u64> = HashMap::new();
    for (day, n) in by_day {
        let month = day
            .and_then(columns::day)
            .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
            .unwrap_or_else(|| "unknown".into());
        *by_month.entry(month).or_default() += n;
    }
    let mut sources: Vec<_> = by_source.into_iter().collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut months: Vec<_> = by_month.into_iter().collect();
    months.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(Facets { sources, months })
}

/// What `stats` reports.
#[derive(Debug, serde::Serialize)]
pub struct Stats {
    pub index: String,
    pub documents: u64,
    pub index_bytes: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub source_count: usize,
    pub sources: Vec<(String, u64)>,
    pub months: Vec<(String, u64)>,
    pub schema_version: u32,
    pub analyzer_version: u32,
    pub dict_hash: String,
    pub roots: Vec<String>,
    /// Indicators by type, in `ioc::Kind` order.
    pub indicators: Vec<IocCount>,
}

/// The indicators of one type in the index.
#[derive(Debug, serde::Serialize)]
pub struct IocCount {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Distinct values.
    pub values: u64,
    /// (article, value) pairs: how often the type is mentioned.
    pub mentions: u64,
}

/// Counts the indicators of `docs` by type, from the `ioc` column.
fn indicator_counts(
    searcher: &Searcher,
    docs: &HashSet<DocAddress>,
) -> Result<Vec<IocCount>, Error> {
    let rows = crate::ioc::aggregate(searcher, docs, &[])?;
    let mut by_kind: std::collections::BTreeMap<crate::ioc::extract::Kind, (u64, u64)> =
        Default::default();
    for r in rows {
        let e = by_kind.entry(r.kind).or_default();
        e.0 += 1;
        e.1 += r.articles;
    }
    Ok(by_kind
        .into_iter()
        .map(|(k, (values, mentions))| IocCount {
            kind: k.name(),
            values,
            mentions,
        })
        .collect())
}

/// The summary of an opened index.
pub fn compute(opened: &schema::Opened) -> Result<Stats, Error> {
    let reader = opened.reader()?;
    compute_with(opened, &reader.searcher())
}

/// The summary of an opened index as `searcher` sees it: for a process that
/// keeps one reader open (`serve`) instead of opening one each time.
pub fn compute_with(opened: &schema::Opened, searcher: &Searcher) -> Result<Stats, Error> {
    let all: HashSet<DocAddress> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .flat_map(|(ord, seg)| {
            seg.doc_ids_alive()
                .map(move |d| DocAddress::new(ord as u32, d))
        })
        .collect();
    let f = facets(searcher, all.iter().copied())?;
    let indicators = indicator_counts(searcher, &all)?;
    let (first, last) = date_range(searcher)?;
    let info = opened.info.as_ref();
    Ok(Stats {
        index: opened.dir.display().to_string(),
        documents: searcher.num_docs(),
        index_bytes: dir_bytes(&opened.dir),
        first_date: first.map(|d| d.to_string()),
        last_date: last.map(|d| d.to_string()),
        source_count: f.sources.len(),
        sources: f.sources,
        months: f.months,
        schema_version: info.map_or(0, |i| i.schema_version),
        analyzer_version: info.map_or(0, |i| i.analyzer_version),
        dict_hash: info.map(|i| i.dict_hash.clone()).unwrap_or_default(),
        roots: info
            .map(|i| i.roots.iter().map(|r| r.display().to_string()).collect())
            .unwrap_or_default(),
        indicators,
    })
}

type Day = jiff::civil::Date;

/// The first and last day of the live documents that have a date.
fn date_range(searcher: &Searcher) -> Result<(Option<Day>, Option<Day>), Error> {
    let dates = columns::columns::<tantivy::DateTime>(searcher, name::DATE)?;
    let (mut first, mut last) = (None::<i64>, None::<i64>);
    for (seg, col) in searcher.segment_readers().iter().zip(&dates) {
        let Some(col) = col else { continue };
        for v in seg.doc_ids_alive().filter_map(|d| col.first(d)) {
            let s = v.into_timestamp_secs();
            first = Some(first.map_or(s, |x| x.min(s)));
            last = Some(last.map_or(s, |x| x.max(s)));
        }
    }
    let day = |s: i64| columns::day(tantivy::DateTime::from_timestamp_secs(s));
    Ok((first.and_then(day), last.and_then(day)))
}

/// Bytes of the files directly in the index directory (tantivy keeps no
/// subfolders). Best effort: a figure for people, not worth failing over.
fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
