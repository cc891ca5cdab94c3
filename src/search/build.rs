//! From a parsed query to one tantivy query: recall clauses that decide
//! which documents match (exactly `grep -F -i`'s set), ranking clauses that
//! only score them, and the `--source`/`--since`/`--until` filters.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, PhraseQuery,
    Query as TQuery, RangeQuery, RegexPhraseQuery, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::options::Options;
use crate::analysis::{self, Class, QueryUnit, UnitKind};
use crate::error::Error;
use crate::index::columns;
use crate::index::schema::Fields;
use crate::index::vocabulary::{Anchor, Vocabulary};
use crate::query::expand::{ListQuery, WordQuery};
use crate::query::{Clause, FieldSel, Term as QTerm};

type Clauses = Vec<(Occur, Box<dyn TQuery>)>;

/// Bigger than any real expansion; the per-query expansion count is bounded
/// by the vocabulary, and a cap would silently lose recall.
const MAX_EXPANSIONS: u32 = u32::MAX;

/// Expansions above this many terms fall back to a (slower) regex.
const MAX_ALTERNATIVES: usize = 40;

/// Nor may the alternatives hold more than this many bytes: the DFA of the
/// alternation has about one state a byte, and tantivy refuses one over
/// 1,000 states. Measured: with link targets in the vocabulary, the words
/// starting with `80` (long URL path segments and ids) made
/// `154.197.17.80:80` fail with "Compiled regex exceeds size limit".
const MAX_ALTERNATIVE_BYTES: usize = 500;

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

/// The index's word list as one query's build reads it: each open word is
/// looked up once, whatever the number of fields its string is searched in
/// (title, body, related lists, refanged) and however often it recurs.
/// Measured at a million articles: a scan of the 8 MB list a field was 12%
/// of a no-hit search's CPU (perf). Per query, so nothing is shared or
/// locked between `serve`'s requests.
pub(crate) struct Words<'v> {
    vocab: &'v Vocabulary,
    found: std::cell::RefCell<Vec<(String, Anchor, Vec<&'v str>)>>,
}

impl<'v> Words<'v> {
    fn new(vocab: &'v Vocabulary) -> Self {
        Words {
            vocab,
            found: Default::default(),
        }
    }

    /// Every word of the index matching `word` at `anchor`.
    fn matching(&self, word: &str, anchor: Anchor) -> Vec<&'v str> {
        let found = self.found.borrow();
        if let Some((_, _, w)) = found.iter().find(|(n, a, _)| n == word && *a == anchor) {
            return w.clone();
        }
        drop(found);
        let w = self.vocab.matching(word, anchor);
        self.found
            .borrow_mut()
            .push((word.to_string(), anchor, w.clone()));
        w
    }
}

