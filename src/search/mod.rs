//! `secsearch search`: turn a parsed query into tantivy queries and collect
//! ranked, de-duplicated hits.
//!
//! Recall comes from the recall fields (see `analyzer`): each term is a phrase
//! of recall units, with the two open ends expanded through the term
//! dictionary, which gives exactly `grep -F -i`'s documents. Ranking adds
//! BM25 over the jieba word fields: the query's substrings that exist as
//! words in the index's own vocabulary are scored, title boosted. The query
//! side never segments with jieba, so a search never builds its dictionary.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TQuery, RangeQuery,
    RegexPhraseQuery, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::analyzer::{self, QueryUnit, UnitKind};
use crate::error::Error;
use crate::expand::{Anchor, Vocabulary, WordQuery};
use crate::query::{FieldSel, Query};
use crate::schema::{self, name, Fields};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    Relevance,
    Date,
}

pub struct Options {
    pub query: Query,
    /// None: every hit.
    pub limit: Option<usize>,
    pub offset: usize,
    pub sources: Vec<String>,
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
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub path: String,
    pub title: String,
    pub source: String,
    pub date: Option<String>,
    pub url: String,
    pub score: f32,
    #[serde(skip)]
    pub body: String,
    /// Other files holding the same article.
    pub duplicates: Vec<String>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Facets {
    pub sources: Vec<(String, u64)>,
    pub months: Vec<(String, u64)>,
}

pub struct Results {
    pub hits: Vec<Hit>,
    /// Distinct matching articles (duplicates counted once).
    pub total: u64,
    pub facets: Option<Facets>,
}

/// Bigger than any real expansion; the per-query expansion count is bounded
/// by the vocabulary, and a cap would silently lose recall.
const MAX_EXPANSIONS: u32 = u32::MAX;

fn escape(s: &str) -> String {
    regex_syntax::escape(s)
}

/// How one query unit matches index terms.
enum UnitMatch {
    Exact(String),
    /// A word that may continue in the document (see `expand`).
    Word(String, Anchor),
    /// A lone CJK character at an open end: a regex over bigrams.
    Pattern(String),
}

fn unit_match(q: &QueryUnit) -> UnitMatch {
    let t = &q.unit.text;
    match (q.unit.kind, q.open_left, q.open_right) {
        (UnitKind::Word, true, true) => UnitMatch::Word(t.clone(), Anchor::Contains),
        (UnitKind::Word, true, false) => UnitMatch::Word(t.clone(), Anchor::Suffix),
        (UnitKind::Word, false, true) => UnitMatch::Word(t.clone(), Anchor::Prefix),
        // A lone CJK character at an open end may be the first or last
        // character of a longer run, i.e. half of a bigram.
        (UnitKind::Unigram, true, true) => UnitMatch::Pattern(format!("{0}.?|.{0}", escape(t))),
        (UnitKind::Unigram, true, false) => UnitMatch::Pattern(format!(".?{}", escape(t))),
        (UnitKind::Unigram, false, true) => UnitMatch::Pattern(format!("{}.?", escape(t))),
        _ => UnitMatch::Exact(t.clone()),
    }
}

/// Expansions above this many terms fall back to a (slower) regex.
const MAX_ALTERNATIVES: usize = 40;

/// The regex for one phrase position. An open word becomes the list of
/// vocabulary words it matches when that list is short (a small DFA that
/// prunes the term dictionary walk); otherwise a pattern whose characters
/// exclude CJK, so the walk still skips the bigrams.
fn unit_regex(vocab: Option<&Vocabulary>, m: UnitMatch) -> String {
    match m {
        UnitMatch::Exact(t) => escape(&t),
        UnitMatch::Pattern(p) => p,
        UnitMatch::Word(t, anchor) => {
            if let Some(v) = vocab {
                let terms = v.matching(&t, anchor);
                if terms.is_empty() {
                    return escape(&t);
                }
                if terms.len() <= MAX_ALTERNATIVES {
                    return terms
                        .iter()
                        .map(|x| escape(x))
                        .collect::<Vec<_>>()
                        .join("|");
                }
            }
            const NOT_CJK: &str = r"[\x{0}-\x{2FFF}]";
            match anchor {
                Anchor::Contains => format!("{0}.*|{1}*{0}.*", escape(&t), NOT_CJK),
                Anchor::Suffix => format!("{1}*{0}", escape(&t), NOT_CJK),
                Anchor::Prefix => format!("{}.*", escape(&t)),
            }
        }
    }
}

/// The recall query for one string in one field: matches exactly the
/// documents whose field contains the string (case-insensitively).
pub fn recall_query(
    vocab: Option<&Vocabulary>,
    units: &[QueryUnit],
    field: Field,
) -> Result<Box<dyn TQuery>, Error> {
    let bad = |e: tantivy::TantivyError| Error::BadQuery(e.to_string());
    if units.len() == 1 {
        return Ok(match unit_match(&units[0]) {
            UnitMatch::Exact(t) => Box::new(TermQuery::new(
                Term::from_field_text(field, &t),
                IndexRecordOption::WithFreqs,
            )),
            UnitMatch::Word(t, anchor) => match vocab {
                Some(v) => Box::new(TermSetQuery::new(
                    v.matching(&t, anchor)
                        .into_iter()
                        .map(|w| Term::from_field_text(field, w)),
                )),
                None => Box::new(WordQuery::new(field, &t, anchor)),
            },
            UnitMatch::Pattern(p) => Box::new(RegexQuery::from_pattern(&p, field).map_err(bad)?),
        });
    }
    let matches: Vec<(usize, UnitMatch)> = units
        .iter()
        .map(|u| (u.unit.position, unit_match(u)))
        .collect();
    if matches
        .iter()
        .all(|(_, m)| matches!(m, UnitMatch::Exact(_)))
    {
        let terms = matches
            .into_iter()
            .filter_map(|(p, m)| match m {
                UnitMatch::Exact(t) => Some((p, Term::from_field_text(field, &t))),
                _ => None,
            })
            .collect();
        return Ok(Box::new(PhraseQuery::new_with_offset(terms)));
    }
    let mut terms = Vec::with_capacity(matches.len());
    for (p, m) in matches {
        terms.push((p, unit_regex(vocab, m)));
    }
    let mut q = RegexPhraseQuery::new_with_offset(field, terms);
    q.set_max_expansions(MAX_EXPANSIONS);
    Ok(Box::new(q))
}

/// Candidate ranking words of a query string: its whole words, and every
/// 2–8 character substring of its CJK runs (a lone CJK character too);
/// the caller keeps those that exist in the index's vocabulary. This is
/// jieba's "search mode" done against the index's own dictionary.
fn word_candidates(norm: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !out.iter().any(|x| x == s) {
            out.push(s.to_string());
        }
    };
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let cls = analyzer::class(chars[i].1);
        let mut j = i + 1;
        while j < chars.len() && analyzer::class(chars[j].1) == cls {
            j += 1;
        }
        let from = chars[i].0;
        let to = chars.get(j).map_or(norm.len(), |c| c.0);
        match cls {
            analyzer::Class::Word => push(&norm[from..to]),
            analyzer::Class::Cjk => {
                let run = &chars[i..j];
                if run.len() == 1 {
                    push(&norm[from..to]);
                }
                for a in 0..run.len() {
                    for b in (a + 2)..=(a + 8).min(run.len()) {
                        let s = run[a].0;
                        let e = chars.get(i + b).map_or(norm.len(), |c| c.0);
                        push(&norm[s..e]);
                    }
                }
            }
            _ => {}
        }
        i = j;
    }
    out
}

