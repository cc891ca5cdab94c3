//! Reading indicators back from the index: per indicator over a set of
//! documents ([`aggregate`]), per article ([`articles`], [`of_path`]).
//!
//! Everything comes from fast-field columns. Term ordinals are local to a
//! segment, so each segment's ordinals are first resolved to strings (once
//! per distinct ordinal, in one sorted pass over its dictionary) and mapped
//! to global ids; the per-document loop then only adds numbers.

use std::collections::{HashMap, HashSet};

use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Searcher, Term};

use super::terms;
use crate::error::Error;
use crate::index::schema::{name, Fields};
use crate::index::{columns, stored};
use crate::ioc::extract::Kind;
use crate::ioc::roles::Role;

type Day = jiff::civil::Date;

/// One indicator over the matching articles.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: Kind,
    pub value: String,
    /// Decided now, from the warning lists (not stored in the index).
    pub role: Role,
    /// Distinct articles (the same article saved twice counts once).
    pub articles: u64,
    pub first: Option<Day>,
    pub last: Option<Day>,
    /// Sources by number of articles, most first (ties by name).
    pub sources: Vec<(String, u64)>,
}

/// Strings to dense ids, so the document loop hashes numbers.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: String) -> u32 {
        if let Some(&i) = self.ids.get(&s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.ids.insert(s.clone(), i);
        self.names.push(s);
        i
    }
}

/// The distinct ordinals `docs` use in `col`, resolved to strings.
fn used_terms(col: &StrColumn, docs: &[DocId]) -> Result<Vec<(u64, String)>, Error> {
    let mut ords: Vec<u64> = docs.iter().flat_map(|&d| col.term_ords(d)).collect();
    ords.sort_unstable();
    ords.dedup();
    let mut strs = Vec::with_capacity(ords.len());
    col.dictionary()
        .sorted_ords_to_term_cb(&ords, |b| {
            strs.push(String::from_utf8_lossy(b).into_owned())
        })
        .map_err(|e| columns::index_error("ioc column", e))?;
    Ok(ords.into_iter().zip(strs).collect())
}

#[derive(Default)]
struct Acc {
    articles: u64,
    first: Option<i64>,
    last: Option<i64>,
    sources: HashMap<u32, u64>,
}

/// The matching documents grouped by segment ordinal.
fn by_segment(searcher: &Searcher, docs: &HashSet<DocAddress>) -> Vec<Vec<DocId>> {
    let mut out = vec![Vec::new(); searcher.segment_readers().len()];
    for a in docs {
        if let Some(v) = out.get_mut(a.segment_ord as usize) {
            v.push(a.doc_id);
        }
    }
    out
}

/// The columns [`aggregate`] reads, one entry a segment.
struct Columns {
    iocs: Vec<Option<StrColumn>>,
    sources: Vec<Option<StrColumn>>,
    dates: Vec<Option<Column<tantivy::DateTime>>>,
    dups: Vec<Option<Column<u64>>>,
    hashes: Vec<Option<Column<u64>>>,
}

/// One segment's ordinals mapped to global ids: the wanted indicators and
/// the sources its matching documents use.
struct SegmentIds {
    iocs: HashMap<u64, u32>,
    sources: HashMap<u64, u32>,
}

/// Every indicator of the kinds in `kinds` (all kinds when empty) that
/// `docs` mention, unsorted.
///
/// An article saved twice (same duplicate key) counts once, with the date
/// and source of its earliest copy (ties by content hash): a rule of the
/// documents alone, so two builds of the same archive, whose segments hold
/// the copies in a different order, give the same rows. (The first copy met
/// in segment order was counted until 2026-12: `安全圈` in one build,
/// `Doonsec's feed` in the next, for the same reposted article.)
pub fn aggregate(
    searcher: &Searcher,
    docs: &HashSet<DocAddress>,
    kinds: &[Kind],
) -> Result<Vec<Row>, Error> {
    let cols = Columns {
        iocs: columns::str_columns(searcher, name::IOC)?,
        sources: columns::str_columns(searcher, name::SOURCE_EXACT)?,
        dates: columns::columns::<tantivy::DateTime>(searcher, name::DATE)?,
        dups: columns::columns::<u64>(searcher, name::DUP_HASH)?,
        hashes: columns::columns::<u64>(searcher, name::HASH)?,
    };
    let mut values = Interner::default();
    let mut source_names = Interner::default();
    let segments = by_segment(searcher, docs);
    let mut ids = Vec::with_capacity(segments.len());
    for (seg, docs) in segments.iter().enumerate() {
        ids.push(segment_ids(
            &cols,
            seg,
            docs,
            kinds,
            &mut values,
            &mut source_names,
        )?);
    }
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    let mut seen: HashSet<(u32, u64)> = HashSet::new();
    for (seg, d, day) in copies_in_order(&cols, &segments) {
        let (Some(Some(col)), Some(seg_ids)) = (cols.iocs.get(seg), ids.get(seg)) else {
            continue;
        };
        let dup = cols.dups.get(seg).and_then(Option::as_ref);
        let key = article_key(dup, seg, d);
        let source = cols
            .sources
            .get(seg)
            .and_then(Option::as_ref)
            .and_then(|c| columns::first_ord(c, d))
            .and_then(|o| seg_ids.sources.get(&o).copied());
        for ord in col.term_ords(d) {
            let Some(&id) = seg_ids.iocs.get(&ord) else {
                continue;
            };
            if seen.insert((id, key)) {
                add(acc.entry(id).or_default(), day, source);
            }
        }
    }
    Ok(finish(acc, values, &source_names))
}