/// The regex for one phrase position. An open word becomes the list of
/// vocabulary words it matches when that list is short (a small DFA that
/// prunes the term dictionary walk); otherwise a pattern whose characters
/// exclude CJK, so the walk still skips the bigrams.
fn unit_regex(vocab: Option<&Words>, m: UnitMatch) -> String {
    let (t, anchor) = match m {
        UnitMatch::Exact(t) => return escape(&t),
        UnitMatch::Pattern(p) => return p,
        UnitMatch::Word(t, anchor) => (t, anchor),
    };
    if let Some(v) = vocab {
        let terms = v.matching(&t, anchor);
        if terms.is_empty() {
            return escape(&t);
        }
        let bytes: usize = terms.iter().map(|t| t.len() + 1).sum();
        if terms.len() <= MAX_ALTERNATIVES && bytes <= MAX_ALTERNATIVE_BYTES {
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

/// The query for a single recall unit: one term, a vocabulary expansion
/// or a regex over the term dictionary.
fn single_unit_query(
    vocab: Option<&Words>,
    unit: &QueryUnit,
    field: Field,
) -> Result<Box<dyn TQuery>, Error> {
    Ok(match unit_match(unit) {
        UnitMatch::Exact(t) => Box::new(TermQuery::new(
            Term::from_field_text(field, &t),
            IndexRecordOption::WithFreqs,
        )),
        UnitMatch::Word(t, anchor) => match vocab {
            Some(v) => Box::new(ListQuery::new(field, v.matching(&t, anchor))),
            None => Box::new(WordQuery::new(field, &t, anchor)),
        },
        UnitMatch::Pattern(p) => Box::new(
            RegexQuery::from_pattern(&p, field).map_err(|e| Error::BadQuery(e.to_string()))?,
        ),
    })
}

/// The recall query for one string in one field: matches exactly the
/// documents whose field contains the string (case-insensitively).
pub(crate) fn recall_query(
    vocab: Option<&Words>,
    units: &[QueryUnit],
    field: Field,
) -> Result<Box<dyn TQuery>, Error> {
    if let [unit] = units {
        return single_unit_query(vocab, unit, field);
    }
    let matches: Vec<(usize, UnitMatch)> = units
        .iter()
        .map(|u| (u.unit.position, unit_match(u)))
        .collect();
    let exact: Option<Vec<(usize, Term)>> = matches
        .iter()
        .map(|(p, m)| match m {
            UnitMatch::Exact(t) => Some((*p, Term::from_field_text(field, t))),
            _ => None,
        })
        .collect();
    if let Some(terms) = exact {
        return Ok(Box::new(PhraseQuery::new_with_offset(terms)));
    }
    let terms = matches
        .into_iter()
        .map(|(p, m)| (p, unit_regex(vocab, m)))
        .collect();
    let mut q = RegexPhraseQuery::new_with_offset(field, terms);
    q.set_max_expansions(MAX_EXPANSIONS);
    Ok(Box::new(q))
}

/// Above this many identifier runs the phrase is cheaper: walking the term
/// dictionary along thousands of runs costs more than the phrase's
/// intersection. Measured on wechat-10k (CPU ms, runs → phrase): `cve-2024`
/// 1,173 runs 4.9 → 7.1; `.cn` 1,871 runs 7.1 → 5.6; `www.` 2,965 runs
/// 9.7 → 5.9; `.com` 6,741 runs 18.7 → 7.7.
const MAX_IDENT_RUNS: usize = 1500;

/// The identifier-run field beside a recall field, if it has one.
fn ident_field(f: &Fields, field: Field) -> Option<Field> {
    if field == f.title {
        Some(f.title_ident)
    } else if field == f.body || field == f.related {
        // body_ident holds the runs of the whole body, lists included.
        Some(f.body_ident)
    } else if field == f.refanged {
        Some(f.refanged_ident)
    } else {
        None
    }
}

/// The recall query for one (normalized) string in one field. A string
/// that can only occur inside one identifier run (`8.10.2`,
/// `cve-2023-5631`, `a@b.com`; see `analysis::ident_query`) is answered by
/// the runs that contain it, found in the index's list of runs: the same
/// documents as the phrase of its recall units, without a phrase over
/// `.`, `-`, `0`, `1` and open ends that expand to thousands of words.
/// Any other string, a string inside very many runs, or an index without
/// the list, takes the phrase. `runs` is [`ident_runs`] of `norm`, looked up
/// once by the caller for all the fields a string is searched in.
pub(crate) fn string_query(
    vocab: Option<&Words>,
    runs: Option<&[&str]>,
    f: &Fields,
    (norm, whole): (&str, bool),
    field: Field,
) -> Result<Box<dyn TQuery>, Error> {
    if whole {
        return recall_query(vocab, &whole_word_units(norm), field);
    }
    if let (Some(runs), Some(ident)) = (runs, ident_field(f, field)) {
        return Ok(Box::new(ListQuery::new(ident, runs.iter().copied())));
    }
    recall_query(vocab, &analysis::query_units(norm), field)
}

/// The recall units of a string matched as whole words (`-w`): its Latin
/// and digit words are indexed as whole lowercase tokens, so a word at
/// either end must be that whole token, not a piece of a longer one
/// (`rce` is not in `source` or `rces`). A CJK character at an end stays
/// open: in Chinese every character is a boundary, and a lone one is half
/// of a bigram.
fn whole_word_units(norm: &str) -> Vec<QueryUnit> {
    let mut units = analysis::query_units(norm);
    for u in &mut units {
        if u.unit.kind == UnitKind::Word {
            u.open_left = false;
            u.open_right = false;
        }
    }
    units
}

/// The identifier runs a (normalized) string can only occur inside, when it
/// is such a string, the index lists its runs and they are few enough
/// ([`MAX_IDENT_RUNS`]); `None`: the string takes the phrase. One scan of
/// the list, whatever the number of fields searched.
fn ident_runs<'v>(vocab: Option<&Words<'v>>, norm: &str) -> Option<Vec<&'v str>> {
    let runs = vocab?
        .vocab
        .idents_containing(analysis::ident_query(norm)?)?;
    (runs.len() <= MAX_IDENT_RUNS).then_some(runs)
}

fn push_unique(out: &mut Vec<String>, s: &str) {
    if !out.iter().any(|x| x == s) {
        out.push(s.to_string());
    }
}

/// The maximal runs of characters of one class, in order.
fn class_runs(norm: &str) -> Vec<(Class, &str)> {
    let mut runs: Vec<(Class, usize, usize)> = Vec::new();
    for (i, c) in norm.char_indices() {
        let cls = analysis::class(c);
        match runs.last_mut() {
            Some((last, _, end)) if *last == cls => *end = i + c.len_utf8(),
            _ => runs.push((cls, i, i + c.len_utf8())),
        }
    }
    runs.into_iter().map(|(c, a, b)| (c, &norm[a..b])).collect()
}

/// Every 2–8 character substring of a CJK run (the run itself when it is
/// a lone character).
fn cjk_substrings(run: &str, out: &mut Vec<String>) {
    let bounds: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect();
    let n = bounds.len() - 1;
    if n == 1 {
        push_unique(out, run);
    }
    for a in 0..n {
        for b in (a + 2)..=(a + 8).min(n) {
            push_unique(out, &run[bounds[a]..bounds[b]]);
        }
    }
}

/// Candidate ranking words of a query string: its whole words, and every
/// 2–8 character substring of its CJK runs (a lone CJK character too);
/// the caller keeps those that exist in the index's vocabulary. This is
/// jieba's "search mode" done against the index's own dictionary.
fn word_candidates(norm: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (cls, run) in class_runs(norm) {
        match cls {
            Class::Word => push_unique(&mut out, run),
            Class::Cjk => cjk_substrings(run, &mut out),
            _ => {}
        }
    }
    out
}

/// Whether any segment's term dictionary of `field` holds `word`.
fn in_vocabulary(searcher: &Searcher, field: Field, word: &str) -> Result<bool, Error> {
    let err = |e: &dyn std::fmt::Display| columns::index_error("term dictionary", e);
    for seg in searcher.segment_readers() {
        let ii = seg.inverted_index(field).map_err(|e| err(&e))?;
        if ii
            .terms()
            .get(word.as_bytes())
            .map_err(|e| err(&e))?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The recall fields a term is searched in, with their boosts.
fn recall_fields(f: &Fields, sel: FieldSel) -> Vec<(Field, f32)> {
    match sel {
        FieldSel::Any => vec![
            (f.title, f.boost_title),
            (f.body, f.boost_body),
            (f.related, f.boost_related),
        ],
        FieldSel::Title => vec![(f.title, f.boost_title)],
        FieldSel::Body => vec![(f.body, f.boost_body), (f.related, f.boost_related)],
        FieldSel::Source => vec![(f.source, 1.0)],
        FieldSel::Ioc(_) => vec![],
        FieldSel::Url => vec![(f.url, 1.0)],
        FieldSel::Link => vec![(f.link, 1.0)],
    }
}

/// The strings a term is looked for, each with the recall fields it is
/// looked for in. Always the term itself in its fields: the grep set.
/// With `exact`, a term with a backslash also in `refanged`, where words
/// written with Markdown escapes are indexed as written (grep's set).
/// Unless `exact`, refanged matching on top of it (a superset of grep):
/// the `refanged` field, where each defanged indicator of an article is
/// indexed refanged, so `evil.com` finds `evil[.]com`; and a defanged term
/// (`1.2.3[.]4`, `hxxp://…`) refanged, so it finds the plain spelling too.
fn recall_targets(f: &Fields, term: &QTerm, exact: bool) -> Vec<(String, Vec<(Field, f32)>)> {
    let mut fields = recall_fields(f, term.field);
    let body = matches!(term.field, FieldSel::Any | FieldSel::Body);
    if exact {
        // A word written with Markdown escapes (`notice\_only\_key`) is in
        // the body as rendered (`notice_only_key`) and in `refanged` as
        // written, which is what grep sees in the file.
        if body && term.text.contains('\\') {
            fields.push((f.refanged, f.boost_body));
        }
        return vec![(term.text.clone(), fields)];
    }
    let mut wide = fields.clone();
    // Indicators are ASCII: a term without an ASCII letter or digit (most
    // Chinese queries) cannot occur in `refanged`, so it skips that lookup.
    let ascii = term
        .text
        .bytes()
        .any(|b| b.is_ascii_alphanumeric() || b == b'\\');
    if ascii && body {
        wide.push((f.refanged, f.boost_body));
    }
    let mut out = vec![(term.text.clone(), wide.clone())];
    let plain = crate::ioc::extract::refang(&term.text);
    if plain != term.text.as_str() {
        out.push((plain.into_owned(), wide));
    }
    out
}

/// The jieba word fields a term is ranked by, with their boosts. Titles
/// only: a body ranks by BM25 over its recall units (`body`), which
/// measured the same as jieba words of the body (dev set S@1 0.760 with
/// them, 0.767 without; tests/quality unchanged) at a third of the
/// indexing CPU less.
fn word_fields(f: &Fields, sel: FieldSel) -> Vec<(Field, f32)> {
    match sel {
        FieldSel::Any | FieldSel::Title => vec![(f.title_words, f.boost_title_words)],
        FieldSel::Body | FieldSel::Source | FieldSel::Url | FieldSel::Link | FieldSel::Ioc(_) => {
            vec![]
        }
    }
}

/// How much a whole word of the query found in the body weighs (BM25
/// over the body's recall units). A Chinese string is a phrase of bigrams
/// and its recall clause already scores by phrase frequency; a Latin word
/// (`log4j`) is matched as a substring (a constant score), so its
/// frequency in the body counts through this clause. 0.25: the weight the
/// jieba words of the body had (best MRR on tests/quality, see docs/ranking.md).
const BODY_WORD_BOOST: f32 = 0.25;

/// Scoring-only clauses for one normalized term: each of its candidate
/// words that the index knows, in each word field, and its whole words in
/// the body.
fn ranking_clauses(
    searcher: &Searcher,
    f: &Fields,
    sel: FieldSel,
    norm: &str,
) -> Result<Clauses, Error> {
    let fields = word_fields(f, sel);
    let mut out: Clauses = Vec::new();
    if matches!(sel, FieldSel::Any | FieldSel::Body) {
        let mut words: Vec<String> = Vec::new();
        for u in analysis::query_units(norm) {
            if u.unit.kind == UnitKind::Word {
                push_unique(&mut words, &u.unit.text);
            }
        }
        for w in words {
            if in_vocabulary(searcher, f.body, &w)? {
                let tq = TermQuery::new(
                    Term::from_field_text(f.body, &w),
                    IndexRecordOption::WithFreqs,
                );
                out.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), BODY_WORD_BOOST)),
                ));
            }
        }
    }
    out.extend(word_not_seam(f, sel, norm)?);
    for w in word_candidates(norm) {
        for &(field, boost) in &fields {
            if !in_vocabulary(searcher, field, &w)? {
                continue;
            }
            let tq = TermQuery::new(
                Term::from_field_text(field, &w),
                IndexRecordOption::WithFreqs,
            );
            out.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(tq), boost)),
            ));
        }
    }
    Ok(out)
}