fn in_vocabulary(searcher: &Searcher, field: Field, word: &str) -> bool {
    searcher.segment_readers().iter().any(|seg| {
        seg.inverted_index(field)
            .ok()
            .and_then(|ii| ii.terms().get(word.as_bytes()).ok().flatten())
            .is_some()
    })
}

fn date_term(field: Field, d: jiff::civil::Date) -> Result<Term, Error> {
    let ts = d
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_err(|e| Error::BadDate(format!("{d}: {e}")))?;
    Ok(Term::from_field_date(
        field,
        tantivy::DateTime::from_timestamp_secs(ts.timestamp().as_second()),
    ))
}

/// Builds the whole tantivy query: recall clauses (must / must not),
/// ranking clauses (should), and filters.
pub fn build_query(
    searcher: &Searcher,
    vocab: Option<&Vocabulary>,
    f: &Fields,
    opts: &Options,
) -> Result<Box<dyn TQuery>, Error> {
    let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    for clause in &opts.query.clauses {
        let mut alternatives: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for term in &clause.any_of {
            let norm = analyzer::normalize(&term.text);
            let units = analyzer::query_units(&norm);
            if units.is_empty() {
                continue;
            }
            let targets: Vec<(Field, f32)> = match term.field {
                FieldSel::Any => vec![(f.title, f.boost_title), (f.body, f.boost_body)],
                FieldSel::Title => vec![(f.title, f.boost_title)],
                FieldSel::Body => vec![(f.body, f.boost_body)],
                FieldSel::Source => vec![(f.source, 1.0)],
            };
            for (field, boost) in targets {
                let q = recall_query(vocab, &units, field)?;
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
            if clause.negated {
                continue;
            }
            let word_fields: Vec<(Field, f32)> = match term.field {
                FieldSel::Any => vec![
                    (f.title_words, f.boost_title_words),
                    (f.body_words, f.boost_body_words),
                ],
                FieldSel::Title => vec![(f.title_words, f.boost_title_words)],
                FieldSel::Body => vec![(f.body_words, f.boost_body_words)],
                FieldSel::Source => vec![],
            };
            for w in word_candidates(&norm) {
                for &(field, boost) in &word_fields {
                    if in_vocabulary(searcher, field, &w) {
                        let tq = TermQuery::new(
                            Term::from_field_text(field, &w),
                            IndexRecordOption::WithFreqs,
                        );
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(tq), boost)),
                        ));
                    }
                }
            }
        }
        if alternatives.is_empty() {
            continue;
        }
        let group: Box<dyn TQuery> = Box::new(BooleanQuery::new(alternatives));
        clauses.push((
            if clause.negated {
                Occur::MustNot
            } else {
                Occur::Must
            },
            group,
        ));
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        return Err(Error::BadQuery(
            "nothing to search for after removing spaces".into(),
        ));
    }
    if !opts.sources.is_empty() {
        let terms = opts
            .sources
            .iter()
            .map(|s| Term::from_field_text(f.source_exact, s));
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(TermSetQuery::new(terms)),
                0.0,
            )),
        ));
    }
    if opts.since.is_some() || opts.until.is_some() {
        let lower = match opts.since {
            Some(d) => Bound::Included(date_term(f.date, d)?),
            None => Bound::Unbounded,
        };
        let upper = match opts.until {
            Some(d) => Bound::Excluded(date_term(
                f.date,
                d.tomorrow()
                    .map_err(|e| Error::BadDate(format!("{d}: {e}")))?,
            )?),
            None => Bound::Unbounded,
        };
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(RangeQuery::new(lower, upper)),
                0.0,
            )),
        ));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