/// Resolves the ordinals segment `seg`'s matching documents use.
fn segment_ids(
    cols: &Columns,
    seg: usize,
    docs: &[DocId],
    kinds: &[Kind],
    values: &mut Interner,
    source_names: &mut Interner,
) -> Result<SegmentIds, Error> {
    let mut out = SegmentIds {
        iocs: HashMap::new(),
        sources: HashMap::new(),
    };
    if let Some(Some(col)) = cols.iocs.get(seg) {
        for (ord, t) in used_terms(col, docs)? {
            let wanted =
                terms::split(&t).is_some_and(|(k, _)| kinds.is_empty() || kinds.contains(&k));
            if wanted {
                out.iocs.insert(ord, values.id(t));
            }
        }
    }
    if let Some(Some(col)) = cols.sources.get(seg) {
        for (ord, s) in used_terms(col, docs)? {
            out.sources.insert(ord, source_names.id(s));
        }
    }
    Ok(out)
}

/// Every matching document as (segment, doc, day), earliest first, ties by
/// content hash: the order in which the copies of an article are met, so
/// that the copy counted does not depend on the segment layout.
fn copies_in_order(cols: &Columns, segments: &[Vec<DocId>]) -> Vec<(usize, DocId, Option<i64>)> {
    // (undated, day, content hash, segment, doc): the undated last.
    let mut all: Vec<(bool, Option<i64>, u64, usize, DocId)> = Vec::new();
    for (seg, docs) in segments.iter().enumerate() {
        let date = cols.dates.get(seg).and_then(Option::as_ref);
        let hash = cols.hashes.get(seg).and_then(Option::as_ref);
        for &d in docs {
            let day = date
                .and_then(|c| c.first(d))
                .map(|v| v.into_timestamp_secs());
            let content = hash.and_then(|c| c.first(d)).unwrap_or(0);
            all.push((day.is_none(), day, content, seg, d));
        }
    }
    all.sort_unstable();
    all.into_iter()
        .map(|(_, day, _, seg, d)| (seg, d, day))
        .collect()
}

/// What folds the same article saved twice: its duplicate hash, else its
/// own address.
fn article_key(dup: Option<&Column<u64>>, seg: usize, d: DocId) -> u64 {
    dup.and_then(|c| c.first(d))
        .unwrap_or(((seg as u64) << 32) | d as u64)
}

fn add(a: &mut Acc, day: Option<i64>, source: Option<u32>) {
    a.articles += 1;
    if let Some(s) = day {
        a.first = Some(a.first.map_or(s, |x| x.min(s)));
        a.last = Some(a.last.map_or(s, |x| x.max(s)));
    }
    if let Some(s) = source {
        *a.sources.entry(s).or_default() += 1;
    }
}

fn finish(acc: HashMap<u32, Acc>, values: Interner, sources: &Interner) -> Vec<Row> {
    let day = |s: i64| columns::day(tantivy::DateTime::from_timestamp_secs(s));
    acc.into_iter()
        .filter_map(|(id, a)| {
            let (kind, value) = terms::split(&values.names[id as usize])?;
            let mut src: Vec<(String, u64)> = a
                .sources
                .into_iter()
                .map(|(s, n)| (sources.names[s as usize].clone(), n))
                .filter(|(s, _)| !s.is_empty())
                .collect();
            src.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            Some(Row {
                kind,
                role: super::roles::role(kind, value),
                value: value.to_string(),
                articles: a.articles,
                first: a.first.and_then(day),
                last: a.last.and_then(day),
                sources: src,
            })
        })
        .collect()
}