/// The jieba word fields (presence) a term restricted to `sel` is looked
/// up in: where a mention is told from a seam.
fn jieba_fields(f: &Fields, sel: FieldSel) -> Vec<Field> {
    match sel {
        FieldSel::Any => vec![f.body_words, f.title_words],
        FieldSel::Body => vec![f.body_words],
        FieldSel::Title => vec![f.title_words],
        _ => vec![],
    }
}

/// What a Chinese term found as a jieba word, or inside one, adds over the
/// same term found only across two words (`护网` in `护网|行动` against
/// `维护|网络`): about a rare title word's BM25, so that among articles that
/// match alike the mention ranks first, and the seam stays found.
const WORD_NOT_SEAM: f32 = 4.0;

/// Scoring-only clauses for each Chinese run of 2+ characters of a term:
/// a constant bonus for the documents whose body (`body_words`) or title
/// (`title_words`) has a jieba word that is the run or starts with it
/// (`护网`, `护网行动`), or in the body holds it further in (`攻防护网`: the
/// body's words are indexed with their suffixes too). A seam never makes
/// such a word, so it gets no bonus; recall is untouched.
fn word_not_seam(f: &Fields, sel: FieldSel, norm: &str) -> Result<Clauses, Error> {
    let fields = jieba_fields(f, sel);
    let mut out: Clauses = Vec::new();
    for (cls, run) in class_runs(norm) {
        if cls != Class::Cjk || run.chars().count() < 2 {
            continue;
        }
        for &field in &fields {
            // Words starting with the run: a walk of the term dictionary's
            // range [run, run+1), with no automaton (a `run.*` regex built
            // a DFA a segment: ~8% of a ranked search's CPU). `.*run.*`
            // (inside a word anywhere) would walk the whole dictionary:
            // 150–300 ms a Chinese query on wechat-10k; words are indexed
            // with their suffixes instead (`words_inside`).
            let mut q = PhrasePrefixQuery::new(vec![Term::from_field_text(field, run)]);
            q.set_max_expansions(u32::MAX);
            out.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(q), WORD_NOT_SEAM)),
            ));
        }
    }
    Ok(out)
}