fn stored_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Paths of every document with this duplicate key.
fn paths_with_key(searcher: &Searcher, f: &Fields, key: &str) -> Vec<String> {
    let q = TermQuery::new(
        Term::from_field_text(f.dup_key, key),
        IndexRecordOption::Basic,
    );
    let Ok(docs) = searcher.search(&q, &DocSetCollector) else {
        return Vec::new();
    };
    let mut paths: Vec<String> = docs
        .into_iter()
        .filter_map(|a| searcher.doc::<TantivyDocument>(a).ok())
        .map(|d| stored_str(&d, f.path))
        .collect();
    paths.sort();
    paths
}

fn load_hit(
    searcher: &Searcher,
    f: &Fields,
    addr: DocAddress,
    score: f32,
) -> Result<(Hit, String), Error> {
    let doc: TantivyDocument = searcher
        .doc(addr)
        .map_err(|e| Error::Other(format!("cannot read a stored document: {e}")))?;
    let date = doc
        .get_first(f.date)
        .and_then(|v| v.as_datetime())
        .and_then(|d| jiff::Timestamp::from_second(d.into_timestamp_secs()).ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string());
    let hit = Hit {
        path: stored_str(&doc, f.path),
        title: stored_str(&doc, f.title),
        source: stored_str(&doc, f.source),
        date,
        url: stored_str(&doc, f.url),
        score,
        body: String::new(),
        duplicates: Vec::new(),
    };
    let mut hit = hit;
    hit.body = without_title_lines(&current_body(&hit.path), &hit.title);
    Ok((hit, stored_str(&doc, f.dup_key)))
}