/// One article with its indicators, for the STIX export.
#[derive(Debug, Clone)]
pub struct Article {
    pub path: String,
    pub title: String,
    pub source: String,
    pub url: String,
    pub date: Option<Day>,
    /// The duplicate key (WeChat id or body hash): what identifies the
    /// article across re-exports, whatever file it was read from.
    pub key: String,
    pub indicators: Vec<(Kind, String)>,
}

/// The indicators of one document, of the kinds in `kinds` (all if empty).
fn doc_indicators(col: &StrColumn, d: DocId, kinds: &[Kind]) -> Result<Vec<(Kind, String)>, Error> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for ord in col.term_ords(d) {
        buf.clear();
        col.ord_to_str(ord, &mut buf)
            .map_err(|e| columns::index_error("ioc column", e))?;
        if let Some((k, v)) = terms::split(&buf) {
            if kinds.is_empty() || kinds.contains(&k) {
                out.push((k, v.to_string()));
            }
        }
    }
    Ok(out)
}

/// The matching articles that mention an indicator of `kinds`, each once
/// (duplicates folded by key), in path order.
pub fn articles(
    searcher: &Searcher,
    f: &Fields,
    docs: &HashSet<DocAddress>,
    kinds: &[Kind],
) -> Result<Vec<Article>, Error> {
    let iocs = columns::str_columns(searcher, name::IOC)?;
    let mut out: Vec<Article> = Vec::new();
    for a in docs {
        let Some(Some(col)) = iocs.get(a.segment_ord as usize) else {
            continue;
        };
        let indicators = doc_indicators(col, a.doc_id, kinds)?;
        if indicators.is_empty() {
            continue;
        }
        let doc = stored::doc(searcher, *a)?;
        out.push(Article {
            path: stored::text(&doc, f.path),
            title: stored::text(&doc, f.title),
            source: stored::text(&doc, f.source),
            url: stored::text(&doc, f.url),
            date: stored::day(&doc, f.date),
            key: stored::text(&doc, f.dup_key),
            indicators,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    let mut keys = HashSet::new();
    out.retain(|a| keys.insert(a.key.clone()));
    Ok(out)
}

/// The indicators of the article stored under `path` (the index's
/// document key), sorted by kind and value; empty when no such document.
/// For a page that shows one article (`serve`, the reading issue).
pub fn of_path(searcher: &Searcher, f: &Fields, path: &str) -> Result<Vec<(Kind, String)>, Error> {
    let docs = stored::with_term(searcher, Term::from_field_text(f.path, path))?;
    let iocs = columns::str_columns(searcher, name::IOC)?;
    let Some(a) = docs.into_iter().next() else {
        return Ok(Vec::new());
    };
    let Some(Some(col)) = iocs.get(a.segment_ord as usize) else {
        return Ok(Vec::new());
    };
    let mut v = doc_indicators(col, a.doc_id, &[])?;
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{schema, writer};
    use std::sync::{atomic::AtomicBool, Arc};

    /// `of_path` (what a page showing one article calls) gives that
    /// article's indicators, refanged, from the index alone.
    #[test]
    fn of_path_reads_one_articles_indicators_from_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("a");
        std::fs::create_dir(&root).unwrap();
        let file = root.join("x.md");
        std::fs::write(
            &file,
            "---\ntitle: CVE-2024-3094\n---\nC2 evil[.]com 10.1.2.3\n",
        )
        .unwrap();
        std::fs::write(root.join("y.md"), "---\ntitle: y\n---\nnothing\n").unwrap();
        let opts = writer::Options {
            roots: vec![root.clone()],
            index_dir: dir.path().join("idx"),
            rebuild: false,
            max_filesize: 1 << 20,
            threads: 1,
            memory: 32 << 20,
            user_dict: None,
            commit_every_docs: None,
            interrupt: Arc::new(AtomicBool::new(false)),
            follow: false,
            hidden: false,
        };
        writer::run(&opts, &writer::Silent).unwrap();
        let opened = schema::open(&opts.index_dir).unwrap();
        let searcher = opened.reader().unwrap().searcher();
        let key = file.canonicalize().unwrap().display().to_string();
        let got = of_path(&searcher, &opened.fields, &key).unwrap();
        assert_eq!(
            got,
            vec![
                (Kind::Ipv4, "10.1.2.3".to_string()),
                (Kind::Domain, "evil.com".to_string()),
                (Kind::Cve, "CVE-2024-3094".to_string()),
            ]
        );
        assert!(of_path(&searcher, &opened.fields, "/no/such")
            .unwrap()
            .is_empty());
    }
}