/// An alias match weighs this much of an exact match's recall score, and
/// adds no ranking words: the name the user typed scores above its aliases.
const ALIAS_WEIGHT: f32 = 0.3;

/// Recall alternatives for the aliases of one term (whole words, see
/// `alias`) in `fields`, weighted below the term itself.
fn alias_alternatives(
    vocab: Option<&Words>,
    fields: &[(Field, f32)],
    aliases: &[String],
) -> Result<Clauses, Error> {
    let mut out: Clauses = Vec::new();
    for a in aliases {
        let units = super::alias::alias_units(a);
        if units.is_empty() {
            continue;
        }
        for &(field, boost) in fields {
            let q = recall_query(vocab, &units, field)?;
            out.push((
                Occur::Should,
                Box::new(BoostQuery::new(q, boost * ALIAS_WEIGHT)),
            ));
        }
    }
    Ok(out)
}

/// One query clause: its ranking clauses (positive clauses only), then the
/// group of its alternatives (with the aliases of each), which must (or,
/// negated, must not) match.
fn clause_queries(
    searcher: &Searcher,
    vocab: Option<&Words>,
    f: &Fields,
    clause: &Clause,
    aliases: impl Fn(usize) -> Vec<String>,
    (exact, ranks, whole): (bool, bool, bool),
) -> Result<Clauses, Error> {
    let mut out: Clauses = Vec::new();
    let mut alternatives: Clauses = Vec::new();
    for (i, term) in clause.any_of.iter().enumerate() {
        if let FieldSel::Ioc(typed) = term.field {
            let q = crate::ioc::filter::query(searcher, f.ioc, typed, &term.text)?;
            alternatives.push((Occur::Should, q));
            continue;
        }
        let fields = recall_fields(f, term.field);
        alternatives.extend(alias_alternatives(vocab, &fields, &aliases(i))?);
        let norm = analysis::normalize(&term.text);
        if analysis::query_units(&norm).is_empty() {
            continue;
        }
        for (text, fields) in recall_targets(f, term, exact) {
            let norm = analysis::normalize(&text);
            let runs = ident_runs(vocab, &norm);
            for (field, boost) in fields {
                // The vocabulary file leaves out `url` and `link` (see
                // `writer::finish`): their words come from the term
                // dictionary.
                let vocab = vocab.filter(|_| field != f.url && field != f.link);
                let q = string_query(vocab, runs.as_deref(), f, (&norm, whole), field)?;
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        if !clause.negated && ranks {
            out.extend(ranking_clauses(searcher, f, term.field, &norm)?);
        }
    }
    if !alternatives.is_empty() {
        let occur = if clause.negated {
            Occur::MustNot
        } else {
            Occur::Must
        };
        out.push((occur, Box::new(BooleanQuery::new(alternatives))));
    }
    Ok(out)
}

fn date_term(field: Field, d: jiff::civil::Date) -> Result<Term, Error> {
    Ok(Term::from_field_date(field, columns::day_value(d)?))
}

/// The `--since`/`--until` range, both days included; `None` without either.
fn date_range(
    field: Field,
    since: Option<jiff::civil::Date>,
    until: Option<jiff::civil::Date>,
) -> Result<Option<Box<dyn TQuery>>, Error> {
    if since.is_none() && until.is_none() {
        return Ok(None);
    }
    let lower = match since {
        Some(d) => Bound::Included(date_term(field, d)?),
        None => Bound::Unbounded,
    };
    let upper = match until.map(|d| d.tomorrow()) {
        Some(Ok(next)) => Bound::Excluded(date_term(field, next)?),
        // --until 9999-12-31: no day after it, nothing to exclude.
        Some(Err(_)) | None => Bound::Unbounded,
    };
    if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
        // tantivy's RangeQuery needs at least one bound.
        return Ok(None);
    }
    Ok(Some(Box::new(RangeQuery::new(lower, upper))))
}

/// The filters: they restrict the documents but add nothing to a score.
fn filters(searcher: &Searcher, f: &Fields, opts: &Options) -> Result<Clauses, Error> {
    let mut out: Clauses = Vec::new();
    let unscored =
        |q: Box<dyn TQuery>| -> Box<dyn TQuery> { Box::new(ConstScoreQuery::new(q, 0.0)) };
    if !opts.sources.is_empty() {
        let names = if opts.sources_exact {
            opts.sources.clone()
        } else {
            super::sources::resolve(searcher, f, &opts.sources)?
        };
        let terms = names
            .iter()
            .map(|s| Term::from_field_text(f.source_exact, s));
        out.push((Occur::Must, unscored(Box::new(TermSetQuery::new(terms)))));
    }
    if let Some(range) = date_range(f.date, opts.since, opts.until)? {
        out.push((Occur::Must, unscored(range)));
    }
    Ok(out)
}

/// Score added, per positive term, when the title holds every positive term
/// (scores grow with the number of terms, ~10–25 a term on wechat-10k): of two articles
/// that both match, the one whose title holds *all* the words a user
/// remembers is the one they mean (`安全 大比武` lost at rank 2 to a title
/// holding one of the words and a long body holding both).
const ALL_IN_TITLE_BONUS: f32 = 8.0;

/// A scoring-only clause that matches when the title holds every positive
/// term (any alternative of each `OR` group); `None` for a one-clause query,
/// where title matches are scored by the title boost already.
fn all_in_title(
    vocab: Option<&Words>,
    f: &Fields,
    opts: &Options,
    expansion: &super::alias::Expansion,
) -> Result<Option<Box<dyn TQuery>>, Error> {
    let Some(musts) = title_musts(vocab, f, opts, expansion, 2)? else {
        return Ok(None);
    };
    let bonus = ALL_IN_TITLE_BONUS * musts.len() as f32;
    Ok(Some(Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(musts)),
        bonus,
    ))))
}