/// The cleaned body of a hit, read again from its file for the snippet: the
/// index does not store bodies (they would double its size), the archive
/// itself is the store. A file gone since indexing gives no snippet.
fn current_body(path: &str) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::read(path)
        .ok()
        .and_then(|b| crate::article::read(&b, &stem).ok())
        .map(|a| a.body)
        .unwrap_or_default()
}

/// The body without the lines that only repeat the title (WeChat pages
/// open with it once or twice): the title is shown already, and a snippet
/// should show the article.
fn without_title_lines(body: &str, title: &str) -> String {
    let t = title.trim();
    body.lines()
        .filter(|l| {
            let l = l.trim().trim_start_matches('#').trim();
            t.is_empty() || l != t
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `path` fast field of each segment, opened once, for hits that need
/// only their path (`-l`).
struct PathColumns(Vec<Option<tantivy::columnar::StrColumn>>);

impl PathColumns {
    fn new(searcher: &Searcher) -> Self {
        PathColumns(
            searcher
                .segment_readers()
                .iter()
                .map(|s| s.fast_fields().str(name::PATH).ok().flatten())
                .collect(),
        )
    }

    fn hit(&mut self, a: DocAddress, score: f32) -> Hit {
        let mut path = String::new();
        if let Some(Some(col)) = self.0.get(a.segment_ord as usize) {
            if let Some(ord) = col.term_ords(a.doc_id).next() {
                let _ = col.ord_to_str(ord, &mut path);
            }
        }
        path_only(path, score)
    }

    /// The paths of many documents, sorted: the ordinals of each segment
    /// are sorted and resolved in one pass over its dictionary, instead of
    /// one dictionary block lookup a document.
    fn all_sorted(&self, docs: &HashSet<DocAddress>) -> Vec<String> {
        let mut ords: Vec<Vec<u64>> = vec![Vec::new(); self.0.len()];
        for a in docs {
            if let Some(Some(col)) = self.0.get(a.segment_ord as usize) {
                if let Some(ord) = col.term_ords(a.doc_id).next() {
                    ords[a.segment_ord as usize].push(ord);
                }
            }
        }
        let mut out = Vec::with_capacity(docs.len());
        for (seg, mut o) in ords.into_iter().enumerate() {
            let Some(Some(col)) = self.0.get(seg) else {
                continue;
            };
            o.sort_unstable();
            let _ = col
                .dictionary()
                .sorted_ords_to_term_cb(&o, |b| out.push(String::from_utf8_lossy(b).into_owned()));
        }
        out.sort_unstable();
        out
    }
}

/// A hit that carries only its path.
fn path_only(path: String, score: f32) -> Hit {
    Hit {
        path,
        title: String::new(),
        source: String::new(),
        date: None,
        url: String::new(),
        score,
        body: String::new(),
        duplicates: Vec::new(),
    }
}

/// Ranked candidates, best first: (score, address).
fn ranked(
    searcher: &Searcher,
    q: &dyn TQuery,
    sort: Sort,
    n: usize,
) -> Result<Vec<(f32, DocAddress)>, Error> {
    let err = |e: tantivy::TantivyError| Error::Other(format!("search failed: {e}"));
    Ok(match sort {
        Sort::Relevance => searcher
            .search(q, &TopDocs::with_limit(n.max(1)).order_by_score())
            .map_err(err)?,
        Sort::Date => searcher
            .search(
                q,
                &TopDocs::with_limit(n.max(1))
                    .order_by_fast_field::<tantivy::DateTime>(name::DATE, Order::Desc),
            )
            .map_err(err)?
            .into_iter()
            .map(|(_, a)| (0.0, a))
            .collect(),
    })
}

pub fn run(index_dir: &std::path::Path, opts: &Options) -> Result<Results, Error> {
    let opened = schema::open(index_dir)?;
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let f = &opened.fields;
    let vocab = Vocabulary::load(index_dir, opened.opstamp);
    let q = build_query(&searcher, vocab.as_ref(), f, opts)?;

    // All matching documents, grouped by duplicate key: the total counts
    // articles, not files.
    let all = searcher
        .search(&q, &DocSetCollector)
        .map_err(|e| Error::Other(format!("search failed: {e}")))?;
    let cols: Vec<Option<tantivy::columnar::Column<u64>>> = searcher
        .segment_readers()
        .iter()
        .map(|s| s.fast_fields().u64(name::DUP_HASH).ok())
        .collect();
    let key_of = |a: DocAddress| -> u64 {
        let unique = ((a.segment_ord as u64) << 32) | a.doc_id as u64;
        if !opts.fold_duplicates {
            return unique;
        }
        cols.get(a.segment_ord as usize)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
            .unwrap_or(unique)
    };
    let total = if opts.fold_duplicates {
        all.iter()
            .map(|&a| key_of(a))
            .collect::<HashSet<u64>>()
            .len() as u64
    } else {
        all.len() as u64
    };
    let facets = opts.facets.then(|| facets(&searcher, &all));

    let want = match opts.limit {
        Some(l) => (opts.offset + l).min(all.len()),
        None => all.len(),
    };
    let mut hits = Vec::new();
    if opts.paths_only && opts.limit.is_none() && opts.sort == Sort::Relevance {
        // Every matching file, like `grep -l`: no ranking to do; sorted by
        // path so that output is deterministic.
        let paths = PathColumns::new(&searcher).all_sorted(&all);
        hits = paths.into_iter().map(|p| path_only(p, 0.0)).collect();
        return Ok(Results {
            hits,
            total,
            facets,
        });
    }
    let mut path_cols = opts.paths_only.then(|| PathColumns::new(&searcher));
    if want > 0 {
        // Duplicates are folded after ranking, so fetch enough candidates
        // that `want` distinct articles remain.
        let mut n = (want * 2 + 16).min(all.len());
        loop {
            let cands = ranked(&searcher, q.as_ref(), opts.sort, n)?;
            let mut seen: HashSet<u64> = HashSet::new();
            let picked: Vec<(f32, DocAddress)> = cands
                .into_iter()
                .filter(|(_, a)| seen.insert(key_of(*a)))
                .collect();
            if picked.len() >= want || n >= all.len() {
                for (score, a) in picked
                    .into_iter()
                    .skip(opts.offset)
                    .take(want.saturating_sub(opts.offset))
                {
                    if let Some(cols) = path_cols.as_mut() {
                        hits.push(cols.hit(a, score));
                        continue;
                    }
                    let (mut hit, key) = load_hit(&searcher, f, a, score)?;
                    if opts.fold_duplicates {
                        let mut others = paths_with_key(&searcher, f, &key);
                        others.retain(|p| p != &hit.path);
                        hit.duplicates = others;
                    }
                    hits.push(hit);
                }
                break;
            }
            n = (n * 2).min(all.len());
        }
    }
    Ok(Results {
        hits,
        total,
        facets,
    })
}

/// Counts of the matching documents by source and by month.
fn facets(searcher: &Searcher, docs: &HashSet<DocAddress>) -> Facets {
    let mut by_source: HashMap<String, u64> = HashMap::new();
    let mut by_month: HashMap<String, u64> = HashMap::new();
    let mut buf = String::new();
    for a in docs {
        let seg = searcher.segment_reader(a.segment_ord);
        let ff = seg.fast_fields();
        if let Ok(Some(col)) = ff.str(name::SOURCE_EXACT) {
            buf.clear();
            if let Some(ord) = col.term_ords(a.doc_id).next() {
                let _ = col.ord_to_str(ord, &mut buf);
            }
            *by_source.entry(buf.clone()).or_default() += 1;
        }
        if let Ok(col) = ff.date(name::DATE) {
            let month = col
                .first(a.doc_id)
                .and_then(|d| jiff::Timestamp::from_second(d.into_timestamp_secs()).ok())
                .map(|t| {
                    let d = t.to_zoned(jiff::tz::TimeZone::UTC).date();
                    format!("{:04}-{:02}", d.year(), d.month())
                })
                .unwrap_or_else(|| "unknown".into());
            *by_month.entry(month).or_default() += 1;
        }
    }
    let mut sources: Vec<_> = by_source.into_iter().collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut months: Vec<_> = by_month.into_iter().collect();
    months.sort_by(|a, b| b.0.cmp(&a.0));
    Facets { sources, months }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_cover_cjk_substrings_and_words() {
        let c = word_candidates("勒索软件攻击log4j2");
        assert!(c.contains(&"勒索".to_string()));
        assert!(c.contains(&"勒索软件".to_string()));
        assert!(c.contains(&"软件攻击".to_string()));
        assert!(c.contains(&"log4j2".to_string()));
        assert!(!c.contains(&"勒".to_string()));
        assert_eq!(word_candidates("洞"), vec!["洞".to_string()]);
    }
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
}

pub fn stats(opened: &schema::Opened) -> Result<Stats, Error> {
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let mut all = HashSet::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        for d in seg.doc_ids_alive() {
            all.insert(DocAddress::new(ord as u32, d));
        }
    }
    let f = facets(&searcher, &all);
    let (mut first, mut last) = (None::<i64>, None::<i64>);
    for seg in searcher.segment_readers() {
        if let Ok(col) = seg.fast_fields().date(name::DATE) {
            for d in seg.doc_ids_alive() {
                if let Some(v) = col.first(d) {
                    let s = v.into_timestamp_secs();
                    first = Some(first.map_or(s, |x| x.min(s)));
                    last = Some(last.map_or(s, |x| x.max(s)));
                }
            }
        }
    }
    let day = |s: i64| {
        jiff::Timestamp::from_second(s)
            .ok()
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
    };
    let index_bytes = std::fs::read_dir(&opened.dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let info = opened.info.clone();
    Ok(Stats {
        index: opened.dir.display().to_string(),
        documents: searcher.num_docs(),
        index_bytes,
        first_date: first.and_then(day),
        last_date: last.and_then(day),
        source_count: f.sources.len(),
        sources: f.sources,
        months: f.months,
        schema_version: info.as_ref().map_or(0, |i| i.schema_version),
        analyzer_version: info.as_ref().map_or(0, |i| i.analyzer_version),
        dict_hash: info
            .as_ref()
            .map(|i| i.dict_hash.clone())
            .unwrap_or_default(),
        roots: info
            .map(|i| i.roots.iter().map(|r| r.display().to_string()).collect())
            .unwrap_or_default(),
    })
}