/// One `Must` clause a positive term of the query: the term (or one of its
/// aliases, or of its `OR` alternatives) in the title. `None` below `min`
/// positive terms, or when a term cannot be looked for in the title.
fn title_musts(
    vocab: Option<&Words>,
    f: &Fields,
    opts: &Options,
    expansion: &super::Expansion,
    min: usize,
) -> Result<Option<Clauses>, Error> {
    let positive: Vec<(usize, &Clause)> = opts
        .query
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.negated)
        .collect();
    if positive.len() < min {
        return Ok(None);
    }
    let mut musts: Clauses = Vec::new();
    for (ci, clause) in positive {
        let mut alts: Clauses = Vec::new();
        for (ti, term) in clause.any_of.iter().enumerate() {
            if !matches!(term.field, FieldSel::Any | FieldSel::Title) {
                continue;
            }
            let norm = analysis::normalize(&term.text);
            if !analysis::query_units(&norm).is_empty() {
                let runs = ident_runs(vocab, &norm);
                let whole = opts.query.whole_words;
                let q = string_query(vocab, runs.as_deref(), f, (&norm, whole), f.title)?;
                alts.push((Occur::Should, q));
            }
            let aliases = expansion
                .of(ci, ti)
                .iter()
                .map(|a| super::alias::alias_units(a));
            for units in aliases {
                if !units.is_empty() {
                    alts.push((Occur::Should, recall_query(vocab, &units, f.title)?));
                }
            }
        }
        if alts.is_empty() {
            return Ok(None);
        }
        musts.push((Occur::Must, Box::new(BooleanQuery::new(alts))));
    }
    Ok(Some(musts))
}

/// The documents whose title holds every positive term (an alias of each
/// counts): the first tier of a relevance ranking, where a thin page the
/// user remembers by its title ranks above articles that match only in
/// their bodies, and below every article with substance that matches as
/// well (`rank`). `None` without positive terms.
pub(crate) fn title_holds_all(
    vocab: Option<&Vocabulary>,
    f: &Fields,
    opts: &Options,
    expansion: &super::Expansion,
) -> Result<Option<Box<dyn TQuery>>, Error> {
    let words = vocab.map(Words::new);
    title_musts(words.as_ref(), f, opts, expansion, 1)
        .map(|m| m.map(|musts| Box::new(BooleanQuery::new(musts)) as Box<dyn TQuery>))
}

/// The documents that mention every Chinese term of the query as a word or
/// inside one (`护网` in 护网|行动, 防护网), or through an alias (`HVV`):
/// not only as the seam of two words (`维护|网络`). A tier of the ranking
/// (`rank`): a seam, or a mention only in a related-article list (another
/// article's title), is found, as grep finds it, but ranks after every
/// article that mentions the term — a bonus alone let titles such as
/// `维护网络安全` (a seam in a title scores the title boosts) take 3 of the top
/// 10 for `护网`. Only clauses of one pure Chinese term of 2+ characters
/// take part; `None` when there is none.
pub(crate) fn mentions_all(
    vocab: Option<&Vocabulary>,
    f: &Fields,
    opts: &Options,
    expansion: &super::Expansion,
) -> Result<Option<Box<dyn TQuery>>, Error> {
    let words = vocab.map(Words::new);
    let mut musts: Clauses = Vec::new();
    for (ci, clause) in opts.query.clauses.iter().enumerate() {
        let [term] = clause.any_of.as_slice() else {
            continue;
        };
        let norm = analysis::normalize(&term.text);
        let runs = class_runs(&norm);
        let chinese = norm.chars().count() >= 2 && runs.iter().all(|(c, _)| *c == Class::Cjk);
        let field = matches!(term.field, FieldSel::Any | FieldSel::Body | FieldSel::Title);
        if clause.negated || !chinese || !field {
            continue;
        }
        let mut alts = word_not_seam(f, term.field, &norm)?;
        alts.extend(boundary_words(f, term.field, &norm));
        // An alias in a related-article list (another article's title) is
        // no mention of this article's own.
        let own: Vec<(Field, f32)> = recall_fields(f, term.field)
            .into_iter()
            .filter(|(field, _)| *field != f.related)
            .collect();
        alts.extend(alias_alternatives(
            words.as_ref(),
            &own,
            expansion.of(ci, 0),
        )?);
        musts.push((Occur::Must, Box::new(BooleanQuery::new(alts))));
    }
    Ok((!musts.is_empty()).then(|| Box::new(BooleanQuery::new(musts)) as Box<dyn TQuery>))
}

/// A Chinese term that jieba splits (`蓝牙耳机` is 蓝牙|耳机, `数据出境` is
/// 数据|出境) starts or ends on a word boundary where it occurs as written:
/// a document with a word that is the term's beginning or end (2+
/// characters) mentions it. A seam (`维护|网络` for 护网) has neither: its
/// words run past the term on both sides.
fn boundary_words(f: &Fields, sel: FieldSel, term: &str) -> Clauses {
    let fields = jieba_fields(f, sel);
    let starts: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
    let n = starts.len();
    let mut parts: Vec<&str> = Vec::new();
    for k in 2..n {
        parts.push(&term[..starts[k]]);
        parts.push(&term[starts[n - k]..]);
    }
    let mut out: Clauses = Vec::new();
    for field in fields {
        for part in &parts {
            let t = Term::from_field_text(field, part);
            out.push((
                Occur::Should,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
    }
    out
}

/// Builds the whole tantivy query: recall clauses (must / must not),
/// ranking clauses (should), and filters.
pub(crate) fn build_query(
    searcher: &Searcher,
    vocab: Option<&Vocabulary>,
    f: &Fields,
    opts: &Options,
    expansion: &super::alias::Expansion,
) -> Result<Box<dyn TQuery>, Error> {
    let words = vocab.map(Words::new);
    let vocab = words.as_ref();
    let mut clauses: Clauses = Vec::new();
    for (ci, clause) in opts.query.clauses.iter().enumerate() {
        let aliases = |ti: usize| expansion.of(ci, ti).to_vec();
        clauses.extend(clause_queries(
            searcher,
            vocab,
            f,
            clause,
            aliases,
            (opts.exact, opts.ranks(), opts.query.whole_words),
        )?);
    }
    // No words: the filters alone decide (`search --source X --since D`).
    if opts.query.clauses.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        return Err(Error::BadQuery(
            "nothing to search for after removing spaces".into(),
        ));
    }
    if opts.ranks() {
        if let Some(q) = all_in_title(vocab, f, opts, expansion)? {
            clauses.push((Occur::Should, q));
        }
        if let Some(q) = super::proximity::clause(f, opts) {
            clauses.push((Occur::Should, q));
        }
    }
    clauses.extend(filters(searcher, f, opts)?);
    Ok(Box::new(BooleanQuery::new(clauses)))
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

    #[test]
    fn candidates_stop_at_eight_characters_and_skip_punctuation() {
        let c = word_candidates("一二三四五六七八九, abc");
        assert!(c.contains(&"一二三四五六七八".to_string()));
        assert!(!c.contains(&"一二三四五六七八九".to_string()));
        assert!(c.contains(&"abc".to_string()));
        assert!(!c.iter().any(|w| w.contains(',') || w.contains(' ')));
    }
}
